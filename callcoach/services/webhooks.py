"""Manager alerts as Slack-compatible webhook messages, POSTed with retries.

The payload is Slack's incoming-webhook JSON (``{"text": ..., "blocks": [...]}``): ``text`` is
the notification fallback, ``blocks`` the formatted message. Every POST carries an
``Idempotency-Key`` header (the same on every retry) so a receiver that saw an attempt whose
response was lost can drop the duplicate. Transient failures (connection errors, timeouts,
408/425/429 and 5xx answers) are retried with exponential backoff (tenacity); other 4xx
answers are final. Recording the outcome (exactly once) is the service's job.

Targets are checked (:func:`check_target`) when registered and again before each delivery (a name
may resolve elsewhere later): http(s) only, and every address the host resolves to must be public
(not private, loopback, link-local, reserved or multicast: no cloud metadata service, no internal
admin port) unless the host is in ``webhook_allowed_hosts``. Redirects are not followed.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import httpx
from tenacity import (
    RetryError,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
)

from callcoach.errors import InputError
from coaching.types import Alert, clock

log = logging.getLogger("callcoach.coaching")

# Answers worth retrying: the receiver is overloaded, rate limiting, or briefly broken.
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
_SEVERITY_ICON = {"high": ":red_circle:", "medium": ":large_orange_circle:", "low": ":white_circle:"}
# Slack limits a section's text to 3000 characters; quotes are cut well before that.
_MAX_QUOTE_CHARS = 280


class WebhookTargetRefused(InputError):
    """A webhook URL that is not public http(s) (and its host not allowed by the admin)."""


def _addresses(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError, OSError):
        return []
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


def check_target(url: str, allowed_hosts: Iterable[str] = (), *, require_resolved: bool = False) -> str:
    """`url` if alerts may be POSTed to it, else WebhookTargetRefused with the reason.

    A name that does not resolve (yet) is accepted at registration and refused at delivery
    (`require_resolved`): the check that matters is the one before the POST."""
    parsed = httpx.URL(url)
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise WebhookTargetRefused(f"webhook url {url[:100]!r}: only http(s) URLs with a host are accepted")
    host = parsed.host.lower()
    if host in {h.lower() for h in allowed_hosts}:
        return url
    addresses = _addresses(host)
    if not addresses:
        if require_resolved:
            raise WebhookTargetRefused(f"webhook host {host!r} does not resolve")
        return url
    for address in addresses:
        mapped = getattr(address, "ipv4_mapped", None)
        if not (mapped or address).is_global or address.is_multicast:
            raise WebhookTargetRefused(
                f"webhook host {host!r} resolves to {address}, a private, loopback or link-local "
                "address; an admin may allow the host (CALLCOACH_WEBHOOK_ALLOWED_HOSTS)"
            )
    return url


class TransientWebhookError(Exception):
    def __init__(self, message: str, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    delivered: bool
    attempts: int
    status_code: int | None
    error: str | None


def slack_payload(alert: Alert, *, event: str = "opened", alert_id: int | None = None) -> dict[str, Any]:
    """The Slack incoming-webhook message for an alert."""
    icon = _SEVERITY_ICON.get(alert.severity, "")
    head = f"{icon} [{alert.severity}] {alert.kind.replace('_', ' ')}: {alert.subject_type} {alert.subject}"
    if event != "opened":
        head = f"{event}: {head}"
    window = ", ".join(c.call_id for c in alert.window)
    quotes = "\n".join(
        f"> _{q.get('speaker') or '?'}_ ({q.get('call_id', '')} {clock(q.get('start', 0))}): "
        f"{str(q.get('text', ''))[:_MAX_QUOTE_CHARS]}"
        for q in alert.evidence
    )
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": head[:150]}},
        {"type": "section", "text": {"type": "mrkdwn", "text": alert.message}},
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": f"Calls: {window}" + (f" | alert #{alert_id}" if alert_id is not None else ""),
                }
            ],
        },
    ]
    if quotes:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": quotes}})
    return {"text": f"{head}: {alert.message}", "blocks": blocks}


def post_with_retries(
    url: str,
    payload: dict[str, Any],
    *,
    idempotency_key: str,
    attempts: int,
    backoff_s: float,
    backoff_max_s: float,
    timeout_s: float,
    connect_timeout_s: float | None = None,
    client: httpx.Client | None = None,
) -> DeliveryResult:
    """POST `payload` to `url`, retrying transient failures; never raises for HTTP outcomes.

    `timeout_s` bounds each read and write, `connect_timeout_s` the connection: an endpoint that
    accepts and never answers costs `timeout_s` per attempt, not minutes."""
    headers = {
        "Idempotency-Key": idempotency_key,
        "Content-Type": "application/json",
        "User-Agent": "callcoach-alerts/1",
    }
    own = client is None
    timeout = httpx.Timeout(timeout_s, connect=connect_timeout_s or timeout_s)
    http = client or httpx.Client(timeout=timeout, follow_redirects=False)
    tries = 0
    last_code: int | None = None

    def once() -> int:
        nonlocal tries, last_code
        tries += 1
        try:
            r = http.post(url, json=payload, headers=headers, timeout=timeout)
        except httpx.TransportError as exc:
            raise TransientWebhookError(f"{type(exc).__name__}: {exc}") from exc
        last_code = r.status_code
        if r.status_code in RETRY_STATUSES:
            raise TransientWebhookError(f"HTTP {r.status_code}", r.status_code)
        return r.status_code

    retrying = Retrying(
        stop=stop_after_attempt(attempts),
        wait=wait_exponential(multiplier=backoff_s, max=backoff_max_s),
        retry=retry_if_exception_type(TransientWebhookError),
        reraise=False,
    )
    try:
        code = retrying(once)
    except RetryError as exc:
        err = exc.last_attempt.exception()
        log.warning("webhook %s: gave up after %d attempts: %s", url, tries, err)
        return DeliveryResult(False, tries, last_code, str(err))
    finally:
        if own:
            http.close()
    if 200 <= code < 300:
        return DeliveryResult(True, tries, code, None)
    return DeliveryResult(False, tries, code, f"HTTP {code} (not retried)")
