"""Issue 21 (and issue 20's delivery item): no silent miss, reconciliation,
safe writes after the hand-off, the chunked send path and its statements, the
circuit breaker per channel."""

from __future__ import annotations

import smtplib
from datetime import UTC, date, datetime, timedelta
from io import StringIO

import psycopg
import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alerts.models import Alert, AlertKind
from clinic.models import AuditAction, AuditEvent
from programmes import services
from programmes.models import TreatmentPlan
from reminders import breaker, delivery, planner
from reminders.models import OccurrenceState, ReminderOccurrence
from tests.reminders.reminder_helpers import reminder_patient

NOW = datetime(2026, 6, 10, 7, 0, 30, tzinfo=UTC)  # just after 08:00 BST
# Statements to send one chunk, whatever its size (no query per row).
CHUNK_STATEMENTS = 14


def _plan(clinic, clinician, n: int, **kw) -> list:
    patients = [
        reminder_patient(clinic, clinician, start_on=date(2026, 6, 1), **kw) for _ in range(n)
    ]
    with time_machine.travel(NOW - timedelta(hours=1), tick=False):
        planner.reminders_plan()
    return patients


def _claim(n: int = 500) -> list[str]:
    """Claim what is due at NOW; the ids the dispatcher would queue."""
    with time_machine.travel(NOW, tick=False), transaction.atomic():
        ids = delivery._claim(NOW, n)
    return [str(pk) for pk in ids]


def _send(ids, at=NOW) -> list[str]:
    with time_machine.travel(at, tick=False):
        return delivery.reminders_send(ids)


def _stuck_then_swept(ids) -> None:
    """A worker marked the rows sending and died; the sweeper runs later."""
    ReminderOccurrence.objects.filter(pk__in=ids).update(
        state=OccurrenceState.SENDING, sending_at=NOW
    )
    delivery.reminders_sweep(now=NOW + timedelta(hours=1))


# --- no silent miss ------------------------------------------------------------


@pytest.mark.django_db
def test_an_unknown_reminder_alerts_the_clinician_is_audited_and_shown(clinic, clinician, client):
    (patient,) = _plan(clinic, clinician, 1)
    ids = _claim()
    _stuck_then_swept(ids)
    row = ReminderOccurrence.objects.get(pk=ids[0])
    assert row.state == OccurrenceState.UNKNOWN
    alert = Alert.objects.get(patient=patient, kind=AlertKind.REMINDER_UNKNOWN)
    assert "may not have reached the patient" in alert.summary
    assert AuditEvent.objects.filter(
        action=AuditAction.REMINDER_UNKNOWN, object_id=ids[0], patient_id=patient.pk
    ).exists()
    client.force_login(clinician)
    for url in (reverse("alerts:list"), reverse("dashboard")):
        page = client.get(url)
        assert page.status_code == 200
        assert b"may not have reached the patient" in page.content, url
    assert mail.outbox == []  # never resent


@pytest.mark.django_db
def test_a_late_confirmation_settles_a_row_the_sweeper_gave_up_on(clinic, clinician, monkeypatch):
    _plan(clinic, clinician, 1)
    ids = _claim()
    real = delivery._hand_off

    def slow_hand_off(occurrence, message):
        # The worker is slow: meanwhile the sweeper declares the row unknown.
        delivery.reminders_sweep(now=NOW + timedelta(hours=1))
        assert ReminderOccurrence.objects.get(pk=occurrence.pk).state == "unknown"
        return real(occurrence, message)

    monkeypatch.setattr(delivery, "_hand_off", slow_hand_off)
    assert _send(ids) == ["sent"]
    row = ReminderOccurrence.objects.get(pk=ids[0])
    assert row.state == OccurrenceState.SENT and len(mail.outbox) == 1
    assert AuditEvent.objects.filter(action=AuditAction.REMINDER_RECONCILED).count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.REMINDER_SENT).count() == 1


@pytest.mark.django_db
def test_each_email_message_id_is_recorded_before_the_hand_off(clinic, clinician, monkeypatch):
    _plan(clinic, clinician, 2)
    ids = _claim()
    seen = {}
    real = delivery._hand_off

    def check(occurrence, message):
        seen[str(occurrence.pk)] = (
            ReminderOccurrence.objects.get(pk=occurrence.pk).provider_message_id,
            message.extra_headers["Message-ID"],
        )
        return real(occurrence, message)

    monkeypatch.setattr(delivery, "_hand_off", check)
    assert _send(ids) == ["sent", "sent"]
    for pk, (recorded, header) in seen.items():
        assert recorded == header == f"<reminder.{pk}.1@reminders.clinic>"
    assert {m.extra_headers["Message-ID"] for m in mail.outbox} == {v[1] for v in seen.values()}


