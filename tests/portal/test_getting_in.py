"""Invitation, password set-up, login, reset and logout for patients."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from clinic.models import AuditAction, AuditEvent
from patients.models import PortalInvitation
from tests.factories import PASSWORD

NEW_PASSWORD = "knee bends by the window"


def invite(client, clinician, patient_record):
    patient_record.consent_portal = True
    patient_record.save()
    client.force_login(clinician)
    response = client.post(reverse("patients:invite", args=[patient_record.pk]), follow=True)
    client.logout()
    return response


def link_in(message) -> str:
    return re.search(r"https?://\S+/portal/invite/\S+/", message.body).group(0)


@pytest.mark.django_db
class TestInvitation:
    def test_staff_invite_and_the_patient_sets_a_password_and_lands_on_today(
        self, client, clinician, patient_record
    ):
        response = invite(client, clinician, patient_record)
        assert "Invitation sent to zelda.quigley@patients.example" in response.content.decode()
        message = mail.outbox[-1]
        assert message.to == ["zelda.quigley@patients.example"]
        assert "Hello Zelda" in message.body and patient_record.clinic.name in message.subject
        # No clinical details in the email.
        assert patient_record.referral_reason not in message.body + message.alternatives[0][0]
        url = link_in(message)
        assert client.get(url).status_code == 200
        response = client.post(
            url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
        )
        assert response.redirect_chain[-1][0] == reverse("portal:today")
        assert "Hello Zelda" in response.content.decode()
        patient_record.refresh_from_db()
        assert patient_record.user is not None and patient_record.user.check_password(NEW_PASSWORD)
        assert AuditEvent.objects.filter(
            action=AuditAction.INVITATION_ACCEPTED, patient_id=patient_record.pk
        ).exists()

    def test_the_link_works_only_once(self, client, clinician, patient_record):
        invite(client, clinician, patient_record)
        url = link_in(mail.outbox[-1])
        client.post(url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
        client.logout()
        response = client.get(url)
        assert (
            response.status_code == 410 and "This link no longer works" in response.content.decode()
        )
        assert (
            client.post(url, {"new_password1": "x" * 20, "new_password2": "x" * 20}).status_code
            == 410
        )

    def test_the_link_expires_after_seven_days(self, client, clinician, patient_record):
        invite(client, clinician, patient_record)
        url = link_in(mail.outbox[-1])
        with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
            assert client.get(url).status_code == 410

    def test_a_new_invitation_replaces_the_old_link(self, client, clinician, patient_record):
        invite(client, clinician, patient_record)
        first = link_in(mail.outbox[-1])
        invite(client, clinician, patient_record)
        assert client.get(first).status_code == 410
        assert client.get(link_in(mail.outbox[-1])).status_code == 200
        assert PortalInvitation.objects.filter(revoked_at__isnull=False).count() == 1

    def test_a_tampered_token_is_refused(self, client, clinician, patient_record):
        invite(client, clinician, patient_record)
        url = link_in(mail.outbox[-1])
        assert client.get(url[:-3] + "xx/").status_code == 410

    @pytest.mark.parametrize(
        "first, second, message",
        [
            ("short", "short", "too short"),
            (NEW_PASSWORD, NEW_PASSWORD + "x", "The two passwords are not the same."),
            ("password1234", "password1234", "too common"),
        ],
    )
    def test_a_weak_or_mismatched_password_is_explained(
        self, client, clinician, patient_record, first, second, message
    ):
        invite(client, clinician, patient_record)
        response = client.post(
            link_in(mail.outbox[-1]), {"new_password1": first, "new_password2": second}
        )
        assert response.status_code == 200 and message in response.content.decode()
        patient_record.refresh_from_db()
        assert patient_record.user is None

    def test_no_invitation_without_consent_or_email(self, client, clinician, patient_record):
        client.force_login(clinician)
        response = client.post(reverse("patients:invite", args=[patient_record.pk]), follow=True)
        assert "Record the patient&#x27;s consent to the portal first." in response.content.decode()
        assert not mail.outbox


@pytest.mark.django_db
class TestPortalLogin:
    def test_a_patient_logs_in_with_email_and_password_and_out_again(self, client, patient):
        response = client.post(
            reverse("portal:login"),
            {"email": "ZELDA.quigley@patients.example", "password": PASSWORD},
            follow=True,
        )
        assert response.redirect_chain[-1][0] == reverse("portal:today")
        client.post(reverse("portal:logout"))
        assert client.get(reverse("portal:today")).status_code == 302

    def test_staff_accounts_cannot_log_in_to_the_portal(self, client, clinician):
        clinician.email = "clinician@staff.example"
        clinician.save()
        response = client.post(
            reverse("portal:login"), {"email": "clinician@staff.example", "password": PASSWORD}
        )
        assert "do not match an account" in response.content.decode()

    def test_a_wrong_password_gets_the_same_message(self, client, patient):
        response = client.post(
            reverse("portal:login"), {"email": "zelda.quigley@patients.example", "password": "nope"}
        )
        assert "do not match an account" in response.content.decode()

    def test_a_patient_never_reaches_staff_pages(self, client, patient, patient_record):
        client.force_login(patient)
        for url in (reverse("dashboard"), reverse("patients:detail", args=[patient_record.pk])):
            assert client.get(url).status_code == 403

    def test_password_reset_by_email(self, client, patient):
        client.post(reverse("portal:password-reset"), {"email": "zelda.quigley@patients.example"})
        message = mail.outbox[-1]
        link = re.search(r"https?://\S+/portal/password-reset/\S+/\S+/", message.body).group(0)
        response = client.get(link, follow=True)
        form_url = response.redirect_chain[-1][0]
        response = client.post(
            form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
        )
        assert "Your password is changed" in response.content.decode()
        patient.refresh_from_db()
        assert patient.check_password(NEW_PASSWORD)

    def test_password_reset_sends_nothing_to_staff_addresses(self, client, clinician):
        clinician.email = "clinician@staff.example"
        clinician.save()
        response = client.post(
            reverse("portal:password-reset"), {"email": "clinician@staff.example"}, follow=True
        )
        assert "Check your email" in response.content.decode()
        assert not mail.outbox
