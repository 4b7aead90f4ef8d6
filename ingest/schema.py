"""Pydantic models of the file formats we read (CONTRACT sections 1 and 2), and their mapping
to domain types. Validation happens here, before any work."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from callcoach.domain import CallMeta, Participant, Transcript, Utterance
from callcoach.errors import EmptyInput, MalformedTranscript

# Names and ids are labels, not documents: 200 characters holds any real one, and a longer value
# is a client bug (the database columns are this wide; beyond it a save fails much later).
NAME_MAX_CHARS = 200
# Call ids become directory names and URL path segments: a safe alphabet, no leading '.'.
CALL_ID_PATTERN = r"^[A-Za-z0-9_:-][A-Za-z0-9._:-]*$"
# NUL cannot be stored in a PostgreSQL text column; other C0 controls (tab aside) in a name are
# garbage, and a newline in a name would forge lines in logs and reports.
_NAME_CONTROL_CHARS = frozenset(chr(c) for c in range(32)) - {"\t"}


def _no_nul(value: str | None, *, name: bool = True) -> str | None:
    """Refuse NUL everywhere, and control characters in names (they are printed on one line)."""
    if value is None:
        return None
    if "\x00" in value:
        raise ValueError("must not contain a NUL character")
    if name and any(ch in _NAME_CONTROL_CHARS for ch in value):
        raise ValueError("must not contain control characters")
    return value


def _call_id(value: str) -> str:
    if not value or len(value) > NAME_MAX_CHARS or not re.fullmatch(CALL_ID_PATTERN, value):
        raise ValueError(
            f"must be 1-{NAME_MAX_CHARS} characters of letters, digits, '-', '_', '.', ':' "
            "and not start with '.'"
        )
    return value


Name = Annotated[str, Field(min_length=1, max_length=NAME_MAX_CHARS), AfterValidator(_no_nul)]


class ParticipantIn(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    name: Name
    side: Literal["rep", "buyer", "unknown"] = "unknown"
    title: Name | None = None


class MetaIn(BaseModel):
    """CONTRACT section 1 without utterances: what `--meta META.json` and the API's `meta` carry."""

    model_config = ConfigDict(extra="allow", str_strip_whitespace=True)

    call_id: Annotated[str, Field(min_length=1), AfterValidator(_call_id)] | None = None
    title: Annotated[str, Field(max_length=1000), AfterValidator(_no_nul)] | None = None
    started_at: datetime | None = None
    deal_id: Name | None = None
    rep: Name | None = None
    participants: list[ParticipantIn] = Field(default_factory=list)
    rep_channel: Literal["left", "right"] = "left"

    @field_validator("rep_channel", mode="before")
    @classmethod
    def _channel_name(cls, v: object) -> object:
        return v.strip().lower() if isinstance(v, str) else v

    @field_validator("participants")
    @classmethod
    def _unique_names(cls, v: list[ParticipantIn]) -> list[ParticipantIn]:
        names = [p.name for p in v]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"participant listed twice: {', '.join(dupes)}")
        return v

    @model_validator(mode="after")
    def _no_nul_in_extras(self) -> MetaIn:
        # Extra fields are kept with the call (JSON in the database, where NUL cannot be stored).
        def walk(value: object, where: str) -> None:
            if isinstance(value, str) and "\x00" in value:
                raise ValueError(f"{where} must not contain a NUL character")
            if isinstance(value, dict):
                for k, v in value.items():
                    walk(str(k), where)
                    walk(v, f"{where}.{k}")
            elif isinstance(value, list):
                for i, v in enumerate(value):
                    walk(v, f"{where}[{i}]")

        for key, value in (self.model_extra or {}).items():
            walk(key, "a field name")
            walk(value, key)
        return self

    @model_validator(mode="after")
    def _team_is_a_name(self) -> MetaIn:
        # `team` is not a CONTRACT field (the API's meta carries it): checked, and kept as an extra.
        team = (self.model_extra or {}).get("team")
        if team is None:
            return self
        if not isinstance(team, str):
            raise ValueError("team must be a string")
        if len(team) > NAME_MAX_CHARS:
            raise ValueError(f"team must be at most {NAME_MAX_CHARS} characters (got {len(team)})")
        _no_nul(team)
        return self

    @model_validator(mode="after")
    def _rep_is_on_rep_side(self) -> MetaIn:
        for p in self.participants:
            if self.rep and p.name == self.rep and p.side == "buyer":
                raise ValueError(f"rep {self.rep!r} is listed as a buyer in participants")
        return self

    def to_meta(self) -> CallMeta:
        known = set(type(self).model_fields) | {"utterances", "labels"}
        extra = {k: v for k, v in (self.model_extra or {}).items() if k not in known}
        return CallMeta(
            call_id=self.call_id, title=self.title, started_at=self.started_at, deal_id=self.deal_id,
            rep=self.rep, rep_channel=self.rep_channel, extra=extra,
            participants=tuple(Participant(p.name, p.side, p.title) for p in self.participants),
        )


