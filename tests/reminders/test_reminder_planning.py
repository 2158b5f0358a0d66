"""Planning reminders: local times across DST, quiet hours, pauses, opt-out,
programme end, idempotency (frozen clock)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
import time_machine

from programmes import services
from reminders.models import OccurrenceState, ReminderOccurrence
from reminders.planner import reminders_plan
from tests.reminders.reminder_helpers import reminder_patient

pytestmark = pytest.mark.django_db


def _plan_at(moment: datetime) -> list[ReminderOccurrence]:
    with time_machine.travel(moment, tick=False):
        reminders_plan()
    return list(ReminderOccurrence.objects.order_by("due_at"))


def _utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_it_plans_48_hours_of_local_times_as_utc_instants(clinic, clinician):
    reminder_patient(clinic, clinician, start_on=date(2026, 6, 1), times=["08:00", "18:30"])
    rows = _plan_at(_utc(2026, 6, 10, 0, 0))
    # BST is UTC+1: 08:00 local = 07:00 UTC; two days, two slots.
    assert [(r.local_date, r.slot, r.due_at) for r in rows] == [
        (date(2026, 6, 10), "08:00", _utc(2026, 6, 10, 7, 0)),
        (date(2026, 6, 10), "18:30", _utc(2026, 6, 10, 17, 30)),
        (date(2026, 6, 11), "08:00", _utc(2026, 6, 11, 7, 0)),
        (date(2026, 6, 11), "18:30", _utc(2026, 6, 11, 17, 30)),
    ]
    assert all(r.state == OccurrenceState.PLANNED and r.channel == "email" for r in rows)


def test_planning_twice_creates_nothing_new(clinic, clinician):
    reminder_patient(clinic, clinician, start_on=date(2026, 6, 1))
    first = {r.pk for r in _plan_at(_utc(2026, 6, 10, 0, 0))}
    second = {r.pk for r in _plan_at(_utc(2026, 6, 10, 0, 5))}
    assert first == second and len(first) == 2


def test_london_spring_forward_moves_a_missing_time_to_the_first_valid_instant(clinic, clinician):
    # 29 March 2026: clocks go from 01:00 GMT to 02:00 BST; 01:30 does not exist.
    reminder_patient(clinic, clinician, start_on=date(2026, 3, 1), times=["01:30"])
    rows = _plan_at(_utc(2026, 3, 28, 0, 0))
    assert [(r.local_date, r.due_at) for r in rows] == [
        (date(2026, 3, 28), _utc(2026, 3, 28, 1, 30)),  # GMT
        (date(2026, 3, 29), _utc(2026, 3, 29, 1, 0)),  # 02:00 BST, one per day
    ]


def test_new_york_fall_back_uses_the_first_of_an_ambiguous_time(clinic, clinician):
    # 1 November 2026: 01:30 happens twice (EDT then EST); the first is used, once.
    reminder_patient(
        clinic,
        clinician,
        start_on=date(2026, 10, 1),
        time_zone="America/New_York",
        times=["01:30", "09:00"],
    )
    rows = _plan_at(_utc(2026, 11, 1, 0, 0))
    nov1 = [(r.slot, r.due_at) for r in rows if r.local_date == date(2026, 11, 1)]
    assert nov1 == [("01:30", _utc(2026, 11, 1, 5, 30)), ("09:00", _utc(2026, 11, 1, 14, 0))]


def test_quiet_hours_are_never_planned(clinic, clinician):
    reminder_patient(
        clinic,
        clinician,
        start_on=date(2026, 6, 1),
        times=["06:30", "12:00", "22:30"],
        quiet_start=time(22, 0),
        quiet_end=time(7, 0),
    )
    rows = _plan_at(_utc(2026, 6, 10, 0, 0))
    assert {r.slot for r in rows} == {"12:00"}


def test_a_pause_stops_reminders_up_to_and_including_its_day(clinic, clinician):
    reminder_patient(clinic, clinician, start_on=date(2026, 6, 1), paused_until=date(2026, 6, 10))
    rows = _plan_at(_utc(2026, 6, 10, 0, 0))
    assert [r.local_date for r in rows] == [date(2026, 6, 11)]


def test_no_consent_disabled_preferences_or_no_plan_plan_nothing(clinic, clinician):
    reminder_patient(clinic, clinician, start_on=date(2026, 6, 1), consent=False)
    reminder_patient(clinic, clinician, start_on=date(2026, 6, 1), enabled=False)
    reminder_patient(clinic, clinician, start_on=date(2026, 6, 1), plan=False)
    assert _plan_at(_utc(2026, 6, 10, 0, 0)) == []


def test_nothing_before_the_programme_starts_or_after_it_ends(clinic, clinician):
    patient = reminder_patient(clinic, clinician, start_on=date(2026, 6, 11))
    rows = _plan_at(_utc(2026, 6, 10, 0, 0))
    assert [r.local_date for r in rows] == [date(2026, 6, 11)]
    ReminderOccurrence.objects.all().delete()
    plan = patient.treatment_plans.get()
    with time_machine.travel(_utc(2026, 6, 12, 9), tick=False):
        services.plan_close(plan=plan, by=clinician, status="completed")
    assert _plan_at(_utc(2026, 6, 12, 10, 0)) == []
