"""Repository functions for stored calls: save (insert or replace), read back, list, history.

Keyword-only functions over a caller's ``Session``; they never commit (the caller's
``session_scope`` does, so a whole ingest is one transaction) and they return domain types,
never rows. Database errors come out as ``StorageError``.

The transcript is stored once, as utterance rows: the analysis JSON keeps a marker in place of its
transcript[] (``callcoach.analysis.stored_form``) and every read puts it back (``full_form``), so
readers get the CONTRACT analysis as it was written. Analyses stored before keep their copy.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import Select, delete, func, insert, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, selectinload

from callcoach.analysis import (
    ANALYSIS_VERSION,
    TranscriptEntry,
    full_form,
    stored_form,
    transcript_entries,
    transcript_in_rows,
)
from callcoach.domain import CallMeta, Participant, StoredCall, Transcript, Utterance, Word
from callcoach.errors import StorageError
from callcoach.storage.engine import storage_error
from callcoach.storage.models import AnalysisRow, CallRow, ParticipantRow, UtteranceRow, utcnow

P = ParamSpec("P")
R = TypeVar("R")

# Cross-call signals look at recent history; older calls add cost, not insight.
HISTORY_LIMIT = 100


def translated(what: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Turn SQLAlchemy errors raised by a repository function into StorageError."""

    def deco(fn: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return fn(*args, **kwargs)
            except SQLAlchemyError as exc:
                raise storage_error(what, exc) from exc

        return wrapper

    return deco


def content_hash(transcript: Transcript) -> str:
    """sha256 over what is said and by whom: equal for a re-ingest of unchanged content."""
    body = [[u.speaker, u.side, round(u.start, 3), round(u.end, 3), u.text] for u in transcript.utterances]
    return hashlib.sha256(json.dumps(body, ensure_ascii=False).encode()).hexdigest()


def _participants(transcript: Transcript) -> list[Participant]:
    """Everyone the metadata names, plus every speaker it does not (with the side they were given)."""
    by_name: dict[str, Participant] = {p.name: p for p in transcript.meta.participants}
    for s in transcript.speakers:
        if s.name not in by_name:
            by_name[s.name] = Participant(s.name, s.side, transcript.meta.title_of(s.name))
    return list(by_name.values())


def _upsert_insert(dialect: str) -> Callable[..., Any] | None:
    """The dialect's INSERT with ON CONFLICT DO NOTHING, None for other databases. Imported on use:
    the PostgreSQL dialect is a fifth of a SQLite reader's start-up, and reads never need it."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert
    return None


def _lock_or_create_call(session: Session, call_id: str) -> CallRow:
    """The call's row, created if missing, locked until the transaction ends.

    INSERT .. ON CONFLICT DO NOTHING then SELECT .. FOR UPDATE: two processes ingesting the
    same call at once both succeed, one after the other, and neither duplicates it."""
    now = utcnow()
    values: dict[str, Any] = {"call_id": call_id, "duration_s": 0.0, "source": "transcript",
                              "content_hash": "", "created_at": now, "updated_at": now}
    upsert = _upsert_insert(session.get_bind().dialect.name)
    if upsert is not None:
        session.execute(upsert(CallRow).values(values).on_conflict_do_nothing(index_elements=["call_id"]))
    elif session.scalar(select(CallRow.id).where(CallRow.call_id == call_id)) is None:
        session.add(CallRow(**values))
        session.flush()
    row = session.scalars(select(CallRow).where(CallRow.call_id == call_id).with_for_update()
                          .execution_options(populate_existing=True)).one()
    return row


@translated("saving the call")
def save_call(session: Session, transcript: Transcript, analysis: dict[str, Any]) -> str:
    """Store a call: insert it, or REPLACE its participants, utterances and analysis when the
    call_id exists. Returns the call_id. Nothing is committed here (see ``session_scope``)."""
    meta = transcript.meta
    if not meta.call_id:
        raise StorageError("cannot store a call without a call_id")
    _check_storable(meta.call_id, analysis)  # refuse before the first write, not half-way through
    row = _lock_or_create_call(session, meta.call_id)
    # Children are deleted in bulk before the new ones go in: the (call, idx) and (call, name)
    # unique constraints would otherwise see old and new rows side by side.
    for child in (ParticipantRow, UtteranceRow, AnalysisRow):
        session.execute(delete(child).where(child.call_pk == row.id))
    session.expire(row, ["participants", "utterances", "analysis"])

    row.title = meta.title
    row.rep = meta.rep
    row.deal_id = meta.deal_id
    row.started_at = meta.started_at
    row.duration_s = float(transcript.duration_s)
    row.source = transcript.source
    row.content_hash = content_hash(transcript)
    row.extra = dict(meta.extra) or None
    row.rep_channel = meta.rep_channel
    row.updated_at = utcnow()
    # Bulk INSERTs (executemany) rather than one ORM object per row: an hour-long call has over a
    # thousand utterances, and the unit of work's per-object bookkeeping costs more than the writes.
    participants = [{"call_pk": row.id, "name": p.name, "side": p.side, "title": p.title}
                    for p in _participants(transcript)]
    utterances = [{"call_pk": row.id, "idx": i, "speaker": u.speaker, "side": u.side, "start_s": u.start,
                   "end_s": u.end, "text": u.text,
                   "words": [[w.text, w.start, w.end, w.probability] for w in u.words]}
                  for i, u in enumerate(transcript.utterances)]
    for table, rows in ((ParticipantRow, participants), (UtteranceRow, utterances)):
        if rows:
            session.execute(insert(table), rows)
    _insert_analysis(session, row.id, stored_form(analysis, transcript_entries(transcript)))
    session.flush()
    return meta.call_id


def _check_storable(call_id: str, analysis: dict[str, Any]) -> None:
    try:
        json.dumps(analysis, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise StorageError(f"call {call_id!r}: the analysis is not storable as JSON ({exc})") from exc


def _insert_analysis(session: Session, call_pk: int, analysis: dict[str, Any]) -> None:
    session.execute(insert(AnalysisRow).values(
        call_pk=call_pk, analysis=analysis, version=int(analysis.get("version", ANALYSIS_VERSION)),
        created_at=utcnow()))


@translated("saving the analysis")
def save_analysis(session: Session, call_id: str, analysis: dict[str, Any]) -> None:
    """Replace a stored call's analysis, leaving its transcript rows as they are (the analyze stage
    of a call whose transcript another stage stored)."""
    _check_storable(call_id, analysis)
    row = _lock_or_create_call(session, call_id)
    session.execute(delete(AnalysisRow).where(AnalysisRow.call_pk == row.id))
    session.expire(row, ["analysis"])
    _insert_analysis(session, row.id, stored_form(analysis, _transcripts(session, [row.id]).get(row.id, [])))
    row.updated_at = utcnow()
    session.flush()


def _transcripts(session: Session, call_pks: list[int]) -> dict[int, list[TranscriptEntry]]:
    """transcript[] entries of these calls from their utterance rows (columns only: no ORM objects
    for what may be thousands of rows)."""
    out: dict[int, list[TranscriptEntry]] = {pk: [] for pk in call_pks}
    if not call_pks:
        return out
    u = UtteranceRow
    stmt = (select(u.call_pk, u.speaker, u.side, u.start_s, u.end_s, u.text, u.words)
            .where(u.call_pk.in_(call_pks)).order_by(u.call_pk, u.idx))
    for pk, speaker, side, start, end, text, words in session.execute(stmt):
        # Rounded as the analysis rounds them (callcoach.analysis.transcript_entries).
        timed = tuple((w[0], round(w[1], 2), round(w[2], 2)) for w in words or ())
        out[pk].append(TranscriptEntry(speaker=speaker, side=side, start=round(start, 2), end=round(end, 2),
                                       text=text, words=timed))
    return out


def _stored_calls(session: Session, rows: list[CallRow]) -> list[StoredCall]:
    pending = [r.id for r in rows if r.analysis is not None and transcript_in_rows(r.analysis.analysis)]
    transcripts = _transcripts(session, pending)
    return [_to_stored(r, transcripts.get(r.id, ())) for r in rows]


def _to_stored(row: CallRow, transcript: Iterable[TranscriptEntry] = ()) -> StoredCall:
    return StoredCall(
        call_id=row.call_id, rep=row.rep, deal_id=row.deal_id, started_at=row.started_at,
        analysis=full_form(row.analysis.analysis, transcript) if row.analysis is not None else {},
        participants=tuple(Participant(p.name, p.side, p.title) for p in row.participants),  # type: ignore[arg-type]
    )


def _with_summary(stmt: Select[Any]) -> Select[Any]:
    return stmt.options(selectinload(CallRow.participants), selectinload(CallRow.analysis))


@translated("reading the call")
def get_call(session: Session, call_id: str) -> StoredCall | None:
    """The stored call with its analysis, or None."""
    row = session.scalars(_with_summary(select(CallRow).where(CallRow.call_id == call_id))).one_or_none()
    return _stored_calls(session, [row])[0] if row is not None else None


@translated("reading the transcript")
def get_transcript(session: Session, call_id: str) -> Transcript | None:
    """The stored call's transcript (utterances with word timings), or None."""
    row = session.scalars(select(CallRow).where(CallRow.call_id == call_id).options(
        selectinload(CallRow.participants), selectinload(CallRow.utterances))).one_or_none()
    if row is None:
        return None
    participants = tuple(Participant(p.name, p.side, p.title) for p in row.participants)  # type: ignore[arg-type]
    meta = CallMeta(call_id=row.call_id, title=row.title, started_at=row.started_at, deal_id=row.deal_id,
                    rep=row.rep, participants=participants, extra=dict(row.extra or {}),
                    rep_channel=row.rep_channel or "left")  # type: ignore[arg-type]
    utterances = tuple(
        Utterance(speaker=u.speaker, start=u.start_s, end=u.end_s, text=u.text, side=u.side,  # type: ignore[arg-type]
                  words=tuple(Word(str(w[0]), float(w[1]), float(w[2]), float(w[3])) for w in u.words))
        for u in row.utterances)
    return Transcript(meta=meta, utterances=utterances, duration_s=row.duration_s, source=row.source)


