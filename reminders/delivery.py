"""Reminder delivery: dispatch, send, sweep (issue 5; DESIGN.md reliability rules).
Planning is in ``reminders.planner``.

The database row (``ReminderOccurrence``) is the truth; a broker message only
wakes a worker. States::

    planned --dispatch--> claimed --worker--> sending --provider ok--> sent
                             ^                   |--transient error--> retry_wait --dispatch--> claimed
                             |                   |--permanent / too old--> failed (+ clinic alert)
      sweeper: claimed too long (message lost; never handed over) -> queued again
      sweeper: sending too long (crash after hand-off?) -> unknown, never resent
      worker: consent withdrawn, paused, opted out, programme ended -> skipped

- Planning is idempotent: the unique key (patient, channel, local date, slot)
  and ``bulk_create(ignore_conflicts=True)``; two planners at once create each
  row once.
- Dispatching claims rows with ``SELECT ... FOR UPDATE SKIP LOCKED`` on
  PostgreSQL (compare-and-set updates elsewhere) and queues send tasks of
  ``SEND_CHUNK`` row ids each after commit; each row is still sent on its own.
- A worker moves the row to ``sending`` and commits *before* the provider sees
  the message. A redelivered task (worker killed, Redis redelivery) finds
  ``sending`` and does nothing; the sweeper later records ``unknown``. So a
  crash between hand-off and the ``sent`` commit is never resent (at most once
  per occurrence); a crash between the ``sending`` commit and the hand-off
  also ends ``unknown``: that is the documented price of never sending twice.
- Retries: transient provider errors put the row in ``retry_wait`` with
  exponential backoff capped at 5 minutes (``next_attempt_at``); the
  dispatcher picks it up again. No Celery countdown or ETA is used at all.
"""

from __future__ import annotations

import functools
import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery import current_app
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from alerts.models import AlertKind, AlertUrgency
from alerts.services import alert_raise
from clinic.audit import audit_record
from clinic.mail import drop_process_connection, process_connection
from clinic.models import AuditAction
from patients.models import Patient, Status
from programmes.models import PlanStatus, TreatmentPlan
from reminders import sms
from reminders.messages import build_email, build_sms, due_summary
from reminders.models import (
    OccurrenceState,
    ReminderChannel,
    ReminderOccurrence,
    ReminderPreference,
    has_contact,
)
from reminders.scheduling import in_quiet_hours, parse_slot

logger = logging.getLogger(__name__)

BACKOFF_BASE_S = 30
BACKOFF_CAP_S = 300  # DESIGN.md: nothing waits longer than five minutes in the broker
# Occurrences per send task: enough to spread the broker's cost per message,
# few enough that a burst still spreads over every worker process.
SEND_CHUNK = 10
# Extra apply_async options (tests and the benchmark point them at another
# broker connection or queue); empty in production, where settings decide.
PUBLISH_OPTIONS: dict = {}
# The send task, by name: ``reminders.tasks`` imports this module.
SEND_TASK = "reminders.send_reminders"


def backoff_seconds(attempts: int) -> int:
    """30 s, 60 s, 120 s, 240 s, then 300 s: exponential, capped at 5 minutes."""
    return min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** max(0, attempts - 1))


# --- dispatching --------------------------------------------------------------


def _claim(now: datetime, limit: int) -> list:
    due = ReminderOccurrence.objects.due(now)
    if connection.vendor == "postgresql":
        ids = list(
            due.order_by("due_at")
            .select_for_update(skip_locked=True)
            .values_list("id", flat=True)[:limit]
        )
        if ids:
            ReminderOccurrence.objects.filter(id__in=ids).update(
                state=OccurrenceState.CLAIMED, claimed_at=now, updated_at=now
            )
        return ids
    # Elsewhere (SQLite): compare-and-set per row; the loser of a race updates 0 rows.
    claimed = []
    for pk in due.order_by("due_at").values_list("id", flat=True)[:limit]:
        if (
            ReminderOccurrence.objects.filter(pk=pk)
            .due(now)
            .update(state=OccurrenceState.CLAIMED, claimed_at=now, updated_at=now)
        ):
            claimed.append(pk)
    return claimed


