"""The audit trail: what it records, and that nobody can rewrite it."""

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse

from clinic.models import AuditAction, AuditEvent
from tests.factories import PASSWORD


@pytest.mark.django_db
def test_logins_failed_logins_and_logouts_are_audited(client, clinician):
    client.post(reverse("login"), {"username": "clinician", "password": "wrong-password"})
    client.post(reverse("login"), {"username": "clinician", "password": PASSWORD})
    client.post(reverse("logout"))
    actions = list(AuditEvent.objects.order_by("at", "id").values_list("action", "actor_username"))
    assert actions == [
        (AuditAction.LOGIN_FAILED, "clinician"),
        (AuditAction.LOGIN, "clinician"),
        (AuditAction.LOGOUT, "clinician"),
    ]
    assert AuditEvent.objects.filter(ip="127.0.0.1").count() == 3


@pytest.mark.django_db
def test_opening_a_record_is_audited_without_clinical_content(client, clinician, patient_record):
    client.force_login(clinician)
    client.get(reverse("patients:detail", args=[patient_record.pk]))
    event = AuditEvent.objects.get(action=AuditAction.PATIENT_VIEW)
    assert event.patient_id == patient_record.pk and event.clinic_id == patient_record.clinic_id
    stored = " ".join(str(v) for v in AuditEvent.objects.values().get(pk=event.pk).values())
    for clinical in (patient_record.referral_reason, patient_record.last_name):
        assert clinical not in stored


@pytest.mark.django_db
def test_the_application_cannot_change_or_delete_an_event(clinician):
    event = AuditEvent.objects.create(action=AuditAction.LOGIN, actor=clinician)
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(action=AuditAction.LOGOUT)
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
@pytest.mark.parametrize(
    "statement", ["UPDATE clinic_auditevent SET action = 'logout'", "DELETE FROM clinic_auditevent"]
)
def test_postgresql_refuses_update_and_delete_on_the_audit_table(clinician, statement):
    AuditEvent.objects.create(action=AuditAction.LOGIN, actor=clinician)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN).count() == 1


@pytest.mark.django_db
def test_deleting_a_user_keeps_their_audit_trail(clinician):
    AuditEvent.objects.create(action=AuditAction.LOGIN, actor=clinician, actor_username="clinician")
    clinician.staff_member.delete()
    clinician.delete()
    event = AuditEvent.objects.get()
    assert event.actor_username == "clinician"


@pytest.mark.django_db
class TestAuditLogPage:
    def test_a_clinic_admin_filters_their_clinics_events(
        self, client, clinic_admin, clinician, colleague, patient_record, other_patient_record
    ):
        client.force_login(clinician)
        client.get(reverse("patients:detail", args=[patient_record.pk]))
        client.force_login(colleague)
        client.get(reverse("patients:detail", args=[other_patient_record.pk]))
        client.force_login(clinic_admin)
        page = client.get(reverse("audit-log"), {"action": "patient_view"}).content.decode()
        assert str(patient_record.pk) in page
        assert str(other_patient_record.pk) not in page  # another clinic's trail
        page = client.get(reverse("audit-log"), {"user": "nobody"}).content.decode()
        assert str(patient_record.pk) not in page and "No events match." in page

    def test_bad_filters_are_explained(self, client, clinic_admin):
        client.force_login(clinic_admin)
        response = client.get(
            reverse("audit-log"),
            {"patient": "not-a-uuid", "since": "2026-05-01", "until": "2026-04-01"},
        )
        assert response.status_code == 200
        body = response.content.decode()
        assert "Enter a valid UUID." in body and "The end date is before the start date." in body

    def test_it_pages_without_counting_the_table(
        self, client, clinic_admin, clinic, django_assert_num_queries
    ):
        for _ in range(60):
            AuditEvent.objects.create(action=AuditAction.EXPORT, clinic_id=clinic.pk)
        client.force_login(clinic_admin)
        # user, staff member, clinic ids, one page of events (+1 row): no COUNT; the
        # session comes from the cache (cached_db).
        with django_assert_num_queries(4) as captured:
            response = client.get(reverse("audit-log"))
        assert not any("COUNT(" in q["sql"].upper() for q in captured.captured_queries)
        assert "Older" in response.content.decode()
        assert "Newer" in client.get(reverse("audit-log"), {"page": 2}).content.decode()


@pytest.mark.django_db
def test_the_audit_log_reads_who_did_what_to_which_record(
    client, clinic_admin, clinician, reception, patient_record
):
    """Names instead of codes and UUIDs, and what a refusal refused (issue 13)."""
    clinician.first_name, clinician.last_name = "Cleo", "Nash"
    clinician.save()
    client.force_login(clinician)
    client.get(reverse("patients:detail", args=[patient_record.pk]))
    client.force_login(reception)
    assert client.get(reverse("tracking:caseload")).status_code == 403
    client.force_login(clinic_admin)
    page = client.get(reverse("audit-log")).content.decode()
    assert "Cleo Nash" in page
    assert f"Zelda Quigley ({patient_record.record_number})" in page
    assert "Viewed patient record" in page
    assert "page tracking:caseload" in page
    event = AuditEvent.objects.get(action=AuditAction.ACCESS_DENIED)
    assert (event.object_type, event.object_id) == ("page", "tracking:caseload")


def test_every_action_reads_as_its_label_and_an_unknown_one_as_itself():
    # AuditEvent.get_action_display replaces Django's (which re-flattens the
    # callable choices per row): the audit log and the admin show the same words.
    for action in AuditAction:
        assert AuditEvent(action=action.value).get_action_display() == action.label
    assert AuditEvent(action="retired_action").get_action_display() == "retired_action"
