"""Every endpoint, for every role: who gets an answer, who gets 401/403/404, and what they see."""

from __future__ import annotations

import json
import uuid

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import EAST_CALL, EAST_REP, ROLE_KEYS, WEST_CALL, ApiWorld, transcript_doc

pytestmark = pytest.mark.slow  # the module's fixture runs the analysis models once

# Expected status per role, for each endpoint.
EXPECTED: dict[str, dict[str, int]] = {
    "submit": {
        "rep": 202,
        "other_rep": 202,
        "manager": 202,
        "other_manager": 202,
        "enablement": 403,
        "admin": 202,
        "anonymous": 401,
    },
    "read_east_call": {
        "rep": 200,
        "other_rep": 404,
        "manager": 200,
        "other_manager": 404,
        "enablement": 200,
        "admin": 200,
        "anonymous": 401,
    },
    "list_calls": {**{r: 200 for r in ROLE_KEYS}, "anonymous": 401},
    "alerts": {
        "rep": 200,
        "other_rep": 200,
        "manager": 200,
        "other_manager": 200,
        "enablement": 403,
        "admin": 200,
        "anonymous": 401,
    },
    "east_rep_coaching": {
        "rep": 200,
        "other_rep": 404,
        "manager": 200,
        "other_manager": 404,
        "enablement": 404,
        "admin": 200,
        "anonymous": 401,
    },
    "roleplays": {**{r: 200 for r in ROLE_KEYS}, "anonymous": 401},
    "outcomes": {
        "rep": 403,
        "other_rep": 403,
        "manager": 200,
        "other_manager": 200,
        "enablement": 200,
        "admin": 200,
        "anonymous": 401,
    },
    "webhooks": {
        "rep": 403,
        "other_rep": 403,
        "manager": 403,
        "other_manager": 403,
        "enablement": 403,
        "admin": 201,
        "anonymous": 401,
    },
    "healthz": {r: 200 for r in ROLE_KEYS},
    # Off by default (CALLCOACH_METRICS=off): no key of the API opens it (tests/api/test_metrics_access.py).
    "metrics": {r: 404 for r in ROLE_KEYS},
}


def _call(client: TestClient, world: ApiWorld, endpoint: str, role: str):  # noqa: ANN202
    h = world.headers(role)
    if endpoint == "submit":
        # No rep named anywhere: the server decides the owner from the key alone.
        doc = transcript_doc(f"sub-{uuid.uuid4().hex[:8]}", "Rep", "Lee Chan", deal_id=f"d-{role}")
        doc.pop("rep")
        doc["participants"] = [{"name": "Lee Chan", "side": "buyer"}]
        return client.post(
            "/v1/calls",
            headers=h,
            files={"file": ("call.json", json.dumps(doc), "application/json")},
            data={"meta": "{}"},
        )
    if endpoint == "read_east_call":
        return client.get(f"/v1/calls/{EAST_CALL}", headers=h)
    if endpoint == "list_calls":
        return client.get("/v1/calls", headers=h)
    if endpoint == "alerts":
        return client.get("/v1/alerts", headers=h)
    if endpoint == "east_rep_coaching":
        return client.get(f"/v1/reps/{EAST_REP}/coaching", headers=h)
    if endpoint == "roleplays":
        return client.get("/v1/roleplays", headers=h)
    if endpoint == "outcomes":
        return client.get("/v1/outcomes", headers=h)
    if endpoint == "webhooks":
        return client.post("/v1/webhooks", headers=h, json={"url": "https://hooks.example.com/callcoach"})
    if endpoint == "healthz":
        return client.get("/healthz", headers=h)
    if endpoint == "metrics":
        return client.get("/metrics", headers=h)
    raise AssertionError(endpoint)


@pytest.mark.parametrize("role", ROLE_KEYS)
@pytest.mark.parametrize("endpoint", list(EXPECTED))
def test_access_roles_status_per_endpoint(
    client: TestClient, world: ApiWorld, endpoint: str, role: str
) -> None:
    response = _call(client, world, endpoint, role)
    assert response.status_code == EXPECTED[endpoint][role], response.text
    if response.status_code >= 400:
        assert isinstance(response.json()["detail"], str)