def _filtered(stmt: Select[Any], *, rep: str | None, deal_id: str | None, since: datetime | None,
              until: datetime | None, search: str | None = None) -> Select[Any]:
    if search:
        # Case-insensitive substring of the call id, title, rep or deal (LIKE wildcards taken literally).
        pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(or_(*(col.ilike(pattern, escape="\\") for col in
                                (CallRow.call_id, CallRow.title, CallRow.rep, CallRow.deal_id))))
    if rep is not None:
        stmt = stmt.where(CallRow.rep == rep)
    if deal_id is not None:
        stmt = stmt.where(CallRow.deal_id == deal_id)
    if since is not None:
        stmt = stmt.where(CallRow.started_at >= since)
    if until is not None:
        stmt = stmt.where(CallRow.started_at < until)
    return stmt


@translated("listing calls")
def list_calls(session: Session, *, rep: str | None = None, deal_id: str | None = None,
               since: datetime | None = None, until: datetime | None = None, limit: int = 50,
               offset: int = 0, search: str | None = None, newest_first: bool = False) -> list[StoredCall]:
    """Stored calls matching every given filter, oldest first (or newest first) by call date;
    calls with no start time last either way."""
    stmt = _filtered(select(CallRow), rep=rep, deal_id=deal_id, since=since, until=until, search=search)
    order = (CallRow.started_at.desc().nulls_last(), CallRow.id.desc()) if newest_first else (
        CallRow.started_at.asc().nulls_last(), CallRow.id)
    stmt = stmt.order_by(*order).limit(limit).offset(offset)
    return _stored_calls(session, list(session.scalars(_with_summary(stmt))))


