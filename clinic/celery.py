"""The Celery app and the one place where periodic schedules live.

Defaults (JSON only, time limits, acks_late with reject-on-worker-lost) come
from the CELERY_* settings in clinic/settings.py.
"""

import os
import sys

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")

app = Celery("clinic")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The single beat schedule of the project. Times are UTC.
app.conf.beat_schedule = {
    "health-heartbeat": {
        "task": "clinic.tasks.health_ping",
        "schedule": 300.0,
    },
    # Reminders (issue 5): sweep and dispatch every minute; plan the next 48 h
    # every 10 minutes (idempotent; a preference change also plans at once).
    "reminders-tick": {"task": "reminders.tick", "schedule": 60.0},
    "reminders-plan": {"task": "reminders.plan", "schedule": 600.0},
    # Nightly: weekly adherence snapshots, then the alert rules, then digests.
    "adherence-snapshots": {
        "task": "tracking.adherence_snapshots",
        "schedule": crontab(hour=2, minute=15),
    },
    "alerts-evaluate": {
        "task": "tracking.alerts_evaluate",
        "schedule": crontab(hour=3, minute=0),
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
