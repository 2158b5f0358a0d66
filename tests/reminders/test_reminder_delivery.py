"""Dispatching and sending reminders in-process: content, idempotency, retries
with backoff, the sweeper, skips at send time, SMS backends, unsubscribe."""

from __future__ import annotations

import json
import smtplib
import socket
import threading
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from alerts.models import Alert, AlertKind
from clinic.models import AuditAction, AuditEvent
from reminders import delivery, planner, sms
from reminders.models import OccurrenceState, ReminderOccurrence, ReminderPreference
from reminders.tokens import unsubscribe_token
from tests.reminders.reminder_helpers import reminder_patient

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 6, 10, 7, 0, 30, tzinfo=UTC)  # just after 08:00 BST


@pytest.fixture
def queued(monkeypatch):
    """Ids the dispatcher queues (instead of the broker)."""
    ids: list[str] = []
    monkeypatch.setattr(delivery, "_enqueue", lambda batch: ids.extend(map(str, batch)))
    return ids


@pytest.fixture
def due_patient(clinic, clinician):
    patient = reminder_patient(clinic, clinician, start_on=date(2026, 6, 1))
    with time_machine.travel(NOW - timedelta(hours=1), tick=False):
        planner.reminders_plan()
    return patient


def _dispatch(django_capture_on_commit_callbacks, at=NOW) -> int:
    with django_capture_on_commit_callbacks(execute=True), time_machine.travel(at, tick=False):
        return delivery.reminders_dispatch()


def _deliver(occurrence_id, at=NOW) -> str:
    with time_machine.travel(at, tick=False):
        return delivery.reminder_deliver(occurrence_id=occurrence_id)


def test_a_due_reminder_is_claimed_sent_once_and_audited(
    due_patient, queued, django_capture_on_commit_callbacks
):
    assert _dispatch(django_capture_on_commit_callbacks) == 1  # today's; tomorrow's not due
    (occurrence_id,) = queued
    assert _deliver(occurrence_id) == "sent"
    assert _deliver(occurrence_id) == "noop:sent"  # a redelivered message sends nothing
    row = ReminderOccurrence.objects.get(pk=occurrence_id)
    assert row.state == OccurrenceState.SENT and row.attempts == 1 and row.sent_at
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [due_patient.email]
    assert message.extra_headers["X-Reminder-Id"] == occurrence_id
    assert row.provider_message_id == message.extra_headers["Message-ID"]
    body = message.body
    assert due_patient.first_name in body and "2 exercises, 2 sessions" in body
    assert "/portal/" in body and "/r/unsubscribe/" in body
    # Nothing clinical, not even the surname.
    html = message.alternatives[0][0]
    for secret in (due_patient.referral_reason, due_patient.last_name, "Achilles", "heel"):
        assert secret not in body and secret not in html and secret not in message.subject
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    event = AuditEvent.objects.get(action=AuditAction.REMINDER_SENT)
    assert event.patient_id == due_patient.pk and event.object_id == occurrence_id


def test_two_dispatchers_never_claim_a_row_twice(
    due_patient, queued, django_capture_on_commit_callbacks
):
    assert _dispatch(django_capture_on_commit_callbacks) == 1
    assert _dispatch(django_capture_on_commit_callbacks) == 0
    assert len(queued) == 1


def test_a_transient_error_waits_with_capped_exponential_backoff_then_fails_and_alerts(
    due_patient, queued, django_capture_on_commit_callbacks, monkeypatch, settings
):
    settings.REMINDER_MAX_AGE_MINUTES = 30

    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPConnectError(421, "busy")

    monkeypatch.setattr("django.core.mail.message.EmailMessage.send", refuse)
    assert [delivery.backoff_seconds(n) for n in range(1, 7)] == [30, 60, 120, 240, 300, 300]
    at = NOW
    _dispatch(django_capture_on_commit_callbacks, at)
    assert _deliver(queued[-1], at) == "retry"
    row = ReminderOccurrence.objects.get(pk=queued[-1])
    assert row.state == OccurrenceState.RETRY_WAIT
    assert row.next_attempt_at == at + timedelta(seconds=30)
    assert _dispatch(django_capture_on_commit_callbacks, at + timedelta(seconds=10)) == 0
    for _ in range(10):
        row.refresh_from_db()
        if row.state != OccurrenceState.RETRY_WAIT:
            break
        at = row.next_attempt_at
        assert _dispatch(django_capture_on_commit_callbacks, at) == 1
        _deliver(queued[-1], at)
    row.refresh_from_db()
    assert row.state == OccurrenceState.FAILED and "smtp" in row.last_error
    assert row.attempts >= 3
    assert Alert.objects.filter(patient=due_patient, kind=AlertKind.REMINDER_FAILED).count() == 1


