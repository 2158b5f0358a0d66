"""The Celery app and the one place where periodic schedules live.

Defaults (JSON only, time limits, acks_late with reject-on-worker-lost) come
from the CELERY_* settings in clinic/settings.py.
"""

import contextlib
import os
import sys

from celery import Celery, signals
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")

app = Celery("clinic")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# REMINDER_TICK_S (also in settings): read here from the environment, since this
# module loads before Django's settings.
TICK_S = float(max(5, int(os.environ.get("REMINDER_TICK_S", "60") or 60)))

# The single beat schedule of the project. Times are UTC.
app.conf.beat_schedule = {
    "health-heartbeat": {
        "task": "clinic.tasks.health_ping",
        "schedule": 300.0,
    },
    # Reminders (issue 5): sweep and dispatch every minute; plan the next 48 h
    # every 10 minutes (idempotent; a preference change also plans at once).
    # Planning, snapshots and alert rules are chunked passes (clinic/passes.py).
    "reminders-tick": {"task": "reminders.tick", "schedule": TICK_S},
    "reminders-plan": {"task": "reminders.plan", "schedule": 600.0},
    "passes-sweep": {"task": "clinic.passes_sweep", "schedule": 120.0},
    # New-message notices (issue 16): the outbox, every minute.
    "messaging-notices": {"task": "messaging.notices_tick", "schedule": 60.0},
    # Nightly: weekly adherence snapshots, then the alert rules, then digests.
    "adherence-snapshots": {
        "task": "tracking.adherence_snapshots",
        "schedule": crontab(hour=2, minute=15),
    },
    "alerts-evaluate": {
        "task": "tracking.alerts_evaluate",
        "schedule": crontab(hour=3, minute=0),
    },
    # Stored progression proposals for the caseload (issue 14; also refreshed per log).
    "progression-proposals": {
        "task": "tracking.proposals_refresh",
        "schedule": crontab(hour=3, minute=20),
    },
    # Programme emails (issue 15): versions settled for 2 minutes, once each.
    "programme-emails-tick": {"task": "programmes.programme_emails_tick", "schedule": 60.0},
    # Pictures whose renditions were not queued (broker down at upload).
    "exercise-renditions-sweep": {"task": "exercises.renditions_sweep", "schedule": 600.0},
    "alerts-digest": {
        "task": "alerts.digest",
        "schedule": crontab(hour=6, minute=30),
    },
}


def worker_command(*, pool: str = "solo", queue: str = "", concurrency: int = 0) -> list[str]:
    """The command line of a quiet Celery worker for this app, run by this
    interpreter: what the real-worker tests and the reminder benchmark start."""
    command = [sys.executable, "-m", "celery", "-A", "clinic", "worker", "--pool", pool]
    if concurrency:
        command += ["--concurrency", str(concurrency)]
    if queue:
        command += ["-Q", queue]
    return [
        *command,
        "--loglevel",
        "WARNING",
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
    ]


# --- worker heartbeat, systemd watchdog and task ids in logs (issue 21) ---------

_heartbeat = None


@signals.worker_ready.connect
def _start_heartbeat(sender=None, **kwargs):
    global _heartbeat
    from clinic.ops import Heartbeat

    try:
        queues = ",".join(sorted(sender.app.amqp.queues.consume_from))
    except Exception:  # names only, for operators; never fatal
        queues = ""
    _heartbeat = Heartbeat(getattr(sender, "hostname", "") or f"pid{os.getpid()}", queues)
    _heartbeat.start()


@signals.worker_shutdown.connect
def _stop_heartbeat(sender=None, **kwargs):
    if _heartbeat is not None:
        _heartbeat.stopped.set()
        from clinic.ops import WORKER_KEY, _redis

        # Redis may be down at shutdown; the key expires anyway.
        with contextlib.suppress(Exception):
            _redis().delete(WORKER_KEY + _heartbeat.worker_name)


@signals.task_prerun.connect
def _task_log_id(task_id=None, **kwargs):
    from clinic.logs import request_id

    request_id.set(f"task-{task_id}")
