"""generate_load_data: proportions, integrity and determinism (issue 8)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from alerts.models import Alert
from assessments.models import Assessment, OutcomeResponse
from clinic.models import AuditEvent, Clinic, StaffMember
from patients.models import Patient
from programmes.models import Prescription, TreatmentPlan
from reminders.models import ReminderOccurrence, ReminderPreference
from tracking.adherence import adherence_week
from tracking.models import AdherenceSnapshot, SessionLog

pytestmark = pytest.mark.django_db


def generate(**options) -> str:
    out = StringIO()
    call_command("generate_load_data", stdout=out, **options)
    return out.getvalue()


def snapshot() -> list[tuple]:
    return list(
        Patient.objects.order_by("id").values_list(
            "id", "clinic__name", "record_number", "first_name", "last_name", "email", "status"
        )
    )


def test_it_generates_a_clinic_chain_in_realistic_proportions():
    output = generate(patients=300, clinics=3, seed=5, log_days=30)
    assert "rows/s" in output and "session logs" in output

    assert Clinic.objects.count() == 3
    assert StaffMember.objects.count() == 3 * 7
    assert set(StaffMember.objects.values_list("role", flat=True)) == {
        "clinician",
        "reception",
        "clinic_admin",
    }
    assert Patient.objects.count() == 1500
    assert Patient.objects.filter(status="active").count() == 300
    # Every clinic has its share, numbered from 000001 without gaps.
    for clinic in Clinic.objects.all():
        numbers = sorted(int(n) for n in clinic.patients.values_list("record_number", flat=True))
        assert numbers == list(range(1, 501))
        assert clinic.last_record_number == 500
    assert not Patient.objects.filter(assigned_clinician__isnull=True).exists()

    # One active plan per active patient, with 6-10 exercises of the library.
    assert TreatmentPlan.objects.filter(status="active").count() == 300
    per_version = (
        Prescription.objects.values("version").annotate(n=Count("id")).values_list("n", flat=True)
    )
    assert min(per_version) >= 6 and max(per_version) <= 10
    assert Assessment.objects.filter(kind="initial").count() == 1500
    assert OutcomeResponse.objects.count() == 2 * 1500

    # Logs only for active portal users, within the last 30 days, ~70 % adherence.
    logging = Patient.objects.filter(status="active", consent_portal=True)
    assert 0.45 < logging.count() / 300 < 0.75
    assert set(SessionLog.objects.values_list("patient_id", flat=True).distinct()) <= set(
        logging.values_list("id", flat=True)
    )
    days = SessionLog.objects.values("patient", "performed_on").distinct().count()
    today = timezone.localdate()
    possible = sum(
        min(30, (today - start).days)
        for start in TreatmentPlan.objects.filter(patient__in=logging, status="active").values_list(
            "start_on", flat=True
        )
    )
    assert 0.4 < days / possible < 0.9
    assert ReminderPreference.objects.count() == logging.filter(consent_reminders=True).count()
    # Two weeks sent and two days planned per preference, one per local day and slot.
    occurrences = ReminderOccurrence.objects.all()
    assert occurrences.count() == ReminderPreference.objects.count() * 16
    assert occurrences.filter(state="sent").count() == ReminderPreference.objects.count() * 14
    first = occurrences.select_related("patient").order_by("local_date").first()
    local = first.due_at.astimezone(__import__("zoneinfo").ZoneInfo(first.patient.time_zone))
    assert (local.date(), local.strftime("%H:%M")) == (first.local_date, first.slot)
    assert 0 < Alert.objects.count() < 300
    assert AuditEvent.objects.filter(action="patient_view").count() == 300 * 8 + 1200
    # Weekly adherence snapshots: complete weeks only, the figures the nightly
    # task would store (the rule itself recomputes a sample).
    snapshots = AdherenceSnapshot.objects.select_related("patient")
    assert snapshots.filter(patient__in=logging).values("patient").distinct().count() > 0
    assert not snapshots.filter(week_start__gte=timezone.localdate() - timedelta(days=6)).exists()
    for row in snapshots.order_by("patient_id", "week_start")[:40]:
        expected = adherence_week(row.patient, row.week_start)
        assert (row.prescribed, row.completed) == (expected.prescribed, expected.completed)
        assert row.percent == expected.percent and row.adherent == expected.adherent


def test_the_same_seed_gives_the_same_records_and_another_seed_does_not():
    with transaction.atomic():
        generate(patients=40, seed=11, log_days=3)
        first = snapshot()
        transaction.set_rollback(True)
    with transaction.atomic():
        generate(patients=40, seed=12, log_days=3)
        other = snapshot()
        transaction.set_rollback(True)
    generate(patients=40, seed=11, log_days=3)
    assert snapshot() == first
    assert [row[3:5] for row in other] != [row[3:5] for row in first]


def _schema() -> set[tuple]:
    """Every index (name, table, unique, partial) and constraint (name, table,
    kind). Definitions are not compared as text: PostgreSQL prints a rebuilt
    partial index's condition with different casts."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, i.indrelid::regclass::text,"
            " i.indisunique::text, (i.indpred IS NOT NULL)::text FROM pg_index i"
            " JOIN pg_class t ON t.oid = i.indrelid"
            " WHERE t.relnamespace = current_schema()::regnamespace"
            " UNION ALL SELECT conname, conrelid::regclass::text, contype::text,"
            " pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE connamespace = current_schema()::regnamespace"
        )
        return set(cursor.fetchall())


def test_indexes_and_keys_dropped_for_the_load_all_come_back():
    before = _schema()
    assert len(before) > 100
    generate(patients=30, clinics=1, log_days=3)
    assert _schema() == before


def test_it_refuses_a_database_that_has_patients(patient_record):
    with pytest.raises(CommandError, match="empty database"):
        generate(patients=10)
