"""The web pages over HTTP (no browser): sign-in and sessions, CSRF, scoping, search, the
recording's range requests, practice marks, assignments, admin keys and webhooks."""

from __future__ import annotations

import http.server
import json
import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete

from callcoach.services import access
from callcoach.services.call_metrics import CallFilters, browse
from callcoach.storage import session_scope
from callcoach.storage.coaching_models import CoachingAlertRow
from tests.web.conftest import (
    AUDIO_CALL,
    EAST_CALL,
    REP,
    TEAMMATE,
    WEST_CALL,
    WEST_REP,
    WebWorld,
    csrf_of,
    sign_in,
)

pytestmark = pytest.mark.services


def test_signin_sets_a_session_cookie_httponly_lax_with_expiry(client: TestClient, world: WebWorld) -> None:
    response = sign_in(client, world.keys["rep"])
    assert response.status_code == 303 and response.headers["location"] == "/calls"
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("cc_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Max-Age=28800" in cookie
    assert "Secure" not in cookie  # plain http on loopback
    assert world.keys["rep"] not in cookie  # the key itself never rides in the cookie


def test_signin_behind_https_sets_a_secure_cookie(app: object, world: WebWorld) -> None:
    with TestClient(app, base_url="https://testserver") as c:
        response = sign_in(c, world.keys["rep"])
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("cc_session="))
    assert "Secure" in cookie


def test_signin_with_a_wrong_key_shows_the_form_again_with_one_line(client: TestClient) -> None:
    response = sign_in(client, "cc_" + "x" * 43)
    assert response.status_code == 401
    assert 'name="key"' in response.text
    errors = re.findall(r'class="error"[^>]*>([^<]+)<', response.text)
    assert errors == ["That key was not accepted: it is wrong, revoked or expired. Check it and try again."]
    assert client.get("/calls", follow_redirects=False).status_code == 303