@translated("counting calls")
def count_calls(session: Session, *, rep: str | None = None, deal_id: str | None = None,
                since: datetime | None = None, until: datetime | None = None,
                search: str | None = None) -> int:
    """How many calls ``list_calls`` would page through with the same filters."""
    stmt = _filtered(select(func.count(CallRow.id)), rep=rep, deal_id=deal_id, since=since, until=until,
                     search=search)
    return int(session.scalar(stmt) or 0)


@translated("reading call history")
def history_for(session: Session, meta: CallMeta, *, before: datetime | None = None,
                limit: int = HISTORY_LIMIT) -> list[StoredCall]:
    """The same rep's and the same deal's earlier calls, oldest first, without the call itself.

    "Earlier" means started before ``before`` (default: the call's own ``started_at``); when
    neither is known every other call of that rep or deal counts. At most ``limit`` of the most
    recent are returned."""
    owners = []
    if meta.rep:
        owners.append(CallRow.rep == meta.rep)
    if meta.deal_id:
        owners.append(CallRow.deal_id == meta.deal_id)
    if not owners:
        return []
    stmt = select(CallRow).where(or_(*owners))
    if meta.call_id:
        stmt = stmt.where(CallRow.call_id != meta.call_id)
    cutoff = before if before is not None else meta.started_at
    if cutoff is not None:
        stmt = stmt.where(CallRow.started_at < cutoff)
    stmt = stmt.order_by(CallRow.started_at.desc().nulls_last(), CallRow.id.desc()).limit(limit)
    rows = list(session.scalars(_with_summary(stmt)))
    return _stored_calls(session, rows[::-1])


@translated("deleting the call")
def delete_call(session: Session, call_id: str) -> bool:
    """Delete a call and everything stored with it; False when there was no such call."""
    row = session.scalars(select(CallRow).where(CallRow.call_id == call_id)).one_or_none()
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True