@pytest.mark.django_db
def test_operators_list_and_settle_unknown_reminders_with_the_command(clinic, clinician):
    patients = _plan(clinic, clinician, 3)
    ids = _claim()
    _stuck_then_swept(ids)
    out = StringIO()
    call_command("reminders_reconcile", "--list", stdout=out)
    listing = out.getvalue()
    assert "3 unknown" in listing
    for pk in ids:
        assert pk in listing
    for patient in patients:  # ids and technical fields only
        assert patient.last_name not in listing and patient.email not in listing
    call_command("reminders_reconcile", "--delivered", ids[0], stdout=StringIO())
    call_command("reminders_reconcile", "--failed", ids[1], stdout=StringIO())
    err = StringIO()
    call_command("reminders_reconcile", "--delivered", ids[0], stdout=StringIO(), stderr=err)
    assert "not unknown" in err.getvalue()  # settled once; a second call changes nothing
    states = {str(k): v for k, v in ReminderOccurrence.objects.values_list("id", "state")}
    assert [states[pk] for pk in ids] == [
        "sent",
        "failed",
        "unknown",
    ]
    assert AuditEvent.objects.filter(action=AuditAction.REMINDER_RECONCILED).count() == 2
    failed_row = ReminderOccurrence.objects.select_related("patient").get(pk=ids[1])
    assert Alert.objects.filter(patient=failed_row.patient, kind=AlertKind.REMINDER_FAILED).exists()
    with pytest.raises(CommandError):
        call_command("reminders_reconcile", "--failed", "not-an-id", stdout=StringIO())


# --- safe writes after the hand-off -----------------------------------------------


def _terminate_own_backend_after(real):
    """A hand-off after which our database connection is killed by the server
    (pg_terminate_backend from another session): the write that follows runs
    on a dead connection."""
    calls = []

    def hand_off(occurrence, message):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (pid,) = cursor.fetchone()
        try:
            return real(occurrence, message)
        finally:
            s = connection.settings_dict
            with psycopg.connect(
                host=s.get("HOST") or "127.0.0.1",
                port=s.get("PORT") or 5432,
                user=s["USER"],
                password=s.get("PASSWORD") or None,
                dbname=s["NAME"],
                autocommit=True,
            ) as other:
                other.execute("SELECT pg_terminate_backend(%s)", [pid])
            calls.append(pid)

    return hand_off, calls


@pytest.mark.django_db(transaction=True)
def test_the_connection_dies_right_after_the_hand_off_and_the_row_ends_sent_once(
    clinic, clinician, monkeypatch
):
    _plan(clinic, clinician, 1)
    ids = _claim()
    hand_off, calls = _terminate_own_backend_after(delivery._hand_off)
    monkeypatch.setattr(delivery, "_hand_off", hand_off)
    assert _send(ids) == ["sent"]
    assert calls, "the connection was terminated"
    row = ReminderOccurrence.objects.get(pk=ids[0])
    assert row.state == OccurrenceState.SENT and row.attempts == 1
    assert len(mail.outbox) == 1
    assert AuditEvent.objects.filter(action=AuditAction.REMINDER_SENT).count() == 1
    # The task redelivered after all this sends nothing.
    assert _send(ids) == ["noop"] and len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_the_connection_dies_after_an_smtp_error_and_the_row_waits_to_retry(
    clinic, clinician, monkeypatch
):
    _plan(clinic, clinician, 1)
    ids = _claim()

    def refuse(occurrence, message):
        raise delivery.TransientDeliveryError("smtp: SMTPConnectError")

    hand_off, calls = _terminate_own_backend_after(refuse)
    monkeypatch.setattr(delivery, "_hand_off", hand_off)
    assert _send(ids) == ["retry"]
    row = ReminderOccurrence.objects.get(pk=ids[0])
    assert row.state == OccurrenceState.RETRY_WAIT and row.next_attempt_at is not None
    assert calls


# --- the chunked send path (issue 20) --------------------------------------------


def _statements(clinic, clinician, n: int) -> tuple[int, list[str]]:
    _plan(clinic, clinician, n)
    ids = _claim()
    assert len(ids) == n
    with CaptureQueriesContext(connection) as queries:
        result = _send(ids)
    assert result == ["sent"] * n
    return len(queries), [q["sql"] for q in queries]


