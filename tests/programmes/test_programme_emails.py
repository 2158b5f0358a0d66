"""Programme emails on activation and on a new version, once per version,
with the PDF or link-only (issue 15)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from programmes import emails
from programmes import services as programme_services
from programmes.models import ProgrammeEmail, ProgrammeVersion
from tests.programmes.helpers import make_plan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media")]


def _settle():
    ProgrammeVersion.objects.update(created_at=timezone.now() - timedelta(minutes=3))


@pytest.fixture
def plan(patient_record, clinician):
    patient_record.consent_portal = True
    patient_record.save()
    plan = make_plan(patient_record, clinician, start_on=patient_record.local_today())
    programme_services.plan_activate(plan=plan, by=clinician)
    return plan


def test_activation_sends_one_email_with_the_pdf_and_a_new_version_names_what_changed(
    plan, clinician
):
    assert emails.tick() == 0  # not settled yet
    _settle()
    assert emails.tick() == 1
    assert emails.tick() == 0  # once per version
    message = mail.outbox[-1]
    names = [p.exercise.name for p in plan.current_version().prescriptions.all()]
    assert message.to == ["zelda.quigley@patients.example"]
    assert "Your exercise programme from Riverside Physiotherapy" in message.subject
    assert all(name in message.body for name in names)
    assert "/portal/programme/" in message.body
    ((filename, content, mimetype),) = message.attachments
    assert filename == "exercise-programme.pdf"
    assert mimetype == "application/pdf" and content.startswith(b"%PDF")
    assert plan.patient.referral_reason not in message.body

    first = plan.current_version().prescriptions.order_by("order").first()
    programme_services.prescription_change(
        plan=plan, prescription=first, by=clinician, changes={"sets": 5}
    )
    programme_services.prescription_change(
        plan=plan,
        prescription=plan.current_version().prescriptions.order_by("order").first(),
        by=clinician,
        changes={"sets": 4},
    )
    _settle()
    assert emails.tick() == 1
    assert len(mail.outbox) == 2
    changed = mail.outbox[-1]
    assert "has changed" in changed.subject
    assert f"New dose:\n- {first.exercise.name}: 4 x" in changed.body
    assert ProgrammeEmail.objects.count() == 2


def test_a_link_only_clinic_sends_no_exercise_names_and_no_attachment(plan, clinic):
    clinic.programme_email_attach_pdf = False
    clinic.save()
    _settle()
    assert emails.tick() == 1
    message = mail.outbox[-1]
    assert not message.attachments
    for p in plan.current_version().prescriptions.all():
        assert p.exercise.name not in message.body and p.exercise.name not in message.subject
    assert "/portal/programme/" in message.body


def test_no_consent_no_email(plan, patient_record):
    patient_record.consent_portal = False
    patient_record.save()
    _settle()
    assert emails.tick() == 0 and not mail.outbox
    assert ProgrammeEmail.objects.get().state == "skipped"
