"""Operators' view (issue 21): /health/, /metrics, heartbeats and the systemd
notifications, JSON logs with a request id."""

from __future__ import annotations

import json
import logging
import os
import socket
import tempfile
import time
from datetime import timedelta

import pytest
import redis
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from alerts.models import Alert, AlertKind
from clinic import ops
from clinic.logs import JsonFormatter, RequestIdFilter, request_id
from reminders.models import OccurrenceState, ReminderOccurrence
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean_marks():
    client = redis.Redis.from_url(django_settings.REDIS_URL)

    def wipe():
        for key in client.scan_iter(match="clinic:*"):
            client.delete(key)

    wipe()
    yield
    wipe()


def _alive():
    ops.worker_beat("celery@test", "reminders-send")
    ops.mark("tick")


def test_health_is_503_without_workers_and_200_once_they_and_beat_beat(client):
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json() == {"status": "fail"}  # no details for anonymous
    _alive()
    response = client.get(reverse("health"))
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_a_stale_heartbeat_or_tick_is_unhealthy(client, settings):
    _alive()
    settings.HEALTH_WORKER_STALE_S = 5
    redis.Redis.from_url(settings.REDIS_URL).set(
        ops.WORKER_KEY + "celery@test", f"{time.time() - 30}|", ex=120
    )
    assert client.get(reverse("health")).status_code == 503
    _alive()
    settings.HEALTH_TICK_STALE_S = 10
    redis.Redis.from_url(settings.REDIS_URL).set(ops.MARK_KEY + "tick", str(time.time() - 60))
    assert client.get(reverse("health")).status_code == 503


def test_only_staff_past_the_second_factor_see_the_details(
    client, clinician, patient, clinic, settings
):
    _alive()
    waiting = PatientFactory(clinic=clinic)
    settings.HEALTH_OLDEST_DUE_S = 600
    ReminderOccurrence.objects.create(
        patient=waiting,
        channel="email",
        local_date=timezone.localdate(),
        slot="08:00",
        due_at=timezone.now() - timedelta(hours=1),
        state=OccurrenceState.PLANNED,
    )
    client.force_login(clinician)
    response = client.get(reverse("health"))
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["reminders"]["ok"] is False and checks["reminders"]["oldest_due_age_s"] >= 3600
    assert checks["database"]["ok"] and checks["redis"]["ok"] and checks["workers"]["seen"] == 1
    assert checks["beat"]["ok"] and checks["disk"]["ok"]
    assert waiting.last_name not in response.content.decode()
    client.force_login(clinician, verified=False)
    assert client.get(reverse("health")).json() == {"status": "fail"}
    client.force_login(patient)
    assert client.get(reverse("health")).json() == {"status": "fail"}


def test_metrics_need_the_bearer_token_and_show_the_gauges(client, clinic, settings):
    settings.METRICS_TOKEN = "s3cret-metrics-token"
    url = reverse("metrics")
    assert client.get(url).status_code == 401
    assert client.get(url, HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    patient = PatientFactory(clinic=clinic)
    ReminderOccurrence.objects.create(
        patient=patient,
        channel="email",
        local_date=timezone.localdate(),
        slot="08:00",
        due_at=timezone.now() - timedelta(minutes=5),
        state=OccurrenceState.UNKNOWN,
    )
    Alert.objects.create(patient=patient, kind=AlertKind.REMINDER_UNKNOWN, urgency=3, summary="x")
    _alive()
    response = client.get(url, HTTP_AUTHORIZATION="Bearer s3cret-metrics-token")
    assert response.status_code == 200
    text = response.content.decode()
    assert 'clinic_reminder_occurrences{state="unknown"} 1' in text
    assert 'clinic_reminder_occurrences{state="sent"} 0' in text
    assert 'clinic_alerts_open{kind="reminder_unknown"} 1' in text
    assert 'clinic_queue_depth{queue="reminders-send"}' in text
    assert "clinic_reminder_oldest_due_seconds 0" in text
    assert "clinic_workers_seen 1" in text and "clinic_beat_tick_age_seconds" in text
    assert 'clinic_reminder_channel_paused_seconds{channel="email"} 0' in text
    assert patient.last_name not in text and str(patient.pk) not in text


def test_the_worker_heartbeat_notifies_systemd_and_is_seen(settings):
    """The heartbeat thread plays the watchdog protocol against a socket that
    stands in for systemd's NOTIFY_SOCKET."""
    path = os.path.join(tempfile.mkdtemp(), "notify")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    server.bind(path)
    server.settimeout(5)
    os.environ["NOTIFY_SOCKET"] = path
    beat = ops.Heartbeat("celery@unit", "reminders-send", interval=0.1)
    try:
        beat.start()
        got = [server.recv(100).decode() for _ in range(3)]
    finally:
        beat.stopped.set()
        beat.join(5)
        del os.environ["NOTIFY_SOCKET"]
        server.close()
    assert got[0] == "READY=1" and got[1:] == ["WATCHDOG=1", "WATCHDOG=1"]
    assert "celery@unit" in ops.workers_seen()


def test_each_request_has_an_id_in_its_logs_and_response(client, caplog):
    response = client.get(reverse("healthz"), HTTP_X_REQUEST_ID="edge-1234abcd")
    assert response["X-Request-ID"] == "edge-1234abcd"
    response = client.get(reverse("healthz"), HTTP_X_REQUEST_ID="bad id <script>")
    assert len(response["X-Request-ID"]) == 32  # replaced by a fresh one
    token = request_id.set("req-42424242")
    try:
        record = logging.LogRecord("reminders", logging.WARNING, __file__, 1, "x %s", ("y",), None)
        RequestIdFilter().filter(record)
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id.reset(token)
    assert line["request_id"] == "req-42424242" and line["message"] == "x y"
    assert line["level"] == "WARNING" and line["logger"] == "reminders"
