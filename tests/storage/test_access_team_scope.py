"""A team's calls and its deals (``storage.access.call_ids_of``, ``team_pure_deals``), read per team
through the indexes: the same answers as the rule over every call (``call_teams``), for calls with a
recorded owner and calls stored by another door (whose rep's roster team stands in)."""

from __future__ import annotations

from collections import defaultdict

import pytest
from sqlalchemy import select

from callcoach.settings import Settings
from callcoach.storage import access as repo
from callcoach.storage import init_db, save_call, session_scope
from callcoach.storage.access import CallOwner
from callcoach.storage.models import CallRow
from tests.storage.conftest import analysis_of, make_call

# (call id, rep, deal, recorded team or None for a call stored without an owner record)
SUBMITTED = [
    ("e1", "Ann", "d-east", "east"),
    ("e2", "Bo", "d-east", "east"),
    ("e3", "Ann", "d-mixed", "east"),
    ("w1", "Wes", "d-mixed", "west"),
    ("w2", "Wes", "d-west", "west"),
    ("n1", "Nil", "d-loose", None),  # submitted with no team
    ("e4", "Ann", "d-half", "east"),
    ("e5", "Ann", None, "east"),
]
# Stored by another door: only a rep, whose roster team stands in.
STORED = [
    ("s1", "Bo", "d-east"),  # east through the roster: d-east stays east's alone
    ("s2", "Wes", "d-half"),  # west through the roster: d-half is mixed
    ("s3", "Cy", "d-cy"),  # Cy is on no team
    ("s4", "Bo", "d-stored"),
]
ROSTER = {"Ann": "east", "Bo": "east", "Wes": "west"}


@pytest.fixture
def library(db_settings: Settings) -> Settings:
    init_db(db_settings)
    with session_scope(db_settings) as session:
        for rep, team in ROSTER.items():
            repo.set_team(session, rep=rep, team=team)
        for call_id, rep, deal, team in SUBMITTED:
            call = make_call(call_id, rep=rep, deal_id=deal)
            save_call(session, call, analysis_of(call))
            repo.save_call_owner(session, CallOwner(call_id, rep, team, deal, None))
        for call_id, rep, deal in STORED:
            call = make_call(call_id, rep=rep, deal_id=deal)
            save_call(session, call, analysis_of(call))
    return db_settings


def _by_rule(settings: Settings) -> tuple[dict[str | None, set[str]], dict[str, set[str | None]]]:
    """Each team's call ids and each deal's teams, by a pass over every call."""
    calls: dict[str | None, set[str]] = defaultdict(set)
    deals: dict[str, set[str | None]] = defaultdict(set)
    with session_scope(settings) as session:
        for c in repo.call_teams(session):
            calls[c.team].add(c.call_id)
            if c.deal_id is not None:
                deals[c.deal_id].add(c.team)
    return calls, deals


def test_team_scope_reads_what_the_rule_over_every_call_gives(library: Settings) -> None:
    calls, deals = _by_rule(library)
    with session_scope(library) as session:
        for team in ("east", "west", None):
            pure = {d for d, teams in deals.items() if teams == {team}}
            assert set(repo.team_pure_deals(session, team)) == pure, team
        for team in ("east", "west"):
            assert set(repo.call_ids_of(session, team=team)) == calls[team], team


def test_team_scope_pure_deals_by_team_and_rep(library: Settings) -> None:
    with session_scope(library) as session:
        # d-mixed (a west call), d-half (a stored call of a west rep) are nobody's alone.
        assert sorted(repo.team_pure_deals(session, "east")) == ["d-east", "d-stored"]
        assert sorted(repo.team_pure_deals(session, "west")) == ["d-west"]
        assert sorted(repo.team_pure_deals(session, None)) == ["d-cy", "d-loose"]
        assert sorted(repo.team_pure_deals(session, "east", rep="Ann")) == ["d-east"]
        assert sorted(repo.team_pure_deals(session, "east", rep="Bo")) == ["d-east", "d-stored"]
        assert repo.team_pure_deals(session, "nobody") == []