class PeerSink:
    """An SMTP server on loopback that records which client connection
    (address, port) brought each message."""

    def __init__(self):
        self.peers: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd hook)
        self.peers.append(session.peer)
        return "250 OK"


def test_a_worker_keeps_one_smtp_connection_and_replaces_one_the_server_closed(
    clinic, clinician, queued, django_capture_on_commit_callbacks, settings, monkeypatch
):
    from aiosmtpd.controller import Controller

    from clinic import mail as clinic_mail

    for _ in range(4):
        reminder_patient(clinic, clinician, start_on=date(2026, 6, 1))
    with time_machine.travel(NOW - timedelta(hours=1), tick=False):
        planner.reminders_plan()
    sink = PeerSink()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    try:
        assert _dispatch(django_capture_on_commit_callbacks) == 4
        assert [_deliver(pk) for pk in queued[:3]] == ["sent"] * 3
        assert len(sink.peers) == 3 and len(set(sink.peers)) == 1  # one connection
        # The server goes away and comes back: the idle connection is found dead
        # and replaced, and the next reminder still goes out at once.
        controller.stop()
        controller = Controller(sink, hostname="127.0.0.1", port=settings.EMAIL_PORT)
        controller.start()
        monkeypatch.setattr(clinic_mail, "IDLE_CHECK_S", -1)
        assert _deliver(queued[3]) == "sent"
        assert len(sink.peers) == 4 and sink.peers[3] != sink.peers[0]
    finally:
        clinic_mail.drop_process_connection()
        controller.stop()
    assert ReminderOccurrence.objects.filter(state=OccurrenceState.SENT).count() == 4


def test_the_sweeper_requeues_lost_claims_and_marks_stuck_sends_unknown(
    due_patient, queued, django_capture_on_commit_callbacks, settings
):
    settings.REMINDER_CLAIM_TIMEOUT_S = 60
    settings.REMINDER_SENDING_TIMEOUT_S = 120
    _dispatch(django_capture_on_commit_callbacks)
    queued.clear()  # the broker lost the message
    with django_capture_on_commit_callbacks(execute=True):
        result = delivery.reminders_sweep(now=NOW + timedelta(seconds=61))
    assert result.requeued == 1 and len(queued) == 1
    # A worker marks it sending and dies after handing it over.
    ReminderOccurrence.objects.filter(pk=queued[0]).update(
        state=OccurrenceState.SENDING, sending_at=NOW
    )
    assert _deliver(queued[0]) == "noop:sending"  # never resent
    result = delivery.reminders_sweep(now=NOW + timedelta(seconds=121))
    assert result.unknown == 1
    assert ReminderOccurrence.objects.get(pk=queued[0]).state == OccurrenceState.UNKNOWN
    assert mail.outbox == []


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"consent_reminders": False}, "no consent to reminders"),
        ({"paused_until": date(2026, 6, 10)}, "paused"),
        ({"enabled": False}, "reminders turned off"),
        ({"channel": "sms"}, "channel changed"),
    ],
)
def test_changes_after_planning_skip_the_reminder_at_send_time(
    due_patient, queued, django_capture_on_commit_callbacks, change, reason
):
    _dispatch(django_capture_on_commit_callbacks)
    if "consent_reminders" in change:
        type(due_patient).objects.filter(pk=due_patient.pk).update(**change)
    else:
        ReminderPreference.objects.filter(patient=due_patient).update(**change)
    assert _deliver(queued[0]) == "skipped"
    row = ReminderOccurrence.objects.get(pk=queued[0])
    assert row.state == OccurrenceState.SKIPPED and row.last_error == reason
    assert mail.outbox == []