def _enqueue(ids: list) -> int:
    """Queue the send tasks, ``SEND_CHUNK`` ids per task. With the broker down
    this logs and gives up: the rows stay ``claimed`` and the sweeper queues
    them again later."""
    queued = 0
    for start in range(0, len(ids), SEND_CHUNK):
        chunk = [str(pk) for pk in ids[start : start + SEND_CHUNK]]
        try:
            current_app.send_task(SEND_TASK, args=[chunk], retry=False, **PUBLISH_OPTIONS)
        except Exception as error:  # kombu/redis errors vary by transport
            logger.warning(
                "reminder queue unavailable (%s); %d rows wait for the sweeper",
                type(error).__name__,
                len(ids) - queued,
            )
            break
        queued += len(chunk)
    return queued


def reminders_dispatch(*, now: datetime | None = None, limit: int | None = None) -> int:
    """Claim every due row, in batches, and queue a send task for each after
    its batch commits. Returns how many rows were claimed."""
    batch = limit or settings.REMINDER_DISPATCH_BATCH
    total = 0
    while True:
        moment = now or timezone.now()
        with transaction.atomic():
            ids = _claim(moment, batch)
            if ids:
                transaction.on_commit(functools.partial(_enqueue, ids))
        total += len(ids)
        if len(ids) < batch:
            return total


# --- sweeping -----------------------------------------------------------------


@dataclass
class SweepResult:
    requeued: int = 0
    unknown: int = 0
    expired: int = 0


def reminders_sweep(*, now: datetime | None = None) -> SweepResult:
    """Queue again rows whose message was lost before any hand-off; record
    rows stuck in ``sending`` as ``unknown`` (counted, never resent); fail rows
    that could not go out within the maximum age."""
    now = now or timezone.now()
    result = SweepResult()
    claim_cutoff = now - timedelta(seconds=settings.REMINDER_CLAIM_TIMEOUT_S)
    with transaction.atomic():
        stale = ReminderOccurrence.objects.filter(
            state=OccurrenceState.CLAIMED, claimed_at__lt=claim_cutoff
        )
        if connection.vendor == "postgresql":
            stale = stale.select_for_update(skip_locked=True)
        ids = list(stale.values_list("id", flat=True)[: settings.REMINDER_DISPATCH_BATCH])
        if ids:
            ReminderOccurrence.objects.filter(id__in=ids, state=OccurrenceState.CLAIMED).update(
                claimed_at=now, updated_at=now
            )
            transaction.on_commit(lambda: _enqueue(ids))
        result.requeued = len(ids)
    sending_cutoff = now - timedelta(seconds=settings.REMINDER_SENDING_TIMEOUT_S)
    result.unknown = ReminderOccurrence.objects.filter(
        state=OccurrenceState.SENDING, sending_at__lt=sending_cutoff
    ).update(
        state=OccurrenceState.UNKNOWN,
        last_error="no confirmation from the worker; not resent",
        updated_at=now,
    )
    expiry = now - timedelta(minutes=settings.REMINDER_MAX_AGE_MINUTES)
    for occurrence in ReminderOccurrence.objects.filter(
        Q(state=OccurrenceState.PLANNED) | Q(state=OccurrenceState.RETRY_WAIT),
        due_at__lt=expiry,
    ).select_related("patient")[: settings.REMINDER_DISPATCH_BATCH]:
        with transaction.atomic():
            updated = ReminderOccurrence.objects.filter(
                pk=occurrence.pk, state=occurrence.state
            ).update(
                state=OccurrenceState.FAILED,
                last_error=(occurrence.last_error or "not sent in time")[:200],
                updated_at=now,
            )
            if updated:
                _raise_failed_alert(occurrence)
                result.expired += 1
    if result.unknown:
        logger.warning("reminder sweeper: %d occurrences marked unknown", result.unknown)
    return result


# --- sending ------------------------------------------------------------------


