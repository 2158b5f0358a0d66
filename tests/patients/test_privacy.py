"""Subject access export and the erasure workflow (issue 7, privacy)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from clinic.models import AuditAction, AuditEvent
from patients.models import ErasureRequest, ErasureStatus, Patient, Status
from patients.services import ErasureRefusedError, erasure_request_execute
from tests.conftest import OTPClient

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_retention_floor(settings):
    """These tests are about erasure itself: clinics here may set any period
    (the floor, RETENTION_MIN_YEARS, is tested in tests/test_security_probe.py)."""
    settings.RETENTION_MIN_YEARS = 0


def _entered_by_patient(patient_record, patient, **changes):
    """The patient edits their own details through the portal (history user = them)."""
    for name, value in changes.items():
        setattr(patient_record, name, value)
    patient_record._history_user = patient
    patient_record.save()


class TestSubjectAccess:
    def test_the_json_export_marks_who_entered_each_field(
        self, client, clinician, patient, patient_record
    ):
        _entered_by_patient(patient_record, patient, mobile_phone="+447911100999")
        client.force_login(clinician)
        response = client.get(reverse("patients:subject-access-json", args=[patient_record.pk]))
        assert response.status_code == 200
        assert "attachment" in response["Content-Disposition"]
        data = json.loads(response.content)
        assert data["patient_id"] == str(patient_record.pk)
        fields = {f["name"]: f for f in data["sections"][0]["records"][0]["fields"]}
        assert fields["mobile_phone"] == {
            "name": "mobile_phone",
            "label": "mobile phone",
            "value": "+447911100999",
            "source": "patient-entered",
        }
        assert fields["referral_reason"]["source"] == "clinician-entered"
        assert fields["referral_reason"]["value"] == "Exertional calf pain relieved by rest"
        assert fields["last_name"]["value"] == "Quigley"

    def test_the_readable_export_shows_the_same_with_badges_and_is_audited(
        self, client, clinician, patient, patient_record
    ):
        _entered_by_patient(patient_record, patient, city="Lowestoft")
        client.force_login(clinician)
        body = client.get(
            reverse("patients:subject-access", args=[patient_record.pk])
        ).content.decode()
        assert "Lowestoft" in body and "patient-entered" in body and "clinician-entered" in body
        event = AuditEvent.objects.filter(action=AuditAction.EXPORT).latest("at")
        assert event.patient_id == patient_record.pk and event.actor == clinician
        assert event.object_id == str(patient_record.pk)

    def test_reception_cannot_export_clinical_content(self, client, reception, patient_record):
        client.force_login(reception)
        url = reverse("patients:subject-access-json", args=[patient_record.pk])
        assert client.get(url).status_code == 403
        assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()

    def test_the_export_reads_in_constant_queries(
        self, client, clinician, patient, patient_record, django_assert_max_num_queries
    ):
        for i in range(5):
            _entered_by_patient(patient_record, patient, city=f"Town {i}")
        client.force_login(clinician)
        url = reverse("patients:subject-access-json", args=[patient_record.pk])
        # session, user, staff member, clinic ids, patient+clinic, history, audit
        # insert (8 with the request); assessments: assessments, responses,
        # red-flag events, questionnaire drafts (issue 18); programmes: plans, logs,
        # reminder preference (14); portal: check-ins, calendar feed (16); progression
        # decisions (17); programmes: exercise clips (18); messages and filed
        # conversations (20). Constant in the number of history rows.
        with django_assert_max_num_queries(20):
            assert client.get(url).status_code == 200


def _discharge(patient_record, *, ago_days: int):
    """Discharge the patient ``ago_days`` ago (history dated then)."""
    patient_record.status = Status.DISCHARGED
    patient_record.save()
    then = timezone.now() - timedelta(days=ago_days)
    patient_record.history.filter(status=Status.DISCHARGED).update(history_date=then)
    patient_record.history.filter(status=Status.ACTIVE).update(
        history_date=then - timedelta(days=30)
    )


class TestErasure:
    def _request(self, client, patient_record):
        response = client.post(
            reverse("patients:erasure", args=[patient_record.pk]),
            {"received_via": "email", "received_on": "2026-01-05", "notes": "Reply by post"},
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        return ErasureRequest.objects.get(patient=patient_record)

    def test_a_request_for_a_patient_in_care_is_refused_and_audited(
        self, client, clinic_admin, patient_record
    ):
        client.force_login(clinic_admin)
        erasure = self._request(client, patient_record)
        response = client.post(reverse("patients:erasure-detail", args=[erasure.pk]))
        assert response.status_code == 409
        assert "still in care" in response.content.decode()
        patient_record.refresh_from_db()
        assert patient_record.last_name == "Quigley"
        assert AuditEvent.objects.filter(action=AuditAction.ERASURE_REFUSED).exists()

    def test_the_clinic_retention_period_is_checked(
        self, client, clinic, clinic_admin, patient_record
    ):
        clinic.retention_years = 8
        clinic.save()
        _discharge(patient_record, ago_days=365 * 3)
        client.force_login(clinic_admin)
        erasure = self._request(client, patient_record)
        response = client.post(reverse("patients:erasure-detail", args=[erasure.pk]))
        assert response.status_code == 409
        assert "keeps records 8 years after care ends" in response.content.decode()
        clinic.retention_years = 2
        clinic.save()
        response = client.post(reverse("patients:erasure-detail", args=[erasure.pk]))
        assert response.status_code == 302

    def test_erasure_pseudonymises_and_keeps_audit_rows_with_ids_only(
        self, client, clinic, clinic_admin, clinician, patient, patient_record
    ):
        clinic.retention_years = 0
        clinic.save()
        _discharge(patient_record, ago_days=1)
        portal = OTPClient()
        portal.force_login(patient)
        client.force_login(clinician)
        client.get(reverse("patients:detail", args=[patient_record.pk]))
        erasure = self._request(client, patient_record)
        # A clinician records requests but only a clinic admin carries them out.
        assert client.post(reverse("patients:erasure-detail", args=[erasure.pk])).status_code == 403
        client.force_login(clinic_admin)
        response = client.post(reverse("patients:erasure-detail", args=[erasure.pk]))
        assert response.status_code == 302

        patient_record.refresh_from_db()
        assert patient_record.erased_at is not None
        assert (patient_record.first_name, patient_record.last_name) == ("Erased", "Erased")
        assert patient_record.email == "" and patient_record.referral_reason == ""
        assert str(patient_record.mobile_phone) == "" and patient_record.user_id is None
        assert patient_record.record_number  # the pseudonym stays
        # No earlier version with the personal data survives in the history.
        assert set(patient_record.history.values_list("last_name", flat=True)) == {"Erased"}
        patient.refresh_from_db()
        assert not patient.is_active and patient.username.startswith("erased-")
        assert not patient.has_usable_password()
        assert not Session.objects.filter(session_key=portal.session.session_key).exists(), (
            "the patient's portal session survived"
        )
        erasure.refresh_from_db()
        assert erasure.status == ErasureStatus.COMPLETED and erasure.notes == ""

        events = AuditEvent.objects.filter(patient_id=patient_record.pk)
        actions = set(events.values_list("action", flat=True))
        assert {
            AuditAction.PATIENT_VIEW,
            AuditAction.ERASURE_REQUESTED,
            AuditAction.ERASURE_DONE,
        } <= actions
        for row in events.values():
            assert "Quigley" not in json.dumps(row, default=str)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM clinic_auditevent WHERE patient_id = %s",
                [patient_record.pk],
            )
            assert cursor.fetchone()[0] == events.count()

    def test_erasure_runs_every_registered_app_eraser(
        self, clinic, clinic_admin, patient_record, monkeypatch
    ):
        from patients import erasure as registry

        seen = []
        monkeypatch.setattr(registry, "_erasers", [lambda *, patient: seen.append(patient.pk)])
        clinic.retention_years = 0
        clinic.save()
        _discharge(patient_record, ago_days=1)
        erasure = ErasureRequest.objects.create(
            patient=patient_record, clinic=clinic, received_via="letter", received_on=date.today()
        )
        erasure_request_execute(erasure_request=erasure, by=clinic_admin)
        assert seen == [patient_record.pk]
        with pytest.raises(ErasureRefusedError):
            erasure_request_execute(erasure_request=erasure, by=clinic_admin)

    def test_a_second_open_request_is_a_form_error(self, client, clinician, patient_record):
        client.force_login(clinician)
        self._request(client, patient_record)
        response = client.post(
            reverse("patients:erasure", args=[patient_record.pk]),
            {"received_via": "phone", "received_on": "2026-01-06"},
        )
        assert response.status_code == 200
        assert "already an open erasure request" in response.content.decode()

    def test_a_future_received_date_is_a_form_error(self, client, clinician, patient_record):
        client.force_login(clinician)
        response = client.post(
            reverse("patients:erasure", args=[patient_record.pk]),
            {"received_via": "phone", "received_on": "2099-01-01"},
        )
        assert "cannot have been received in the future" in response.content.decode()
        assert not ErasureRequest.objects.exists()

    def test_erased_records_still_list_without_personal_data(
        self, client, clinic, clinic_admin, patient_record
    ):
        clinic.retention_years = 0
        clinic.save()
        _discharge(patient_record, ago_days=1)
        erasure = ErasureRequest.objects.create(
            patient=patient_record, clinic=clinic, received_via="letter", received_on=date.today()
        )
        erasure_request_execute(erasure_request=erasure, by=clinic_admin)
        client.force_login(clinic_admin)
        body = client.get(reverse("patients:list") + "?status=archived").content.decode()
        assert patient_record.record_number in body and "Quigley" not in body
        assert Patient.objects.filter(pk=patient_record.pk).exists()
