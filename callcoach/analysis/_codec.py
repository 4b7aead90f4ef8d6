"""The one place the CONTRACT analysis JSON is written and read: `ContractModel`.

A model is a frozen dataclass whose fields, in order, are the JSON keys of its object (a field's
`metadata["key"]` renames it). `to_contract()` writes plain JSON values (tuples become lists, nested
models objects); `from_contract()` reads them back by the field types. Reading is tolerant: a key
an older (or hand-made, partial) analysis lacks takes the field's default, an empty tuple, dict or
section, or None for a number, string or flag, which readers take as "not measured" rather than
as a zero; a list of objects keeps only its objects. Values are not coerced (an int stays an int),
so what was written reads back and writes out byte for byte.

Each model class's reader and writer are built once from its field types (an hour-long call's
analysis holds some 15,000 word timings, and stored histories are read a hundred calls at a time).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, Self, Union

# Field metadata: write the field under this JSON key instead of its name.
KEY = "key"
# Field metadata: leave the key out when the value is None ("none") or also when it is empty
# ("empty"): CONTRACT keys that appear only when there is something to say, like a speaker's
# `attribution` or an utterance's `words`, and signal sections an analysis was made without.
OMIT = "omit"

Convert = Callable[[Any], Any]


class ContractModel:
    """Base of every analysis model: one CONTRACT writer and one reader for all of them."""

    __slots__ = ()

    def to_contract(self) -> dict[str, Any]:
        """This object as CONTRACT JSON (plain dicts, lists, strings, numbers, bools, None)."""
        return _writer(type(self))(self)  # type: ignore[no-any-return]

    @classmethod
    def from_contract(cls, data: Any) -> Self:
        """Read CONTRACT JSON written by `to_contract` (or by an older version missing optional keys)."""
        return _reader(cls)(data)  # type: ignore[no-any-return]


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, ContractModel)


def _optional_inner(tp: Any) -> Any | None:
    """X for `X | None`, else None."""
    if typing.get_origin(tp) in (Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(tp)) == 2:
            return args[0]
    return None


# --- reading -----------------------------------------------------------------------------------

_READERS: dict[Any, Convert] = {}


def _reader(tp: Any) -> Convert:
    """A function JSON value -> value of type `tp` (None stays None), built once per type."""
    if tp not in _READERS:
        _READERS[tp] = _build_reader(tp)
    return _READERS[tp]


def _build_reader(tp: Any) -> Convert:
    inner = _optional_inner(tp)
    if inner is not None:
        return _reader(inner)
    if _is_model(tp):
        return _model_reader(tp)
    origin = typing.get_origin(tp)
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            item = _reader(args[0])
            if _is_model(args[0]):
                # A list of objects keeps only the objects (a null or a stray string is no quote).
                return lambda v: None if v is None else tuple(
                    item(x) for x in v if isinstance(x, Mapping)) if isinstance(v, list | tuple) else ()
            return lambda v: None if v is None else tuple(
                item(x) for x in v) if isinstance(v, list | tuple) else ()
        return lambda v: None if v is None else tuple(v) if isinstance(v, list | tuple) else ()
    if origin is dict:
        value_reader = _reader(typing.get_args(tp)[1])
        return lambda v: {k: value_reader(x) for k, x in v.items()} if isinstance(v, Mapping) else v
    return _same


def _same(v: Any) -> Any:
    return v


def _empty(tp: Any) -> Any:
    """The value of a required field an older analysis does not have."""
    if _optional_inner(tp) is not None:
        return None
    if _is_model(tp):
        return _reader(tp)({})
    origin = typing.get_origin(tp)
    if origin is tuple:
        return ()
    if origin is dict:
        return {}
    return None


def _model_reader(cls: type) -> Convert:
    hints = typing.get_type_hints(cls)
    # (attribute, JSON key, reader, how to fill a missing required field or None when it has a default)
    plan = []
    for f in dataclasses.fields(cls):
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        tp = hints[f.name]
        plan.append((f.name, f.metadata.get(KEY, f.name), _reader_or_none(tp),
                     (lambda tp=tp: _empty(tp)) if required else None))

    def read(data: Any) -> Any:
        if isinstance(data, cls):
            return data
        if not isinstance(data, Mapping):
            data = {}
        kwargs: dict[str, Any] = {}
        for name, key, read_value, missing in plan:
            if key in data:
                value = data[key]
                kwargs[name] = value if read_value is None or value is None else read_value(value)
            elif missing is not None:
                kwargs[name] = missing()
        return cls(**kwargs)

    return read


def _reader_or_none(tp: Any) -> Convert | None:
    """The reader of `tp`, or None where the JSON value is the value (numbers, strings, Any)."""
    reader = _reader(tp)
    return None if reader is _same else reader


# --- writing -----------------------------------------------------------------------------------

_WRITERS: dict[type, Convert] = {}


def _writer(cls: type) -> Convert:
    if cls not in _WRITERS:
        _WRITERS[cls] = _model_writer(cls)
    return _WRITERS[cls]


def _model_writer(cls: type) -> Convert:
    hints = typing.get_type_hints(cls)
    plan = [(f.name, f.metadata.get(KEY, f.name), f.metadata.get(OMIT), _value_writer(hints[f.name]))
            for f in dataclasses.fields(cls)]

    def write(obj: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, key, omit, write_value in plan:
            value = getattr(obj, name)
            if omit and (value is None or (omit == "empty" and value in ((), {}))):
                continue
            out[key] = value if write_value is None or value is None else write_value(value)
        return out

    return write


def _value_writer(tp: Any) -> Convert | None:
    """How to write a value of type `tp`; None where it is written as it is (numbers, strings)."""
    inner = _optional_inner(tp)
    if inner is not None:
        return _value_writer(inner)
    if _is_model(tp):
        return _encode
    origin = typing.get_origin(tp)
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            item = _value_writer(args[0])
            return (lambda v: list(v)) if item is None else (lambda v: [item(x) for x in v])
        if all(_value_writer(a) is None for a in args):
            return lambda v: list(v)
    if tp in (int, float, str, bool):
        return None
    return _encode  # dicts and Any: copied, so the JSON shares nothing with the model


def _encode(value: Any) -> Any:
    if isinstance(value, ContractModel):
        return value.to_contract()
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    return value
