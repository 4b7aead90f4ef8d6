"""Web fixtures: one database for the whole tests/web session with

- three calls run through the real job service (one recording, transcribed; two transcripts),
- a generated history of a rep whose discovery slides (a drift alert opens on refresh) and of a
  steady teammate, stored through the same repository the pipeline uses,
- a key per role, and a live server (uvicorn on loopback) for the browser tests.

Processing the three calls loads the models once (about a minute on a busy 2-core machine).
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

from api.app import create_app
from callcoach.domain import CallMeta, StoredCall, Transcript, Utterance
from callcoach.services import access, jobs
from callcoach.services import coaching as coaching_service
from callcoach.settings import Settings
from callcoach.storage import dispose_engines, save_call, session_scope, upsert_job
from tests.coaching.histories import declining_discovery_rep, steady_rep

AUDIO = Path(__file__).parents[1] / "data" / "audio" / "mono_two_speakers.wav"
REP, TEAMMATE, WEST_REP = "Dana Reyes", "Sam Steady", "Lee Park"
AUDIO_CALL, EAST_CALL, WEST_CALL = "east-audio-01", "east-pricing-01", "west-security-01"
ARTIFACTS = Path(__file__).parent / "artifacts"


def _transcript(
    call_id: str, rep: str, buyer: str, title: str, deal: str, lines: list[tuple[str, str]]
) -> dict[str, Any]:
    utterances, t = [], 0.0
    for who, text in lines:
        dur = max(2.0, len(text.split()) * 0.4)
        utterances.append(
            {
                "speaker": rep if who == "rep" else buyer,
                "start": round(t, 2),
                "end": round(t + dur, 2),
                "text": text,
            }
        )
        t += dur + 0.6
    return {
        "call_id": call_id,
        "title": title,
        "rep": rep,
        "deal_id": deal,
        "started_at": "2026-04-20T16:00:00Z",
        "participants": [
            {"name": rep, "side": "rep"},
            {"name": buyer, "side": "buyer", "title": "Director of Finance"},
        ],
        "utterances": utterances,
    }


EAST_LINES = [
    ("rep", "Thanks for joining. How are quarterly forecasts put together on your side today?"),
    (
        "buyer",
        "Mostly spreadsheets. Our analysts burn roughly nine days each quarter stitching them together.",
    ),
    ("rep", "What happens downstream when those nine days slip?"),
    ("buyer", "Honestly the licence cost you quoted is more than we budgeted for this year."),
    ("rep", "Understood. Our tool automates the consolidation and ships with forty connectors."),
    ("buyer", "The timing is also hard, we are mid-way through an audit until June."),
    ("rep", "I will email a phased proposal by Tuesday at ten and book thirty minutes with your controller."),
    ("buyer", "That works, send it over."),
]
WEST_LINES = [
    ("rep", "What would your security team need to see before a pilot?"),
    (
        "buyer",
        "They worry about where call recordings are stored, our policy forbids data leaving the region.",
    ),
    ("rep", "We host in-region and can share the audit report."),
    ("buyer", "Fine, I will forward it to our security lead next week."),
]


def _submit(settings: Settings, call_id: str, source: Path, meta: dict[str, Any], team: str) -> None:
    directory = jobs.submission_dir(settings, call_id)
    target = directory / source.name
    shutil.copy(source, target)
    jobs.write_meta(directory, {**meta, "call_id": call_id, "team": team})
    jobs.submit_call(
        settings, call_id=call_id, input_path=target, rep=meta["rep"], team=team, deal_id=meta.get("deal_id")
    )
    for stage in jobs.STAGES:
        result = jobs.run_stage(settings, stage, call_id)
        assert result.outcome == "done", result


def _store(settings: Settings, calls: list[StoredCall]) -> None:
    with session_scope(settings) as session:
        for c in calls:
            a = c.analysis
            meta = CallMeta(
                call_id=c.call_id,
                title=a["title"],
                started_at=c.started_at,
                deal_id=c.deal_id,
                rep=c.rep,
                participants=tuple(c.participants),
            )
            utts = tuple(
                Utterance(u["speaker"], u["start"], u["end"], u["text"], u["side"]) for u in a["transcript"]
            )
            save_call(session, Transcript(meta, utts, a["duration_s"]), a)
            upsert_job(session, c.call_id, status="done")


@dataclass
class WebWorld:
    settings: Settings
    keys: dict[str, str]
    root: Path


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebWorld]:
    root = tmp_path_factory.mktemp("web")
    settings = Settings(
        data_dir=root / "data",
        database_url="",
        broker_url=None,
        reconcile_interval_s=3600,
        # The call page plays a kept recording; the admin test's webhook listens on loopback.
        keep_uploads=True,
        webhook_allowed_hosts=["127.0.0.1"],
    )
    with session_scope(settings) as session:
        keys = {
            "rep": access.create_key(session, role="rep", rep=REP, team="east")[0],
            "west_rep": access.create_key(session, role="rep", rep=WEST_REP, team="west")[0],
            "manager": access.create_key(session, role="manager", team="east")[0],
            "enablement": access.create_key(session, role="enablement", team="enablement")[0],
            "admin": access.create_key(session, role="admin")[0],
        }
        access.set_team(session, rep=TEAMMATE, team="east")
    east = root / "east.json"
    east.write_text(
        json.dumps(_transcript(EAST_CALL, REP, "Nora Quinn", "Forecasting discovery", "acme-fp", EAST_LINES))
    )
    west = root / "west.json"
    west.write_text(
        json.dumps(
            _transcript(WEST_CALL, WEST_REP, "Omar Haddad", "Pilot security review", "globex-sec", WEST_LINES)
        )
    )
    _submit(settings, EAST_CALL, east, {"rep": REP, "deal_id": "acme-fp"}, "east")
    _submit(settings, WEST_CALL, west, {"rep": WEST_REP, "deal_id": "globex-sec"}, "west")
    audio_meta = {
        "rep": REP,
        "deal_id": "helpdesk-2026",
        "title": "Support automation discovery",
        "started_at": "2026-05-04T15:00:00Z",
        "participants": [
            {"name": REP, "side": "rep"},
            {"name": "Helen Park", "side": "buyer", "title": "Head of Support"},
        ],
    }
    _submit(settings, AUDIO_CALL, AUDIO, audio_meta, "east")
    # History: the rep's discovery slides over twelve calls; a steady teammate gives the team a median.
    _store(settings, declining_discovery_rep() + steady_rep(15))
    coaching_service.refresh(settings, deliver=False)
    yield WebWorld(settings=settings, keys=keys, root=root)
    dispose_engines()


@pytest.fixture(scope="session")
def app(world: WebWorld) -> Any:
    return create_app(world.settings)


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


def sign_in(client: TestClient | httpx.Client, key: str) -> httpx.Response:
    """Sign in through the form (its CSRF token included), as a browser does; signs out first."""
    client.cookies.clear()
    form = client.get("/")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token is not None, form.text[:500]
    return client.post("/", data={"key": key, "csrf_token": token.group(1)}, follow_redirects=False)


def csrf_of(html: str) -> str:
    token = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert token is not None
    return token.group(1)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(app: Any) -> Iterator[str]:
    """The app on a loopback port (uvicorn in a thread), for the browser."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


CHROMIUM = "/usr/bin/chromium"
# Debian's chromium, headless, with every background service that phones home turned off (the
# origin test would see those requests otherwise).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# Package scope: Playwright's sync API runs an event loop in this thread while it is open, and
# tests outside tests/web call asyncio.run(), which refuses to start inside a running loop.
@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed: `make browser` (apt-get install chromium)", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
