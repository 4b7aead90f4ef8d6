"""What the broker holds: the (stage, call id) of every task message waiting in a queue or
delivered to a worker and not yet acknowledged, read from Redis the way kombu stores them.

The reconciler compares this with the calls the database says are waiting: a call waiting for a
stage with no message for it anywhere lost its message (Redis restarted without persistence, a
send that failed) and is sent again within a minute, instead of after ``reconcile_queued_after_s``.

Layout (kombu's Redis transport, every key behind ``broker_namespace``): a queue is a list per
priority step (``name``, ``name\\x06\\x163``, ...) of JSON messages whose base64 body is
``[args, kwargs, embed]``; delivered, unacknowledged messages are in the hash ``unacked``
(tag -> ``[message, exchange, routing_key]``) with their delivery time in the sorted set
``unacked_index``. One MULTI reads all of it, so a message moving from a queue to ``unacked``
is seen once, not missed.
"""

from __future__ import annotations

import base64
import json
import logging
import time
from typing import Any

import redis

from callcoach.settings import Settings

log = logging.getLogger("callcoach.workers")

# kombu's Redis transport: priority steps and the separator between a queue name and its step.
_PRIORITY_STEPS = (0, 3, 6, 9)
_PRIORITY_SEP = "\x06\x16"
_UNACKED = "unacked"
_UNACKED_INDEX = "unacked_index"
# A broker that does not answer within this is treated as unknown (the reconciler then waits for
# the long timeout) rather than holding up the reconciler round.
BROKER_READ_TIMEOUT_S = 5.0


def _queue_keys(prefix: str, queue: str) -> list[str]:
    return [prefix + (queue if p == 0 else f"{queue}{_PRIORITY_SEP}{p}") for p in _PRIORITY_STEPS]


def _stage_call(message: Any, task_stage: dict[str, str]) -> tuple[str, str] | None:
    """(stage, call id) of one kombu message, or None for anything else (a foreign message)."""
    try:
        if isinstance(message, bytes | str):
            message = json.loads(message)
        stage = task_stage.get(str(message["headers"]["task"]))
        if stage is None:
            return None
        body = message["body"]
        if message.get("properties", {}).get("body_encoding") == "base64":
            body = base64.b64decode(body)
        args = json.loads(body)[0]
        return (stage, str(args[0])) if args else None
    except (KeyError, IndexError, TypeError, ValueError):
        return None


def messages_in_broker(
    settings: Settings, queues: tuple[str, ...], task_stage: dict[str, str], *, unacked_max_age_s: float
) -> set[tuple[str, str]] | None:
    """Every (stage, call id) with a task message in `queues` or delivered and unacknowledged for
    less than `unacked_max_age_s` (an older one belongs to a worker that died holding it: Redis
    gives it back only after the visibility timeout, hours later). None when Redis cannot be read.
    """
    if not settings.broker_url or not settings.broker_url.startswith(("redis://", "rediss://")):
        return None
    prefix = settings.broker_namespace
    client = redis.Redis.from_url(
        settings.broker_url,
        socket_connect_timeout=BROKER_READ_TIMEOUT_S,
        socket_timeout=BROKER_READ_TIMEOUT_S,
    )
    try:
        pipe = client.pipeline(transaction=True)
        keys = [k for q in queues for k in _queue_keys(prefix, q)]
        for key in keys:
            pipe.lrange(key, 0, -1)
        pipe.hgetall(prefix + _UNACKED)
        pipe.zrange(prefix + _UNACKED_INDEX, 0, -1, withscores=True)
        replies = pipe.execute()
    except (redis.RedisError, OSError) as exc:
        log.warning("reconciler: cannot read the broker's queues: %s", exc)
        return None
    finally:
        client.close()
    found: set[tuple[str, str]] = set()
    for reply in replies[: len(keys)]:
        for raw in reply:
            item = _stage_call(raw, task_stage)
            if item is not None:
                found.add(item)
    unacked: dict[bytes, bytes] = replies[len(keys)]
    delivered_at = {tag: score for tag, score in replies[len(keys) + 1]}
    oldest = time.time() - unacked_max_age_s
    for tag, raw in unacked.items():
        if delivered_at.get(tag, 0.0) < oldest:
            continue
        try:
            message = json.loads(raw)[0]
        except (ValueError, IndexError, TypeError):
            continue
        item = _stage_call(message, task_stage)
        if item is not None:
            found.add(item)
    return found
