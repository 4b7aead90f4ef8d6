"""Cross-team isolation: every read endpoint x every role x own team / other team / no team, and the
injection attempts of issue 11 (a manager claiming another team's rep, a rep reusing another team's
deal id, role-plays across teams, the call-id existence oracle)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from callcoach.errors import InputError
from callcoach.services import access, jobs
from callcoach.settings import Settings
from callcoach.storage import dispose_engines, session_scope

pytestmark = pytest.mark.slow  # the module's fixture runs the analysis models

EAST_REP, WEST_REP, LONE_REP = "Dana Reyes", "Sam Lee", "Nia Okafor"
WEST_BUYER = "Omar Haddad"
# Words only West's calls contain: any of them in a non-West answer is a leak.
WEST_MARKERS = ("Haddad", "globex", "Tarnwick", "west-")
WEST_DEAL = "globex-2026"
ROLES = ("east_rep", "west_rep", "lone_rep", "east_manager", "west_manager", "enablement", "admin")


def _doc(call_id: str, rep: str | None, buyer: str, deal_id: str | None, objection: str) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "call_id": call_id,
        "started_at": "2026-03-02T15:00:00Z",
        "participants": [{"name": buyer, "side": "buyer", "title": "CFO"}],
        "utterances": [
            {"speaker": rep or "Rep", "start": 0.0, "end": 4.0, "text": "What made you look at this now?"},
            {"speaker": buyer, "start": 4.5, "end": 11.0, "text": objection},
            {
                "speaker": rep or "Rep",
                "start": 11.5,
                "end": 15.0,
                "text": "Fair. What would it need to cost?",
            },
            {"speaker": buyer, "start": 15.5, "end": 19.0, "text": "Honestly we have no budget this year."},
        ],
    }
    if rep:
        doc["rep"] = rep
        doc["participants"].insert(0, {"name": rep, "side": "rep"})
    if deal_id:
        doc["deal_id"] = deal_id
    return doc


@dataclass
class World:
    settings: Settings
    keys: dict[str, str]

    def h(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[role]}"}


def _process(settings: Settings, doc: dict[str, Any], *, rep: str | None, team: str | None) -> None:
    call_id = str(doc["call_id"])
    directory = jobs.submission_dir(settings, call_id)
    (directory / "input.json").write_text(json.dumps(doc), encoding="utf-8")
    jobs.submit_call(
        settings,
        call_id=call_id,
        input_path=directory / "input.json",
        rep=rep,
        team=team,
        deal_id=doc.get("deal_id"),
        meta={"call_id": call_id},
    )
    for stage in jobs.STAGES:
        assert jobs.run_stage(settings, stage, call_id).outcome == "done"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("isolation")
    settings = Settings(data_dir=root / "data", database_url="", broker_url=None, reconcile_interval_s=3600)
    with session_scope(settings) as session:
        keys = {
            "east_rep": access.create_key(session, role="rep", rep=EAST_REP, team="east")[0],
            "west_rep": access.create_key(session, role="rep", rep=WEST_REP, team="west")[0],
            "lone_rep": access.create_key(session, role="rep", rep=LONE_REP)[0],
            "east_manager": access.create_key(session, role="manager", team="east")[0],
            "west_manager": access.create_key(session, role="manager", team="west")[0],
            "enablement": access.create_key(session, role="enablement", team="enablement")[0],
            "admin": access.create_key(session, role="admin")[0],
        }
    for i in range(3):  # three single-threaded calls on one deal: West gets a deal alert with quotes
        _process(
            settings,
            _doc(
                f"west-{i}",
                WEST_REP,
                WEST_BUYER,
                WEST_DEAL,
                "The Tarnwick contract is too expensive for us, it costs twice what we pay.",
            ),
            rep=WEST_REP,
            team="west",
        )
    _process(
        settings,
        _doc(
            "east-0", EAST_REP, "Priya Shah", "acme-2026", "Your price is way above our budget for this year."
        ),
        rep=EAST_REP,
        team="east",
    )
    _process(
        settings,
        _doc("lone-0", LONE_REP, "Ken Ito", "solo-1", "It is too expensive for a team our size."),
        rep=LONE_REP,
        team=None,
    )
    yield World(settings, keys)
    dispose_engines()


@pytest.fixture(scope="module")
def client(world: World) -> Iterator[TestClient]:
    with TestClient(create_app(world.settings)) as c:
        yield c


def _submit(client: TestClient, world: World, role: str, doc: dict[str, Any], meta: dict[str, Any]) -> Any:
    return client.post(
        "/v1/calls",
        headers=world.h(role),
        files={"file": ("call.json", json.dumps(doc), "application/json")},
        data={"meta": json.dumps(meta)},
    )


def _leaks_west(body: Any, markers: tuple[str, ...] = WEST_MARKERS) -> bool:
    text = json.dumps(body)
    return any(m in text for m in markers)


# Enablement reads every team's call summaries and aggregates by design (ids, reps, deals, numbers),
# never what was said or who said it on the buyer side.
SAID_ON_WEST_CALLS = ("Haddad", "Tarnwick")


# Which roles may see West's data through each read, and which must get nothing of it.
SEES_WEST = {"west_rep", "west_manager", "admin"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "path",
    [
        "/v1/calls",
        "/v1/calls/west-0",
        "/v1/alerts?status=all",
        f"/v1/reps/{WEST_REP}/coaching",
        "/v1/roleplays",
        "/v1/outcomes",
    ],
)
def test_access_isolation_no_west_data_outside_west(
    client: TestClient, world: World, role: str, path: str
) -> None:
    r = client.get(path, headers=world.h(role))
    assert r.status_code in (200, 403, 404), r.text
    if role in SEES_WEST or r.status_code != 200:
        return
    if role == "enablement" and path == "/v1/calls/west-0":
        assert r.json()["redacted"] is True  # numbers and labels only, checked below
        assert WEST_BUYER not in json.dumps(r.json()["analysis"].get("transcript", []))
        return
    markers = SAID_ON_WEST_CALLS if role == "enablement" else WEST_MARKERS
    if role == "enablement" and path == "/v1/roleplays":
        markers = ("Haddad", WEST_DEAL, "west-")  # de-identified: the words stay, who and where go
    assert not _leaks_west(r.json(), markers), f"{role} read West's data through {path}: {r.text[:300]}"


def test_access_isolation_west_sees_its_own_deal_alert(client: TestClient, world: World) -> None:
    for role in ("west_manager", "west_rep", "admin"):
        alerts = client.get("/v1/alerts", headers=world.h(role)).json()["items"]
        assert any(a["subject"] == WEST_DEAL for a in alerts), (role, alerts)


def test_access_isolation_manager_cannot_take_over_another_teams_rep(
    client: TestClient, world: World
) -> None:
    doc = _doc(f"take-{uuid.uuid4().hex[:6]}", None, "Lee Chan", None, "We are fine as we are.")
    r = _submit(client, world, "east_manager", doc, {"rep": WEST_REP})
    assert r.status_code == 403 and WEST_REP in r.json()["detail"]
    # Named only inside the transcript file: refused the same way.
    r = _submit(
        client,
        world,
        "east_manager",
        _doc(f"take-{uuid.uuid4().hex[:6]}", WEST_REP, "Lee Chan", None, "Fine."),
        {},
    )
    assert r.status_code == 403
    # The roster did not move: West's manager still reads their rep, East's still may not.
    assert client.get(f"/v1/reps/{WEST_REP}/coaching", headers=world.h("west_manager")).status_code == 200
    assert client.get(f"/v1/reps/{WEST_REP}/coaching", headers=world.h("east_manager")).status_code == 404
    with session_scope(world.settings) as session:
        assert access.team_of(session, WEST_REP) == "west"


def test_access_isolation_manager_enrolls_a_rep_of_no_team(client: TestClient, world: World) -> None:
    new_rep = f"Rep {uuid.uuid4().hex[:6]}"
    r = _submit(
        client,
        world,
        "east_manager",
        _doc(f"enrol-{uuid.uuid4().hex[:6]}", None, "Lee Chan", None, "Fine."),
        {"rep": new_rep},
    )
    assert r.status_code == 202, r.text
    with session_scope(world.settings) as session:
        assert access.team_of(session, new_rep) == "east"
    assert client.get(f"/v1/calls/{r.json()['id']}", headers=world.h("east_manager")).json()["rep"] == new_rep


@pytest.mark.parametrize("where", ["meta", "file"])
@pytest.mark.parametrize("role", ["east_rep", "east_manager", "lone_rep"])
def test_access_isolation_foreign_deal_id_is_refused(
    client: TestClient, world: World, role: str, where: str
) -> None:
    call_id = f"deal-{uuid.uuid4().hex[:6]}"
    doc = _doc(call_id, None, "Lee Chan", WEST_DEAL if where == "file" else None, "Too expensive.")
    meta = {"deal_id": WEST_DEAL} if where == "meta" else {}
    r = _submit(client, world, role, doc, meta)
    assert r.status_code == 409, r.text
    assert "west" not in r.json()["detail"].lower()  # says the id is taken, not whose it is
    assert client.get(f"/v1/calls/{call_id}", headers=world.h("admin")).status_code == 404  # nothing kept


def test_access_isolation_rep_cannot_choose_a_team(client: TestClient, world: World) -> None:
    doc = _doc(f"team-{uuid.uuid4().hex[:6]}", None, "Lee Chan", None, "Fine.")
    assert _submit(client, world, "lone_rep", doc, {"team": "west"}).status_code == 403
    assert _submit(client, world, "east_rep", doc, {"team": "west"}).status_code == 403
    assert _submit(client, world, "east_rep", doc, {"rep": WEST_REP}).status_code == 403


def test_access_isolation_call_id_conflict_says_nothing_of_the_owner(
    client: TestClient, world: World
) -> None:
    doc = _doc("west-0", None, "Lee Chan", None, "Fine.")
    r = _submit(client, world, "east_rep", doc, {"call_id": "west-0"})
    assert r.status_code == 409
    assert r.json()["detail"] == "call_id 'west-0' is already in use; choose another call_id"
    assert client.get("/v1/calls/west-0", headers=world.h("east_rep")).status_code == 404


def test_access_isolation_roleplays_by_team(client: TestClient, world: World) -> None:
    def quotes(role: str) -> str:
        return json.dumps(client.get("/v1/roleplays", headers=world.h(role)).json())

    east, lone, west, admin = quotes("east_manager"), quotes("lone_rep"), quotes("west_rep"), quotes("admin")
    assert "Tarnwick" in west and "Tarnwick" in admin
    assert "Tarnwick" not in east and "Ken Ito" not in east
    assert "Tarnwick" not in lone and "east-0" not in lone and "lone-0" in lone


def test_access_isolation_enablement_roleplays_are_deidentified(client: TestClient, world: World) -> None:
    items = client.get("/v1/roleplays", headers=world.h("enablement")).json()["items"]
    text = json.dumps(items)
    assert items and "too expensive" in text.lower()  # the words a role-play needs stay
    for person in (WEST_BUYER, "Priya Shah", "Ken Ito", EAST_REP, WEST_REP, LONE_REP, WEST_DEAL, "west-0"):
        assert person not in text, person
    assert "Tarnwick" in text  # not a person: a product the buyer named


def test_access_isolation_transcript_rep_of_another_team_fails_the_call(world: World) -> None:
    """The transcribe stage applies the submission's rules to a rep named only by the transcript."""
    with session_scope(world.settings) as session:
        key = access.verify_key(session, world.keys["east_manager"])
        owner = access.decide_owner(session, key, rep=None, team=None, deal_id=None)
        access.record_call_scope(
            session, call_id="late-rep", owner=owner, submitted_by=key.id if key else None
        )
    with pytest.raises(InputError, match="not in team 'east'"), session_scope(world.settings) as session:
        access.complete_call_scope(session, call_id="late-rep", rep=WEST_REP)
    with pytest.raises(InputError, match="in use by another team"), session_scope(world.settings) as session:
        access.complete_call_scope(session, call_id="late-rep", rep=None, deal_id=WEST_DEAL)


def test_access_isolation_mixed_deal_shows_to_no_single_team(world: World) -> None:
    """A deal whose calls span teams (stored through the trusted CLI door) is nobody's but admin's."""
    with session_scope(world.settings) as session:
        access.record_call_scope(
            session, call_id="cli-mixed", owner=access.Owner(EAST_REP, "east"), deal_id=WEST_DEAL
        )
        for role, sees in (("east_manager", False), ("west_manager", False), ("admin", True)):
            key = access.verify_key(session, world.keys[role])
            assert key is not None
            assert access.read_scope(session, key).allows_alert("deal", WEST_DEAL) is sees, role
        session.rollback()
