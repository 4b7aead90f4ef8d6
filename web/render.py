"""Templates, filters and the response helpers every page uses (security headers included)."""

from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from coaching.metrics import METRICS

WEB_DIR = Path(__file__).parent
STATIC_DIR = WEB_DIR / "static"
TEMPLATE_DIR = WEB_DIR / "templates"

# Same-origin everything: the pages load nothing from elsewhere, and this header makes the
# browser refuse if a template ever tried. Inline scripts and styles are refused as well.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; media-src 'self'; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def clock(seconds: float | None) -> str:
    """m:ss (or h:mm:ss) of a position in a call."""
    if seconds is None or not math.isfinite(seconds):
        return ""
    s = int(seconds)
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


def day(value: datetime | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    return value.strftime("%Y-%m-%d %H:%M")


def metric_value(value: float | None, name: str) -> str:
    """A metric as people read it (talk share in percent, scores as whole numbers)."""
    if value is None:
        return "–"
    if name == "buyer_sentiment":
        return f"{value:+.2f}"
    return METRICS[name].format(value) if name in METRICS else f"{value:g}"


def minutes(seconds: float | None) -> str:
    if not seconds:
        return ""
    return f"{seconds / 60:.0f} min" if seconds >= 60 else f"{seconds:.0f} s"


templates = Jinja2Templates(directory=str(TEMPLATE_DIR))
templates.env.filters.update(clock=clock, day=day, metric=metric_value, minutes=minutes)
templates.env.globals.update(METRICS=METRICS)


def page(request: Request, name: str, context: dict[str, Any], *, status_code: int = 200) -> HTMLResponse:
    """Render a page template with the security headers."""
    response = templates.TemplateResponse(request, name, context, status_code=status_code)
    response.headers.update(SECURITY_HEADERS)
    return response