class UtteranceIn(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    speaker: Name
    # Python's json module reads NaN and Infinity; a time must be a finite number of seconds.
    start: float = Field(ge=0, allow_inf_nan=False)
    end: float = Field(ge=0, allow_inf_nan=False)
    text: Annotated[str, AfterValidator(lambda v: _no_nul(v, name=False))]

    @model_validator(mode="after")
    def _ordered(self) -> UtteranceIn:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class TranscriptFile(MetaIn):
    utterances: list[UtteranceIn]


def first_error(exc: ValidationError) -> str:
    """One readable line from a pydantic error: the field (as a JSON path), what is wrong, what was there."""
    err = exc.errors()[0]
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err["loc"]).lstrip(".")
    msg = err["msg"].removeprefix("Value error, ")
    got = err.get("input")
    if not where:  # the document itself: not an object, or a rule across fields
        return msg if isinstance(got, dict) else f"expected a JSON object, got {_json_kind(got)}"
    if err["type"] != "missing" and (got is None or isinstance(got, str | int | float | bool)):
        shown = repr(got) if not isinstance(got, str) or len(got) <= _SHOWN_INPUT_CHARS \
            else repr(got[:_SHOWN_INPUT_CHARS] + "...")
        msg = f"{msg} (got {shown})"
    extra = f"; and {exc.error_count() - 1} more problem(s)" if exc.error_count() > 1 else ""
    return f"{where}: {msg}{extra}"


# Enough of a wrong value to recognise it in the file, short enough for one line on a terminal.
_SHOWN_INPUT_CHARS = 40


def _json_kind(value: object) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool | int | float):
        return "a number" if not isinstance(value, bool) else "true/false"
    return "null" if value is None else type(value).__name__


def merge_meta(base: CallMeta, override: CallMeta | None) -> CallMeta:
    """Metadata from --meta wins over what the transcript file says, field by field."""
    if override is None:
        return base
    merged: dict[str, Any] = {}
    for f in ("call_id", "title", "started_at", "deal_id", "rep"):
        merged[f] = getattr(override, f) if getattr(override, f) is not None else getattr(base, f)
    by_name = {p.name: p for p in base.participants}
    for p in override.participants:
        known = by_name.get(p.name)
        # A participant named again without a side or title keeps what the transcript file said.
        by_name[p.name] = p if known is None else Participant(
            p.name, p.side if p.side != "unknown" else known.side, p.title or known.title)
    return CallMeta(participants=tuple(by_name.values()), rep_channel=override.rep_channel,
                    extra={**base.extra, **override.extra}, **merged)


def with_sides(path: Path, meta: CallMeta, utterances: Sequence[Utterance]) -> Transcript:
    """A transcript in time order, each utterance given the side the metadata knows (else unknown).

    Raises EmptyInput when nothing was said."""
    spoken = [u for u in utterances if u.text.strip()]
    if not spoken:
        raise EmptyInput("transcript has no utterances with text", path=path)
    for u in spoken:
        if u.end < u.start:
            raise MalformedTranscript(f"utterance at {u.start:.2f}s ends before it starts", path=path)
    spoken.sort(key=lambda u: (u.start, u.end))
    sided = tuple(
        Utterance(u.speaker, u.start, u.end, u.text, meta.side_of(u.speaker), u.words) for u in spoken
    )
    call_id = meta.call_id or path.stem
    if call_id != meta.call_id:
        meta = CallMeta(call_id=call_id, title=meta.title, started_at=meta.started_at, deal_id=meta.deal_id,
                        rep=meta.rep, participants=meta.participants, rep_channel=meta.rep_channel,
                        extra=meta.extra)
    return Transcript(meta=meta, utterances=sided, duration_s=max(u.end for u in sided), source="transcript")
