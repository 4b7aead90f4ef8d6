"""The checks a number must pass to be named by its shape alone: SSN structure, NANP validity."""

from __future__ import annotations

import pytest

from redact._identifiers import nanp_phone_valid, ssn_valid
from redact._numbers import digit_runs


@pytest.mark.parametrize(("digits", "valid"), [
    ("512438876", True), ("078051120", True),
    ("000438876", False), ("666438876", False), ("912438876", False),  # no such area
    ("512008876", False), ("512430000", False),  # group 00, serial 0000
    ("51243887", False),
])
def test_ssn_valid_follows_the_ssa_structure_rules(digits: str, valid: bool) -> None:
    assert ssn_valid(digits) is valid


@pytest.mark.parametrize(("digits", "valid"), [
    ("4155550132", True), ("14155550132", True), ("2125550187", True),
    ("1234567890", False),  # area code 123 is not assigned
    ("5551230132", False),  # 555 is no area code
    ("4150550132", False),  # exchanges never start with 0
    ("415555013", False), ("24155550132", False),
])
def test_nanp_phone_valid_needs_an_assigned_area_code_and_exchange(digits: str, valid: bool) -> None:
    assert nanp_phone_valid(digits) is valid


@pytest.mark.parametrize(("text", "digits"), [
    ("seven one eight, uh, and then five five five", ["718555"]),
    ("four one five o one three two", ["4150132"]),
    ("five five five dash oh one", ["55501"]),
    # Fillers join spoken numbers only: written digits stay apart, and a filler must lead to a number.
    ("call 415 uh 555", ["415", "555"]),
    ("five and a half hours, then six", ["5", "6"]),
])
def test_digit_runs_read_through_fillers_between_spoken_groups(text: str, digits: list[str]) -> None:
    assert [r.digits for r in digit_runs(text)] == digits
