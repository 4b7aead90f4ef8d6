"""The one place the CONTRACT analysis JSON is written and read: `ContractModel`.

A model is a frozen dataclass whose fields, in order, are the JSON keys of its object (a field's
`metadata["key"]` renames it). `to_contract()` writes plain JSON values (tuples become lists, nested
models objects); `from_contract()` reads them back by the field types. Reading is tolerant: a key
an older (or hand-made, partial) analysis lacks takes the field's default, an empty tuple, dict or
section, or None for a number, string or flag, which readers take as "not measured" rather than
as a zero. Values are not coerced (an int stays an int), so what was written reads back and
writes out byte for byte.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from typing import Any, Self, Union

# Field metadata: write the field under this JSON key instead of its name.
KEY = "key"
# Field metadata: leave the key out when the value is None ("none") or also when it is empty
# ("empty"): CONTRACT keys that appear only when there is something to say, like a speaker's
# `attribution` or an utterance's `words`, and signal sections an analysis was made without.
OMIT = "omit"


class ContractModel:
    """Base of every analysis model: one CONTRACT writer and one reader for all of them."""

    __slots__ = ()

    def to_contract(self) -> dict[str, Any]:
        """This object as CONTRACT JSON (plain dicts, lists, strings, numbers, bools, None)."""
        out: dict[str, Any] = {}
        for f, key in _fields(type(self)):
            value = getattr(self, f.name)
            omit = f.metadata.get(OMIT)
            if (omit and value is None) or (omit == "empty" and value in ((), {})):
                continue
            out[key] = _encode(value)
        return out

    @classmethod
    def from_contract(cls, data: Any) -> Self:
        """Read CONTRACT JSON written by `to_contract` (or by an older version missing optional keys)."""
        if isinstance(data, cls):
            return data
        if not isinstance(data, Mapping):
            data = {}
        hints = _hints(cls)
        kwargs: dict[str, Any] = {}
        for f, key in _fields(cls):
            if key in data:
                kwargs[f.name] = _decode(hints[f.name], data[key])
            elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                kwargs[f.name] = _empty(hints[f.name])
        return cls(**kwargs)


# Per model class, read once: its fields with their JSON keys, and its resolved field types.
_FIELDS: dict[type, tuple[tuple[dataclasses.Field[Any], str], ...]] = {}
_HINTS: dict[type, dict[str, Any]] = {}


def _fields(cls: type) -> tuple[tuple[dataclasses.Field[Any], str], ...]:
    if cls not in _FIELDS:
        _FIELDS[cls] = tuple((f, f.metadata.get(KEY, f.name)) for f in dataclasses.fields(cls))
    return _FIELDS[cls]


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _encode(value: Any) -> Any:
    if isinstance(value, ContractModel):
        return value.to_contract()
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    return value


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, ContractModel)


def _optional_inner(tp: Any) -> Any | None:
    """X for `X | None`, else None."""
    if typing.get_origin(tp) in (Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(tp)) == 2:
            return args[0]
    return None


def _decode(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    inner = _optional_inner(tp)
    if inner is not None:
        return _decode(inner, value)
    if _is_model(tp):
        return tp.from_contract(value)
    origin = typing.get_origin(tp)
    if origin is tuple:
        if not isinstance(value, list | tuple):
            return ()
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            # A list of objects keeps only the objects (a null or a stray string is no quote).
            items = [v for v in value if isinstance(v, Mapping)] if _is_model(args[0]) else value
            return tuple(_decode(args[0], v) for v in items)
        return tuple(_decode(a, v) for a, v in zip(args, value, strict=False))
    if origin is dict and isinstance(value, Mapping):
        _, vt = typing.get_args(tp)
        return {k: _decode(vt, v) for k, v in value.items()}
    return value


def _empty(tp: Any) -> Any:
    """The value of a required field an older analysis does not have."""
    if _optional_inner(tp) is not None:
        return None
    if _is_model(tp):
        return tp.from_contract({})
    origin = typing.get_origin(tp)
    if origin is tuple:
        return ()
    if origin is dict:
        return {}
    return None
