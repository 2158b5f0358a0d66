"""The chaos test (issue 21): one run of real prefork workers, a private Redis,
a real SMTP server and PostgreSQL through four faults in a row:

1. kill -9 of the worker (its whole process group) mid-send; /health/ notices;
2. Redis restarted empty (a private redis-server on a free port);
3. the SMTP server down for a few seconds (the circuit breaker opens);
4. the workers' PostgreSQL connections terminated while they send.

Then: 0 lost, 0 sent twice, every ``unknown`` row alerted. Marked slow; it
lowers the timeouts so that it fits in about two minutes.
"""

from __future__ import annotations

import os
import signal
import time

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from clinic import ops
from reminders import delivery
from tests.reminders import test_reminder_worker as worker
from tests.reminders.test_reminder_worker import (
    _assert_exactly_once,
    _drive,
    _due_patients,
    _plan_due,
    _tally,
)

# The real-worker tests' fixtures: the SMTP sink, the private Redis, the clinic.
smtp, private_redis, staff = worker.smtp, worker.private_redis, worker.staff

FAST = {
    # Seconds instead of minutes, so that every fault heals within the test.
    "REMINDER_BACKOFF_BASE_S": "1",
    "REMINDER_BACKOFF_CAP_S": "3",
    "REMINDER_BREAKER_THRESHOLD": "3",
    "REMINDER_BREAKER_PAUSE_S": "1",
    "REMINDER_BREAKER_PAUSE_CAP_S": "3",
    "CLINIC_HEARTBEAT_S": "1",
    # libpq names the workers' database sessions, so that step 4 terminates
    # theirs and nobody else's (other suites may share the test database).
    "PGAPPNAME": "chaos-worker",
}


def _wait(condition, timeout: float, what: str) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():
            return time.monotonic() - started
        time.sleep(0.2)
    raise AssertionError(f"{what}: not within {timeout}s")


def _workers_healthy() -> bool:
    return ops.health()["workers"].ok


@pytest.mark.slow
def test_chaos_kill_redis_restart_smtp_down_db_terminated_lose_and_duplicate_nothing(
    transactional_db,
    staff,
    private_redis,
    smtp,
    settings,
):
    server, pool = private_redis
    clinic, clinician = staff
    settings.REDIS_URL = server.url  # /health/'s checks look at the workers' Redis
    settings.HEALTH_WORKER_STALE_S = 4
    _due_patients(clinic, clinician, 60)
    assert _plan_due() == 60
    smtp.delay = 0.05

    # 1. kill -9 of a prefork worker mid-send.
    first = pool.start(pool="prefork", concurrency=2, **FAST)
    _wait(_workers_healthy, 60, "the first worker's heartbeat")
    delivery.reminders_dispatch()
    _wait(lambda: len(smtp.ids) >= 6, 60, "the first messages")
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(10)
    assert len(smtp.ids) < 60, "the kill must land mid-batch"
    went_unhealthy = _wait(lambda: not _workers_healthy(), 15, "/health/ noticing the dead worker")
    assert went_unhealthy < 15

    # 2. Redis restarted empty: every queued message is gone.
    server.stop()
    server.start()
    smtp.delay = 0
    pool.start(pool="prefork", concurrency=2, **FAST)
    _wait(_workers_healthy, 60, "/health/ seeing the new worker")

    # 3. The SMTP server down for a few seconds.
    port = smtp.controller.port
    smtp.controller.stop()
    deadline = time.monotonic() + 4
    while time.monotonic() < deadline:
        delivery.reminders_sweep()
        delivery.reminders_dispatch()
        time.sleep(0.3)
    smtp.controller = Controller(smtp, hostname="127.0.0.1", port=port)
    smtp.controller.start()

    # 4. The workers' PostgreSQL connections terminated, again and again for a
    # few seconds while they send (slowly, so that they are mid-chunk).
    smtp.delay = 0.05
    terminated = []
    until = time.monotonic() + 6

    def terminate():
        if time.monotonic() > until:
            smtp.delay = 0
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND application_name = 'chaos-worker'"
            )
            terminated.append(cursor.fetchone()[0])

    _drive(timeout=120, during=terminate)
    assert sum(terminated) >= 1, terminated
    tally = _tally(smtp)
    assert tally["rows"] == 60
    # The chunks in flight at the kill (two pool processes) may end unknown,
    # each alerted; nothing is lost or sent twice.
    _assert_exactly_once(tally, unknown_allowed=2 * delivery.SEND_CHUNK)
    print(  # the figures, for the notes (pytest -s)
        f"chaos: {len(set(smtp.ids))} delivered once of {tally['rows']}, "
        f"{len(tally['unknown'])} unknown (all alerted), {sum(terminated)} sessions "
        f"terminated, /health/ 503 {went_unhealthy:.1f}s after the kill"
    )
