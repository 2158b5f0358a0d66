"""Alerts a clinician can act on (issue 22): urgency decides the channel,
no repeat noise, snooze with a reason, programme alerts close themselves, the
clinic column, the "needs attention" panel and the digest."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alerts.models import Alert, AlertKind, AlertStatus, AlertUrgency, AttentionSignal
from alerts.services import Finding, alert_raise, alert_resolve, findings_apply
from alerts.tasks import alerts_digest
from clinic.models import AuditAction, AuditEvent
from patients.models import Status
from programmes import services as plan_services
from tests.factories import PatientFactory
from tests.reminders.reminder_helpers import activated_plan
from tests.tracking.test_adherence_and_alerts import _log
from tracking.alert_rules import alerts_evaluate_patient, pain_check

pytestmark = pytest.mark.django_db
START = date(2026, 6, 1)  # a Monday
TODAY = START + timedelta(days=8)


@pytest.fixture
def plan(patient_record, clinician):
    return activated_plan(patient_record, clinician, start_on=START)


def _all_done(plan, first: date, last: date):
    day = first
    while day <= last:
        _log(plan, day, 1)
        _log(plan, day, 2)
        day += timedelta(days=1)


# --- urgency decides the channel ------------------------------------------------


def test_low_adherence_and_no_logs_are_signals_not_alerts(plan):
    assert alerts_evaluate_patient(plan.patient, today=TODAY) == []
    signals = {s.kind: s for s in AttentionSignal.objects.filter(patient=plan.patient)}
    assert set(signals) == {AlertKind.LOW_ADHERENCE, AlertKind.NO_LOGS}
    # Nothing done: 0 % against the 80 % threshold, 80 points below it.
    assert signals[AlertKind.LOW_ADHERENCE].how_far == Decimal("80.0")
    assert signals[AlertKind.LOW_ADHERENCE].since == TODAY
    assert signals[AlertKind.LOW_ADHERENCE].clinic_id == plan.patient.clinic_id
    assert not Alert.objects.filter(patient=plan.patient).exists()
    # The next night the signal stays, with its first day.
    alerts_evaluate_patient(plan.patient, today=TODAY + timedelta(days=1))
    assert AttentionSignal.objects.get(
        patient=plan.patient, kind=AlertKind.LOW_ADHERENCE
    ).since == (TODAY)


def test_adherence_at_the_threshold_ends_the_signal(plan):
    alerts_evaluate_patient(plan.patient, today=TODAY)
    assert AttentionSignal.objects.filter(patient=plan.patient).count() == 2
    _all_done(plan, TODAY - timedelta(days=7), TODAY - timedelta(days=1))
    alerts_evaluate_patient(plan.patient, today=TODAY)
    assert not AttentionSignal.objects.filter(patient=plan.patient).exists()


def test_adherence_just_below_the_threshold_is_a_signal_just_at_it_none(plan, clinic):
    # 7 days x 2 sessions = 14 prescribed; 11 done = 78.6 % < 80; 12 = 85.7 %.
    days = [TODAY - timedelta(days=n) for n in range(7, 0, -1)]
    for day in days:
        _log(plan, day, 1)
    for day in days[:4]:
        _log(plan, day, 2)
    alerts_evaluate_patient(plan.patient, today=TODAY)
    signal = AttentionSignal.objects.get(patient=plan.patient, kind=AlertKind.LOW_ADHERENCE)
    assert signal.how_far == Decimal("1.4")
    _log(plan, days[4], 2)
    alerts_evaluate_patient(plan.patient, today=TODAY)
    assert not AttentionSignal.objects.filter(
        patient=plan.patient, kind=AlertKind.LOW_ADHERENCE
    ).exists()


def test_a_clinic_setting_turns_the_signals_back_into_alerts(plan, clinic):
    clinic.attention_as_alerts = True
    clinic.save()
    plan.patient.refresh_from_db()
    kinds = {a.kind for a in alerts_evaluate_patient(plan.patient, today=TODAY)}
    assert kinds == {AlertKind.LOW_ADHERENCE, AlertKind.NO_LOGS}
    assert not AttentionSignal.objects.exists()


def test_pain_stays_an_alert(plan):
    _log(plan, TODAY - timedelta(days=2), 1, pain=7)
    raised = alerts_evaluate_patient(plan.patient, today=TODAY)
    assert [a.kind for a in raised] == [AlertKind.PAIN_HIGH]


def test_pain_six_raises_nothing(plan):
    _log(plan, TODAY - timedelta(days=2), 1, pain=6)
    assert alerts_evaluate_patient(plan.patient, today=TODAY) == []


# --- no repeat noise ---------------------------------------------------------------


def test_a_resolved_pain_alert_comes_back_only_after_the_condition_cleared(
    plan, clinician, time_machine
):
    time_machine.move_to(TODAY)
    _log(plan, TODAY - timedelta(days=1), 1, pain=8)
    first = pain_check(plan.patient, today=TODAY)
    alert_resolve(alert=first, by=clinician, note="Called the patient")
    # Still 8/10 the next night: not raised again.
    assert pain_check(plan.patient, today=TODAY + timedelta(days=1)) is None
    assert Alert.objects.filter(patient=plan.patient).count() == 1
    # A week later the pain has gone (no log above the threshold)...
    assert pain_check(plan.patient, today=TODAY + timedelta(days=9)) is None
    # ... and comes back: a new alert.
    _log(plan, TODAY + timedelta(days=10), 1, pain=9)
    again = pain_check(plan.patient, today=TODAY + timedelta(days=11))
    assert again is not None and again.pk != first.pk and again.status == AlertStatus.OPEN


def test_an_acknowledged_alert_is_the_one_returned(patient_record, clinician):
    alert = alert_raise(
        patient=patient_record, kind=AlertKind.PAIN_HIGH, urgency=AlertUrgency.SOON, summary="x"
    )
    alert.status = AlertStatus.ACKNOWLEDGED
    alert.save()
    again = alert_raise(
        patient=patient_record, kind=AlertKind.PAIN_HIGH, urgency=AlertUrgency.SOON, summary="x"
    )
    assert again.pk == alert.pk


def test_an_open_alert_raised_again_more_urgently_escalates_never_the_reverse(
    patient_record, clinician
):
    kind = AlertKind.SCIATICA_WORSE  # worsening, then new weakness (SPEC 1.9)
    soon = alert_raise(
        patient=patient_record, kind=kind, urgency=AlertUrgency.SOON, summary="spreading"
    )
    urgent = alert_raise(
        patient=patient_record, kind=kind, urgency=AlertUrgency.URGENT, summary="new weakness"
    )
    assert urgent.pk == soon.pk
    stored = Alert.objects.get(pk=soon.pk)
    assert (stored.urgency, stored.summary) == (AlertUrgency.URGENT, "new weakness")
    alert_raise(patient=patient_record, kind=kind, urgency=AlertUrgency.SOON, summary="later")
    stored.refresh_from_db()
    assert (stored.urgency, stored.summary) == (AlertUrgency.URGENT, "new weakness")


def test_the_batched_path_escalates_an_open_alert_as_alert_raise_does(patient_record, clinic):
    """The nightly pass raises through ``findings_apply``: a more urgent finding on an
    open alert escalates it there too, with its history, and never the reverse."""
    kind = AlertKind.SCIATICA_WORSE
    other = PatientFactory(clinic=clinic)

    def apply(urgency, summary):
        return findings_apply(
            [
                Finding(patient_record, kind, TODAY, urgency, summary),
                Finding(other, kind, TODAY, AlertUrgency.SOON, "spreading"),
            ]
        )

    first = apply(AlertUrgency.SOON, "spreading")[patient_record.pk][0]
    raised = apply(AlertUrgency.URGENT, "new weakness")[patient_record.pk]
    assert [a.pk for a in raised] == [first.pk]
    stored = Alert.objects.get(pk=first.pk)
    assert (stored.urgency, stored.summary) == (AlertUrgency.URGENT, "new weakness")
    assert stored.history.first().urgency == AlertUrgency.URGENT  # type: ignore[attr-defined]
    assert stored.history.count() == 2  # type: ignore[attr-defined]
    apply(AlertUrgency.SOON, "later")
    stored.refresh_from_db()
    assert (stored.urgency, stored.summary) == (AlertUrgency.URGENT, "new weakness")
    # The other patient's open alert stays as it was.
    assert Alert.objects.get(patient=other).urgency == AlertUrgency.SOON
    assert Alert.objects.count() == 2


def test_red_flags_raise_every_time(patient_record, clinician):
    kinds = (AlertKind.RED_FLAG_REPORTED, AlertKind.REMINDER_FAILED)
    for kind in kinds:
        first = alert_raise(
            patient=patient_record, kind=kind, urgency=AlertUrgency.URGENT, summary="x"
        )
        alert_resolve(alert=first, by=clinician)
        second = alert_raise(
            patient=patient_record, kind=kind, urgency=AlertUrgency.URGENT, summary="x"
        )
        assert second is not None and second.pk != first.pk
    assert first.clinic_id == patient_record.clinic_id


# --- snooze ------------------------------------------------------------------------


@pytest.fixture
def pain_alert(patient_record):
    return alert_raise(
        patient=patient_record, kind=AlertKind.PAIN_HIGH, urgency=AlertUrgency.SOON, summary="x"
    )


def test_snooze_with_a_reason_hides_the_alert_and_is_audited(client, clinician, pain_alert):
    client.force_login(clinician)
    response = client.post(
        reverse("alerts:snooze", args=[pain_alert.pk]),
        {"days": "7", "reason": "Seen in clinic on Friday"},
        follow=True,
    )
    assert "Alert snoozed for 7 days." in response.content.decode()
    pain_alert.refresh_from_db()
    assert pain_alert.snooze_reason == "Seen in clinic on Friday"
    assert pain_alert.is_snoozed
    open_page = client.get(reverse("alerts:list")).content.decode()
    assert "No open alerts." in open_page
    snoozed = client.get(reverse("alerts:list"), {"show": "snoozed"}).content.decode()
    assert "Seen in clinic on Friday" in snoozed
    assert AuditEvent.objects.filter(
        action=AuditAction.ALERT_SNOOZED, object_id=str(pain_alert.pk)
    ).exists()


@pytest.mark.parametrize(
    ("days", "reason", "message"),
    [
        ("7", "", "Give a reason for snoozing the alert."),
        ("31", "Away", "Snooze for 1 to 30 days."),
        ("0", "Away", "Snooze for 1 to 30 days."),
        ("soon", "Away", "Snooze for a whole number of days, 1 to 30."),
        ("7", "x" * 4001, "Keep the reason to at most 4,000 characters."),
    ],
)
def test_a_snooze_without_a_reason_or_out_of_range_is_refused(
    client, clinician, pain_alert, days, reason, message
):
    client.force_login(clinician)
    response = client.post(
        reverse("alerts:snooze", args=[pain_alert.pk]),
        {"days": days, "reason": reason},
        follow=True,
    )
    assert message in response.content.decode()
    pain_alert.refresh_from_db()
    assert pain_alert.snoozed_until is None


# --- programme alerts close themselves ---------------------------------------------


def test_closing_the_plan_closes_the_programme_alerts_with_a_note(plan, clinic, clinician):
    clinic.attention_as_alerts = True
    clinic.save()
    plan.patient.refresh_from_db()
    _log(plan, TODAY - timedelta(days=1), 1, pain=9)
    alerts_evaluate_patient(plan.patient, today=TODAY)
    # A log yesterday (so no "no logs"), low adherence and high pain.
    assert Alert.objects.unresolved().filter(patient=plan.patient).count() == 2
    plan_services.plan_close(plan=plan, by=clinician, status="completed")
    closed = Alert.objects.filter(patient=plan.patient, status=AlertStatus.RESOLVED)
    assert {a.kind for a in closed} == {AlertKind.LOW_ADHERENCE}
    assert all("no active programme (plan completed)" in a.resolution_note for a in closed)
    # Pain is not about the plan: it stays open.
    assert [a.kind for a in Alert.objects.unresolved().filter(patient=plan.patient)] == [
        AlertKind.PAIN_HIGH
    ]


def test_discharging_the_patient_ends_the_signals(plan):
    alerts_evaluate_patient(plan.patient, today=TODAY)
    assert AttentionSignal.objects.filter(patient=plan.patient).exists()
    plan.patient.status = Status.DISCHARGED
    plan.patient.save()
    assert not AttentionSignal.objects.filter(patient=plan.patient).exists()


# --- pages and the digest ----------------------------------------------------------


def test_the_needs_attention_panel_is_sorted_by_how_far_then_how_long(
    client, clinic, clinician, reception
):
    member = clinician.staff_member
    rows = [("000A", "40.0", 3), ("000B", "80.0", 1), ("000C", "40.0", 9)]
    for name, how_far, days_ago in rows:
        patient = PatientFactory(clinic=clinic, assigned_clinician=member, last_name=name)
        AttentionSignal.objects.create(
            patient=patient,
            clinic=clinic,
            kind=AlertKind.LOW_ADHERENCE,
            how_far=Decimal(how_far),
            since=TODAY - timedelta(days=days_ago),
            summary=f"Adherence summary {name}",
        )
    PatientFactory(clinic=clinic, last_name="NOTMINE")
    client.force_login(clinician)
    page = client.get(reverse("dashboard")).content.decode()
    panel = page[page.index("Needs attention") :]
    positions = [panel.index(name) for name in ("000B", "000C", "000A")]
    assert positions == sorted(positions)  # furthest first, then the longest
    client.force_login(reception)
    assert "Needs attention" not in client.get(reverse("dashboard")).content.decode()


def test_the_digest_lists_attention_by_record_number_only(plan, clinician):
    clinician.email = "clinician@example.org"
    clinician.save()
    alerts_evaluate_patient(plan.patient, today=TODAY)
    assert alerts_digest.run() == 1
    body = mail.outbox[0].body
    assert "Patients who need attention" in body and plan.patient.record_number in body
    assert plan.patient.last_name not in body and "Adherence" not in body


def test_the_alert_list_filters_on_the_alert_clinic_without_joining_patients(
    client, clinician, pain_alert, other_patient_record
):
    alert_raise(
        patient=other_patient_record, kind=AlertKind.PAIN_HIGH, urgency=2, summary="elsewhere"
    )
    client.force_login(clinician)
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(reverse("alerts:list")).content.decode()
    assert "elsewhere" not in page and pain_alert.patient.record_number in page
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts and all("patients_patient" not in q for q in counts)
    assert any('"programmes_alert"."clinic_id" IN' in q for q in counts)


def test_the_list_shows_alerts_whose_acknowledging_user_was_deleted(
    client, clinician, pain_alert, clinic
):
    from tests.factories import UserFactory

    gone = UserFactory(username="gone")
    pain_alert.status = AlertStatus.ACKNOWLEDGED
    pain_alert.acknowledged_by = gone
    pain_alert.acknowledged_at = pain_alert.raised_at
    pain_alert.save()
    gone.delete()  # SET_NULL: acknowledged_at stays, acknowledged_by is None
    closed = alert_raise(
        patient=PatientFactory(clinic=clinic), kind=AlertKind.PAIN_HIGH, urgency=2, summary="y"
    )
    alert_resolve(alert=closed, by=None, note="Closed automatically")
    client.force_login(clinician)
    page = client.get(reverse("alerts:list")).content.decode()
    assert "by —," in page
    resolved = client.get(reverse("alerts:list"), {"show": "resolved"}).content.decode()
    assert "resolved by —," in resolved
