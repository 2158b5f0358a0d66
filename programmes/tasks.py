"""Celery tasks: thin adapters that take ids (never patient data) and call the
services in ``programmes.reminders``, ``programmes.adherence`` and
``programmes.alert_rules``. Their schedule is in clinic/celery.py."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import OperationalError

from programmes import reminders

logger = logging.getLogger(__name__)


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


@shared_task(name="programmes.tasks.send_reminder", **SEND_OPTIONS)
def send_reminder(occurrence_id: str) -> str:
    """One occurrence (messages queued before send_reminders existed)."""
    return reminders.reminder_deliver(occurrence_id=occurrence_id)


@shared_task(name="programmes.tasks.send_reminders", **SEND_OPTIONS)
def send_reminders(occurrence_ids: list[str]) -> list[str]:
    """A few occurrences in one task (what the dispatcher queues): each row's
    own state still decides, so a redelivered or retried chunk sends nothing
    twice; it only saves the broker round trip per message."""
    return [reminders.reminder_deliver(occurrence_id=pk) for pk in occurrence_ids]


@shared_task(name="programmes.tasks.reminders_tick", ignore_result=True)
def reminders_tick() -> dict:
    """Every minute (UTC): sweep, then dispatch what is due."""
    swept = reminders.reminders_sweep()
    claimed = reminders.reminders_dispatch()
    return {
        "claimed": claimed,
        "requeued": swept.requeued,
        "unknown": swept.unknown,
        "expired": swept.expired,
    }


@shared_task(name="programmes.tasks.reminders_plan", ignore_result=True)
def reminders_plan() -> int:
    return reminders.reminders_plan()


@shared_task(name="programmes.tasks.adherence_snapshots", ignore_result=True)
def adherence_snapshots() -> int:
    from programmes.adherence import adherence_snapshot_all

    return adherence_snapshot_all()


@shared_task(name="programmes.tasks.alerts_evaluate", ignore_result=True)
def alerts_evaluate() -> int:
    from programmes.alert_rules import alerts_evaluate_all

    return alerts_evaluate_all()


@shared_task(name="programmes.tasks.alerts_digest", ignore_result=True)
def alerts_digest() -> int:
    from programmes.alert_rules import alerts_send_digests

    return alerts_send_digests()


@shared_task(name="programmes.tasks.noop", ignore_result=False)
def noop() -> None:
    """The benchmark's yardstick: a task that does nothing."""
