"""The read-only FHIR API: tokens, scope, errors as OperationOutcome, paging,
query budgets."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinic.models import AuditAction, AuditEvent
from fhir_r4 import codes
from fhir_r4.models import ApiToken
from fhir_r4.services import api_token_revoke
from tests.factories import PatientFactory
from tests.fhir.conftest import build_record

pytestmark = pytest.mark.django_db


def _get(client, url, secret=None, **params):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if secret else {}
    return client.get(url, params, **headers)


def _outcome(response) -> str:
    assert response["Content-Type"].startswith("application/fhir+json")
    body = json.loads(response.content)
    assert body["resourceType"] == "OperationOutcome"
    return body["issue"][0]["diagnostics"]


def _read_url(patient):
    return reverse("fhir-api:patient-read", args=[patient.pk])


def test_metadata_is_a_capability_statement_for_fhir_4_0_1(client):
    response = client.get(reverse("fhir-api:metadata"))
    body = json.loads(response.content)
    assert response.status_code == 200
    assert body["resourceType"] == "CapabilityStatement"
    assert body["fhirVersion"] == "4.0.1"
    patient = next(r for r in body["rest"][0]["resource"] if r["type"] == "Patient")
    assert patient["operation"][0]["name"] == "everything"


def test_a_token_is_required_and_the_answer_is_an_operation_outcome(client, patient_record):
    response = _get(client, _read_url(patient_record))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "token is required" in _outcome(response)
    assert patient_record.last_name.encode() not in response.content


def test_a_logged_in_session_is_not_a_token(client, clinician, patient_record):
    client.force_login(clinician)
    assert _get(client, _read_url(patient_record)).status_code == 401


def test_a_wrong_or_revoked_token_gets_401(client, patient_record, token, clinic_admin):
    assert _get(client, _read_url(patient_record), "fhir_guessed").status_code == 401
    row, secret = token
    assert _get(client, _read_url(patient_record), secret).status_code == 200
    api_token_revoke(token=row, by=clinic_admin)
    response = _get(client, _read_url(patient_record), secret)
    assert response.status_code == 401
    assert "revoked" in _outcome(response)
    assert patient_record.last_name.encode() not in response.content


def test_another_clinics_token_gets_403_and_the_denial_is_audited(
    client, patient_record, other_token
):
    row, secret = other_token
    response = _get(client, _read_url(patient_record), secret)
    assert response.status_code == 403
    assert "does not give access" in _outcome(response)
    assert patient_record.last_name.encode() not in response.content
    everything = reverse("fhir-api:patient-everything", args=[patient_record.pk])
    assert _get(client, everything, secret).status_code == 403
    observations = _get(
        client, reverse("fhir-api:search", args=["Observation"]), secret, patient=patient_record.pk
    )
    assert observations.status_code == 403
    denied = AuditEvent.objects.filter(
        action=AuditAction.ACCESS_DENIED, patient_id=patient_record.pk
    )
    assert denied.count() == 3
    assert denied.first().clinic_id == row.clinic_id


def test_search_by_record_number_never_finds_another_clinics_patient(
    client, clinic, other_clinic, token, other_token
):
    ours = PatientFactory(clinic=clinic)
    theirs = PatientFactory(clinic=other_clinic)
    assert ours.record_number == theirs.record_number  # numbers are per clinic
    url = reverse("fhir-api:search", args=["Patient"])
    body = json.loads(_get(client, url, token[1], identifier=ours.record_number).content)
    assert body["type"] == "searchset"
    assert [e["resource"]["id"] for e in body["entry"]] == [str(ours.pk)]
    assert theirs.last_name not in json.dumps(body)
    system = codes.record_number_system(other_clinic.pk)
    body = json.loads(
        _get(client, url, token[1], identifier=f"{system}|{ours.record_number}").content
    )
    assert body["total"] == 0


def test_read_patient_and_last_use_and_audit(client, patient_record, token):
    row, secret = token
    response = _get(client, _read_url(patient_record), secret)
    body = json.loads(response.content)
    assert body["resourceType"] == "Patient"
    assert body["id"] == str(patient_record.pk)
    row.refresh_from_db()
    assert row.last_used_at is not None
    event = AuditEvent.objects.get(action=AuditAction.API_READ)
    assert event.patient_id == patient_record.pk
    assert event.actor_username == f"api-token:{row.hint}"
    assert event.object_id == str(row.pk)


def test_errors_are_operation_outcomes(client, patient_record, token):
    secret = token[1]
    unknown = _get(client, reverse("fhir-api:search", args=["Medication"]), secret)
    assert unknown.status_code == 404 and "not served" in _outcome(unknown)
    no_param = _get(client, reverse("fhir-api:search", args=["Observation"]), secret)
    assert no_param.status_code == 400 and "patient" in _outcome(no_param)
    bad_count = _get(
        client,
        reverse("fhir-api:search", args=["Questionnaire"]),
        secret,
        _count="lots",
    )
    assert bad_count.status_code == 400 and "_count" in _outcome(bad_count)
    elsewhere = client.get("/fhir/R4/Patient/not-a-uuid", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert elsewhere.status_code == 404 and _outcome(elsewhere)
    strict = Client(enforce_csrf_checks=True)  # as a real client: no CSRF token
    post = strict.post(_read_url(patient_record), HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert post.status_code == 405 and "read-only" in _outcome(post)


def test_everything_pages_with_bundle_links(client, record, token):
    url = reverse("fhir-api:patient-everything", args=[record.pk])
    first = json.loads(_get(client, url, token[1], _count=5).content)
    links = {link["relation"]: link["url"] for link in first["link"]}
    assert first["type"] == "searchset"
    assert first["total"] > 10
    assert len(first["entry"]) == 5
    assert "previous" not in links and "_page=2" in links["next"]
    seen = [e["resource"]["id"] for e in first["entry"]]
    page = first
    while "next" in {link["relation"] for link in page["link"]}:
        next_url = next(link["url"] for link in page["link"] if link["relation"] == "next")
        page = json.loads(client.get(next_url, HTTP_AUTHORIZATION=f"Bearer {token[1]}").content)
        seen += [e["resource"]["id"] for e in page["entry"]]
    assert len(seen) == first["total"]
    assert first["entry"][0]["resource"]["resourceType"] == "Patient"


def test_search_a_type_by_the_patients_record_number(client, record, token):
    url = reverse("fhir-api:search", args=["CarePlan"])
    body = json.loads(
        _get(client, url, token[1], **{"patient.identifier": record.record_number}).content
    )
    assert body["total"] == 1
    careplan = body["entry"][0]["resource"]
    assert careplan["resourceType"] == "CarePlan"
    assert careplan["subject"]["reference"] == f"Patient/{record.pk}"


def _queries(client, url, secret, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = _get(client, url, secret, **params)
    assert response.status_code == 200, response.content[:300]
    return len(captured.captured_queries)


@pytest.mark.parametrize("size", [1, 4])
def test_query_budgets_do_not_grow_with_the_record(
    client, patient_record, clinician, token, frozen_today, size
):
    build_record(patient_record, clinician, size=size)
    secret = token[1]
    everything = reverse("fhir-api:patient-everything", args=[patient_record.pk])
    # Token lookup, last-used update; the patient (clinic, clinician); the record
    # (fhir_r4.record.load_record: 10, and the plan's pauses that the one
    # adherence rule reads since issue 13); the audit insert.
    assert _queries(client, everything, secret) == 15
    observations = reverse("fhir-api:search", args=["Observation"])
    # The same, the patient found by record number instead of id.
    assert (
        _queries(
            client, observations, secret, **{"patient.identifier": patient_record.record_number}
        )
        == 15
    )
    # Token lookup, last-used update, the patient, the audit insert.
    patients = reverse("fhir-api:search", args=["Patient"])
    assert _queries(client, patients, secret, identifier=patient_record.record_number) == 4


def test_the_token_secret_is_stored_only_as_a_digest(token):
    row, secret = token
    stored = ApiToken.objects.filter(pk=row.pk).values().get()
    assert secret not in json.dumps(stored, default=str)
    assert secret.startswith(row.hint)
