"""The coach stage's refresh is incremental: it records one call and recomputes only its rep's and
deal's alerts; the role-play catalogue is read a page at a time (state asserted in the database)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from callcoach.services import coaching as coaching_service
from callcoach.settings import Settings
from callcoach.storage import dispose_engines, session_scope
from callcoach.storage.coaching_models import (
    CallMetricsRow,
    CoachingAlertRow,
    RoleplayClusterRow,
    RoleplayStatementRow,
)

from .histories import declining_discovery_rep, make_call
from .test_webhooks_delivery import _store

pytestmark = pytest.mark.slow  # the catalogue embeds buyer statements with MiniLM


@pytest.fixture
def settings(tmp_path: Path) -> Iterator[Settings]:
    yield Settings(data_dir=tmp_path / "data", database_url="", broker_url=None, webhook_urls=[])
    dispose_engines()


def _rename(calls: list, rep: str, prefix: str) -> list:
    return [
        dataclasses.replace(
            c,
            call_id=f"{prefix}-{i}",
            rep=rep,
            deal_id=f"{prefix}-deal-{i}",
            analysis={**c.analysis, "call_id": f"{prefix}-{i}", "rep": rep},
        )
        for i, c in enumerate(calls)
    ]


def test_service_incremental_refresh_touches_only_that_rep_and_deal(settings: Settings) -> None:
    dana = declining_discovery_rep()
    sam = _rename(declining_discovery_rep(), "Sam Lee", "sam")
    _store(settings, [*dana, *sam])

    report = coaching_service.refresh(settings, deliver=False, call_id=dana[-1].call_id)

    with session_scope(settings) as session:
        alerts = session.execute(select(CoachingAlertRow.subject_type, CoachingAlertRow.subject)).all()
        metrics = set(session.scalars(select(CallMetricsRow.call_id)))
        statement_calls = set(session.scalars(select(RoleplayStatementRow.call_id)))
    assert report.opened and {s for _, s in alerts} <= {"Dana Reyes", dana[-1].deal_id}
    assert ("rep", "Dana Reyes") in alerts  # the drift is found from the rep's stored history
    assert metrics == {dana[-1].call_id} and statement_calls == {dana[-1].call_id}

    # Sam's calls were never coached; a full refresh catches them up and finds his drift too.
    coaching_service.refresh(settings, deliver=False)
    with session_scope(settings) as session:
        subjects = set(
            session.scalars(select(CoachingAlertRow.subject).where(CoachingAlertRow.status == "open"))
        )
        assert int(session.scalar(select(func.count()).select_from(CallMetricsRow)) or 0) == len(dana) + len(
            sam
        )
    assert {"Dana Reyes", "Sam Lee"} <= subjects


def test_service_incremental_recoaching_a_call_replaces_its_statements(settings: Settings) -> None:
    calls = declining_discovery_rep()[:3]
    _store(settings, calls)
    for _ in range(2):
        coaching_service.refresh(settings, deliver=False, call_id=calls[0].call_id)
    with session_scope(settings) as session:
        n = int(session.scalar(select(func.count()).select_from(RoleplayStatementRow)) or 0)
        clusters = session.execute(select(RoleplayClusterRow.size, RoleplayClusterRow.n_calls)).all()
    assert n == 1 and [tuple(c) for c in clusters] == [(1, 1)]  # the one pain turn, once


OBJECTIONS = {
    "price": "Honestly your price is far above the budget we set for this.",
    "timing": "We cannot look at anything new until next quarter at the earliest.",
    "security": "Our security team needs your SOC 2 report before anything else.",
}


def _objection_call(i: int, category: str) -> object:
    c = make_call(i, deal=f"obj-{i}")
    a = c.analysis
    transcript = [dict(u) for u in a["transcript"]]
    transcript[3]["text"] = OBJECTIONS[category]
    signals = {
        **a["signals"],
        "objections": [
            {
                "category": category,
                "text": OBJECTIONS[category],
                "start": transcript[3]["start"],
                "speaker": transcript[3]["speaker"],
            }
        ],
    }
    return dataclasses.replace(c, analysis={**a, "transcript": transcript, "signals": signals})


def test_service_roleplay_catalogue_pages(settings: Settings) -> None:
    calls = [
        _objection_call(i, cat)
        for i, cat in enumerate(["price", "price", "price", "timing", "timing", "security"])
    ]
    _store(settings, calls)
    for c in calls:
        coaching_service.refresh(settings, deliver=False, call_id=c.call_id)

    everything, total = coaching_service.roleplay_page(settings, limit=50)
    first, total_first = coaching_service.roleplay_page(settings, limit=2)
    second, _ = coaching_service.roleplay_page(settings, limit=2, offset=2)

    assert total == total_first == len(everything) >= 4  # three objections and the shared pain
    assert [s["id"] for s in first] == ["scenario-1", "scenario-2"]
    assert [s["id"] for s in second] == ["scenario-3", "scenario-4"]
    assert [s["name"] for s in first + second] == [s["name"] for s in everything[:4]]
    price = next(s for s in everything if s["category"] == "price")
    assert len(price["context"]) == 3 and price["variants"] == [OBJECTIONS["price"]]
    # Within a scope: only the given calls' statements count and show.
    scoped, scoped_total = coaching_service.roleplay_page(settings, call_ids={calls[3].call_id}, limit=50)
    assert {s["category"] for s in scoped} <= {"timing", None} and scoped_total == len(scoped)
    assert all(ctx["call_id"] == calls[3].call_id for s in scoped for ctx in s["context"])


def test_service_plan_kept_until_a_call_of_the_rep_is_coached(settings: Settings) -> None:
    calls = declining_discovery_rep()
    _store(settings, calls[:-1])
    coaching_service.catch_up(settings)
    first = coaching_service.coach_plan(settings, "Dana Reyes")
    assert first["latest_call"]["call_id"] == calls[-2].call_id
    assert coaching_service.coach_plan(settings, "Dana Reyes")["prompts"] == first["prompts"]
    _store(settings, calls[-1:])
    coaching_service.refresh(settings, deliver=False, call_id=calls[-1].call_id)  # the coach stage
    again = coaching_service.coach_plan(settings, "Dana Reyes")
    assert again["latest_call"]["call_id"] == calls[-1].call_id and again["calls"] == len(calls)
