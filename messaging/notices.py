"""New-message notices: an outbox sent by the beat tick (issue 16).

A notice says only that a message waits in the portal (or the inbox), never
the text. At most one notice per message: a message joins its recipient's
pending notice, or starts one due ``NOTICE_BATCH_MINUTES`` later, so messages
within a few minutes share one. At send time, nothing goes if every message of
the notice was read first; the patient's consent (``consent_reminders``),
channel and quiet hours (their reminder preferences) are respected, a notice
due in quiet hours waits for their end. Delivery goes through the reminders'
senders (the kept SMTP connection, the SMS backend).

States: pending -> sending (committed before the hand-off) -> sent | failed;
skipped when nothing needs saying; a row left ``sending`` by a crash becomes
``unknown`` and is never resent.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from clinic.audit import audit_record
from clinic.mail import build_templated_mail, drop_process_connection, process_connection
from clinic.models import AuditAction
from messaging.models import Message, MessageNotice, NoticeRecipient, NoticeState
from patients.language import in_patient_language
from patients.models import Status
from reminders import sms
from reminders.models import ReminderChannel, ReminderPreference, has_contact
from reminders.scheduling import in_quiet_hours, local_to_utc

logger = logging.getLogger(__name__)

TICK_BATCH = 200
SENDING_TIMEOUT = timedelta(minutes=15)


def _claim(now: datetime) -> list:
    due = MessageNotice.objects.filter(state=NoticeState.PENDING, due_at__lte=now).order_by(
        "due_at"
    )
    with transaction.atomic():
        if connection.vendor == "postgresql":
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("id", flat=True)[:TICK_BATCH])
        MessageNotice.objects.filter(id__in=ids, state=NoticeState.PENDING).update(
            state=NoticeState.SENDING, claimed_at=now
        )
    return ids


def _finish(notice_id, state: str, reason: str = "", *, sent_at: datetime | None = None) -> None:
    MessageNotice.objects.filter(pk=notice_id).update(
        state=state, reason=reason[:100], sent_at=sent_at
    )


def _quiet_until(preference: ReminderPreference | None, zone: ZoneInfo, now: datetime):
    """The end of the patient's quiet hours (UTC) when ``now`` falls in them."""
    if preference is None or preference.quiet_start is None or preference.quiet_end is None:
        return None
    local = now.astimezone(zone)
    if not in_quiet_hours(local.time(), preference.quiet_start, preference.quiet_end):
        return None
    day = local.date()
    if local.time() >= preference.quiet_end:
        day += timedelta(days=1)
    return local_to_utc(day, preference.quiet_end, zone)


def _patient_message(notice: MessageNotice, now: datetime):
    """(message to hand off, "") or (None, why not), or (datetime, "") to wait."""
    patient = notice.conversation.patient
    if not patient.consent_reminders:
        return None, "no consent to notices"
    if patient.status != Status.ACTIVE or patient.user_id is None:
        return None, "no portal account"
    preference = ReminderPreference.objects.filter(patient=patient).first()
    quiet_end = _quiet_until(preference, ZoneInfo(patient.time_zone), now)
    if quiet_end is not None:
        return quiet_end, ""
    channel = preference.channel if preference is not None else ReminderChannel.EMAIL
    if not has_contact(patient, channel):
        return None, "no contact for channel"
    link = settings.SITE_BASE_URL + reverse("portal:messages")
    with in_patient_language(patient):  # issue 18: the patient's language
        if channel == ReminderChannel.SMS:
            body = gettext(
                "Hi %(first_name)s, you have a new message from %(clinic_name)s: %(link)s"
            ) % {"first_name": patient.first_name, "clinic_name": patient.clinic.name, "link": link}
            return sms.SmsMessage(
                to=str(patient.mobile_phone), body=body, reference=str(notice.pk)
            ), ""
        message = build_templated_mail(
            template="messaging/email/patient_notice",
            to=patient.email,
            context={
                "first_name": patient.first_name,
                "clinic_name": patient.clinic.name,
                "link": link,
            },
        )
    message.extra_headers["Auto-Submitted"] = "auto-generated"
    return message, ""


def _staff_message(notice: MessageNotice):
    member = notice.staff_member
    if member is None or not member.user.is_active or not member.user.email:
        return None, "no staff recipient"
    patient = notice.conversation.patient
    link = settings.SITE_BASE_URL + reverse("messaging:thread", args=[patient.pk])
    message = build_templated_mail(
        template="messaging/email/staff_notice",
        to=member.user.email,
        # The record number only: no name, no text (DESIGN: emails carry no
        # clinical content).
        context={"record_number": patient.record_number, "link": link},
    )
    message.extra_headers["Auto-Submitted"] = "auto-generated"
    return message, ""


def _hand_off(message) -> str:
    if isinstance(message, sms.SmsMessage):
        sms.send_sms(message)
        return ReminderChannel.SMS
    message.connection = process_connection()
    try:
        message.send()
    except (smtplib.SMTPException, OSError):
        drop_process_connection()
        raise
    return ReminderChannel.EMAIL


def notice_deliver(notice_id, *, now: datetime | None = None) -> str:
    """Send one claimed notice; what happened, for logs and tests."""
    now = now or timezone.now()
    notice = (
        MessageNotice.objects.select_related("conversation__patient__clinic", "staff_member__user")
        .filter(pk=notice_id, state=NoticeState.SENDING)
        .first()
    )
    if notice is None:
        return "gone"
    unread = Message.objects.filter(notice=notice, read_at__isnull=True).exists()
    if not unread:
        _finish(notice.pk, NoticeState.SKIPPED, "read before the notice")
        return "read"
    if notice.recipient == NoticeRecipient.PATIENT:
        message, reason = _patient_message(notice, now)
    else:
        message, reason = _staff_message(notice)
    if isinstance(message, datetime):
        MessageNotice.objects.filter(pk=notice.pk).update(
            state=NoticeState.PENDING, due_at=message, reason="quiet hours"
        )
        return "quiet hours"
    if message is None:
        _finish(notice.pk, NoticeState.SKIPPED, reason)
        return reason
    try:
        channel = _hand_off(message)
    except (sms.SmsError, smtplib.SMTPException, OSError) as error:
        logger.warning("message notice %s failed: %s", notice.pk, type(error).__name__)
        _finish(notice.pk, NoticeState.FAILED, type(error).__name__)
        return "failed"
    MessageNotice.objects.filter(pk=notice.pk).update(
        state=NoticeState.SENT, sent_at=timezone.now(), channel=channel
    )
    audit_record(
        action=AuditAction.MESSAGE_NOTICE_SENT,
        obj=notice,
        patient_id=notice.conversation.patient_id,
        clinic_id=notice.conversation.clinic_id,
    )
    return "sent"


def notices_tick(*, now: datetime | None = None) -> dict[str, int]:
    """Sweep stale ``sending`` rows to ``unknown``, then send what is due."""
    now = now or timezone.now()
    unknown = MessageNotice.objects.filter(
        state=NoticeState.SENDING, claimed_at__lt=now - SENDING_TIMEOUT
    ).update(state=NoticeState.UNKNOWN, reason="crash after claim")
    outcomes: dict[str, int] = {"unknown": unknown}
    for notice_id in _claim(now):
        outcome = notice_deliver(notice_id, now=now)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes
