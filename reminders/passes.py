"""The 48-hour reminder planning pass, run in chunks by ``clinic.passes``
(every 10 minutes from beat). Planning is idempotent (the unique key and
``ignore_conflicts``), so a chunk that runs twice creates nothing new."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from clinic.passes import PassSpec, register_pass
from patients.models import Patient, Status
from reminders.planner import reminders_plan

REMINDER_PLANNING = "reminder_planning"


def _wanting_reminders() -> QuerySet[Patient]:
    return Patient.objects.filter(
        status=Status.ACTIVE,
        consent_reminders=True,
        reminder_preference__enabled=True,
    )


def _plan(patients: list[Patient], now: datetime) -> int:
    # Planned from the moment the chunk runs (a chunk queued again later must
    # not plan instants already past).
    return reminders_plan(now=max(now, timezone.now()), patient_ids=[p.pk for p in patients])


register_pass(
    PassSpec(
        name=REMINDER_PLANNING,
        label="Reminder planning (48 hours)",
        eligible=_wanting_reminders,
        run_patient=lambda patient, now: _plan([patient], now),
        run_bulk=_plan,
        chunk_size=2000,
        expected_every=timedelta(minutes=30),
    )
)
