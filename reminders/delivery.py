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
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from celery import current_app
from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from alerts.models import AlertKind, AlertUrgency
from alerts.services import alert_raise
from clinic.audit import audit_record
from clinic.mail import drop_process_connection, process_connection
from clinic.models import AuditAction, AuditEvent
from patients.models import Patient, Status
from programmes.models import PlanStatus, TreatmentPlan
from reminders import breaker, sms
from reminders.messages import build_email, build_sms, due_summary
from reminders.models import (
    OccurrenceState,
    ReminderChannel,
    ReminderOccurrence,
    ReminderPreference,
    has_contact,
)
from reminders.planner import active_plans_by_patient
from reminders.scheduling import in_quiet_hours, parse_slot

logger = logging.getLogger(__name__)

# Occurrences per send task: enough to spread the broker's cost per message,
# few enough that a burst still spreads over every worker process.
SEND_CHUNK = 10
# Extra apply_async options (tests and the benchmark point them at another
# broker connection or queue); empty in production, where settings decide.
PUBLISH_OPTIONS: dict = {}
# The send task, by name: ``reminders.tasks`` imports this module.
SEND_TASK = "reminders.send_reminders"


def backoff_seconds(attempts: int) -> int:
    """30 s, 60 s, 120 s, 240 s, then 300 s by default: exponential, capped
    (``REMINDER_BACKOFF_BASE_S``/``_CAP_S``; DESIGN.md: at most five minutes)."""
    base, cap = settings.REMINDER_BACKOFF_BASE_S, settings.REMINDER_BACKOFF_CAP_S
    return min(cap, base * 2 ** max(0, attempts - 1))


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
    with transaction.atomic():
        stuck = ReminderOccurrence.objects.filter(
            state=OccurrenceState.SENDING, sending_at__lt=sending_cutoff
        ).select_related("patient")
        if connection.vendor == "postgresql":
            stuck = stuck.select_for_update(of=("self",), skip_locked=True)
        stuck_rows = list(stuck[: settings.REMINDER_DISPATCH_BATCH])
        if stuck_rows:
            result.unknown = ReminderOccurrence.objects.filter(
                pk__in=[o.pk for o in stuck_rows], state=OccurrenceState.SENDING
            ).update(
                state=OccurrenceState.UNKNOWN,
                last_error="no confirmation from the worker; not resent",
                updated_at=now,
            )
            # No silent miss (issue 21): the clinician hears of each one.
            for occurrence in stuck_rows:
                _raise_unknown_alert(occurrence)
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


