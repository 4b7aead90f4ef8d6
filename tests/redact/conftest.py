"""The CLI fixture of tests/cli, for the end-to-end redaction test."""

from tests.cli.conftest import run_cli  # noqa: F401 - a pytest fixture, used by name
