"""Celery tasks for reminders: thin adapters that take ids (never patient data)
and call ``reminders.planner`` and ``reminders.delivery``. Their schedule is in
clinic/celery.py."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from clinic import ops
from clinic.legacy_tasks import shared_task_with_legacy_names
from clinic.passes import pass_start
from reminders import delivery
from reminders.passes import REMINDER_PLANNING

# How the send tasks run: acknowledged after the work (a killed worker's message
# comes back), and a database blip is retried: the row is still "claimed", and
# each row's state decides whether anything is sent.
SEND_OPTIONS = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "ignore_result": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "max_retries": 5,
}


# Messages queued by the first release carry that release's task names: they
# still run after an upgrade (the single-occurrence task became a batch of one).
@shared_task_with_legacy_names(
    "reminders.send_reminders", legacy_names=("programmes.tasks.send_reminders",), **SEND_OPTIONS
)
def send_reminders(occurrence_ids: list[str]) -> list[str]:
    """A few occurrences in one task (what the dispatcher queues): each row's
    own state still decides, so a redelivered or retried chunk sends nothing
    twice; it only saves the broker round trip per message."""
    return delivery.reminders_send(occurrence_ids)


@shared_task_with_legacy_names(
    "reminders.tick", legacy_names=("programmes.tasks.reminders_tick",), ignore_result=True
)
def reminders_tick() -> dict:
    """Every minute (UTC): sweep, then dispatch what is due."""
    ops.mark("tick")  # beat and a dispatch worker are alive (/health/, /metrics)
    swept = delivery.reminders_sweep()
    claimed = delivery.reminders_dispatch()
    return {
        "claimed": claimed,
        "requeued": swept.requeued,
        "unknown": swept.unknown,
        "expired": swept.expired,
    }


@shared_task_with_legacy_names(
    "reminders.plan", legacy_names=("programmes.tasks.reminders_plan",), ignore_result=True
)
def reminders_plan() -> str:
    """Every 10 minutes: the 48-hour planning as a chunked pass (clinic/passes.py)."""
    return str(pass_start(REMINDER_PLANNING).pk)


# The first release's single-occurrence task: now a batch of one.
@shared_task(name="programmes.tasks.send_reminder", **SEND_OPTIONS)
def _legacy_send_reminder(occurrence_id: str) -> list[str]:
    return send_reminders.run([occurrence_id])
