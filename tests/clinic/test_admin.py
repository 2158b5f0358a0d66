"""The Django admin keeps a clinic admin inside their own clinics."""

import pytest
from django.urls import reverse

from patients.models import Patient


@pytest.fixture
def admin_client(client, clinic_admin):
    client.force_login(clinic_admin)
    return client


def patient_form(clinic, **changes):
    data = {
        "clinic": str(clinic.pk),
        "first_name": "Ada",
        "last_name": "Lovelace",
        "date_of_birth": "1985-12-10",
        "sex": "female",
        "preferred_language": "en",
        "time_zone": "Europe/London",
        "country": "United Kingdom",
        "referral_source": "gp",
        "status": "active",
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_a_clinic_admin_adds_a_patient_to_their_clinic_with_a_record_number(admin_client, clinic):
    response = admin_client.post(reverse("admin:patients_patient_add"), patient_form(clinic))
    assert response.status_code == 302
    patient = Patient.objects.get()
    assert patient.clinic == clinic and patient.record_number == "000001"


@pytest.mark.django_db
def test_ids_of_another_clinic_in_admin_forms_are_rejected(
    admin_client, other_clinic, clinic, colleague
):
    response = admin_client.post(reverse("admin:patients_patient_add"), patient_form(other_clinic))
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    response = admin_client.post(
        reverse("admin:patients_patient_add"),
        patient_form(clinic, assigned_clinician=str(colleague.staff_member.pk)),
    )
    assert "Select a valid choice" in response.content.decode()
    assert not Patient.objects.exists()


@pytest.mark.django_db
def test_a_clinic_admin_cannot_move_staff_into_another_clinic(
    admin_client, clinician, other_clinic
):
    member = clinician.staff_member
    response = admin_client.post(
        reverse("admin:clinic_staffmember_change", args=[member.pk]),
        {"clinics": [str(other_clinic.pk)], "role": "clinician", "professional_registration": ""},
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert list(member.clinics.all()) != [other_clinic]


@pytest.mark.django_db
def test_changelists_show_only_the_clinics_records_and_do_not_count_the_table(
    admin_client, patient_record, other_patient_record, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12) as captured:
        body = admin_client.get(reverse("admin:patients_patient_changelist")).content.decode()
    assert patient_record.last_name in body and other_patient_record.last_name not in body
    # One COUNT of the filtered page is Django's; the unfiltered total is never counted.
    counts = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) <= 1


@pytest.mark.django_db
def test_audit_events_are_read_only_in_the_admin(admin_client, clinic):
    from clinic.audit import audit_record
    from clinic.models import AuditAction

    event = audit_record(action=AuditAction.EXPORT, clinic_id=clinic.pk)
    response = admin_client.post(
        reverse("admin:clinic_auditevent_change", args=[event.pk]), {"action": "login"}
    )
    assert response.status_code == 403
    assert (
        admin_client.post(
            reverse("admin:clinic_auditevent_delete", args=[event.pk]), {"post": "yes"}
        ).status_code
        == 403
    )


@pytest.mark.django_db
def test_the_audit_event_list_shows_each_action_by_its_label(admin_client, clinic):
    from clinic.audit import audit_record
    from clinic.models import AuditAction

    audit_record(action=AuditAction.EXPORT, clinic_id=clinic.pk)
    response = admin_client.get(reverse("admin:clinic_auditevent_changelist"))
    assert response.status_code == 200
    assert f'<td class="field-action_label">{AuditAction.EXPORT.label}</td>' in response.text
