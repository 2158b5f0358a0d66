"""The nightly passes' fast path (issue 20): a chunk's patients are evaluated
with a constant number of queries, whatever the chunk size, by the same rule as
one patient alone; one patient's bad row never stops the chunk for the others."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alerts.models import Alert, AlertKind, AlertStatus, AlertUrgency, AttentionSignal
from clinic import passes
from clinic.models import RunStatus
from patients.models import Patient
from tests.factories import PatientFactory
from tests.reminders.reminder_helpers import activated_plan
from tracking import adherence
from tracking.alert_rules import alerts_evaluate_many
from tracking.models import AdherenceSnapshot, SessionLog, SessionOutcome
from tracking.passes import ADHERENCE_SNAPSHOTS, ALERTS_EVALUATE

pytestmark = pytest.mark.django_db

START = date(2026, 6, 1)  # a Monday
NOW = timezone.make_aware(timezone.datetime(2026, 6, 17, 3, 0))  # Wednesday of week 3


def _patients(clinic, clinician, count: int) -> list[Patient]:
    made = []
    for _ in range(count):
        patient = PatientFactory(clinic=clinic, assigned_clinician=clinician.staff_member)
        activated_plan(patient, clinician, start_on=START)
        made.append(patient)
    return made


def _log_week_one(patient: Patient, days: int) -> None:
    """Both exercises, both sessions, done on the first ``days`` days."""
    plan = patient.treatment_plans.get()
    prescriptions = list(plan.versions.get().prescriptions.all())
    SessionLog.objects.bulk_create(
        SessionLog(
            patient=patient,
            prescription=p,
            version=p.version,
            performed_on=START + timedelta(days=d),
            session_number=n,
            outcome=SessionOutcome.DONE,
        )
        for d in range(days)
        for n in (1, 2)
        for p in prescriptions
    )


def _chunk_patients(ids: list[int]) -> list[Patient]:
    spec = passes.pass_spec(ADHERENCE_SNAPSHOTS)
    return list(spec.eligible().filter(pk__in=ids).order_by("pk"))


def _bulk_queries(patients: list[Patient]) -> int:
    spec = passes.pass_spec(ADHERENCE_SNAPSHOTS)
    assert spec.run_bulk is not None
    with CaptureQueriesContext(connection) as queries:
        spec.run_bulk(patients, NOW)
    return len(queries)


def test_a_chunks_snapshots_take_the_same_few_queries_for_2_or_6_patients(clinic, clinician):
    patients = _patients(clinic, clinician, 6)
    small = _bulk_queries(_chunk_patients([p.pk for p in patients[:2]]))
    large = _bulk_queries(_chunk_patients([p.pk for p in patients]))
    # Versions, prescriptions, pauses, logs and one upsert.
    assert small == large == 5
    assert AdherenceSnapshot.objects.count() == 12  # two weeks each


def test_the_bulk_path_stores_what_the_one_patient_rule_says(clinic, clinician):
    patients = _patients(clinic, clinician, 3)
    for patient, days in zip(patients, (7, 3, 0), strict=True):
        _log_week_one(patient, days)
    spec = passes.pass_spec(ADHERENCE_SNAPSHOTS)
    assert spec.run_bulk is not None
    spec.run_bulk(_chunk_patients([p.pk for p in patients]), NOW)
    stored = {
        (s.patient_id, s.week_start): (s.prescribed, s.completed, s.percent, s.adherent)
        for s in AdherenceSnapshot.objects.all()
    }
    for patient in patients:
        for week in (START, START + timedelta(weeks=1)):
            one = adherence.adherence_week(patient, week)
            assert stored[(patient.pk, week)] == (
                one.prescribed,
                one.completed,
                one.percent,
                one.adherent,
            )
    # 14 sessions a week; 7, 3 and 0 days of both sessions done in week one.
    assert [stored[(p.pk, START)][1] for p in patients] == [14, 6, 0]
    assert stored[(patients[0].pk, START)][3] is True
    assert stored[(patients[1].pk, START)][3] is False


def test_one_patients_bad_row_does_not_stop_the_chunk_for_the_others(clinic, clinician):
    good, bad, other = _patients(clinic, clinician, 3)
    Patient.objects.filter(pk=bad.pk).update(time_zone="Nowhere/Atlantis")
    run = passes.pass_start(ADHERENCE_SNAPSHOTS, now=NOW, dispatch=False)
    assert passes.pass_chunk_run(run.chunks.get().pk).state == "done"
    run.refresh_from_db()
    assert run.status == RunStatus.COMPLETE
    assert passes.run_summary(run) == {"chunks": 1, "done": 1, "processed": 2, "failed": 1}
    snapshotted = set(AdherenceSnapshot.objects.values_list("patient_id", flat=True))
    assert snapshotted == {good.pk, other.pk}


def _pain_log(patient: Patient, day: date, pain: int) -> None:
    prescription = patient.treatment_plans.get().versions.get().prescriptions.first()
    SessionLog.objects.create(
        patient=patient,
        prescription=prescription,
        version=prescription.version,
        performed_on=day,
        session_number=1,
        outcome=SessionOutcome.DONE,
        pain_during=pain,
    )


def _alert_queries(patients: list[Patient]) -> int:
    spec = passes.pass_spec(ALERTS_EVALUATE)
    assert spec.run_bulk is not None
    chunk = list(spec.eligible().filter(pk__in=[p.pk for p in patients]).order_by("pk"))
    with CaptureQueriesContext(connection) as queries:
        spec.run_bulk(chunk, NOW)
    return len(queries)


def test_a_chunks_alert_rules_take_the_same_few_queries_for_2_or_6_patients(clinic, clinician):
    patients = _patients(clinic, clinician, 6)
    for patient in patients:
        _pain_log(patient, NOW.date() - timedelta(days=2), 8)
    small, large = patients[:2], patients[2:]
    # The first night raises: reads, clearing, signals, alerts and their history.
    assert _alert_queries(small) == _alert_queries(large) == 17
    assert Alert.objects.filter(kind=AlertKind.PAIN_HIGH).count() == 6
    assert AttentionSignal.objects.filter(kind=AlertKind.LOW_ADHERENCE).count() == 6
    assert Alert.history.filter(history_type="+").count() == 6  # type: ignore[attr-defined]
    # The next night finds them open: nothing new.
    assert _alert_queries(small) == _alert_queries(large) == 14
    assert Alert.objects.count() == 6


def test_the_alert_pass_evaluates_the_others_when_one_patients_row_is_bad(clinic, clinician):
    good, bad, other = _patients(clinic, clinician, 3)
    for patient in (good, bad, other):
        _pain_log(patient, NOW.date() - timedelta(days=2), 9)
    Patient.objects.filter(pk=bad.pk).update(time_zone="Nowhere/Atlantis")
    run = passes.pass_start(ALERTS_EVALUATE, now=NOW, dispatch=False)
    assert passes.pass_chunk_run(run.chunks.get().pk).state == "done"
    assert passes.run_summary(run)["failed"] == 1
    alerted = set(Alert.objects.values_list("patient_id", flat=True))
    assert alerted == {good.pk, other.pk}


def test_open_adherence_alerts_close_once_the_clinic_sees_signals_instead(clinic, clinician):
    (patient,) = _patients(clinic, clinician, 1)
    old = Alert.objects.create(
        patient=patient,
        clinic=clinic,
        kind=AlertKind.LOW_ADHERENCE,
        urgency=AlertUrgency.SOON,
        summary="Raised before issue 22",
    )
    alerts_evaluate_many([patient], {patient.pk: NOW.date()})
    old.refresh_from_db()
    assert old.status == AlertStatus.RESOLVED and "needs attention" in old.resolution_note
    assert old.history.first().status == AlertStatus.RESOLVED  # type: ignore[attr-defined]
    assert AttentionSignal.objects.filter(patient=patient, kind=AlertKind.LOW_ADHERENCE).exists()
    # A clinic that wants these as alerts keeps them.
    clinic.attention_as_alerts = True
    clinic.save()
    patient.refresh_from_db()
    raised = alerts_evaluate_many([patient], {patient.pk: NOW.date()})[patient.pk]
    assert AlertKind.LOW_ADHERENCE in {a.kind for a in raised}
    alerts_evaluate_many([patient], {patient.pk: NOW.date()})
    assert Alert.objects.unresolved().filter(kind=AlertKind.LOW_ADHERENCE).count() == 1
