"""A red flag reported at home pauses the programme (issue 13): Today shows the
advice and the clinic's phone, no reminder is planned or sent, the calendar
feed drops the sessions, paused days are not missed; a clinician resumes with
a note, or pauses and resumes by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from clinic.models import AuditAction, AuditEvent
from programmes import services
from programmes.models import PauseSource, PlanPause, PlanStatus
from reminders import delivery, planner
from reminders.calendar import calendar_feed_create, calendar_feed_for_token, calendar_feed_ics
from reminders.models import OccurrenceState, ReminderOccurrence, ReminderPreference
from tests.reminders.reminder_helpers import activated_plan
from tracking import adherence, self_screen
from tracking import services as activity
from tracking.models import SessionLog

pytestmark = pytest.mark.django_db

NO_FLAGS = {f"flag_{q.code}": "no" for q in self_screen.QUESTIONS}


@pytest.fixture
def plan(patient, patient_record, clinician, clinic):
    clinic.phone = "+441214960123"
    clinic.save()
    start = patient_record.local_today() - timedelta(days=6)
    return activated_plan(patient_record, clinician, start_on=start)


@pytest.fixture
def portal(client, patient):
    client.force_login(patient)
    return client


def _red_flag_check_in(portal, **flags):
    return portal.post(
        reverse("portal:check-in"), {"pain_now": "5", **NO_FLAGS, **(flags or {"flag_calf": "yes"})}
    )


def test_a_red_flag_check_in_pauses_the_plan_and_today_shows_the_advice(portal, plan):
    assert "Done" in portal.get(reverse("portal:today")).content.decode()
    _red_flag_check_in(portal)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PAUSED
    pause = PlanPause.objects.get(plan=plan)
    assert pause.source == PauseSource.CHECK_IN and pause.ended_on is None
    assert "New swelling, redness or warmth in your calf" in pause.reason
    assert AuditEvent.objects.filter(action=AuditAction.PLAN_PAUSE, object_id=str(plan.pk)).exists()
    body = portal.get(reverse("portal:today")).content.decode()
    assert "See a doctor today" in body and "0121 496 0123" in body
    assert 'id="programme-paused"' in body
    assert "Session 1 of 2" not in body and "Eccentric" not in body
    # A second red flag keeps the one pause; a log for today is refused (404).
    _red_flag_check_in(portal, flag_saddle="yes")
    assert PlanPause.objects.count() == 1
    rx = plan.current_version().prescriptions.first()
    assert portal.post(reverse("portal:log", args=[rx.pk]), {"outcome": "done"}).status_code == 404


def test_a_check_in_without_red_flags_does_not_pause(portal, plan):
    portal.post(reverse("portal:check-in"), {"pain_now": "3", **NO_FLAGS})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE and not PlanPause.objects.exists()


def test_paused_plans_get_no_reminders_planned_or_sent_and_no_calendar_sessions(
    clinic, clinician, patient_record
):
    start = date(2026, 6, 1)
    now = datetime(2026, 6, 10, 6, 0, tzinfo=UTC)
    plan = activated_plan(patient_record, clinician, start_on=start)
    patient_record.consent_reminders = True
    patient_record.save()
    ReminderPreference.objects.create(patient=patient_record, local_times=["08:00"])
    with time_machine.travel(now, tick=False):
        planner.reminders_plan()
        token = calendar_feed_create(patient=patient_record)
        feed = calendar_feed_for_token(token)
        assert b"SUMMARY:Exercise session" in calendar_feed_ics(feed=feed)
        services.plan_pause(plan=plan, by=clinician, reason="Awaiting a scan.")
        assert b"SUMMARY:Exercise session" not in calendar_feed_ics(feed=feed)
    occurrence = ReminderOccurrence.objects.order_by("due_at").first()
    assert occurrence is not None
    ReminderOccurrence.objects.filter(pk=occurrence.pk).update(state=OccurrenceState.CLAIMED)
    with time_machine.travel(occurrence.due_at + timedelta(seconds=30), tick=False):
        assert delivery.reminder_deliver(occurrence_id=occurrence.pk) == "skipped"
    occurrence.refresh_from_db()
    assert occurrence.last_error == "programme paused"
    ReminderOccurrence.objects.all().delete()
    with time_machine.travel(now + timedelta(days=1), tick=False):
        planner.reminders_plan()
    assert not ReminderOccurrence.objects.exists()


def test_paused_days_prescribe_nothing_in_the_one_adherence_rule(clinician, patient_record):
    start = date(2026, 6, 1)  # Alfredson: 2 sessions a day
    plan = activated_plan(patient_record, clinician, start_on=start)
    with time_machine.travel(datetime(2026, 6, 4, 12, tzinfo=UTC), tick=False):
        services.plan_pause(plan=plan, by=clinician, reason="Holiday.")
    with time_machine.travel(datetime(2026, 6, 7, 12, tzinfo=UTC), tick=False):
        services.plan_resume(plan=plan, by=clinician, note="Back from holiday.")
    result = adherence.adherence_range(patient_record, start, date(2026, 6, 10))
    # 10 days, 3 paused (4, 5, 6 June): 7 days x 2 sessions.
    assert result.prescribed == 14
    days = {
        d.day: d.prescribed
        for d in adherence.adherence_days(patient_record, start, start + timedelta(9))
    }
    assert days[date(2026, 6, 4)] == days[date(2026, 6, 6)] == 0
    assert days[date(2026, 6, 3)] == days[date(2026, 6, 7)] == 2
    per_exercise = adherence.exercise_adherence(patient_record, start, date(2026, 6, 10))
    assert [row.prescribed for row in per_exercise] == [14, 14]


def test_the_clinician_sees_why_and_resumes_with_a_note(portal, plan, client, clinician):
    _red_flag_check_in(portal)
    client.force_login(clinician)
    url = reverse("programmes:plan-detail", args=[plan.pk])
    body = client.get(url).content.decode()
    assert "Programme paused since" in body and "Red flag reported at a home check-in" in body
    assert "New swelling, redness or warmth in your calf" in body
    response = client.post(reverse("programmes:plan-resume", args=[plan.pk]), {"note": ""})
    assert response.status_code == 400
    assert "Write a note on why it can go on." in response.content.decode()
    response = client.post(reverse("programmes:plan-resume", args=[plan.pk]), {"note": "x" * 4001})
    assert "at most 4,000 characters" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PAUSED
    client.post(reverse("programmes:plan-resume", args=[plan.pk]), {"note": "GP saw her: no DVT."})
    plan.refresh_from_db()
    pause = PlanPause.objects.get()
    assert plan.status == PlanStatus.ACTIVE
    assert (pause.resume_note, pause.resumed_by) == ("GP saw her: no DVT.", clinician)
    assert pause.ended_on == plan.patient.local_today()
    assert AuditEvent.objects.filter(action=AuditAction.PLAN_RESUME).count() == 1
    portal.force_login(plan.patient.user)
    assert "Session 1 of 2" in portal.get(reverse("portal:today")).content.decode()
    client.force_login(clinician)
    record = client.get(reverse("patients:detail", args=[plan.patient_id])).content.decode()
    assert "Programme paused (red flag reported at a home check-in)" in record
    assert "Programme resumed" in record


def test_a_clinician_pauses_by_hand_with_a_reason(plan, client, clinician, portal):
    client.force_login(clinician)
    url = reverse("programmes:plan-pause", args=[plan.pk])
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 400 and "Give a reason." in response.content.decode()
    client.post(url, {"reason": "On holiday for two weeks."})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PAUSED
    assert PlanPause.objects.get().source == PauseSource.BY_HAND
    portal.force_login(plan.patient.user)
    body = portal.get(reverse("portal:today")).content.decode()
    assert "Your programme is paused" in body and "0121 496 0123" in body
    # Pausing twice is refused with a message, not a 500; closing ends the pause.
    client.post(url, {"reason": "Again."})
    assert PlanPause.objects.count() == 1
    services.plan_close(plan=plan, by=clinician, status=PlanStatus.DISCONTINUED)
    assert PlanPause.objects.get().ended_on is not None


def test_the_snapshot_and_logs_ignore_nothing_logged_on_paused_days(clinician, patient_record):
    plan = activated_plan(patient_record, clinician, start_on=date(2026, 6, 1))
    rx = plan.current_version().prescriptions.first()
    with time_machine.travel(datetime(2026, 6, 1, 12, tzinfo=UTC), tick=False):
        activity.session_log_save(
            patient=patient_record,
            prescription=rx,
            performed_on=date(2026, 6, 1),
            session_number=1,
            outcome="done",
        )
        services.plan_pause(plan=plan, by=clinician, reason="Awaiting an X-ray.")
    assert SessionLog.objects.count() == 1
    result = adherence.adherence_range(patient_record, date(2026, 6, 1), date(2026, 6, 3))
    assert result.prescribed == 0 and result.adherent is None
