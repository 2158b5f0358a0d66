"""The daily digest mails each clinician once a day, also when Celery delivers
its task again (it is acks-late)."""

from __future__ import annotations

import pytest
from django.core import mail

from alerts.models import AlertKind, AlertUrgency
from alerts.services import alert_raise
from alerts.tasks import alerts_digest

pytestmark = pytest.mark.django_db


def test_a_redelivered_digest_task_mails_nothing_twice(patient_record, clinician):
    clinician.email = "clinician@example.org"
    clinician.save()
    alert_raise(
        patient=patient_record,
        kind=AlertKind.PAIN_HIGH,
        urgency=AlertUrgency.SOON,
        summary="Pain 9/10",
    )
    assert alerts_digest.run() == 1
    assert alerts_digest.run() == 0  # the same message delivered again
    assert [m.to for m in mail.outbox] == [["clinician@example.org"]]
    body = mail.outbox[0].body
    assert patient_record.record_number in body
    assert patient_record.last_name not in body and "Pain 9/10" not in body


def test_a_failed_send_leaves_the_day_free_for_a_retry(patient_record, clinician, settings):
    clinician.email = "clinician@example.org"
    clinician.save()
    alert_raise(
        patient=patient_record, kind=AlertKind.NO_LOGS, urgency=AlertUrgency.ROUTINE, summary="x"
    )
    settings.EMAIL_BACKEND = "tests.alerts.failing_mail.Backend"
    with pytest.raises(ConnectionError):
        alerts_digest.run()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert alerts_digest.run() == 1
    assert len(mail.outbox) == 1