def test_access_roles_rep_lists_only_own_calls(client: TestClient, world: ApiWorld) -> None:
    body = client.get("/v1/calls", headers=world.headers("rep")).json()
    assert body["total"] >= 1
    assert {item["rep"] for item in body["items"]} == {EAST_REP}
    other = client.get("/v1/calls", params={"rep": "Sam Lee"}, headers=world.headers("rep")).json()
    assert other["items"] == []


def test_access_roles_manager_lists_only_team_calls(client: TestClient, world: ApiWorld) -> None:
    ids = {i["id"] for i in client.get("/v1/calls", headers=world.headers("manager")).json()["items"]}
    assert EAST_CALL in ids and WEST_CALL not in ids
    ids = {i["id"] for i in client.get("/v1/calls", headers=world.headers("other_manager")).json()["items"]}
    assert WEST_CALL in ids and EAST_CALL not in ids


def test_access_roles_enablement_sees_other_teams_without_transcript(
    client: TestClient, world: ApiWorld
) -> None:
    body = client.get(f"/v1/calls/{EAST_CALL}", headers=world.headers("enablement")).json()
    assert body["redacted"] is True
    analysis = body["analysis"]
    assert "transcript" not in analysis
    assert "20%" not in json.dumps(analysis)  # the buyer's words are gone
    # The numbers and labels stay.
    assert analysis["duration_s"] == pytest.approx(17.0)
    assert {(sp["name"], sp["side"]) for sp in analysis["speakers"]} == {
        (EAST_REP, "rep"),
        ("Priya Shah", "buyer"),
    }
    full = client.get(f"/v1/calls/{EAST_CALL}", headers=world.headers("admin")).json()
    assert full["redacted"] is False and "20%" in json.dumps(full["analysis"]["transcript"])


def test_access_roles_rep_submission_is_owned_by_the_rep(client: TestClient, world: ApiWorld) -> None:
    doc = transcript_doc(f"own-{uuid.uuid4().hex[:8]}", EAST_REP, "Lee Chan", deal_id="d2")
    r = client.post(
        "/v1/calls",
        headers=world.headers("rep"),
        files={"file": ("call.json", json.dumps(doc), "application/json")},
        data={"meta": json.dumps({"rep": "Sam Lee"})},
    )
    assert r.status_code == 403
    r = client.post(
        "/v1/calls",
        headers=world.headers("rep"),
        files={"file": ("call.json", json.dumps(doc), "application/json")},
        data={"meta": "{}"},
    )
    assert r.status_code == 202
    view = client.get(f"/v1/calls/{r.json()['id']}", headers=world.headers("rep"))
    assert view.status_code == 200 and view.json()["rep"] == EAST_REP and view.json()["team"] == "east"
    assert client.get(f"/v1/calls/{r.json()['id']}", headers=world.headers("other_rep")).status_code == 404


@pytest.mark.parametrize("bad", ["", "Bearer", "Bearer cc_not-a-real-key", "Basic dXNlcjpwYXNz"])
def test_access_roles_bad_credentials_are_401(client: TestClient, bad: str) -> None:
    r = client.get("/v1/calls", headers={"Authorization": bad} if bad else {})
    assert r.status_code in (401, 403) and r.status_code == 401, r.text


@pytest.mark.timeout(120)
@pytest.mark.parametrize("path", ["/v1/alerts", "/v1/calls", f"/v1/calls/{EAST_CALL}"])
def test_access_roles_concurrent_reads_do_not_drain_the_pool(world: ApiWorld, path: str) -> None:
    """More concurrent requests than pooled connections: each request holds at most one."""
    import asyncio

    import httpx

    from api.app import create_app

    async def burst() -> list[int]:
        transport = httpx.ASGITransport(app=create_app(world.settings))
        async with httpx.AsyncClient(
            transport=transport, base_url="http://api", headers=world.headers("manager"), timeout=60
        ) as client:
            responses = await asyncio.gather(*(client.get(path) for _ in range(40)))
        return [r.status_code for r in responses]

    assert asyncio.run(burst()) == [200] * 40