@pytest.mark.parametrize(
    ("team", "rep"),
    [("east", None), ("west", None), (None, None), ("east", "Ann"), ("east", "Bo"), (None, "Cy")],
)
def test_team_scope_deal_rule_probed_per_row_lists_the_same_deals(
    library: Settings, team: str | None, rep: str | None
) -> None:
    """TeamDeals.condition, applied per row by a query (the alert inbox), picks team_pure_deals'."""
    every_deal = select(CallRow.deal_id).where(CallRow.deal_id.is_not(None)).distinct().subquery()
    with session_scope(library) as session:
        probed = session.scalars(
            select(every_deal.c.deal_id).where(repo.TeamDeals(team, rep=rep).condition(every_deal.c.deal_id))
        ).all()
        assert sorted(probed) == sorted(repo.team_pure_deals(session, team, rep=rep))


def test_team_scope_call_ids_by_team_and_by_rep(library: Settings) -> None:
    with session_scope(library) as session:
        assert sorted(repo.call_ids_of(session, team="east")) == ["e1", "e2", "e3", "e4", "e5", "s1", "s4"]
        assert sorted(repo.call_ids_of(session, team="west")) == ["s2", "w1", "w2"]
        assert sorted(repo.call_ids_of(session, rep="Cy")) == ["s3"]
        assert sorted(repo.call_ids_of(session, rep="Nil")) == ["n1"]


def test_team_scope_a_roster_move_moves_the_stored_calls_only(library: Settings) -> None:
    """A call stored without an owner record follows its rep's roster team; a submitted call keeps
    the team recorded at submission."""
    with session_scope(library) as session:
        repo.set_team(session, rep="Bo", team="west")
    with session_scope(library) as session:
        assert sorted(repo.call_ids_of(session, team="west")) == ["s1", "s2", "s4", "w1", "w2"]
        assert "e2" in repo.call_ids_of(session, team="east")
        # d-east now has a west call (s1): no longer east's alone.
        assert sorted(repo.team_pure_deals(session, "east")) == []
        assert sorted(repo.team_pure_deals(session, "west")) == ["d-stored", "d-west"]


def test_team_scope_latest_metrics_are_the_reps_latest_calls_of_the_team(library: Settings) -> None:
    """The trend lines' read: each rep's latest calls of the team, oldest first, at most `limit`;
    a call recorded for another team stays off this team's line."""
    from datetime import UTC, datetime, timedelta

    from callcoach.storage import call_metrics as store
    from callcoach.storage import coaching

    day = datetime(2026, 3, 1, tzinfo=UTC)
    with session_scope(library) as session:
        for k, (call_id, rep, deal, _team) in enumerate(SUBMITTED):
            coaching.put_call_metrics(
                session,
                call_id=call_id,
                rep=rep,
                deal_id=deal,
                started_at=day + timedelta(days=k),
                values={"questions": float(k)},
            )
        for k, (call_id, rep, deal) in enumerate(STORED):
            coaching.put_call_metrics(
                session,
                call_id=call_id,
                rep=rep,
                deal_id=deal,
                started_at=day + timedelta(days=20 + k),
                values={"questions": float(20 + k)},
            )
        # Ann's e3 is recorded for east; a call of hers recorded for west stays off east's line.
        call = make_call("a-west", rep="Ann", deal_id="d-aw")
        save_call(session, call, analysis_of(call))
        repo.save_call_owner(session, CallOwner("a-west", "Ann", "west", "d-aw", None))
        coaching.put_call_metrics(
            session,
            call_id="a-west",
            rep="Ann",
            deal_id="d-aw",
            started_at=day + timedelta(days=30),
            values={"questions": 99.0},
        )
    with session_scope(library) as session:
        east = store.latest_team_metrics(session, team="east", reps=["Ann", "Bo", "Nobody"], limit=3)
        west = store.latest_team_metrics(session, team="west", reps=["Ann", "Wes"], limit=5)
    # Ann's east calls are e1, e3, e4, e5 (days 0, 2, 6, 7): the latest three, oldest first.
    assert [v["questions"] for _, v in east["Ann"]] == [2.0, 6.0, 7.0]
    # Bo: e2 (submitted, day 1), s1 and s4 (stored, roster team east, days 20 and 23).
    assert [v["questions"] for _, v in east["Bo"]] == [1.0, 20.0, 23.0]
    assert east["Nobody"] == []
    assert [v["questions"] for _, v in west["Ann"]] == [99.0]
    assert [v["questions"] for _, v in west["Wes"]] == [3.0, 4.0, 21.0]