def _raise_failed_alert(occurrence: ReminderOccurrence) -> None:
    alert_raise(
        patient=occurrence.patient,
        kind=AlertKind.REMINDER_FAILED,
        urgency=AlertUrgency.ROUTINE,
        summary="An exercise reminder could not be delivered; check the patient's contact details.",
    )
    audit_record(
        action=AuditAction.REMINDER_FAILED,
        obj=occurrence,
        patient_id=occurrence.patient_id,
        clinic_id=occurrence.patient.clinic_id,
    )


def skip_reason(occurrence: ReminderOccurrence, preference: ReminderPreference | None) -> str:
    """Why this occurrence must not be sent now ("" when it may). Re-checked at
    send time, because consent, preferences and programmes change after planning."""
    patient = occurrence.patient
    if not patient.consent_reminders:
        return "no consent to reminders"
    if patient.status != Status.ACTIVE:
        return "patient not active"
    if preference is None or not preference.enabled:
        return "reminders turned off"
    if preference.channel != occurrence.channel:
        return "channel changed"
    if occurrence.slot not in preference.local_times:
        return "time no longer chosen"
    if not preference.days_of_week & (1 << occurrence.local_date.weekday()):
        return "day no longer chosen"
    if in_quiet_hours(parse_slot(occurrence.slot), preference.quiet_start, preference.quiet_end):
        return "quiet hours"
    if preference.paused_until is not None and occurrence.local_date <= preference.paused_until:
        return "paused"
    if not has_contact(patient, occurrence.channel):
        return "no contact for channel"
    return ""


class PermanentDeliveryError(Exception):
    pass


class TransientDeliveryError(Exception):
    pass


def _hand_off(occurrence: ReminderOccurrence, message) -> str:
    """Give the message to the provider; its message id."""
    if isinstance(message, sms.SmsMessage):
        try:
            return sms.send_sms(message)
        except sms.SmsPermanentError as error:
            raise PermanentDeliveryError(str(error)) from None
        except sms.SmsError as error:
            raise TransientDeliveryError(str(error)) from None
    try:
        # One mail connection per worker process, kept between messages: a new
        # SMTP handshake per reminder cost more than everything else together.
        message.connection = process_connection()
        message.send()
    except smtplib.SMTPRecipientsRefused:
        raise PermanentDeliveryError("recipient refused") from None
    except (smtplib.SMTPException, OSError) as error:
        # Connection refused, timeouts, 4xx: the server did not accept the message.
        drop_process_connection()
        raise TransientDeliveryError(f"smtp: {type(error).__name__}") from None
    return message.extra_headers["Message-ID"]


