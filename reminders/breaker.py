"""A circuit breaker per reminder channel (issue 21: back-pressure).

After ``REMINDER_BREAKER_THRESHOLD`` consecutive connection failures of a
channel (SMTP refused, SMS gateway unreachable), no worker hands rows to that
channel for a pause that grows with each trip (``REMINDER_BREAKER_PAUSE_S``,
doubled per trip, capped at ``REMINDER_BREAKER_PAUSE_CAP_S``). Rows held back
go back to ``retry_wait`` until the pause ends, without spending an attempt.
The first success after a pause closes the breaker.

The state is shared by every worker through Redis (a hash per channel); each
process re-reads it at most once a second. When Redis itself is unreachable the
breaker stays closed (fails open): it only ever saves effort, it never decides
whether a reminder may be sent.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from typing import Any

import redis
from django.conf import settings

logger = logging.getLogger(__name__)

KEY = "reminders:breaker:{channel}"
LOCAL_TTL_S = 1.0
_local = threading.local()


def _client() -> Any:  # redis-py's stubs mix in the async return types
    client = getattr(_local, "client", None)
    if client is None or getattr(_local, "url", None) != settings.REDIS_URL:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=0.5, socket_connect_timeout=0.5
        )
        _local.client, _local.url = client, settings.REDIS_URL
    return client


def _cache() -> dict:
    cache = getattr(_local, "cache", None)
    if cache is None:
        cache = _local.cache = {}
    return cache


def _open_until(channel: str) -> float:
    cache = _cache()
    now = time.monotonic()
    hit = cache.get(channel)
    if hit is not None and now - hit[1] < LOCAL_TTL_S:
        return hit[0]
    try:
        value = float(_client().hget(KEY.format(channel=channel), "open_until") or 0)
    except redis.RedisError:
        value = 0.0
    cache[channel] = (value, now)
    return value


def allows(channel: str) -> bool:
    """Whether rows may be handed to this channel now."""
    return _open_until(channel) <= time.time()


def pause_left(channel: str) -> int:
    """Seconds until the channel's pause ends (at least 1)."""
    return max(1, int(_open_until(channel) - time.time()) + 1)


def record(channel: str, *, ok: bool) -> None:
    """Count a hand-off: a success closes the breaker; the N-th failure in a
    row opens it for a growing pause."""
    key = KEY.format(channel=channel)
    failing = getattr(_local, "failing", None)
    if failing is None:
        failing = _local.failing = set()
    try:
        if ok:
            if channel in failing:
                _client().hset(key, mapping={"failures": 0, "trips": 0, "open_until": 0})
                failing.discard(channel)
                _cache().pop(channel, None)
            return
        failing.add(channel)
        client = _client()
        failures = client.hincrby(key, "failures", 1)
        if failures >= settings.REMINDER_BREAKER_THRESHOLD:
            trips = client.hincrby(key, "trips", 1)
            pause = min(
                settings.REMINDER_BREAKER_PAUSE_CAP_S,
                settings.REMINDER_BREAKER_PAUSE_S * 2 ** (trips - 1),
            )
            until = time.time() + pause
            client.hset(key, mapping={"failures": 0, "open_until": until})
            client.expire(key, 86400)
            _cache()[channel] = (until, time.monotonic())
            logger.warning(
                "reminder channel %s paused for %ss after %s connection failures",
                channel,
                pause,
                failures,
            )
    except redis.RedisError:
        logger.warning("circuit breaker state unavailable (Redis); the breaker stays closed")


def status() -> dict[str, float]:
    """Seconds of pause left per channel that is paused (for /metrics)."""
    from reminders.models import ReminderChannel

    paused = {}
    for channel in ReminderChannel.values:
        try:
            until = float(_client().hget(KEY.format(channel=channel), "open_until") or 0)
        except redis.RedisError:
            continue
        if until > time.time():
            paused[channel] = until - time.time()
    return paused


def reset() -> None:
    """Close every breaker (tests, operators)."""
    from reminders.models import ReminderChannel

    for channel in ReminderChannel.values:
        with contextlib.suppress(redis.RedisError):
            _client().delete(KEY.format(channel=channel))
    _cache().clear()
    _local.failing = set()
