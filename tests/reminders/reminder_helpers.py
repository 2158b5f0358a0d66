"""Builders for reminder, adherence and alert tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import time_machine

from programmes import services
from reminders.models import ReminderPreference
from tests.factories import PatientFactory
from tests.programmes.helpers import make_plan


def activated_plan(patient, by, *, start_on: date, slug: str = "achilles-alfredson"):
    """A plan activated on its start day (Alfredson: 2 exercises, twice a day)."""
    plan = make_plan(patient, by, start_on=start_on, slug=slug)
    with time_machine.travel(datetime.combine(start_on, time(12), tzinfo=UTC), tick=False):
        services.plan_activate(plan=plan, by=by)
    plan.refresh_from_db()
    return plan


def reminder_patient(
    clinic,
    clinician,
    *,
    start_on: date,
    time_zone: str = "Europe/London",
    times: list[str] | None = None,
    consent: bool = True,
    plan: bool = True,
    **preference,
):
    patient = PatientFactory(
        clinic=clinic,
        time_zone=time_zone,
        consent_reminders=consent,
        assigned_clinician=clinician.staff_member,
    )
    if plan:
        activated_plan(patient, clinician, start_on=start_on)
    ReminderPreference.objects.create(patient=patient, local_times=times or ["08:00"], **preference)
    return patient
