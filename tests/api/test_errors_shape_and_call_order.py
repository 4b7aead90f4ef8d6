"""422 answers have the documented ErrorPublic shape (detail: a string), and /v1/calls lists calls
newest call date first, whatever order they were submitted in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from callcoach.services import access
from callcoach.settings import Settings
from callcoach.storage import dispose_engines, session_scope

from .conftest import _process, transcript_doc


@pytest.fixture
def admin_client(settings: Settings) -> Iterator[tuple[TestClient, dict[str, str]]]:
    settings = settings.model_copy(update={"reconcile_interval_s": 3600.0})
    with session_scope(settings) as session:
        key = access.create_key(session, role="admin")[0]
    with TestClient(create_app(settings)) as c:
        yield c, {"Authorization": f"Bearer {key}"}
    dispose_engines()


def test_api_validation_error_detail_is_one_string(admin_client: tuple[TestClient, dict[str, str]]) -> None:
    client, headers = admin_client
    r = client.get("/v1/calls", params={"limit": 100000}, headers=headers)
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert isinstance(detail, str) and detail.startswith("query.limit: ")


def test_api_openapi_documents_422_as_error_public(admin_client: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = admin_client
    spec = client.get("/openapi.json").json()
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            if "422" in op.get("responses", {}):
                ref = op["responses"]["422"]["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/ErrorPublic"), (method, path, ref)


@pytest.mark.slow
def test_api_calls_are_listed_newest_call_date_first(settings: Settings) -> None:
    settings = settings.model_copy(update={"reconcile_interval_s": 3600.0})
    # Submitted oldest-call-last: the list must follow the calls' dates, not the submissions.
    submitted = (("late-call", "2026-03-20"), ("early-call", "2026-03-02"), ("mid-call", "2026-03-10"))
    for call_id, day in submitted:
        doc = transcript_doc(call_id, "Dana Reyes", "Priya Shah", deal_id="acme")
        doc["started_at"] = f"{day}T15:00:00Z"
        _process(settings, doc, "east")
    with session_scope(settings) as session:
        key = access.create_key(session, role="admin")[0]
    with TestClient(create_app(settings)) as client:
        r = client.get("/v1/calls", headers={"Authorization": f"Bearer {key}"})
    dispose_engines()
    assert r.status_code == 200
    assert [c["id"] for c in r.json()["items"]] == ["late-call", "mid-call", "early-call"]
