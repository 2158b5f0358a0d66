"""New-message notices (issue 16): without content, at most one per message,
batched, none if read first, consent and quiet hours, staff notices to the
assigned clinician; and through a real Celery worker to a real SMTP server."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from datetime import time as clock
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from aiosmtpd.controller import Controller
from django.conf import settings as django_settings
from django.core import mail
from django.db import connection
from django.utils import timezone
from kombu import Connection

from clinic.celery import worker_command
from clinic.models import AuditAction, AuditEvent
from messaging import notices, services
from messaging.models import Message, MessageNotice, NoticeState
from reminders import sms
from reminders.models import ReminderChannel, ReminderPreference

ROOT = Path(__file__).resolve().parents[2]
SECRET = "my left heel throbs at night"


def _later(minutes=6):
    return timezone.now() + timedelta(minutes=minutes)


def _staff_reply(patient_record, clinician, body=SECRET):
    conversation = services.conversation_for(patient_record)
    return services.message_send_by_staff(conversation=conversation, user=clinician, body=body)


@pytest.fixture
def consenting(patient_record, patient):
    patient_record.consent_reminders = True
    patient_record.save()
    return patient_record


@pytest.mark.django_db
class TestOutbox:
    def test_messages_within_minutes_share_one_notice_without_the_text(self, consenting, clinician):
        first = _staff_reply(consenting, clinician)
        second = _staff_reply(consenting, clinician, body="and another thing")
        assert first.notice_id == second.notice_id
        assert notices.notices_tick() == {"unknown": 0}  # not due yet
        assert notices.notices_tick(now=_later()) == {"unknown": 0, "sent": 1}
        assert len(mail.outbox) == 1
        email = mail.outbox[0]
        whole = email.subject + email.body + email.alternatives[0][0]
        assert SECRET not in whole and "another thing" not in whole
        assert "/portal/messages/" in email.body and consenting.clinic.name in email.subject
        # Sent once: a later tick sends nothing, and a new message gets a new notice.
        assert notices.notices_tick(now=_later(20)) == {"unknown": 0}
        third = _staff_reply(consenting, clinician)
        assert third.notice_id not in (None, first.notice_id)
        assert AuditEvent.objects.filter(action=AuditAction.MESSAGE_NOTICE_SENT).count() == 1

    def test_nothing_is_sent_when_the_message_was_read_first(self, consenting, clinician):
        message = _staff_reply(consenting, clinician)
        services.thread_mark_read(
            conversation=message.conversation, by_patient=True, user=consenting.user, request=None
        )
        assert notices.notices_tick(now=_later()) == {"unknown": 0, "read": 1}
        assert mail.outbox == []
        assert MessageNotice.objects.get().state == NoticeState.SKIPPED

    def test_no_consent_no_notice(self, patient_record, patient, clinician):
        _staff_reply(patient_record, clinician)
        assert notices.notices_tick(now=_later()) == {"unknown": 0, "no consent to notices": 1}
        assert mail.outbox == []

    def test_quiet_hours_postpone_the_notice_to_their_end(self, consenting, clinician, settings):
        settings.REMINDER_SMS_BACKEND = "locmem"
        sms.outbox.clear()
        ReminderPreference.objects.create(
            patient=consenting,
            channel=ReminderChannel.SMS,
            quiet_start=clock(0, 0),
            quiet_end=clock(23, 59),
        )
        _staff_reply(consenting, clinician)
        assert notices.notices_tick(now=_later())["quiet hours"] == 1
        notice = MessageNotice.objects.get()
        assert notice.state == NoticeState.PENDING and notice.due_at > _later()
        ReminderPreference.objects.update(quiet_start=None, quiet_end=None)
        assert notices.notices_tick(now=notice.due_at)["sent"] == 1
        assert len(sms.outbox) == 1 and SECRET not in sms.outbox[0].body
        assert sms.outbox[0].to == str(consenting.mobile_phone)

    def test_staff_notice_goes_to_the_assigned_clinician(
        self, patient_record, patient, clinician, clinic
    ):
        from tests.conftest import _staff

        other = _staff("second", "clinician", clinic)
        conversation = services.conversation_for(patient_record)
        services.conversation_assign(conversation=conversation, member=other, user=clinician)
        services.message_send_by_patient(patient=patient_record, user=patient, body=SECRET)
        services.message_send_by_patient(patient=patient_record, user=patient, body="again")
        assert notices.notices_tick(now=_later())["sent"] == 1
        assert [m.to for m in mail.outbox] == [[other.user.email]]
        email = mail.outbox[0]
        assert SECRET not in email.body + email.subject
        assert "Quigley" not in email.body + email.subject
        assert patient_record.record_number in email.subject

    def test_a_row_left_sending_becomes_unknown_and_is_never_resent(self, consenting, clinician):
        _staff_reply(consenting, clinician)
        MessageNotice.objects.update(state=NoticeState.SENDING, claimed_at=_later(-30))
        assert notices.notices_tick(now=_later())["unknown"] == 1
        assert notices.notices_tick(now=_later(30)) == {"unknown": 0}
        assert mail.outbox == []


# --- a real worker and a real SMTP server ---------------------------------------

QUEUE = "messaging-test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sink:
    def __init__(self):
        self.messages: list[str] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd hook)
        self.messages.append(envelope.content.decode("utf-8", "replace"))
        return "250 OK"


def _database_url() -> str:
    s = connection.settings_dict
    host = s.get("HOST") or "127.0.0.1"
    port = s.get("PORT") or 5432
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{host}:{port}/{s['NAME']}"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_notice_to_a_real_smtp_server(patient_record, patient, clinician):
    from tests.programmes.helpers import ensure_library

    patient_record.consent_reminders = True
    patient_record.save()
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=_free_port())
    controller.start()
    broker = django_settings.REDIS_URL
    redis.Redis.from_url(broker).flushdb()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.reminders.worker_settings",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": broker,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(controller.port),
    }
    process = subprocess.Popen(
        worker_command(queue=QUEUE),
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        message = _staff_reply(patient_record, clinician)
        # Due now (as the beat tick would find it five minutes later).
        MessageNotice.objects.update(due_at=timezone.now() - timedelta(seconds=1))
        with Connection(broker) as conn:
            from messaging.tasks import notices_tick

            notices_tick.apply_async(connection=conn, queue=QUEUE)
        # Generous: a loaded CI machine starts a worker slowly.
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and not sink.messages:
            time.sleep(0.5)
        assert process.poll() is None, "the worker died"
        assert len(sink.messages) == 1, "the notice did not reach the SMTP server"
        text = sink.messages[0]
        assert SECRET not in text
        assert "/portal/messages/" in text and patient_record.email in text
        notice = MessageNotice.objects.get()
        assert notice.state == NoticeState.SENT and notice.channel == "email"
        assert Message.objects.get(pk=message.pk).notice_id == notice.pk
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        controller.stop()
        redis.Redis.from_url(broker).flushdb()
        ensure_library()
