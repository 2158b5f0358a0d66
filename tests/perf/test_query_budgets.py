"""Query budgets: each list page costs the same number of queries whatever the
number of rows it shows (issue 8; STYLE.md 11). Each test loads a page with a
few rows and with several times as many and compares the query counts. Pages
that already have such a test elsewhere: the patient list and patient page
(tests/patients), the assessment page (tests/assessments), the audit log
(tests/clinic), the exercise library and plan versions (tests/programmes)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alerts.models import Alert, AlertKind, AlertUrgency
from clinic.models import AuditAction, AuditEvent, Role
from exercises.models import Exercise
from programmes import services
from tests.assessments.factories import AssessmentFactory
from tests.factories import PatientFactory, StaffMemberFactory
from tests.programmes.helpers import ensure_library, make_plan

pytestmark = pytest.mark.django_db

START = date(2026, 3, 2)


def queries(client, url) -> tuple[int, list[str]]:
    client.get(url)  # warm per-process caches (content types, site)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]


def test_the_dashboard_caseload_and_recently_seen_are_constant(client, clinician, clinic):
    client.force_login(clinician)

    def add(n):
        for p in PatientFactory.create_batch(
            n, clinic=clinic, assigned_clinician=clinician.staff_member
        ):
            client.get(reverse("patients:detail", args=[p.pk]))  # recently seen

    add(3)
    few, _ = queries(client, reverse("dashboard"))
    add(30)
    many, _ = queries(client, reverse("dashboard"))
    assert few == many


def test_the_plan_page_is_constant_in_the_number_of_exercises(client, clinician, patient_record):
    ensure_library()
    plan = make_plan(patient_record, clinician, start_on=START)
    client.force_login(clinician)
    url = reverse("programmes:plan-detail", args=[plan.pk])
    few, _ = queries(client, url)
    extra = Exercise.objects.shipped().exclude(prescriptions__version__plan=plan)[:5]
    for candidate in extra:
        services.prescription_add(
            plan=plan,
            exercise=candidate,
            by=clinician,
            dose={"sets": 2, "reps": 10, "start_on": START},
        )
    assert plan.current_version().prescriptions.count() >= 7
    many, _ = queries(client, url)
    assert few == many


# --- admin changelists (a clinic admin: the scoped, filtered case) ---------


def _patients(ctx, n):
    PatientFactory.create_batch(n, clinic=ctx["clinic"])


def _plans(ctx, n):
    for patient in PatientFactory.create_batch(n, clinic=ctx["clinic"]):
        make_plan(patient, ctx["clinician"], slug=None, start_on=START, title="Plan")


def _assessments(ctx, n):
    for patient in PatientFactory.create_batch(
        n, clinic=ctx["clinic"], assigned_clinician=ctx["clinician"].staff_member
    ):
        AssessmentFactory(patient=patient)


def _audit_events(ctx, n):
    for _ in range(n):
        AuditEvent.objects.create(
            action=AuditAction.PATIENT_VIEW, clinic_id=ctx["clinic"].pk, actor=ctx["clinician"]
        )


def _exercises(ctx, n):
    start = Exercise.objects.count()
    for i in range(n):
        Exercise.objects.create(
            clinic=ctx["clinic"],
            slug=f"budget-{start + i}",
            name=f"Budget drill {start + i}",
            body_region="knee",
            category="strength",
            default_reps=10,
            patient_steps="Step up.\nStep down.",
        )


def _staff(ctx, n):
    for _ in range(n):
        StaffMemberFactory(role=Role.RECEPTION, clinics=[ctx["clinic"]])


def _alerts(ctx, n):
    for patient in PatientFactory.create_batch(n, clinic=ctx["clinic"]):
        Alert.objects.create(
            patient=patient,
            clinic=ctx["clinic"],
            kind=AlertKind.PAIN_HIGH,
            urgency=AlertUrgency.SOON,
            summary="Pain",
        )


CHANGELISTS = [
    ("admin:patients_patient_changelist", _patients),
    ("admin:programmes_treatmentplan_changelist", _plans),
    ("admin:assessments_assessment_changelist", _assessments),
    ("admin:clinic_auditevent_changelist", _audit_events),
    ("admin:exercises_exercise_changelist", _exercises),
    ("admin:clinic_staffmember_changelist", _staff),
    ("admin:alerts_alert_changelist", _alerts),
]


@pytest.mark.parametrize(
    ("name", "make"), CHANGELISTS, ids=[c[0].split(":")[1] for c in CHANGELISTS]
)
def test_admin_changelists_are_constant_and_never_count_the_whole_table(
    client, clinic_admin, clinician, clinic, name, make
):
    ensure_library()
    ctx = {"clinic": clinic, "clinician": clinician}
    client.force_login(clinic_admin)
    make(ctx, 2)
    few, _ = queries(client, reverse(name))
    make(ctx, 12)
    many, sql = queries(client, reverse(name))
    assert few == many
    # The page's own COUNT is of the clinic's rows (filtered); no second,
    # unfiltered COUNT for "N total" (show_full_result_count = False).
    counts = [q for q in sql if "COUNT(" in q.upper()]
    assert len(counts) <= 1 and all("WHERE" in q.upper() for q in counts)


def test_big_unfiltered_changelists_show_an_estimate_and_filtered_ones_a_count(
    admin_client, patient_record, other_patient_record, monkeypatch
):
    from clinic import paging

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE patients_patient")
    assert paging.estimated_row_count("patients_patient") >= 0
    assert paging.estimated_row_count("no_such_table") is None

    # Pretend the table is big: the planner's estimate is what is shown.
    monkeypatch.setattr(paging, "estimated_row_count", lambda table: 123_456)
    url = reverse("admin:patients_patient_changelist")
    with CaptureQueriesContext(connection) as ctx:
        body = admin_client.get(url).content.decode()
    assert "123456" in body
    assert not any("COUNT(" in q["sql"].upper() for q in ctx.captured_queries)

    # A search is counted exactly.
    with CaptureQueriesContext(connection) as ctx:
        body = admin_client.get(url, {"q": patient_record.last_name}).content.decode()
    assert "123456" not in body and patient_record.last_name in body
    assert any("COUNT(" in q["sql"].upper() for q in ctx.captured_queries)

    # A small table (below the threshold) is counted exactly too.
    monkeypatch.setattr(paging, "estimated_row_count", lambda table: 40)
    with CaptureQueriesContext(connection) as ctx:
        admin_client.get(url)
    assert any("COUNT(" in q["sql"].upper() for q in ctx.captured_queries)
