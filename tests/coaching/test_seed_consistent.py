"""bench/seed.py writes a library the write path would have written: every call analysed, done,
scoped and coached; the catalogue's counters match its statements; open alerts match a recompute.
On SQLite (batched inserts) and PostgreSQL (COPY), calls read back as generated."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

import coaching
from callcoach.services import coaching as coaching_service
from callcoach.settings import Settings
from callcoach.storage import dispose_engines, get_call, init_db, session_scope
from callcoach.storage.access_models import CallAccessRow, TeamMemberRow
from callcoach.storage.coaching import uncoached_call_ids
from callcoach.storage.coaching_models import (
    CallMetricsRow,
    CoachingAlertRow,
    RoleplayClusterRow,
    RoleplayStatementRow,
)
from callcoach.storage.models import AnalysisRow, CallRow, JobRow
from coaching.calls import view_of_stored

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import seed  # noqa: E402


def _count(session, table) -> int:  # noqa: ANN001
    return int(session.scalar(select(func.count()).select_from(table)) or 0)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)])
def database_url(request: pytest.FixtureRequest) -> str:
    return "" if request.param == "sqlite" else str(request.getfixturevalue("postgres_url"))


def test_seed_writes_a_consistent_library(tmp_path: Path, database_url: str) -> None:
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url, broker_url=None,
                        webhook_urls=[])
    try:
        init_db(settings)
        calls, roster = seed.generate(120, calls_per_rep=20, reps_per_team=3, seed=3)
        seed.write(settings, calls, roster, embeddings="synthetic", seed=3)
        with session_scope(settings) as session:
            for table in (CallRow, AnalysisRow, JobRow, CallAccessRow, CallMetricsRow):
                assert _count(session, table) == 120, table
            assert _count(session, TeamMemberRow) == len(roster) == 6
            assert set(session.scalars(select(JobRow.status))) == {"done"}
            for call in (calls[0], calls[-1]):
                stored_call = get_call(session, call.call_id)
                assert stored_call is not None and stored_call.analysis == call.analysis
                assert stored_call.started_at == call.started_at
                assert stored_call.participants == call.participants
            assert uncoached_call_ids(session) == []
            for cluster in session.scalars(select(RoleplayClusterRow)):
                rows = session.execute(
                    select(RoleplayStatementRow.call_id).where(RoleplayStatementRow.cluster_id == cluster.id)
                ).all()
                assert cluster.size == len(rows) and cluster.n_calls == len({r[0] for r in rows})
            stored = {
                (a.subject_type, a.subject, a.kind)
                for a in session.scalars(select(CoachingAlertRow).where(CoachingAlertRow.status == "open"))
            }
        expected = {
            (a.subject_type, a.subject, a.kind)
            for a in coaching.alerts_for([view_of_stored(c) for c in calls], coaching.playbook_for(settings))
        }
        assert stored == expected and stored  # drifting reps and risky deals were generated
        page, total = coaching_service.roleplay_page(settings, limit=5)
        assert len(page) == 5 and total >= 5 and page[0]["context"]
    finally:
        dispose_engines()
