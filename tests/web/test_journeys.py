"""The three journeys in a real browser (Playwright driving Debian's chromium), and a check that no
page requests anything from another origin. Screenshots of each page land in tests/web/artifacts/."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.web.conftest import AUDIO_CALL, REP, WebWorld

pytestmark = [pytest.mark.services, pytest.mark.browser]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# How Chromium reports a request its page's Content-Security-Policy refused before any connection.
BLOCKED_BY_POLICY = {"csp", "net::ERR_BLOCKED_BY_CSP"}
# Controls that must carry a label (a <label for>, a wrapping label or aria-label).
UNLABELLED_CONTROLS_JS = """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
  .map(el => el.name || el.id || el.outerHTML.slice(0, 80))"""


def _until(page: Any, js: str, timeout_s: float = 15.0) -> None:
    """Poll `js` in the page until it is true. (wait_for_function evaluates a string, which the
    pages' Content-Security-Policy refuses, as it should.)"""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(js):
        assert time.monotonic() < deadline, f"timed out waiting for {js}"
        time.sleep(0.1)


def _sign_in(browser: Any, base: str, key: str, viewport: dict[str, int] = DESKTOP) -> Any:
    context = browser.new_context(viewport=viewport, base_url=base, accept_downloads=True)
    page = context.new_page()
    page.goto("/")
    page.get_by_label("API key").fill(key)
    page.get_by_role("button", name="Sign in").click()
    # "networkidle" alone can return before the form's navigation starts (the form page is idle):
    # wait until the sign-in form (posted to "/") has redirected to the role's home page.
    page.wait_for_url(lambda url: urlsplit(url).path != "/")
    page.wait_for_load_state("networkidle")
    return page


def _shoot(page: Any, artifacts: Path, name: str) -> None:
    page.screenshot(path=str(artifacts / f"{name}-desktop.png"), full_page=True)
    page.screenshot(path=str(artifacts / f"{name}-desktop-top.png"))  # the first screen, for the README
    page.set_viewport_size(PHONE)
    # On a phone the page itself never scrolls sideways (wide tables scroll inside their box).
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"] + 1, name
    page.screenshot(path=str(artifacts / f"{name}-phone.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def test_rep_opens_a_call_and_jumps_to_a_quote(
    browser: Any, live_server: str, world: WebWorld, artifacts: Path
) -> None:
    page = _sign_in(browser, live_server, world.keys["rep"])
    assert page.url.endswith("/calls")
    _shoot(page, artifacts, "calls")
    page.get_by_role("link", name="Support automation discovery").click()
    _until(page, "document.getElementById('player') && document.getElementById('player').readyState >= 1")
    quotes = page.locator(".signals button.quote")
    starts = [float(s) for s in quotes.evaluate_all("els => els.map(e => e.dataset.start)")]
    assert starts, "the call's signal cards carry evidence quotes"
    target = max(range(len(starts)), key=lambda i: starts[i])
    assert starts[target] > 1.0
    quotes.nth(target).click()
    _until(page, f"Math.abs(document.getElementById('player').currentTime - {starts[target]}) < 0.5")
    assert page.locator("body").get_attribute("data-seeked-to") == f"{starts[target]:.2f}"
    current = page.locator("#transcript li.current")
    assert current.count() == 1 and float(current.get_attribute("data-start")) <= starts[target]
    # The same by keyboard: a timestamp of the transcript, focused and pressed with Enter.
    stamp = page.locator("#transcript button.ts").nth(1)
    stamp.focus()
    page.keyboard.press("Enter")
    second = float(stamp.get_attribute("data-start"))
    _until(page, f"Math.abs(document.getElementById('player').currentTime - {second}) < 0.5")
    _shoot(page, artifacts, "call")
    page.context.close()


def test_manager_reads_a_trend_and_resolves_an_alert(
    browser: Any, live_server: str, world: WebWorld, artifacts: Path
) -> None:
    page = _sign_in(browser, live_server, world.keys["manager"])
    assert page.url.endswith("/team")
    cell = page.locator(f'td.trend-cell[data-rep="{REP}"][data-indicator="discovery_score"]')
    assert cell.locator("svg polyline.trend").count() == 1
    # The rep's discovery slid over her last calls: her average sits under the team's median.
    assert cell.locator(".verdict").inner_text() == "below median"
    assert "reference band 11–14" in page.locator("table.trends thead").inner_text()
    _shoot(page, artifacts, "team")
    alert = page.locator("li.alert", has_text=REP).filter(has_text="discovery").first
    alert_id = alert.get_attribute("id")
    alert.get_by_role("button", name="Acknowledge").click()
    page.wait_for_load_state("networkidle")
    alert = page.locator(f"#{alert_id}")
    assert "acknowledged" in alert.locator(".alert-head").inner_text()
    alert.get_by_label("Resolution note").fill("coached discovery in our 1:1")
    alert.get_by_role("button", name="Resolve").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".notice").inner_text() == "Alert resolved."
    assert page.locator(f"#{alert_id}").count() == 0
    page.context.close()


def test_enablement_filters_and_exports_roleplays(
    browser: Any, live_server: str, world: WebWorld, artifacts: Path
) -> None:
    page = _sign_in(browser, live_server, world.keys["enablement"])
    assert page.url.endswith("/roleplays")
    categories = [
        c for c in page.locator("#f-category option").evaluate_all("os => os.map(o => o.value)") if c
    ]
    assert categories, "scenarios from buyer objections in the library"
    library = page.locator("article.scenario").count()
    chosen = categories[0]
    page.get_by_label("Objection category").select_option(chosen)
    page.get_by_role("button", name="Apply").click()
    page.wait_for_load_state("networkidle")
    assert f"category={chosen}" in page.url
    kinds = page.locator("article.scenario dl div:first-child dd").all_inner_texts()
    # Only that category's objections are left (the pains and other scenarios are filtered out).
    assert kinds and all(k == f"objection ({chosen})" for k in kinds) and len(kinds) < library
    names = page.locator("article.scenario h2").all_inner_texts()
    _shoot(page, artifacts, "roleplays")
    with page.expect_download() as download:
        page.get_by_role("link", name="Export as Markdown").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("# Role-play scenarios") and all(n in text for n in names)
    assert text.count("\n## ") == len(names)
    page.get_by_role("link", name="Printable page").click()
    page.wait_for_load_state("networkidle")
    page.emulate_media(media="print")
    assert page.locator("header.top").is_hidden()
    assert page.locator(".print-scenario h2").count() == len(names)
    page.pdf(path=str(artifacts / "roleplays-print.pdf"))
    page.screenshot(path=str(artifacts / "roleplays-print.png"), full_page=True)
    page.context.close()


def _same_origin(url: str, base: str) -> bool:
    if url.startswith("data:"):
        return True  # inline, no request leaves the page
    if url.startswith("blob:"):
        url = url[len("blob:") :]
    a, b = urlsplit(url), urlsplit(base)
    return (a.scheme, a.netloc) == (b.scheme, b.netloc)


def test_no_page_requests_anything_from_another_origin(
    browser: Any, live_server: str, world: WebWorld, artifacts: Path
) -> None:
    page = _sign_in(browser, live_server, world.keys["admin"])
    requested: list[str] = []
    page.context.on("request", lambda r: requested.append(r.url))
    refused: dict[str, str | None] = {}
    page.context.on("requestfailed", lambda r: refused.__setitem__(r.url, r.failure))
    csp_errors: list[str] = []
    page.on("console", lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None)
    app_pages = [
        "/calls",
        f"/calls/{AUDIO_CALL}",
        "/team",
        f"/team/reps/{REP.replace(' ', '%20')}",
        "/roleplays",
        "/roleplays/print",
        "/admin",
    ]
    for path in app_pages:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate(UNLABELLED_CONTROLS_JS) == [], path
    # The pages' own policy never had to refuse anything (no inline script, no foreign asset).
    assert csp_errors == []
    for path, ready in (("/docs", ".swagger-ui .info"), ("/redoc", ".api-content")):
        page.goto(path)
        page.wait_for_selector(ready)  # rendered, so its assets came from this origin
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(artifacts / f"{path.strip('/')}-desktop.png"))
    assert len(requested) > len(app_pages) + 2
    # A request the page's own Content-Security-Policy refused never left the browser (ReDoc's bundle
    # links its vendor's logo; /redoc's policy refuses it). Any other foreign request fails the test.
    foreign = [u for u in requested if not _same_origin(u, live_server)]
    assert [u for u in foreign if refused.get(u) not in BLOCKED_BY_POLICY] == [], refused
    page.context.close()