def _raise_unknown_alert(occurrence: ReminderOccurrence) -> None:
    """An ``unknown`` occurrence: handed over (or about to be) when its worker
    or database connection died, so it may or may not have arrived. It is
    never resent; the clinician is told, as for a failure."""
    alert_raise(
        patient=occurrence.patient,
        kind=AlertKind.REMINDER_UNKNOWN,
        urgency=AlertUrgency.ROUTINE,
        summary="A reminder may not have reached the patient (delivery could not be confirmed).",
    )
    audit_record(
        action=AuditAction.REMINDER_UNKNOWN,
        obj=occurrence,
        patient_id=occurrence.patient_id,
        clinic_id=occurrence.patient.clinic_id,
    )


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
    """For the outcome records only: if PostgreSQL itself crashed in the next
    fraction of a second and lost this commit, the rows would stay ``sending``
    and the sweeper would record ``unknown`` (and alert): never a second
    message. The ``sending`` commit before the hand-off is the one that must
    be durable, and it keeps the default."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")


# How often the writes after a hand-off are tried, each on a fresh connection,
# before the rows are left ``sending`` for the sweeper (issue 21).
SETTLE_ATTEMPTS = 5
SETTLE_PAUSE_S = 0.2


def _on_fresh_connection(write, *, what: str):
    """Run ``write`` (a function that opens its own transaction) and, when the
    database connection dies under it, close it and try again on a new one.
    Safe because every write after a hand-off is conditional on the row still
    being ``sending``/``unknown``: a commit that did land before the error
    makes the retry change nothing. Inside an outer transaction (tests) a
    fresh connection is impossible, so the error goes up at once."""
    for attempt in range(1, SETTLE_ATTEMPTS + 1):
        try:
            return write()
        except (OperationalError, InterfaceError) as error:
            if connection.in_atomic_block or attempt == SETTLE_ATTEMPTS:
                raise
            logger.warning(
                "reminder %s: database connection lost (%s); retrying on a fresh one",
                what,
                type(error).__name__,
            )
            connection.close()
            time.sleep(SETTLE_PAUSE_S * attempt)
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass
class _Outcome:
    sent: dict = field(default_factory=dict)  # id -> provider message id
    retry: dict = field(default_factory=dict)  # id -> error
    failed: dict = field(default_factory=dict)  # id -> error
    paused: list = field(default_factory=list)  # ids the circuit breaker held back


def _audit_rows(action: AuditAction, occurrences) -> None:
    """One audit event per occurrence, in one INSERT (what ``audit_record``
    writes for each: ids only)."""
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                action=action,
                object_type=ReminderOccurrence._meta.label_lower,
                object_id=str(o.pk),
                patient_id=o.patient_id,
                clinic_id=o.patient.clinic_id,
            )
            for o in occurrences
        ]
    )


def _lock_and_mark_sending(ids: list, now: datetime) -> tuple[dict, list, dict]:
    """Transaction 1 of a chunk: lock the chunk's ``claimed`` rows (one
    statement), decide per row (skip, too old, send), build each message and
    mark every row to send ``sending`` in one UPDATE; committed before any
    hand-off. Returns (outcome per id, [(occurrence, message)], rows by id)."""
    results: dict = {}
    to_send: list = []
    with transaction.atomic():
        rows = ReminderOccurrence.objects.select_related(
            "patient", "patient__clinic", "patient__reminder_preference"
        ).filter(pk__in=ids, state=OccurrenceState.CLAIMED)
        if connection.vendor == "postgresql":
            # A duplicate of this chunk running elsewhere holds the rows: skip
            # them (it sends them); without SKIP LOCKED we would wait, then noop.
            rows = rows.select_for_update(of=("self",), skip_locked=True)
        found = {str(o.pk): o for o in rows}
        # The chunk's programmes in a fixed number of queries, whatever its size:
        # active plans with their versions (three), patients with a paused plan (one).
        patient_ids = {o.patient_id for o in found.values()}
        plans = active_plans_by_patient(patient_ids)
        paused = set(
            TreatmentPlan.objects.filter(
                patient_id__in=patient_ids, status=PlanStatus.PAUSED
            ).values_list("patient_id", flat=True)
        )
        skipped: dict = {}
        too_old: list = []
        for occurrence in found.values():
            preference = getattr(occurrence.patient, "reminder_preference", None)
            reason = skip_reason(occurrence, preference)
            exercises, sessions = (
                (0, 0)
                if reason
                else due_summary(plans.get(occurrence.patient_id), occurrence.local_date)
            )
            if not reason and sessions == 0:
                # A programme paused by a red flag prescribes nothing (issue 13).
                reason = (
                    "programme paused"
                    if occurrence.patient_id in paused
                    else "no sessions due (programme ended or changed)"
                )
            if reason:
                skipped[occurrence.pk] = reason
                results[str(occurrence.pk)] = "skipped"
                continue
            if now - occurrence.due_at > timedelta(minutes=settings.REMINDER_MAX_AGE_MINUTES):
                too_old.append(occurrence)
                results[str(occurrence.pk)] = "failed"
                continue
            attempt = occurrence.attempts + 1
            if occurrence.channel == ReminderChannel.SMS:
                message = build_sms(occurrence, exercises, sessions)
                # The provider's id comes back from the hand-off; the reference
                # (the occurrence id, also its Idempotency-Key) is known now.
                known_id = f"sms:{occurrence.pk}"
            else:
                message = build_email(occurrence, exercises, sessions, attempt=attempt)
                known_id = message.extra_headers["Message-ID"]
            occurrence.provider_message_id = known_id
            occurrence.attempts = attempt
            to_send.append((occurrence, message))
        if skipped:
            ReminderOccurrence.objects.filter(pk__in=list(skipped)).update(
                state=OccurrenceState.SKIPPED,
                last_error=Case(*(When(pk=pk, then=Value(r)) for pk, r in skipped.items())),
                updated_at=now,
            )
        if too_old:
            ReminderOccurrence.objects.filter(pk__in=[o.pk for o in too_old]).update(
                state=OccurrenceState.FAILED,
                last_error=Coalesce(NullIf(F("last_error"), Value("")), Value("not sent in time")),
                updated_at=now,
            )
            for occurrence in too_old:
                _raise_failed_alert(occurrence)
        if to_send:
            # The chunk's Message-IDs are recorded with the ``sending`` mark, so
            # an ``unknown`` row can be matched in the mail server's log.
            ReminderOccurrence.objects.filter(pk__in=[o.pk for o, _ in to_send]).update(
                state=OccurrenceState.SENDING,
                sending_at=now,
                attempts=F("attempts") + 1,
                provider_message_id=Case(
                    *(When(pk=o.pk, then=Value(o.provider_message_id)) for o, _ in to_send)
                ),
                updated_at=now,
            )
    for pk in ids:
        results.setdefault(str(pk), "noop")
    return results, to_send, found


def _hand_off_all(to_send: list) -> _Outcome:
    outcome = _Outcome()
    for occurrence, message in to_send:
        pk = occurrence.pk
        if not breaker.allows(occurrence.channel):
            # The channel is paused after repeated connection failures: the row
            # waits without spending an attempt and without touching the server.
            outcome.paused.append(pk)
            continue
        try:
            provider_id = _hand_off(occurrence, message)
        except PermanentDeliveryError as error:
            outcome.failed[pk] = str(error)
            breaker.record(occurrence.channel, ok=True)
        except TransientDeliveryError as error:
            outcome.retry[pk] = str(error)
            breaker.record(occurrence.channel, ok=False)
        else:
            outcome.sent[pk] = provider_id
            breaker.record(occurrence.channel, ok=True)
    return outcome


def _record_outcomes(to_send: list, outcome: _Outcome) -> None:
    """Transaction 2 of a chunk: every outcome in one transaction, each write
    conditional on the row still being ``sending`` (or ``unknown``: a late
    confirmation settles a row the sweeper gave up on)."""
    by_id = {o.pk: o for o, _ in to_send}
    now = timezone.now()
    settle = [OccurrenceState.SENDING, OccurrenceState.UNKNOWN]
    with transaction.atomic():
        _commit_without_waiting_for_disk()
        if outcome.sent:
            states = dict(
                ReminderOccurrence.objects.filter(pk__in=list(outcome.sent), state__in=settle)
                .select_for_update()
                .values_list("pk", "state")
            )
            if states:
                ReminderOccurrence.objects.filter(pk__in=list(states)).update(
                    state=OccurrenceState.SENT,
                    sent_at=now,
                    provider_message_id=Case(
                        *(When(pk=pk, then=Value(outcome.sent[pk][:200])) for pk in states)
                    ),
                    last_error="",
                    updated_at=now,
                )
                _audit_rows(AuditAction.REMINDER_SENT, [by_id[pk] for pk in states])
                late = [by_id[pk] for pk, s in states.items() if s == OccurrenceState.UNKNOWN]
                if late:
                    _audit_rows(AuditAction.REMINDER_RECONCILED, late)
        too_old = now - timedelta(minutes=settings.REMINDER_MAX_AGE_MINUTES)
        failed = dict(outcome.failed)
        retry = {}
        for pk, error in outcome.retry.items():
            if by_id[pk].due_at < too_old:
                failed[pk] = error
            else:
                retry[pk] = error
        if failed:
            done = list(
                ReminderOccurrence.objects.filter(pk__in=list(failed), state__in=settle)
                .select_for_update()
                .values_list("pk", flat=True)
            )
            if done:
                ReminderOccurrence.objects.filter(pk__in=done).update(
                    state=OccurrenceState.FAILED,
                    last_error=Case(*(When(pk=pk, then=Value(failed[pk][:200])) for pk in done)),
                    updated_at=now,
                )
                for pk in done:
                    _raise_failed_alert(by_id[pk])
        if retry:
            ReminderOccurrence.objects.filter(pk__in=list(retry), state__in=settle).update(
                state=OccurrenceState.RETRY_WAIT,
                next_attempt_at=Case(
                    *(
                        When(
                            pk=pk,
                            then=Value(
                                now + timedelta(seconds=backoff_seconds(by_id[pk].attempts))
                            ),
                        )
                        for pk in retry
                    )
                ),
                last_error=Case(*(When(pk=pk, then=Value(e[:200])) for pk, e in retry.items())),
                updated_at=now,
            )
        if outcome.paused:
            # Never handed over: back to waiting, the attempt given back.
            ReminderOccurrence.objects.filter(
                pk__in=outcome.paused, state=OccurrenceState.SENDING
            ).update(
                state=OccurrenceState.RETRY_WAIT,
                attempts=F("attempts") - 1,
                next_attempt_at=Case(
                    *(
                        When(
                            pk=pk,
                            then=Value(
                                now + timedelta(seconds=breaker.pause_left(by_id[pk].channel))
                            ),
                        )
                        for pk in outcome.paused
                    )
                ),
                last_error="channel paused (circuit breaker)",
                updated_at=now,
            )


def reminders_send(occurrence_ids: list) -> list[str]:
    """Send a chunk (at most ``SEND_CHUNK``) of claimed occurrences, each at
    most once. Idempotent: a second call (a redelivered message, a duplicate
    from the sweeper) finds the rows no longer ``claimed`` and does nothing.

    Round trips: one transaction locks the chunk and marks it ``sending``
    (committed before any hand-off: a crash from here on leaves at most this
    chunk ``unknown``, alerted, never resent); the hand-offs; one transaction
    records every outcome, retried on a fresh connection if the database
    connection dies. Returns what happened to each id, for logs and tests."""
    now = timezone.now()
    results, to_send, _ = _lock_and_mark_sending(list(occurrence_ids), now)
    if not to_send:
        return [results[str(pk)] for pk in occurrence_ids]
    outcome = _hand_off_all(to_send)
    _on_fresh_connection(lambda: _record_outcomes(to_send, outcome), what="outcome write")
    for pk in outcome.sent:
        results[str(pk)] = "sent"
    for pk in outcome.retry:
        results[str(pk)] = "retry"
    for pk in outcome.failed:
        results[str(pk)] = "failed"
    for pk in outcome.paused:
        results[str(pk)] = "paused"
    return [results[str(pk)] for pk in occurrence_ids]


def reminder_deliver(*, occurrence_id) -> str:
    """One occurrence (a chunk of one); what happened to it. A row not
    ``claimed`` gives ``noop:<state>``."""
    (result,) = reminders_send([occurrence_id])
    if result == "noop":
        row = ReminderOccurrence.objects.filter(pk=occurrence_id).values_list("state", flat=True)
        state = row.first()
        return f"noop:{state}" if state else "missing"
    return result


# --- reconciliation (issue 21) --------------------------------------------------


def reminder_reconcile(*, occurrence_id, delivered: bool, actor=None, note: str = "") -> bool:
    """Settle an ``unknown`` occurrence from what the channel says (the mail
    server's log matched by Message-ID, an SMS gateway's status): ``sent`` or
    ``failed`` (the latter with the failed alert, as any failure). Audited.
    Returns False when the row was not ``unknown`` (nothing changed)."""
    now = timezone.now()
    with transaction.atomic():
        occurrence = (
            ReminderOccurrence.objects.select_for_update(of=("self",))
            .select_related("patient")
            .filter(pk=occurrence_id, state=OccurrenceState.UNKNOWN)
            .first()
        )
        if occurrence is None:
            return False
        if delivered:
            occurrence.state = OccurrenceState.SENT
            occurrence.sent_at = now
            occurrence.last_error = ""
        else:
            occurrence.state = OccurrenceState.FAILED
            occurrence.last_error = (note or "not delivered (reconciled)")[:200]
        occurrence.save(update_fields=["state", "sent_at", "last_error", "updated_at"])
        if not delivered:
            _raise_failed_alert(occurrence)
        audit_record(
            action=AuditAction.REMINDER_RECONCILED,
            actor=actor,
            obj=occurrence,
            patient_id=occurrence.patient_id,
            clinic_id=occurrence.patient.clinic_id,
        )
    return True


def reminders_unknown():
    """The ``unknown`` occurrences, oldest first (for operators; ids and
    technical fields only)."""
    return ReminderOccurrence.objects.filter(state=OccurrenceState.UNKNOWN).order_by("sending_at")


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