def test_pages_send_a_signed_out_browser_to_the_form_and_back(client: TestClient, world: WebWorld) -> None:
    response = client.get(f"/calls/{EAST_CALL}", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"/?next=%2Fcalls%2F{EAST_CALL}"
    form = client.get(response.headers["location"])
    back = client.post(
        "/",
        data={"key": world.keys["rep"], "csrf_token": csrf_of(form.text), "next": f"/calls/{EAST_CALL}"},
        follow_redirects=False,
    )
    assert back.headers["location"] == f"/calls/{EAST_CALL}"
    client.cookies.clear()  # signed out again: a "next" on another host is not followed
    evil = client.post(
        "/",
        data={
            "key": world.keys["rep"],
            "csrf_token": csrf_of(client.get("/").text),
            "next": "//evil.example",
        },
        follow_redirects=False,
    )
    assert evil.headers["location"] == "/calls"


def test_forms_without_the_csrf_token_are_refused(client: TestClient, world: WebWorld) -> None:
    sign_in(client, world.keys["rep"])
    response = client.post(f"/calls/{EAST_CALL}/practice", data={"rule": "discovery-depth"})
    assert response.status_code == 403
    assert "Practised" not in client.get(f"/calls/{EAST_CALL}").text
    assert client.post("/signout", data={"csrf_token": "forged"}).status_code == 403


def test_signout_and_revocation_end_the_session(client: TestClient, world: WebWorld) -> None:
    sign_in(client, world.keys["rep"])
    page = client.get("/calls")
    assert (
        client.post("/signout", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False).status_code
        == 303
    )
    assert client.get("/calls", follow_redirects=False).status_code == 303
    # A key created for this test, signed in, then revoked by an admin: its session is over.
    admin = TestClient(client.app)
    with admin:
        sign_in(admin, world.keys["admin"])
        created = admin.post(
            "/admin/keys",
            data={
                "role": "rep",
                "rep": "Temp Rep",
                "team": "east",
                "csrf_token": csrf_of(admin.get("/admin").text),
            },
        )
        key = re.search(r'id="new-key"[^>]*value="([^"]+)"', created.text).group(1)
        sign_in(client, key)
        assert client.get("/calls").status_code == 200
        admin.post(
            "/admin/keys/revoke", data={"prefix": key[:11], "csrf_token": csrf_of(admin.get("/admin").text)}
        )
    assert client.get("/calls", follow_redirects=False).status_code == 303


def test_a_rep_lists_and_opens_only_their_own_calls(client: TestClient, world: WebWorld) -> None:
    sign_in(client, world.keys["rep"])
    listing = client.get("/calls").text
    assert f"/calls/{EAST_CALL}" in listing and f"/calls/{AUDIO_CALL}" in listing
    assert WEST_CALL not in listing
    # Newest call first by call date: the recording (May) above the transcript (April).
    assert listing.index(f"/calls/{AUDIO_CALL}") < listing.index(f"/calls/{EAST_CALL}")
    assert client.get(f"/calls/{WEST_CALL}").status_code == 404
    assert client.get(f"/calls/{WEST_CALL}/audio").status_code == 404


def test_call_search_reads_titles_and_transcript_text(client: TestClient, world: WebWorld) -> None:
    sign_in(client, world.keys["rep"])
    said = client.get("/calls", params={"q": "nine days"}).text
    assert f"/calls/{EAST_CALL}" in said and f"/calls/{AUDIO_CALL}" not in said
    titled = client.get("/calls", params={"q": "support automation"}).text
    assert f"/calls/{AUDIO_CALL}" in titled and f"/calls/{EAST_CALL}" not in titled
    dated = client.get("/calls", params={"since": "2026-05-01"}).text
    assert f"/calls/{AUDIO_CALL}" in dated and f"/calls/{EAST_CALL}" not in dated
    deal = client.get("/calls", params={"deal": "acme-fp"}).text
    assert re.search(r"(\d+) calls?</p>", deal).group(1) == "1"


def test_the_recording_answers_range_requests(client: TestClient, world: WebWorld) -> None:
    sign_in(client, world.keys["rep"])
    assert '<audio id="player"' in client.get(f"/calls/{AUDIO_CALL}").text
    part = client.get(f"/calls/{AUDIO_CALL}/audio", headers={"Range": "bytes=100-199"})
    assert part.status_code == 206
    assert part.headers["content-range"].startswith("bytes 100-199/")
    assert len(part.content) == 100
    assert '<audio id="player"' not in client.get(f"/calls/{EAST_CALL}").text  # a transcript has none


def test_every_quote_and_line_of_the_call_page_seeks(client: TestClient, world: WebWorld) -> None:
    sign_in(client, world.keys["rep"])
    html = client.get(f"/calls/{EAST_CALL}").text
    lines = re.findall(r'<li id="u-\d+" class="line side-(\w+)" data-start="([\d.]+)"', html)
    assert len(lines) == 8 and {side for side, _ in lines} == {"rep", "buyer"}
    quotes = re.findall(r'<button type="button" class="quote" data-start="([\d.]+)"', html)
    assert quotes, "signal cards carry evidence quotes"
    starts = {float(s) for _, s in lines}
    assert {float(q) for q in quotes} <= starts  # every quote seeks to a line of the transcript
    for card in (
        "talk_ratio",
        "dynamics",
        "discovery",
        "sentiment",
        "next_step",
        "stakeholders",
        "objections",
    ):
        assert f'id="card-{card}"' in html


def test_a_rep_marks_a_prompt_practised(client: TestClient, world: WebWorld) -> None:
    sign_in(client, world.keys["rep"])
    page = client.get(f"/calls/{EAST_CALL}").text
    rule = re.search(r'name="rule" value="([^"]+)"', page).group(1)
    client.post(f"/calls/{EAST_CALL}/practice", data={"rule": rule, "done": "1", "csrf_token": csrf_of(page)})
    marked = client.get(f"/calls/{EAST_CALL}").text
    section = marked[marked.index(f'id="prompt-{rule}"') :]
    assert "Practised " in section[: section.index("</article>")]
    client.post(
        f"/calls/{EAST_CALL}/practice", data={"rule": rule, "done": "0", "csrf_token": csrf_of(marked)}
    )
    assert "Practised " not in client.get(f"/calls/{EAST_CALL}").text


def test_enablement_sees_another_teams_call_without_its_words(client: TestClient, world: WebWorld) -> None:
    sign_in(client, world.keys["enablement"])
    html = client.get(f"/calls/{EAST_CALL}").text
    assert "numbers only" in html
    assert "nine days" not in html and 'class="quote"' not in html and 'id="transcript"' not in html
    # Nor can it find that call by words said in it.
    assert f"/calls/{EAST_CALL}" not in client.get("/calls", params={"q": "nine days"}).text


def test_an_assigned_roleplay_shows_on_the_reps_call_list(client: TestClient, world: WebWorld) -> None:
    sign_in(client, world.keys["manager"])
    page = client.get("/roleplays").text
    scenario = re.search(r'name="scenario_id" value="([^"]+)"', page).group(1)
    name = re.search(rf'<article class="card scenario" id="{scenario}">\s*<h2>([^<]+)</h2>', page).group(1)
    done = client.post(
        "/roleplays/assign", data={"scenario_id": scenario, "rep": REP, "csrf_token": csrf_of(page)}
    )
    assert f"Assigned to {REP}" in done.text
    # Not to a rep of another team.
    refused = client.post(
        "/roleplays/assign", data={"scenario_id": scenario, "rep": "Lee Park", "csrf_token": csrf_of(page)}
    )
    assert refused.status_code == 403
    sign_in(client, world.keys["rep"])
    assert name in client.get("/calls").text


class _Hook(http.server.BaseHTTPRequestHandler):
    bodies: list[bytes] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        self.bodies.append(self.rfile.read(int(self.headers["Content-Length"])))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def hook_url() -> Iterator[str]:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook"
    server.shutdown()


def test_admin_adds_tests_lists_and_removes_a_webhook(
    client: TestClient, world: WebWorld, hook_url: str
) -> None:
    sign_in(client, world.keys["admin"])
    page = client.post(
        "/admin/webhooks", data={"url": hook_url, "csrf_token": csrf_of(client.get("/admin").text)}
    )
    assert hook_url in page.text
    hook_id = re.search(r'action="/admin/webhooks/(\d+)/test"', page.text).group(1)
    tested = client.post(f"/admin/webhooks/{hook_id}/test", data={"csrf_token": csrf_of(page.text)})
    assert "test message delivered (HTTP 200)" in tested.text
    assert "callcoach test message" in json.loads(_Hook.bodies[-1])["text"]
    removed = client.post(f"/admin/webhooks/{hook_id}/remove", data={"csrf_token": csrf_of(tested.text)})
    assert hook_url not in removed.text
    assert (
        "not an http(s) URL"
        in client.post("/admin/webhooks", data={"url": "ftp://x", "csrf_token": csrf_of(removed.text)}).text
    )


def test_only_admins_reach_the_admin_page(client: TestClient, world: WebWorld) -> None:
    sign_in(client, world.keys["manager"])
    assert client.get("/admin").status_code == 403


def test_api_docs_load_their_assets_from_this_app(client: TestClient) -> None:
    for path, asset in (
        ("/docs", "/static/vendor/swagger-ui/swagger-ui-bundle.js"),
        ("/redoc", "/static/vendor/redoc/redoc.standalone.js"),
    ):
        html = client.get(path).text
        assert asset in html and "cdn.jsdelivr" not in html and "fonts.googleapis" not in html
        assert client.get(asset).status_code == 200


def test_the_team_page_shows_each_reps_trend_against_the_median(client: TestClient, world: WebWorld) -> None:
    sign_in(client, world.keys["manager"])
    page = client.get("/team")
    assert page.status_code == 200
    opening = f'<td class="trend-cell" data-indicator="discovery_score" data-rep="{REP}">'
    cell = re.search(re.escape(opening) + "(.*?)</td>", page.text, re.S)
    assert cell is not None, page.text[:2000]
    # The rep's discovery slid over her last calls: her average sits under the team's median.
    assert 'class="trend"' in cell.group(1) and ">below median<" in cell.group(1)
    assert "reference band 11–14" in page.text


def test_page_errors_are_html_pages_and_api_errors_stay_json(client: TestClient, world: WebWorld) -> None:
    sign_in(client, world.keys["rep"])
    for path, code, heading in (
        (f"/calls/{WEST_CALL}", 404, "Not found"),  # another team's call
        ("/no-such-page", 404, "Not found"),
        ("/admin", 403, "Not allowed"),  # another role's page
        ("/team", 403, "Not allowed"),
        ("/calls?page=0", 422, "Check the address"),
    ):
        response = client.get(path)
        assert response.status_code == code, path
        assert response.headers["content-type"].startswith("text/html"), path
        assert f'<h1 id="error-h">{heading}</h1>' in response.text, path
        assert response.headers["content-security-policy"].startswith("default-src 'self'"), path
    assert f"call &#39;{WEST_CALL}&#39; not found" in client.get(f"/calls/{WEST_CALL}").text
    # A form posted without its CSRF token: a page too.
    refused = client.post("/calls/x/practice", data={"rule": "r"})
    assert refused.status_code == 403 and "stale: reload the page" in refused.text
    assert refused.headers["content-type"].startswith("text/html")
    # The API answers the same mistakes in JSON.
    bearer = {"Authorization": f"Bearer {world.keys['rep']}"}
    for path, code in ((f"/v1/calls/{WEST_CALL}", 404), ("/v1/no-such-route", 404), ("/v1/outcomes", 403)):
        response = client.get(path, headers=bearer)
        assert response.status_code == code, path
        assert response.headers["content-type"] == "application/json", path
        assert isinstance(response.json()["detail"], str), path
    # A signed-out browser is still sent to the sign-in form, not shown an error.
    client.cookies.clear()
    assert client.get("/team", follow_redirects=False).status_code == 303


@pytest.fixture
def older_alerts(world: WebWorld) -> Iterator[int]:
    """Thirty open alerts on the manager's team, older than the fixture's own, and five on another
    team's rep; removed afterwards (the session's other tests read the inbox)."""
    opened = datetime(2026, 1, 1, tzinfo=UTC)
    rows = [(TEAMMATE, f"paging_check_{i:02d}") for i in range(30)]
    rows += [(WEST_REP, f"paging_check_{i:02d}") for i in range(5)]
    with session_scope(world.settings) as session:
        for i, (rep, kind) in enumerate(rows):
            session.add(
                CoachingAlertRow(
                    kind=kind,
                    subject_type="rep",
                    subject=rep,
                    severity="low",
                    status="open",
                    message=f"paging check {i}",
                    opened_at=opened - timedelta(hours=i),
                    updated_at=opened,
                )
            )
    yield 30
    with session_scope(world.settings) as session:
        session.execute(delete(CoachingAlertRow).where(CoachingAlertRow.kind.like("paging_check_%")))


def test_team_inbox_is_paged_newest_first(client: TestClient, world: WebWorld, older_alerts: int) -> None:
    sign_in(client, world.keys["manager"])
    bearer = {"Authorization": f"Bearer {world.keys['manager']}"}
    feed = client.get("/v1/alerts", params={"limit": 200}, headers=bearer).json()["items"]
    assert len(feed) > 25
    first = client.get("/team").text
    ids = re.findall(r'<li class="alert [^"]*" id="alert-(\d+)"', first)
    assert len(ids) == 25
    older = re.search(r'<a href="([^"]+)" rel="next">Older alerts</a>', first)
    assert older is not None
    second = client.get(older.group(1).replace("&amp;", "&")).text
    more = re.findall(r'<li class="alert [^"]*" id="alert-(\d+)"', second)
    # The pages together are the API's feed for this key, in its order (newest first).
    assert [int(i) for i in ids + more] == [a["id"] for a in feed][: len(ids) + len(more)]
    assert len(ids) + len(more) == min(len(feed), 50)
    assert WEST_REP not in first + second
    assert 'rel="prev">Newer alerts</a>' in second


def test_the_call_list_pages_through_the_team_newest_first(client: TestClient, world: WebWorld) -> None:
    sign_in(client, world.keys["manager"])
    first, second = (client.get("/calls", params={"page": n}).text for n in (1, 2))
    listed = [re.findall(r'<td><a href="/calls/([^"]+)">', page) for page in (first, second)]
    assert len(listed[0]) == 25 and listed[1], "the team's calls span two pages"
    # Together the pages are the team's calls once each, in the order of one unpaged listing.
    with session_scope(world.settings) as session:
        key = access.verify_key(session, world.keys["manager"])
        assert key is not None
        whole = browse(session, key, CallFilters(), limit=200, offset=0)
    assert listed[0] + listed[1] == [c.call_id for c in whole.items]
    assert whole.total == len(whole.items) and WEST_CALL not in listed[0] + listed[1]
