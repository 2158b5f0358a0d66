"""A full record for the FHIR tests: an assessment with scored instruments and
a red flag, a plan with goals activated into a programme, session logs, a
check-in and a portal questionnaire. ``size`` multiplies the rows, for the
query budgets at two sizes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine

from assessments import services as assessment_services
from assessments.models import RedFlagEvent, ResolutionKind
from fhir_r4.services import api_token_create
from programmes import services as programme_services
from programmes.models import GoalTerm, PlanGoal
from tests.assessments.factories import AssessmentFactory
from tests.reminders.reminder_helpers import activated_plan
from tracking.models import CheckIn, SessionLog

START = date(2026, 6, 1)  # a Monday
TODAY = date(2026, 6, 24)  # a Wednesday: three complete weeks and one running


@pytest.fixture
def frozen_today():
    with time_machine.travel(datetime.combine(TODAY, time(12), tzinfo=UTC), tick=False):
        yield TODAY


def build_record(patient, clinician, *, size: int = 1):
    """Everything the bundle shows, ``size`` times over where a record grows."""
    from assessments.instruments import get_instrument

    lefs_items = get_instrument("lefs").items
    for n in range(size):
        assessment = AssessmentFactory(
            patient=patient,
            clinician=clinician.staff_member,
            assessed_on=START - timedelta(days=7 * (size - n)),
            working_diagnosis="midportion_achilles",
        )
        assessment_services.outcome_response_save(
            assessment=assessment,
            instrument_code="lefs",
            answers=dict.fromkeys(lefs_items, 3),
            by=clinician,
        )
        assessment_services.outcome_response_save(
            assessment=assessment,
            instrument_code="nprs",
            answers={"current": 6, "best": 2, "worst": 8},
            by=clinician,
        )
        assessment_services.outcome_response_save(
            assessment=assessment,
            instrument_code="psfs",
            answers={"activity_1": 4, "activity_2": 6},
            labels={"activity_1": "Running for the bus", "activity_2": "Climbing stairs"},
            by=clinician,
        )
        event = RedFlagEvent.objects.create(
            assessment=assessment,
            patient=patient,
            rule_id=f"RF-TEST-{n}",
            ruleset_version="test",
            title="Calf swelling with a previous DVT",
            urgency="U",
            action_text="Same-day medical assessment for suspected DVT.",
            sources="S1",
        )
        assessment_services.red_flag_resolve(
            event=event, kind=ResolutionKind.ACTION, action="same_day_gp", by=clinician
        )
    plan = activated_plan(patient, clinician, start_on=START)
    plan.working_diagnosis = "Mid-portion Achilles tendinopathy, right"
    plan.save()
    for n in range(size):
        programme_services.goal_add(
            plan=plan,
            goal=PlanGoal(
                term=GoalTerm.SHORT,
                description=f"Walk 30 minutes without pain ({n})",
                instrument_code="LEFS",
                target_value=60,
                target_on=START + timedelta(weeks=6),
            ),
            by=clinician,
        )
    version = plan.version_on(START)
    days = (TODAY - START).days
    for offset in range(0, days, max(1, 4 // size)):
        day = START + timedelta(days=offset)
        for p in version.prescriptions.all():
            SessionLog.objects.create(
                patient=patient,
                version=version,
                prescription=p,
                performed_on=day,
                session_number=1,
                outcome="done",
                pain_during=3,
            )
    for n in range(size):
        CheckIn.objects.create(patient=patient, checked_on=START + timedelta(days=n), pain_now=4)
    return plan


@pytest.fixture
def record(patient_record, clinician, frozen_today):
    build_record(patient_record, clinician)
    return patient_record


@pytest.fixture
def token(clinic, clinic_admin):
    return api_token_create(clinic=clinic, name="GP system", by=clinic_admin)


@pytest.fixture
def other_token(other_clinic):
    return api_token_create(clinic=other_clinic, name="Elsewhere", by=None)
