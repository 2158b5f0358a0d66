"""Staff and portal pages of the FHIR app: the export download, the referral
import, the API-token page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from fhir.resources import construct_fhir_element

from clinic.models import AuditAction, AuditEvent
from fhir_r4.models import ApiToken
from fhir_r4.services import fhir_record_bundle
from patients.models import Patient
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"


def _upload(client, user, content: bytes, name="referral.json"):
    client.force_login(user)
    return client.post(
        reverse("fhir:import"), {"file": SimpleUploadedFile(name, content, "application/json")}
    )


# --- Export ---------------------------------------------------------------------


def test_a_clinician_downloads_the_record_as_a_bundle_and_it_is_audited(client, clinician, record):
    client.force_login(clinician)
    page = client.get(reverse("patients:detail", args=[record.pk]))
    assert reverse("fhir:patient-export", args=[record.pk]).encode() in page.content
    response = client.get(reverse("fhir:patient-export", args=[record.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    assert "attachment" in response["Content-Disposition"]
    bundle = json.loads(response.content)
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"
    assert bundle["entry"][0]["resource"]["name"][0]["family"] == "Quigley"
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, patient_id=record.pk, actor=clinician
    ).exists()


def test_reception_sees_no_export_button_and_cannot_export(client, reception, patient_record):
    client.force_login(reception)
    page = client.get(reverse("patients:detail", args=[patient_record.pk]))
    assert b"FHIR export" not in page.content
    response = client.get(reverse("fhir:patient-export", args=[patient_record.pk]))
    assert response.status_code == 403
    assert patient_record.last_name.encode() not in response.content


def test_the_patient_downloads_their_own_record_from_my_data(client, patient, patient_record):
    client.force_login(patient)
    page = client.get(reverse("portal:my-data"))
    assert reverse("portal:my-data-fhir").encode() in page.content
    response = client.get(reverse("portal:my-data-fhir"))
    bundle = json.loads(response.content)
    ids = {e["resource"]["id"] for e in bundle["entry"]}
    assert str(patient_record.pk) in ids
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, patient_id=patient_record.pk, actor=patient
    ).exists()


# --- Referral import ------------------------------------------------------------


def test_a_referral_bundle_opens_the_patient_form_filled_in_and_saves_nothing(
    client, clinician, record
):
    raw = fhir_record_bundle(patient=record).json().encode()
    before = Patient.objects.count()
    response = _upload(client, clinician, raw)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="Zelda"' in body and 'value="Quigley"' in body
    assert f'action="{reverse("patients:create")}"' in body
    # Same name and birth date as an existing patient: the form's own warning.
    assert 'id="duplicate-warning"' in body
    assert Patient.objects.count() == before


def test_the_imported_form_saves_through_the_normal_create_page(client, clinician, patient_record):
    raw = fhir_record_bundle(patient=patient_record).json().encode()
    response = _upload(client, clinician, raw)
    form = response.context["form"]
    data = {name: value for name, value in form.data.items() if value is not None}
    data["confirm_not_duplicate"] = "on"
    saved = client.post(reverse("patients:create"), data)
    assert saved.status_code == 302
    copy = Patient.objects.exclude(pk=patient_record.pk).get(last_name="Quigley")
    assert copy.date_of_birth == patient_record.date_of_birth
    assert copy.referral_reason == patient_record.referral_reason


@pytest.mark.parametrize(
    "content, message",
    [
        (b"not json at all", "not JSON"),
        (b'{"hello": 1}', "no resourceType"),
        (b'{"resourceType": "Observation"}', "cannot be imported"),
        (b'{"resourceType": "Patient", "birthDate": "last Tuesday"}', "not valid FHIR R4"),
        (b'{"resourceType": "Bundle", "type": "collection"}', "0 Patient"),
    ],
)
def test_a_bad_upload_gets_a_clear_message_and_saves_nothing(
    client, clinician, patient_record, content, message
):
    before = Patient.objects.count()
    response = _upload(client, clinician, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Patient.objects.count() == before


def test_reception_cannot_import(client, reception):
    response = _upload(client, reception, b"{}")
    assert response.status_code == 403


def test_the_published_patient_example_imports_with_the_forms_validation(client, clinician):
    raw = (FIXTURES / "patient-example.json").read_bytes()
    construct_fhir_element("Patient", json.loads(raw))  # valid R4 as published
    response = _upload(client, clinician, raw)
    form = response.context["form"]
    assert form.data["first_name"] == "Peter James"
    assert form.data["last_name"] == "Chalmers"
    assert str(form.data["date_of_birth"]) == "1974-12-25"
    assert form.data["sex"] == "male"
    assert form.data["city"] == "PleasantVille"
    assert form.data["emergency_contact_name"] == "Bénédicte du Marché"
    # An Australian number without its country code is not a number we can
    # dial from here: the form says so next to the field, as for typed input.
    assert "mobile_phone" in form.errors
    assert "Enter a valid phone number" in response.content.decode()


def test_the_published_questionnaire_response_example_parses_and_is_not_a_referral(
    client, clinician
):
    raw = (FIXTURES / "questionnaireresponse-example-f201-lifelines.json").read_bytes()
    response_resource = construct_fhir_element("QuestionnaireResponse", json.loads(raw))
    assert response_resource.status == "completed"
    assert response_resource.item[0].item[0].answer[0].valueString == "I am allergic to house dust"
    assert response_resource.item[1].item[1].answer[0].valueDate.isoformat() == "1960-03-13"
    response = _upload(client, clinician, raw)
    assert "A QuestionnaireResponse cannot be imported" in response.content.decode()


# --- API tokens -----------------------------------------------------------------


def test_a_clinic_admin_creates_a_token_that_is_shown_once(client, clinic_admin, clinic):
    client.force_login(clinic_admin)
    response = client.post(reverse("fhir:tokens"), {"name": "GP system", "clinic": clinic.pk})
    token = ApiToken.objects.get()
    secret = response.context["new"][1]
    assert secret.encode() in response.content
    assert response["Cache-Control"] == "private, no-store"
    assert token.clinic == clinic and token.created_by == clinic_admin
    listing = client.get(reverse("fhir:tokens"))
    assert secret.encode() not in listing.content
    assert token.hint.encode() in listing.content
    assert AuditEvent.objects.filter(
        action=AuditAction.API_TOKEN_CREATED, object_id=str(token.pk), clinic_id=clinic.pk
    ).exists()
    # The new token works at once.
    patient = PatientFactory(clinic=clinic)
    api = client.get(
        reverse("fhir-api:patient-read", args=[patient.pk]), HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert api.status_code == 200


def test_a_clinic_admin_revokes_a_token(client, clinic_admin, token):
    row, _secret = token
    client.force_login(clinic_admin)
    response = client.post(reverse("fhir:token-revoke", args=[row.pk]))
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.revoked_at is not None and row.revoked_by == clinic_admin
    assert AuditEvent.objects.filter(action=AuditAction.API_TOKEN_REVOKED).count() == 1
    client.post(reverse("fhir:token-revoke", args=[row.pk]))  # twice: no second event
    assert AuditEvent.objects.filter(action=AuditAction.API_TOKEN_REVOKED).count() == 1


def test_another_clinics_admin_cannot_see_or_revoke_our_token(client, other_clinic, token):
    from clinic.models import Role
    from tests.factories import StaffMemberFactory

    admin = StaffMemberFactory(role=Role.CLINIC_ADMIN, clinics=[other_clinic]).user
    client.force_login(admin)
    listing = client.get(reverse("fhir:tokens"))
    assert token[0].hint.encode() not in listing.content
    response = client.post(reverse("fhir:token-revoke", args=[token[0].pk]))
    assert response.status_code == 404
    token[0].refresh_from_db()
    assert token[0].revoked_at is None


def test_a_token_for_another_clinic_cannot_be_made_by_tampering(client, clinic_admin, other_clinic):
    client.force_login(clinic_admin)
    response = client.post(reverse("fhir:tokens"), {"name": "Sneaky", "clinic": other_clinic.pk})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not ApiToken.objects.exists()