def test_a_closed_programme_skips_the_reminder(
    due_patient, queued, django_capture_on_commit_callbacks, clinician
):
    from programmes import services

    _dispatch(django_capture_on_commit_callbacks)
    with time_machine.travel(NOW, tick=False):
        services.plan_close(
            plan=due_patient.treatment_plans.get(), by=clinician, status="discontinued"
        )
    assert _deliver(queued[0]) == "skipped"
    assert mail.outbox == []


def test_an_sms_reminder_is_short_and_carries_the_links(
    clinic, clinician, queued, django_capture_on_commit_callbacks, settings
):
    settings.REMINDER_SMS_BACKEND = "locmem"
    sms.outbox.clear()
    patient = reminder_patient(clinic, clinician, start_on=date(2026, 6, 1), channel="sms")
    with time_machine.travel(NOW - timedelta(hours=1), tick=False):
        planner.reminders_plan()
    _dispatch(django_capture_on_commit_callbacks)
    assert _deliver(queued[0]) == "sent"
    (message,) = sms.outbox
    assert message.to == str(patient.mobile_phone) and message.reference == queued[0]
    assert message.body.startswith(f"Hi {patient.first_name}, today: 2 exercises, 2 sessions.")
    assert "/portal/" in message.body and "/r/unsubscribe/" in message.body
    assert len(message.body) <= 320 and patient.last_name not in message.body


class _Provider(BaseHTTPRequestHandler):
    status = 200
    received: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((json.loads(body), self.headers.get("Authorization")))
        self.send_response(type(self).status)
        self.end_headers()
        self.wfile.write(b'{"id": "prov-1"}')

    def log_message(self, *args):
        pass


@pytest.mark.parametrize(
    "status, outcome", [(200, "prov-1"), (503, sms.SmsTransientError), (400, sms.SmsPermanentError)]
)
def test_the_webhook_backend_posts_json_and_classifies_errors(status, outcome):
    server = HTTPServer(("127.0.0.1", 0), _Provider)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    _Provider.status, _Provider.received = status, []
    backend = sms.WebhookBackend(url=f"http://127.0.0.1:{server.server_port}/", token="t0k")
    message = sms.SmsMessage(to="+447911100555", body="Hi", reference="ref-1")
    try:
        if isinstance(outcome, str):
            assert backend.send(message) == outcome
        else:
            with pytest.raises(outcome):
                backend.send(message)
    finally:
        thread.join(5)
        server.server_close()
    assert _Provider.received == [
        ({"to": "+447911100555", "body": "Hi", "reference": "ref-1"}, "Bearer t0k")
    ]


def test_an_unreachable_webhook_is_transient():
    backend = sms.WebhookBackend(url="http://127.0.0.1:9/")
    with pytest.raises(sms.SmsTransientError):
        backend.send(sms.SmsMessage(to="+1", body="x", reference="r"))


def test_the_one_click_link_unsubscribes_at_once_without_login(
    client, due_patient, queued, django_capture_on_commit_callbacks
):
    url = reverse("reminders:unsubscribe", args=[unsubscribe_token(due_patient.pk)])
    page = client.get(url)
    assert page.status_code == 200 and b"Stop reminders" in page.content
    assert due_patient.last_name.encode() not in page.content
    assert ReminderPreference.objects.get(patient=due_patient).enabled  # GET changes nothing
    response = client.post(url)  # as a mail provider would (RFC 8058): no cookie, no CSRF
    assert response.status_code == 200 and b"Reminders turned off" in response.content
    assert not ReminderPreference.objects.get(patient=due_patient).enabled
    assert set(ReminderOccurrence.objects.values_list("state", flat=True)) == {"skipped"}
    assert AuditEvent.objects.filter(
        action=AuditAction.REMINDERS_UNSUBSCRIBED, patient_id=due_patient.pk
    ).exists()
    assert _dispatch(django_capture_on_commit_callbacks) == 0


def test_a_forged_unsubscribe_link_changes_nothing(client, due_patient):
    token = unsubscribe_token(due_patient.pk) + "x"
    url = reverse("reminders:unsubscribe", args=[token])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert ReminderPreference.objects.get(patient=due_patient).enabled
