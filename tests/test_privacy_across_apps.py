"""Subject access and erasure reach the assessments and the home programme too."""

from datetime import date

import pytest
from django.urls import reverse

from assessments.models import Assessment
from patients.models import ErasureRequest
from patients.services import erasure_request_execute
from programmes import services as programme_services
from programmes.models import TreatmentPlan
from tests.assessments.factories import AssessmentFactory
from tests.patients.test_privacy import _discharge
from tests.programmes.helpers import make_plan
from tracking.models import SessionLog, SessionOutcome, SkipReason


@pytest.fixture(autouse=True)
def _no_retention_floor(settings):
    """These tests are about erasure itself: clinics here may set any period
    (the floor, RETENTION_MIN_YEARS, is tested in tests/test_security_probe.py)."""
    settings.RETENTION_MIN_YEARS = 0


@pytest.fixture
def record_with_care(patient_record, clinician, patient):
    assessment = AssessmentFactory(
        patient=patient_record,
        medications="Naproxen 500 mg",
        goals="Walk the dog to the park",
        assessed_on=date(2026, 3, 2),
    )
    plan = make_plan(patient_record, clinician, start_on=date(2026, 3, 2))
    version = programme_services.plan_activate(plan=plan, by=clinician)
    prescription = version.prescriptions.first()
    SessionLog.objects.create(
        patient=patient_record,
        version=version,
        prescription=prescription,
        performed_on=date(2026, 3, 3),
        outcome=SessionOutcome.SKIPPED,
        skip_reason=SkipReason.PAIN,
    )
    return assessment, plan


@pytest.mark.django_db
def test_the_subject_access_export_holds_assessments_plans_and_patient_logs(
    client, clinician, patient_record, record_with_care
):
    client.force_login(clinician)
    data = client.get(reverse("patients:subject-access-json", args=[patient_record.pk])).json()
    titles = [section["title"] for section in data["sections"]]
    assert {"Assessments", "Treatment plans", "Home exercise and check-ins"} <= set(titles)
    text = str(data)
    assert "Naproxen 500 mg" in text and "Walk the dog to the park" in text
    programme = next(s for s in data["sections"] if s["title"] == "Home exercise and check-ins")
    log = next(r for r in programme["records"] if r["title"].startswith("Exercise log"))
    assert {f["source"] for f in log["fields"]} == {"patient-entered"}
    assert any(f["value"] == "pain" for f in log["fields"])


@pytest.mark.django_db
def test_erasure_blanks_clinical_free_text_and_its_history(
    clinic, clinic_admin, patient_record, record_with_care
):
    assessment, plan = record_with_care
    clinic.retention_years = 0
    clinic.save()
    _discharge(patient_record, ago_days=1)
    request = ErasureRequest.objects.create(
        patient=patient_record, clinic=clinic, received_via="letter", received_on=date.today()
    )
    erasure_request_execute(erasure_request=request, by=clinic_admin)
    assessment = Assessment.objects.get(pk=assessment.pk)
    assert assessment.medications == "" and assessment.goals == ""
    assert not Assessment.history.filter(id=assessment.pk, medications="Naproxen 500 mg").exists()
    assert TreatmentPlan.objects.get(pk=plan.pk).title == ""
    # What the patient did stays as ids and codes, for the clinic's statistics.
    assert SessionLog.objects.filter(patient=patient_record).count() == 1
