"""What operators see (issue 21): heartbeats of workers and beat, the health
checks behind ``/health/`` and the gauges behind ``/metrics``.

Feature apps add their own checks and gauges here (``register_check``,
``register_gauges``) from their ``AppConfig.ready``: this base app imports none
of them. Heartbeats live in Redis with a time to live, so a dead process
disappears by itself.

Workers: a thread in each worker's main process writes its heartbeat every
``HEARTBEAT_S`` seconds and, under systemd (``NOTIFY_SOCKET`` set), sends the
``READY=1`` and ``WATCHDOG=1`` notifications (sd_notify protocol): a worker
whose main process hangs stops pinging and systemd restarts it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import redis
from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)

# Seconds between heartbeats (tests lower it with CLINIC_HEARTBEAT_S).
HEARTBEAT_S = float(os.environ.get("CLINIC_HEARTBEAT_S", "10"))
WORKER_KEY = "clinic:heartbeat:worker:"
MARK_KEY = "clinic:mark:"


def _redis() -> Any:
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1)


# --- sd_notify ------------------------------------------------------------------


def sd_notify(state: str) -> bool:
    """Send one notification to systemd (no-op outside systemd)."""
    address = os.environ.get("NOTIFY_SOCKET")
    if not address:
        return False
    if address.startswith("@"):
        address = "\0" + address[1:]  # abstract namespace
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(address)
            sock.sendall(state.encode())
        except OSError:
            return False
    return True


# --- heartbeats and marks ---------------------------------------------------------


def worker_beat(name: str, queues: str = "") -> None:
    """Record that the worker ``name`` is alive (expires after two minutes)."""
    _redis().set(WORKER_KEY + name, f"{time.time()}|{queues}", ex=120)


def workers_seen(within_s: float = 60.0) -> dict[str, float]:
    """Workers whose heartbeat is younger than ``within_s``: name -> age (s)."""
    client = _redis()
    seen = {}
    now = time.time()
    for key in client.scan_iter(match=WORKER_KEY + "*", count=100):
        value = client.get(key)
        if not value:
            continue
        age = now - float(value.decode().split("|", 1)[0])
        if age <= within_s:
            seen[key.decode()[len(WORKER_KEY) :]] = age
    return seen


def mark(name: str) -> None:
    """Record that ``name`` (e.g. "tick") just happened."""
    try:
        _redis().set(MARK_KEY + name, str(time.time()), ex=7 * 86400)
    except redis.RedisError:
        logger.warning("could not record %s (Redis unavailable)", name)


def mark_age(name: str) -> float | None:
    """Seconds since ``mark(name)``; None if never (or Redis lost it)."""
    value = _redis().get(MARK_KEY + name)
    return None if value is None else max(0.0, time.time() - float(value))


class Heartbeat(threading.Thread):
    """The worker's heartbeat thread (started on ``worker_ready``)."""

    def __init__(self, name: str, queues: str, interval: float = HEARTBEAT_S):
        super().__init__(name="clinic-heartbeat", daemon=True)
        self.worker_name, self.queues, self.interval = name, queues, interval
        self.stopped = threading.Event()

    def run(self) -> None:
        sd_notify("READY=1")
        while not self.stopped.is_set():
            # With Redis down the worker reconnects; keep pinging systemd.
            with contextlib.suppress(redis.RedisError):
                worker_beat(self.worker_name, self.queues)
            sd_notify("WATCHDOG=1")
            self.stopped.wait(self.interval)


# --- health ---------------------------------------------------------------------


@dataclass
class CheckResult:
    ok: bool
    detail: dict = field(default_factory=dict)


_checks: dict[str, Callable[[], CheckResult]] = {}
_gauges: list[Callable[[], list[tuple[str, str, dict, float]]]] = []


def register_check(name: str, check: Callable[[], CheckResult]) -> None:
    _checks[name] = check


def register_gauges(collector: Callable[[], list[tuple[str, str, dict, float]]]) -> None:
    """``collector()`` returns (metric name, help, labels, value) tuples."""
    if collector not in _gauges:
        _gauges.append(collector)


def _check_database() -> CheckResult:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return CheckResult(True)


def _check_redis() -> CheckResult:
    return CheckResult(bool(_redis().ping()))


def _check_workers() -> CheckResult:
    seen = workers_seen(settings.HEALTH_WORKER_STALE_S)
    return CheckResult(bool(seen), {"seen": len(seen)})


def _check_beat() -> CheckResult:
    age = mark_age("tick")
    limit = settings.HEALTH_TICK_STALE_S
    return CheckResult(age is not None and age <= limit, {"last_tick_age_s": age})


def _check_disk() -> CheckResult:
    usage = shutil.disk_usage(settings.MEDIA_ROOT if os.path.isdir(settings.MEDIA_ROOT) else "/")
    free = usage.free / usage.total
    return CheckResult(free >= 0.05, {"free_ratio": round(free, 3)})


register_check("database", _check_database)
register_check("redis", _check_redis)
register_check("workers", _check_workers)
register_check("beat", _check_beat)
register_check("disk", _check_disk)


def health() -> dict[str, CheckResult]:
    """Run every check; an exception is a failed check (its type only)."""
    results = {}
    for name, check in _checks.items():
        try:
            results[name] = check()
        except Exception as error:  # any failure is "unhealthy", never a 500
            results[name] = CheckResult(False, {"error": type(error).__name__})
            if name == "database":
                with contextlib.suppress(Exception):
                    connection.close()
    return results


# --- metrics --------------------------------------------------------------------


def _base_gauges() -> list[tuple[str, str, dict, float]]:
    rows: list[tuple[str, str, dict, float]] = []
    try:
        rows.append(
            (
                "clinic_workers_seen",
                "Celery workers with a heartbeat in the last minute",
                {},
                len(workers_seen()),
            )
        )
        age = mark_age("tick")
        rows.append(
            (
                "clinic_beat_tick_age_seconds",
                "Seconds since the reminders tick last ran",
                {},
                -1 if age is None else age,
            )
        )
    except redis.RedisError:
        rows.append(("clinic_redis_up", "Whether Redis answers", {}, 0))
    return rows


register_gauges(_base_gauges)


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def metrics_text() -> str:
    """Every registered gauge in the Prometheus text format (0.0.4)."""
    samples: dict[str, tuple[str, list[tuple[dict, float]]]] = {}
    for collector in _gauges:
        try:
            rows = collector()
        except Exception as error:  # one broken collector must not hide the others
            logger.warning("metrics collector failed: %s", type(error).__name__)
            continue
        for name, help_text, labels, value in rows:
            samples.setdefault(name, (help_text, []))[1].append((labels, value))
    lines = []
    for name, (help_text, values) in samples.items():
        lines.append(f"# HELP {name} {help_text}")
        lines.append(f"# TYPE {name} gauge")
        for labels, value in values:
            label_text = ",".join(f'{k}="{_escape(str(v))}"' for k, v in sorted(labels.items()))
            lines.append(
                f"{name}{{{label_text}}} {float(value):g}" if labels else f"{name} {float(value):g}"
            )
    return "\n".join(lines) + "\n"
