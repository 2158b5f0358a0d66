"""Reminder delivery: plan, dispatch, send, sweep (issue 5; DESIGN.md reliability rules).

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

import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from email.utils import make_msgid

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from clinic.audit import audit_record
from clinic.mail import build_templated_mail, drop_process_connection, process_connection
from clinic.models import AuditAction
from patients.models import Patient, Status
from programmes import sms
from programmes.alerts import alert_raise
from programmes.models import (
    AlertKind,
    AlertUrgency,
    OccurrenceState,
    PlanStatus,
    Prescription,
    ProgrammeVersion,
    ReminderChannel,
    ReminderOccurrence,
    ReminderPreference,
    TreatmentPlan,
    days_list,
)
from programmes.scheduling import in_quiet_hours, planned_instants
from programmes.tokens import unsubscribe_token

logger = logging.getLogger(__name__)

PLAN_HORIZON = timedelta(hours=48)
BACKOFF_BASE_S = 30
BACKOFF_CAP_S = 300  # DESIGN.md: nothing waits longer than five minutes in the broker
PLAN_CHUNK = 1000
# Occurrences per send task: enough to spread the broker's cost per message,
# few enough that a burst still spreads over every worker process.
SEND_CHUNK = 10
# Extra apply_async options (tests and the benchmark point them at another
# broker connection or queue); empty in production, where settings decide.
PUBLISH_OPTIONS: dict = {}


def parse_slot(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def backoff_seconds(attempts: int) -> int:
    """30 s, 60 s, 120 s, 240 s, then 300 s: exponential, capped at 5 minutes."""
    return min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** max(0, attempts - 1))


def _has_contact(patient: Patient, channel: str) -> bool:
    return bool(patient.email if channel == ReminderChannel.EMAIL else patient.mobile_phone)


# --- planning ---------------------------------------------------------------


def _active_plans_by_patient(patient_ids: Iterable) -> dict:
    """The active plan of each patient (most recently activated), its published
    versions and their prescriptions prefetched: three queries per chunk."""
    plans = (
        TreatmentPlan.objects.filter(patient_id__in=list(patient_ids), status=PlanStatus.ACTIVE)
        .only("id", "patient_id", "start_on", "activated_at")
        .order_by("patient_id", "-activated_at")
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=ProgrammeVersion.objects.published().prefetch_related(
                    Prefetch(
                        "prescriptions",
                        queryset=Prescription.objects.only(
                            "id",
                            "version_id",
                            "start_on",
                            "end_on",
                            "days_of_week",
                            "sessions_per_day",
                        ),
                    )
                ),
            )
        )
    )
    by_patient = {}
    for plan in plans:
        by_patient.setdefault(plan.patient_id, plan)
    return by_patient


def occurrences_for(
    preference: ReminderPreference, plan: TreatmentPlan | None, *, now: datetime
) -> list[ReminderOccurrence]:
    """The occurrences one patient needs in ``[now, now + 48 h)`` (unsaved).

    Only with recorded consent, an enabled preference, a contact for the
    channel, an active programme that has sessions due that local day, and
    not during a pause. Times in quiet hours are never planned."""
    patient = preference.patient
    if (
        plan is None
        or not preference.enabled
        or not patient.consent_reminders
        or patient.status != Status.ACTIVE
        or not _has_contact(patient, preference.channel)
    ):
        return []
    first_day = plan.start_on
    if preference.paused_until is not None:
        first_day = max(first_day, preference.paused_until + timedelta(days=1))
    versions = list(plan.versions.all())
    rows = []
    for instant in planned_instants(
        zone_name=patient.time_zone,
        local_times=[parse_slot(t) for t in preference.local_times],
        weekdays=days_list(preference.days_of_week),
        window_start=now,
        window_end=now + PLAN_HORIZON,
        first_day=first_day,
        quiet_start=preference.quiet_start,
        quiet_end=preference.quiet_end,
    ):
        if any(v.sessions_on(instant.local_date) for v in versions):
            rows.append(
                ReminderOccurrence(
                    patient_id=patient.pk,
                    channel=preference.channel,
                    local_date=instant.local_date,
                    slot=instant.slot,
                    due_at=instant.due_at,
                )
            )
    return rows


def reminders_plan(*, now: datetime | None = None, patient_ids: Iterable | None = None) -> int:
    """Create the next 48 hours of occurrences, idempotently. Returns how many
    rows were offered to the database (existing ones are ignored by the
    unique key, so running twice, or twice at once, creates nothing new)."""
    now = now or timezone.now()
    preferences = (
        ReminderPreference.objects.filter(
            enabled=True, patient__consent_reminders=True, patient__status=Status.ACTIVE
        )
        .select_related("patient")
        .only(
            "id",
            *ReminderPreference.SETTING_FIELDS,
            "patient__id",
            "patient__consent_reminders",
            "patient__status",
            "patient__time_zone",
            "patient__email",
            "patient__mobile_phone",
        )
        .order_by("pk")
    )
    if patient_ids is not None:
        preferences = preferences.filter(patient_id__in=list(patient_ids))
    offered, last_pk = 0, 0
    while True:
        chunk = list(preferences.filter(pk__gt=last_pk)[:PLAN_CHUNK])
        if not chunk:
            return offered
        last_pk = chunk[-1].pk
        plans = _active_plans_by_patient(p.patient_id for p in chunk)
        rows = []
        for preference in chunk:
            rows += occurrences_for(preference, plans.get(preference.patient_id), now=now)
        ReminderOccurrence.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
        offered += len(rows)


def reminders_plan_patient(*, patient: Patient, now: datetime | None = None) -> int:
    """Plan one patient now (after a preference change), without the broker."""
    return reminders_plan(now=now, patient_ids=[patient.pk])


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
    from programmes.tasks import send_reminders

    queued = 0
    for start in range(0, len(ids), SEND_CHUNK):
        chunk = [str(pk) for pk in ids[start : start + SEND_CHUNK]]
        try:
            send_reminders.apply_async(args=[chunk], retry=False, **PUBLISH_OPTIONS)
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
                transaction.on_commit(lambda ids=ids: _enqueue(ids))
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
    if not _has_contact(patient, occurrence.channel):
        return "no contact for channel"
    return ""


def due_summary(patient: Patient, day: date) -> tuple[int, int]:
    """(exercises, sessions) due on the patient's local ``day``: the only
    programme facts a reminder carries (counts, never names or conditions)."""
    from programmes.api import version_on

    version = version_on(
        patient,
        day,
        prescriptions=Prescription.objects.only(
            "id", "version_id", "start_on", "end_on", "days_of_week", "sessions_per_day"
        ),
    )
    if version is None:
        return 0, 0
    return len(version.due_on(day)), version.sessions_on(day)


def due_phrase(exercises: int, sessions: int) -> str:
    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    return f"{plural(exercises, 'exercise')}, {plural(sessions, 'session')}"


def portal_url() -> str:
    return settings.SITE_BASE_URL + reverse("portal:today")


def unsubscribe_url(patient_id) -> str:
    return settings.SITE_BASE_URL + reverse(
        "reminders:unsubscribe", args=[unsubscribe_token(patient_id)]
    )


def _build_email(occurrence: ReminderOccurrence, exercises: int, sessions: int):
    patient = occurrence.patient
    unsubscribe = unsubscribe_url(patient.pk)
    message = build_templated_mail(
        template="programmes/email/reminder",
        to=patient.email,
        context={
            "first_name": patient.first_name,
            "clinic_name": patient.clinic.name,
            "due": due_phrase(exercises, sessions),
            "portal_url": portal_url(),
            "unsubscribe_url": unsubscribe,
        },
    )
    message.extra_headers.update(
        {
            "Message-ID": make_msgid(domain="reminders.clinic"),
            "X-Reminder-Id": str(occurrence.pk),
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",  # RFC 8058
            "Auto-Submitted": "auto-generated",
        }
    )
    return message


def _build_sms(occurrence: ReminderOccurrence, exercises: int, sessions: int) -> sms.SmsMessage:
    patient = occurrence.patient
    body = (
        f"Hi {patient.first_name}, today: {due_phrase(exercises, sessions)}. "
        f"{portal_url()} Stop: {unsubscribe_url(patient.pk)}"
    )
    return sms.SmsMessage(to=str(patient.mobile_phone), body=body, reference=str(occurrence.pk))


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
            reason = "no sessions due (programme ended or changed)"
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
            message = _build_sms(occurrence, exercises, sessions)
        else:
            message = _build_email(occurrence, exercises, sessions)
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
