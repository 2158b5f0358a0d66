"""A database made by the first release (before issue 12 split ``programmes``)
upgrades with ``migrate`` alone: every row is still there, read through the
models in their new apps, and the content types followed the models."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from alerts.models import Alert
from exercises.models import Exercise
from reminders.models import CalendarFeed, ReminderOccurrence, ReminderPreference
from tracking.models import AdherenceSnapshot, CheckIn, SessionLog

FIRST_RELEASE = [
    ("clinic", "0005_clinic_adherence_settings_reminder_audit_actions"),
    ("patients", "0003_portal_invitation"),
    ("assessments", "0003_patient_entered_responses"),
    ("programmes", "0005_check_ins_calendar_feeds"),
    ("exercises", None),
    ("alerts", None),
    ("tracking", None),
    ("reminders", None),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_first_release_database_keeps_every_row_after_migrate():
    executor = _migrate(FIRST_RELEASE)
    old = executor.loader.project_state([(app, name) for app, name in FIRST_RELEASE if name]).apps
    Clinic = old.get_model("clinic", "Clinic")
    Patient = old.get_model("patients", "Patient")
    clinic = Clinic.objects.create(name="Old clinic", phone="0121 000 0000")
    patient = Patient.objects.create(
        clinic=clinic,
        record_number="OLD-1",
        first_name="Ada",
        last_name="Old",
        date_of_birth=date(1960, 1, 1),
    )
    Exercise_ = old.get_model("programmes", "Exercise")  # noqa: N806
    exercise = Exercise_.objects.create(
        slug="old-ex",
        name="Old exercise",
        body_region="knee",
        category="strength",
        patient_steps="Do it",
        clinic=clinic,
        default_reps=10,
    )
    Plan = old.get_model("programmes", "TreatmentPlan")  # noqa: N806
    plan = Plan.objects.create(
        patient=patient, title="Plan", status="active", start_on=date(2026, 1, 5)
    )
    version = old.get_model("programmes", "ProgrammeVersion").objects.create(
        plan=plan, number=1, valid_from=date(2026, 1, 5)
    )
    rx = old.get_model("programmes", "Prescription").objects.create(
        version=version, exercise=exercise, sets=3, reps=10, start_on=date(2026, 1, 5)
    )
    old.get_model("programmes", "SessionLog").objects.create(
        patient=patient,
        version=version,
        prescription=rx,
        performed_on=date(2026, 1, 5),
        outcome="done",
    )
    alert = old.get_model("programmes", "Alert").objects.create(
        patient=patient, kind="pain_high", urgency=2, summary="Pain 8/10"
    )
    old.get_model("programmes", "CheckIn").objects.create(
        patient=patient, checked_on=date(2026, 1, 6), pain_now=8, alert=alert
    )
    old.get_model("programmes", "AdherenceSnapshot").objects.create(
        patient=patient,
        week_start=date(2026, 1, 5),
        prescribed=7,
        completed=5,
        threshold_percent=80,
        rule_version="sessions-v1",
    )
    old.get_model("programmes", "ReminderPreference").objects.create(patient=patient)
    old.get_model("programmes", "ReminderOccurrence").objects.create(
        patient=patient,
        channel="email",
        local_date=date(2026, 1, 6),
        slot="08:00",
        due_at=datetime(2026, 1, 6, 8, tzinfo=UTC),
    )
    old.get_model("programmes", "CalendarFeed").objects.create(
        patient=patient, token_hash=uuid.uuid4().hex
    )

    _migrate(_latest())

    assert Exercise.objects.get(slug="old-ex").clinic_id == clinic.pk
    assert Exercise.objects.shipped().count() > 50  # the library is there too
    log = SessionLog.objects.select_related("prescription__exercise").get()
    assert log.prescription.exercise.name == "Old exercise"
    assert CheckIn.objects.get().alert == Alert.objects.get(summary="Pain 8/10")
    assert AdherenceSnapshot.objects.get().completed == 5
    assert ReminderPreference.objects.get().patient_id == patient.pk
    assert ReminderOccurrence.objects.get().slot == "08:00"
    assert CalendarFeed.objects.count() == 1
    for model in (Exercise, SessionLog, CheckIn, Alert, ReminderOccurrence):
        assert ContentType.objects.get_for_model(model).app_label == model._meta.app_label
    assert not ContentType.objects.filter(app_label="programmes", model="sessionlog").exists()
