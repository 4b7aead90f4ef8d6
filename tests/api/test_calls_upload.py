"""POST /v1/calls: the upload is streamed with a size limit, and a rejected upload leaves nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from callcoach.services import access, jobs
from callcoach.settings import Settings
from callcoach.storage import dispose_engines, get_job, session_scope

LIMIT = 64 * 1024


@pytest.fixture
def small_settings(settings: Settings) -> Settings:
    # The in-process reconciler would not run during a test anyway; an hour keeps it quiet.
    return settings.model_copy(update={"upload_max_bytes": LIMIT, "reconcile_interval_s": 3600.0})


@pytest.fixture
def admin(small_settings: Settings) -> dict[str, str]:
    with session_scope(small_settings) as session:
        key, _ = access.create_key(session, role="admin")
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def client(small_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(small_settings)) as c:
        yield c
    dispose_engines()


def _files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_calls_upload_over_limit_is_413_and_leaves_nothing(
    client: TestClient, small_settings: Settings, admin: dict[str, str]
) -> None:
    r = client.post(
        "/v1/calls",
        headers=admin,
        files={"file": ("big.wav", b"\0" * (LIMIT + 1), "audio/wav")},
        data={"meta": "{}"},
    )
    assert r.status_code == 413
    assert str(LIMIT) in r.json()["detail"]
    assert _files_under(jobs.uploads_dir(small_settings)) == []


def test_calls_upload_streamed_without_content_length_is_413(
    client: TestClient, small_settings: Settings, admin: dict[str, str]
) -> None:
    boundary = "cc-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.mp3"\r\n'
        "Content-Type: audio/mpeg\r\n\r\n"
    ).encode()

    def body() -> Iterator[bytes]:  # chunked: the server cannot know the size up front
        yield head
        for _ in range(10):
            yield b"\1" * (LIMIT // 4)
        yield f"\r\n--{boundary}--\r\n".encode()

    r = client.post(
        "/v1/calls",
        headers={**admin, "Content-Type": f"multipart/form-data; boundary={boundary}"},
        content=body(),
    )
    assert r.status_code == 413
    assert _files_under(jobs.uploads_dir(small_settings)) == []


@pytest.mark.parametrize(
    ("filename", "meta", "status", "words"),
    [
        ("call.json", "{not json", 422, "meta is not valid JSON"),
        ("call.json", "[1, 2]", 422, "meta must be a JSON object"),
        ("call.json", json.dumps({"participants": [{"side": "buyer"}]}), 422, "meta: participants[0].name"),
        ("call.json", json.dumps({"call_id": "../../etc"}), 422, "call_id"),
        ("call.exe", "{}", 415, "unsupported file type '.exe'"),
        ("noext", "{}", 415, "known suffix"),
    ],
)
def test_calls_upload_bad_request_leaves_nothing(
    client: TestClient,
    small_settings: Settings,
    admin: dict[str, str],
    filename: str,
    meta: str,
    status: int,
    words: str,
) -> None:
    r = client.post(
        "/v1/calls",
        headers=admin,
        files={"file": (filename, b'{"utterances": []}', "text/plain")},
        data={"meta": meta},
    )
    assert r.status_code == status, r.text
    assert words in r.json()["detail"]
    assert _files_under(jobs.uploads_dir(small_settings)) == []


def test_calls_upload_without_file_is_422(client: TestClient, admin: dict[str, str]) -> None:
    r = client.post(
        "/v1/calls", headers=admin, data={"meta": "{}"}, files={"other": ("x.txt", b"x", "text/plain")}
    )
    assert r.status_code == 422 and "no 'file' part" in r.json()["detail"]


def test_calls_upload_duplicate_call_id_is_409_and_keeps_the_first(
    client: TestClient, small_settings: Settings, admin: dict[str, str], tmp_path: Path
) -> None:
    first = jobs.submission_dir(small_settings, "dup-01")
    (first / "input.json").write_text("{}")
    jobs.submit_call(small_settings, call_id="dup-01", input_path=first / "input.json")
    valid = {"utterances": [{"speaker": "Ana", "start": 0, "end": 1, "text": "Hello."}]}
    r = client.post(
        "/v1/calls",
        headers=admin,
        files={"file": ("call.json", json.dumps(valid).encode(), "application/json")},
        data={"meta": json.dumps({"call_id": "dup-01"})},
    )
    assert r.status_code == 409 and "dup-01" in r.json()["detail"]
    assert _files_under(jobs.uploads_dir(small_settings)) == [first / "input.json"]
    with session_scope(small_settings) as session:
        job = get_job(session, "dup-01")
    assert job is not None and job.input_path == str(first / "input.json")


def test_calls_read_unknown_is_404(client: TestClient, admin: dict[str, str]) -> None:
    r = client.get("/v1/calls/nope", headers=admin)
    assert r.status_code == 404 and r.json() == {"detail": "call 'nope' not found"}