def _commit_without_waiting_for_disk() -> None:
    """For the ``sent`` record only: if PostgreSQL itself crashed in the next
    fraction of a second and lost this commit, the row would stay ``sending``
    and the sweeper would record ``unknown``: never a second message. The
    ``sending`` commit before the hand-off is the one that must be durable,
    and it keeps the default."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")


def reminder_deliver(*, occurrence_id) -> str:
    """Send one occurrence at most once. Idempotent: a second call (a
    redelivered message, a duplicate from the sweeper) finds the row no longer
    ``claimed`` and does nothing. Returns what happened, for logs and tests."""
    now = timezone.now()
    with transaction.atomic():
        occurrence = (
            ReminderOccurrence.objects.select_for_update(of=("self",))
            .select_related("patient", "patient__clinic", "patient__reminder_preference")
            .filter(pk=occurrence_id)
            .first()
        )
        if occurrence is None:
            return "missing"
        if occurrence.state != OccurrenceState.CLAIMED:
            return f"noop:{occurrence.state}"
        preference = getattr(occurrence.patient, "reminder_preference", None)
        reason = skip_reason(occurrence, preference)
        exercises, sessions = (
            (0, 0) if reason else due_summary(occurrence.patient, occurrence.local_date)
        )
        if not reason and sessions == 0:
            reason = (
                "programme paused"
                if TreatmentPlan.objects.filter(
                    patient_id=occurrence.patient_id, status=PlanStatus.PAUSED
                ).exists()
                else "no sessions due (programme ended or changed)"
            )
        if reason:
            occurrence.state = OccurrenceState.SKIPPED
            occurrence.last_error = reason
            occurrence.save(update_fields=["state", "last_error", "updated_at"])
            return "skipped"
        if now - occurrence.due_at > timedelta(minutes=settings.REMINDER_MAX_AGE_MINUTES):
            occurrence.state = OccurrenceState.FAILED
            occurrence.last_error = (occurrence.last_error or "not sent in time")[:200]
            occurrence.save(update_fields=["state", "last_error", "updated_at"])
            _raise_failed_alert(occurrence)
            return "failed"
        if occurrence.channel == ReminderChannel.SMS:
            message = build_sms(occurrence, exercises, sessions)
        else:
            message = build_email(occurrence, exercises, sessions)
        occurrence.state = OccurrenceState.SENDING
        occurrence.sending_at = now
        occurrence.attempts += 1
        occurrence.save(update_fields=["state", "sending_at", "attempts", "updated_at"])
    # Committed: from here a crash leaves "sending", which the sweeper turns into
    # "unknown"; the message is never handed over twice.
    try:
        provider_id = _hand_off(occurrence, message)
    except PermanentDeliveryError as error:
        return _after_failure(occurrence, str(error), permanent=True)
    except TransientDeliveryError as error:
        return _after_failure(occurrence, str(error), permanent=False)
    with transaction.atomic():
        _commit_without_waiting_for_disk()
        updated = ReminderOccurrence.objects.filter(
            pk=occurrence.pk, state=OccurrenceState.SENDING
        ).update(
            state=OccurrenceState.SENT,
            sent_at=timezone.now(),
            provider_message_id=provider_id[:200],
            last_error="",
            updated_at=timezone.now(),
        )
        if updated:
            audit_record(
                action=AuditAction.REMINDER_SENT,
                obj=occurrence,
                patient_id=occurrence.patient_id,
                clinic_id=occurrence.patient.clinic_id,
            )
    return "sent"


def _after_failure(occurrence: ReminderOccurrence, error: str, *, permanent: bool) -> str:
    now = timezone.now()
    too_old = now - occurrence.due_at > timedelta(minutes=settings.REMINDER_MAX_AGE_MINUTES)
    with transaction.atomic():
        if permanent or too_old:
            updated = ReminderOccurrence.objects.filter(
                pk=occurrence.pk, state=OccurrenceState.SENDING
            ).update(state=OccurrenceState.FAILED, last_error=error[:200], updated_at=now)
            if updated:
                _raise_failed_alert(occurrence)
            return "failed"
        ReminderOccurrence.objects.filter(pk=occurrence.pk, state=OccurrenceState.SENDING).update(
            state=OccurrenceState.RETRY_WAIT,
            next_attempt_at=now + timedelta(seconds=backoff_seconds(occurrence.attempts)),
            last_error=error[:200],
            updated_at=now,
        )
    return "retry"


# --- opting out ---------------------------------------------------------------


def reminders_unsubscribe(*, patient: Patient, request=None) -> bool:
    """Turn the patient's reminders off at once (one-click link). Pending
    occurrences are skipped. Returns False when they were already off."""
    with transaction.atomic():
        preference, _ = ReminderPreference.objects.select_for_update().get_or_create(
            patient=patient
        )
        changed = preference.enabled
        if changed:
            preference.enabled = False
            preference.updated_by = None
            preference.save()  # with history: who (nobody: the link) and when
        ReminderOccurrence.objects.filter(
            patient=patient, state__in=[OccurrenceState.PLANNED, OccurrenceState.RETRY_WAIT]
        ).update(
            state=OccurrenceState.SKIPPED, last_error="unsubscribed", updated_at=timezone.now()
        )
        audit_record(
            action=AuditAction.REMINDERS_UNSUBSCRIBED,
            request=request,
            obj=preference,
            patient_id=patient.pk,
            clinic_id=patient.clinic_id,
        )
    return changed
