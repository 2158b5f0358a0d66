"""Another clinic's ids submitted in forms (select or hidden fields) are refused
with a form error, never saved and never echoed back with that clinic's data."""

import pytest
from django.urls import reverse

from patients.models import Patient

pytestmark = pytest.mark.django_db

PATIENT = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "date_of_birth": "1970-03-04",
    "sex": "female",
    "preferred_language": "en",
    "time_zone": "Europe/London",
    "referral_source": "gp",
    "status": "active",
}
INVALID = "Select a valid choice"


def test_staff_ui_refuses_another_clinics_clinic_and_clinician(
    client, clinic, other_clinic, clinician, colleague
):
    client.force_login(clinician)
    for extra in (
        {"clinic": other_clinic.pk},  # the hidden clinic field, tampered
        {"clinic": clinic.pk, "assigned_clinician": colleague.staff_member.pk},
    ):
        response = client.post(reverse("patients:create"), {**PATIENT, **extra})
        assert response.status_code == 200
        assert INVALID in response.content.decode()
        assert other_clinic.name not in response.content.decode()
    assert not Patient.objects.exists()


def test_editing_cannot_assign_another_clinics_clinician(
    client, clinician, colleague, patient_record
):
    client.force_login(clinician)
    response = client.post(
        reverse("patients:edit", args=[patient_record.pk]),
        {**PATIENT, "assigned_clinician": colleague.staff_member.pk},
    )
    assert INVALID in response.content.decode()
    patient_record.refresh_from_db()
    assert patient_record.assigned_clinician == clinician.staff_member


def test_the_list_filter_refuses_another_clinics_clinician(client, clinician, colleague):
    client.force_login(clinician)
    response = client.get(reverse("patients:list"), {"clinician": colleague.staff_member.pk})
    assert INVALID in response.content.decode()


def test_the_admin_refuses_another_clinics_objects_in_foreign_keys(
    client, clinic, other_clinic, clinic_admin, clinician, colleague, patient_record
):
    client.force_login(clinic_admin)
    response = client.post(
        reverse("admin:patients_patient_add"), {**PATIENT, "clinic": other_clinic.pk}
    )
    assert response.status_code == 200 and INVALID in response.content.decode()
    response = client.post(
        reverse("admin:patients_patient_change", args=[patient_record.pk]),
        {
            **PATIENT,
            "clinic": clinic.pk,
            "record_number": patient_record.record_number,
            "assigned_clinician": colleague.staff_member.pk,
        },
    )
    assert response.status_code == 200 and INVALID in response.content.decode()
    response = client.post(
        reverse("admin:clinic_staffmember_change", args=[clinician.staff_member.pk]),
        {"clinics": [other_clinic.pk], "role": "clinician"},
    )
    assert response.status_code == 200 and INVALID in response.content.decode()
    assert Patient.objects.filter(clinic=other_clinic).count() == 0
    assert list(clinician.staff_member.clinics.all()) == [clinic]
