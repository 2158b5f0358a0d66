"""One scoping rule behind every ``for_user`` queryset."""

import pytest

from alerts.models import Alert
from assessments.models import Assessment
from patients.models import Patient
from tests.assessments.factories import AssessmentFactory
from tests.factories import UserFactory


@pytest.mark.django_db
def test_staff_see_their_clinics_reception_no_clinical_rows_and_deactivated_accounts_nothing(
    clinician, reception, colleague, patient, patient_record, other_patient_record
):
    AssessmentFactory(patient=patient_record)
    assert list(Patient.objects.for_user(clinician)) == [patient_record]
    assert Assessment.objects.for_user(clinician).count() == 1
    assert list(Patient.objects.for_user(reception)) == [patient_record]
    assert Assessment.objects.for_user(reception).count() == 0
    assert list(Patient.objects.for_user(colleague)) == [other_patient_record]
    assert Assessment.objects.for_user(colleague).count() == 0
    # A patient's own account is not staff: no staff-side rows at all.
    assert Patient.objects.for_user(patient).count() == 0
    clinician.is_active = False
    clinician.save()
    assert Patient.objects.for_user(clinician).count() == 0
    assert Assessment.objects.for_user(clinician).count() == 0
    assert Alert.objects.for_user(clinician).count() == 0


@pytest.mark.django_db
def test_a_superuser_sees_every_clinic(patient_record, other_patient_record):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    assert Patient.objects.for_user(root).count() == 2
