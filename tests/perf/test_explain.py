"""The queries behind the key pages use indexes on a chain-shaped data set
(issue 8).

How: generate a small chain with the full-scale proportions that matter to
the planner (100 clinics, so one clinic holds about 1 % of the records as one
of 200 clinics holds 0.5 % at 100,000 patients), ANALYZE it, load each key
page as its usual user while capturing every SELECT it runs, and EXPLAIN
(FORMAT JSON) each one: a sequential scan over a big table fails the test.
The planner is left alone (no ``enable_seqscan = off``), so a failure means
PostgreSQL itself would rather read the whole table: at 1 % selectivity and
thousands of rows, that happens when no index fits the query's shape.
"""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment
from clinic.models import Role, StaffMember
from patients.models import Patient
from programmes import api
from programmes.models import TreatmentPlan
from reminders.models import ReminderOccurrence
from tracking.adherence import adherence_range

pytestmark = pytest.mark.django_db

# Tables that grow with the chain; a Seq Scan over any of them fails.
# Issue 5 adds its reminder tables here (one line each).
BIG_TABLES = {
    "patients_patient",
    "clinic_auditevent",
    "programmes_sessionlog",
    "programmes_prescription",
    "programmes_programmeversion",
    "programmes_treatmentplan",
    "assessments_assessment",
    "assessments_outcomeresponse",
    "programmes_reminderpreference",
    "programmes_reminderoccurrence",
    # Issue 22: the sample gets many open alerts (every patient, several kinds);
    # lists, counts and the dashboard panel filter on the alert's clinic column
    # through the partial index of the open states.
    "programmes_alert",
}
OPEN_ALERT_KINDS = ("pain_high", "outcome_worse", "red_flag_reported", "reminder_failed")


def seq_scans(plan: dict) -> list[str]:
    found = []
    if plan.get("Node Type") == "Seq Scan" and plan.get("Relation Name") in BIG_TABLES:
        found.append(plan["Relation Name"])
    for child in plan.get("Plans", []):
        found += seq_scans(child)
    return found


def explain(sql: str) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        return cursor.fetchone()[0][0]["Plan"]


def selects(ctx) -> list[str]:
    return [
        q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")
    ]


@pytest.fixture
def chain():
    call_command(
        "generate_load_data", patients=1500, clinics=100, log_days=14, seed=3, stdout=StringIO()
    )
    # Open alerts for every patient in several kinds (as after a flood; the
    # partial unique constraint keeps one unresolved per kind and patient).
    kinds = ", ".join(f"('{k}')" for k in OPEN_ALERT_KINDS)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO programmes_alert (id, patient_id, clinic_id, kind, urgency, status,"  # noqa: S608
            " summary, raised_at, resolution_note, snooze_reason)"
            " SELECT gen_random_uuid(), p.id, p.clinic_id, k.kind, 2, 'open', 'x',"
            " now() - random() * interval '30 days', '', ''"
            f" FROM patients_patient p CROSS JOIN (VALUES {kinds}) k(kind)"
            " ON CONFLICT DO NOTHING"
        )
        cursor.execute("ANALYZE programmes_alert")


def test_the_key_pages_read_big_tables_through_indexes(chain, client):
    clinician_member = StaffMember.objects.filter(role=Role.CLINICIAN).order_by("id").first()
    clinician = clinician_member.user
    reception = StaffMember.objects.filter(role=Role.RECEPTION).order_by("id").first().user
    admin = StaffMember.objects.filter(role=Role.CLINIC_ADMIN).order_by("id").first().user
    patient = (
        Patient.objects.filter(
            assigned_clinician=clinician_member, status="active", consent_portal=True
        )
        .order_by("record_number")
        .first()
    )
    plan = TreatmentPlan.objects.get(patient=patient, status="active")
    assessment = Assessment.objects.filter(patient=patient).first()
    phone = str(patient.mobile_phone).replace("+44", "0")

    pages = [
        (clinician, reverse("dashboard"), {}),
        (clinician, reverse("alerts:list"), {}),
        (clinician, reverse("alerts:list"), {"page": "2"}),
        (clinician, reverse("alerts:list"), {"show": "snoozed"}),
        (clinician, reverse("patients:list"), {}),
        (clinician, reverse("patients:list"), {"status": "active"}),
        (reception, reverse("patients:list"), {"q": patient.last_name[:3]}),
        (reception, reverse("patients:list"), {"q": f"{patient.first_name} {patient.last_name}"}),
        (reception, reverse("patients:list"), {"q": patient.record_number}),
        (reception, reverse("patients:list"), {"q": patient.email}),
        (reception, reverse("patients:list"), {"q": phone}),
        (reception, reverse("patients:list"), {"q": patient.date_of_birth.isoformat()}),
        (clinician, reverse("patients:detail", args=[patient.pk]), {}),
        (clinician, reverse("programmes:plan-detail", args=[plan.pk]), {}),
        (clinician, reverse("assessments:detail", args=[patient.pk, assessment.pk]), {}),
        (admin, reverse("audit-log"), {}),
        (admin, reverse("admin:patients_patient_changelist"), {}),
        (admin, reverse("admin:clinic_auditevent_changelist"), {}),
        (patient.user, reverse("portal:today"), {}),
    ]
    # The check can fail: on this data the planner does read the whole table
    # when no index fits (an unscoped name search).
    assert seq_scans(
        explain("SELECT id FROM patients_patient WHERE upper(first_name::text) LIKE 'AL%'")
    ) == ["patients_patient"]

    failures, explained = [], 0
    for user, url, params in pages:
        client.force_login(user)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, params).status_code == 200, url
        for sql in selects(ctx):
            explained += 1
            for table in seq_scans(explain(sql)):
                failures.append(f"{url} {params}: Seq Scan on {table}\n    {sql[:300]}")

    # The portal's Today and Progress read through programmes.api and the
    # adherence rule.
    today = patient.local_today()
    with CaptureQueriesContext(connection) as ctx:
        api.active_plan(patient)
        api.exercises_due(patient, today)
        adherence_range(patient, today - timedelta(days=28), today)
    for sql in selects(ctx):
        for table in seq_scans(explain(sql)):
            failures.append(f"programmes.api: Seq Scan on {table}\n    {sql[:300]}")

    # The reminder dispatcher polls for due rows every minute.
    due = ReminderOccurrence.objects.due(timezone.now()).order_by("due_at").values_list("id")[:500]
    sql, params = due.query.sql_with_params()
    with connection.cursor() as cursor:
        sql = cursor.mogrify(sql, params)
    for table in seq_scans(explain(sql)):
        failures.append(f"reminder dispatch: Seq Scan on {table}\n    {sql[:300]}")

    assert explained > 60
    assert not failures, "\n".join(failures)