@pytest.mark.django_db
def test_a_chunk_of_ten_is_marked_sending_in_one_statement_and_costs_a_fixed_budget(
    clinic, clinician
):
    count, sql = _statements(clinic, clinician, 10)
    marks = [s for s in sql if s.startswith("UPDATE") and "'sending'" in s.split("WHERE")[0]]
    assert len(marks) == 1  # the whole chunk in one statement
    # Per chunk: transaction 1 = 1 locking read, 3 for the active plans with
    # their versions and prescriptions, 1 for the paused plans, 1 UPDATE to
    # sending; transaction 2 = SET LOCAL synchronous_commit, 1 locking read,
    # 1 UPDATE to sent, 1 audit INSERT; 4 savepoint statements here
    # (BEGIN/COMMIT in production). 14 for any chunk, 2 commits, against ~70
    # statements and 20 commits in issue 5's path.
    assert count == CHUNK_STATEMENTS, sql
    assert len(mail.outbox) == 10
    assert ReminderOccurrence.objects.filter(state="sent").count() == 10
    assert AuditEvent.objects.filter(action=AuditAction.REMINDER_SENT).count() == 10


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 5])
def test_a_smaller_chunk_costs_the_same_as_ten(clinic, clinician, n):
    count, sql = _statements(clinic, clinician, n)
    assert count == CHUNK_STATEMENTS, sql


@pytest.mark.django_db
@pytest.mark.parametrize("n", [2, 8])
def test_a_chunk_of_paused_programmes_is_skipped_in_a_fixed_number_of_statements(
    clinic, clinician, n
):
    """Programmes paused (a red flag) after the reminders were claimed: each row
    is skipped as "programme paused", the paused state read once per chunk."""
    patients = _plan(clinic, clinician, n)
    ids = _claim()
    for patient in patients:
        plan = TreatmentPlan.objects.get(patient=patient)
        services.plan_pause(plan=plan, by=clinician, reason="Red flag at check-in")
    with CaptureQueriesContext(connection) as queries:
        assert _send(ids) == ["skipped"] * n
    # 1 locking read, 1 for the active plans (none, so nothing to prefetch),
    # 1 for the paused plans, 1 UPDATE to skipped; 2 savepoint statements.
    assert len(queries) == 6, [q["sql"] for q in queries]
    rows = ReminderOccurrence.objects.filter(pk__in=ids)
    assert set(rows.values_list("last_error", flat=True)) == {"programme paused"}
    assert len(mail.outbox) == 0


@pytest.mark.django_db
def test_the_sending_mark_is_committed_before_any_hand_off(clinic, clinician, monkeypatch):
    """What another connection sees during the first hand-off: the whole chunk
    already ``sending`` (so a crash can leave at most this chunk unknown)."""
    _plan(clinic, clinician, 3)
    ids = _claim()
    real = delivery._hand_off

    def look(occurrence, message):
        assert set(
            ReminderOccurrence.objects.filter(pk__in=ids).values_list("state", flat=True)
        ) <= {"sending", "sent"}
        return real(occurrence, message)

    monkeypatch.setattr(delivery, "_hand_off", look)
    # In a test transaction no commit is visible; the structural check is that no
    # atomic block of ours is open while handing off.
    depth = []
    monkeypatch.setattr(
        delivery,
        "_hand_off_all",
        lambda to_send, real_all=delivery._hand_off_all: (
            depth.append(len(connection.savepoint_ids)),
            real_all(to_send),
        )[1],
    )
    assert _send(ids) == ["sent"] * 3
    assert depth == [0]  # the first transaction is closed (committed) before handing off


# --- back-pressure ---------------------------------------------------------------


@pytest.mark.django_db
def test_the_circuit_breaker_pauses_a_failing_channel_without_spending_attempts(
    clinic, clinician, monkeypatch, settings
):
    settings.REMINDER_BREAKER_THRESHOLD = 3
    settings.REMINDER_BREAKER_PAUSE_S = 20
    _plan(clinic, clinician, 6)
    ids = _claim()
    tries = []

    def refuse(self, *args, **kwargs):
        tries.append(1)
        raise smtplib.SMTPConnectError(421, "down")

    monkeypatch.setattr("django.core.mail.message.EmailMessage.send", refuse)
    with time_machine.travel(NOW, tick=False):
        result = delivery.reminders_send(ids)
    assert result.count("retry") == 3 and result.count("paused") == 3
    assert len(tries) == 3  # the server was not asked again once the breaker opened
    rows = ReminderOccurrence.objects.filter(pk__in=ids)
    paused = rows.filter(last_error__contains="circuit breaker")
    assert paused.count() == 3
    assert set(paused.values_list("attempts", flat=True)) == {0}  # no attempt spent
    assert set(rows.values_list("state", flat=True)) == {"retry_wait"}
    with time_machine.travel(NOW, tick=False):
        assert not breaker.allows("email")
    monkeypatch.undo()
    # After the pause the first success closes the breaker.
    later = NOW + timedelta(minutes=6)
    with time_machine.travel(later, tick=False):
        with transaction.atomic():
            again = [str(pk) for pk in delivery._claim(later, 50)]
        assert sorted(again) == sorted(ids)
        assert delivery.reminders_send(again) == ["sent"] * 6
        assert breaker.allows("email")
