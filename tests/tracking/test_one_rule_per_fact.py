"""Facts that two screens show come from one rule (issue 12): adherence in the
portal's calendar and on the clinician's side, the check-in pain in the pain
alert rule, the exercise level in the library filter."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from alerts.models import Alert, AlertKind
from exercises.models import Difficulty, Exercise
from tests.programmes.helpers import ensure_library
from tests.reminders.reminder_helpers import activated_plan
from tracking import adherence, progress
from tracking.alert_rules import alerts_evaluate_patient
from tracking.models import SessionLog
from tracking.services import check_in_submit

pytestmark = pytest.mark.django_db
START = date(2026, 6, 1)  # a Monday

NO_FLAGS = {
    "calf": False,
    "saddle": False,
    "bladder_bowel": False,
    "weakness": False,
    "cold_foot": False,
    "fever_red_leg": False,
}


@pytest.fixture
def plan(patient_record, clinician):
    # Alfredson: two exercises, twice a day.
    return activated_plan(patient_record, clinician, start_on=START)


def _log(plan, day, number, outcome, *, exercise_index=None):
    version = plan.version_on(day)
    for index, p in enumerate(version.prescriptions.order_by("order", "id")):
        if exercise_index is not None and index != exercise_index:
            continue
        SessionLog.objects.create(
            patient=plan.patient,
            version=version,
            prescription=p,
            performed_on=day,
            session_number=number,
            outcome=outcome,
            sets_done=1 if outcome == "partial" else None,
        )


def test_one_of_two_exercises_done_is_not_a_completed_session_for_patient_or_clinician(plan):
    # Both sessions of the day: only the first exercise done.
    _log(plan, START, 1, "done", exercise_index=0)
    _log(plan, START, 2, "done", exercise_index=0)
    staff = adherence.adherence_range(plan.patient, START, START)
    assert (staff.completed, staff.prescribed) == (0, 2)
    # The secondary figure: exercises done / prescribed, beside it.
    assert (staff.exercises_done, staff.exercises_prescribed) == (2, 4)
    with time_machine.travel(START + timedelta(days=1), tick=False):
        calendar = progress.adherence_calendar(plan.patient, START + timedelta(days=1))
    day = next(d for week in calendar["weeks"] for d in week if d.day == START)
    assert (day.done, day.prescribed, day.status) == (0, 2, "partial")
    assert "0 of 2 sessions done" in day.label


def test_partly_done_makes_a_session_attempted_not_completed(plan):
    _log(plan, START, 1, "partial")
    _log(plan, START, 2, "done")
    result = adherence.adherence_range(plan.patient, START, START)
    assert (result.completed, result.attempted, result.prescribed) == (1, 1, 2)


def test_the_portal_calendar_uses_the_clinics_threshold(plan, clinic):
    clinic.adherence_threshold_percent = 60
    clinic.save()
    for number in (1, 2):
        _log(plan, START, number, "done")
    with time_machine.travel(START + timedelta(days=2), tick=False):
        calendar = progress.adherence_calendar(plan.patient, START + timedelta(days=2))
    assert calendar["aim"] == 60
    # 2 of 4 sessions (50 %) is below the clinic's 60 %.
    assert calendar["percent"] == 50
    assert "the aim is 60% or more" in calendar["summary"]


def test_the_calendar_does_not_call_the_days_before_the_programme_rest_days(plan):
    with time_machine.travel(START + timedelta(days=2), tick=False):
        calendar = progress.adherence_calendar(plan.patient, START + timedelta(days=2))
    # Issue 18: the calendar starts in the programme's first week (START is a
    # Monday), so no earlier day is shown at all; a mid-week start marks the
    # days before it "before" (tests/portal/test_progress.py).
    days = [d for week in calendar["weeks"] for d in week]
    assert days[0].day == START
    assert "rest" not in {d.status for d in days if d.day < START + timedelta(days=2)}


def test_a_check_in_of_9_raises_one_pain_alert_also_after_the_nightly_evaluation(
    patient_record, plan
):
    with time_machine.travel(START + timedelta(days=3), tick=False):
        check_in_submit(patient=patient_record, pain_now=9, answers=NO_FLAGS)
        alerts = Alert.objects.filter(patient=patient_record, kind=AlertKind.PAIN_HIGH)
        assert alerts.count() == 1
        assert "9/10 reported at check-in" in alerts.get().summary
        check_in_submit(patient=patient_record, pain_now=9, answers=NO_FLAGS)
        alerts_evaluate_patient(patient_record)
    assert Alert.objects.filter(patient=patient_record, kind=AlertKind.PAIN_HIGH).count() == 1


def test_a_check_in_below_the_threshold_raises_no_pain_alert(patient_record, plan):
    with time_machine.travel(START + timedelta(days=3), tick=False):
        check_in_submit(patient=patient_record, pain_now=6, answers=NO_FLAGS)
        alerts_evaluate_patient(patient_record)
    assert not Alert.objects.filter(patient=patient_record, kind=AlertKind.PAIN_HIGH).exists()


@pytest.mark.parametrize("level", [Difficulty.EASY, Difficulty.MODERATE, Difficulty.HARD])
def test_the_library_filter_lists_exercises_of_the_chosen_level(client, clinician, level):
    ensure_library()
    client.force_login(clinician)
    page = client.get(reverse("exercises:list"), {"difficulty": level.value}).content.decode()
    wanted = Exercise.objects.shipped().filter(difficulty=level)
    others = Exercise.objects.shipped().exclude(difficulty=level)
    assert wanted.exists()
    assert all(e.name in page for e in wanted.order_by("name")[:25])
    assert not any(f">{e.name}<" in page for e in others)
