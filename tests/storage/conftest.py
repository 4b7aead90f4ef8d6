"""Storage fixtures: the same tests run on SQLite and on a fresh PostgreSQL database."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from callcoach.analysis import Signals, build_analysis
from callcoach.domain import CallMeta, Participant, Transcript, Utterance, Word
from callcoach.settings import Settings
from callcoach.storage import dispose_engines


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)])
def db_settings(request: pytest.FixtureRequest, settings: Settings, tmp_path: Path) -> Iterator[Settings]:
    """Settings on a fresh database: a SQLite file, or a private PostgreSQL database."""
    if request.param == "sqlite":
        yield settings
    else:
        url = request.getfixturevalue("postgres_url")
        yield Settings(data_dir=tmp_path / "pgdata", database_url=url, broker_url=None)
    dispose_engines()


def make_call(call_id: str = "globex-disco-01", *, rep: str = "Nadia Brooks",
              deal_id: str | None = "globex-2026",
              started_at: datetime | None = datetime(2026, 5, 4, 15, 0, tzinfo=UTC),
              lines: tuple[tuple[str, str], ...] | None = None,
              participants: tuple[Participant, ...] | None = None) -> Transcript:
    """A small two-sided call: (speaker, text) lines, 4 s each, sides from the participants."""
    parts = participants if participants is not None else (
        Participant(rep, "rep", "Account Executive"), Participant("Omar Haddad", "buyer", "Head of IT"))
    lines = lines or ((rep, "What made you take this call today?"),
                      ("Omar Haddad", "Our ticket backlog doubled to 800 since March."),
                      (rep, "How does that backlog hit your team day to day?"),
                      ("Omar Haddad", "Engineers lose about six hours a week triaging."))
    meta = CallMeta(call_id=call_id, title=f"{call_id} title", started_at=started_at, deal_id=deal_id,
                    rep=rep, participants=parts)
    utterances = []
    for i, (speaker, text) in enumerate(lines):
        start = 4.0 * i
        words = tuple(Word(w, start + 0.3 * k, start + 0.3 * k + 0.25, 0.9)
                      for k, w in enumerate(text.split()))
        utterances.append(Utterance(speaker, start, start + 3.5, text, meta.side_of(speaker), words))
    return Transcript(meta=meta, utterances=tuple(utterances), duration_s=4.0 * len(lines) - 0.5)


def analysis_of(transcript: Transcript, **signals: object) -> dict[str, object]:
    sections = dict(signals) or {"talk_ratio": {"rep": 0.5, "evidence": []}}
    return build_analysis(transcript, Signals.from_contract(sections)).to_contract()
