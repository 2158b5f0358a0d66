"""Secure messages: sending, reading, assigning, handling and filing (issue 16).

Every send, read, assignment, "handled" and filing is audited (ids only). The
text never leaves this app except to the thread pages, the subject-access
export and a conversation filed to the record by a clinician.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import ngettext

from alerts.models import AlertKind, AlertUrgency
from alerts.services import alert_raise
from clinic.audit import audit_record
from clinic.models import AuditAction, Role, StaffMember
from messaging.models import (
    TRANSCRIPT_MAX_CHARS,
    Conversation,
    FiledConversation,
    Message,
    MessageNotice,
    MessagingSettings,
    NoticeRecipient,
    NoticeState,
)
from patients.models import Patient
from programmes import api as programmes_api
from programmes.models import Prescription
from tracking import self_screen

# Rate limits per sender (issue 16: abuse and limits); settings may lower them.
PATIENT_MESSAGES_PER_HOUR = 10
STAFF_MESSAGES_PER_HOUR = 60
# Messages to one recipient within this window share one notice.
NOTICE_BATCH_MINUTES = 5


class MessageRefusedError(Exception):
    """The message was not sent; the text says why, for the sender."""


def _audit(
    action: AuditAction,
    conversation: Conversation,
    *,
    obj: Any,
    user: User | None,
    request: HttpRequest | None,
) -> None:
    """Every send, read, assign, handle and file is audited against the
    conversation's patient and clinic (ids only)."""
    audit_record(
        action=action,
        request=request,
        actor=user,
        obj=obj,
        patient_id=conversation.patient_id,
        clinic_id=conversation.clinic_id,
    )


def patient_limit() -> int:
    return getattr(settings, "MESSAGES_PATIENT_PER_HOUR", PATIENT_MESSAGES_PER_HOUR)


def staff_limit() -> int:
    return getattr(settings, "MESSAGES_STAFF_PER_HOUR", STAFF_MESSAGES_PER_HOUR)


def reception_triages(clinic_id: UUID | str) -> bool:
    """Whether the clinic lets reception read and triage messages."""
    return MessagingSettings.objects.filter(
        clinic_id=clinic_id, reception_triages_messages=True
    ).exists()


def staff_may_read(member: StaffMember | None, user: User, clinic_id: UUID | str) -> bool:
    """Clinical roles read the text; reception only with the clinic's setting."""
    if getattr(user, "is_superuser", False):
        return True
    if member is None:
        return False
    if member.sees_clinical_content:
        return True
    return member.role == Role.RECEPTION and reception_triages(clinic_id)


def conversation_for(patient: Patient) -> Conversation:
    conversation, _ = Conversation.objects.get_or_create(
        patient=patient, defaults={"clinic_id": patient.clinic_id}
    )
    return conversation


def about_choices(patient: Patient) -> list[Prescription]:
    """The exercises of the programme in force today (what a message may be about)."""
    version = programmes_api.version_on(patient, patient.local_today())
    return list(version.prescriptions.all()) if version is not None else []


def _check_rate(user: User, limit: int) -> None:
    since = timezone.now() - timedelta(hours=1)
    sent = Message.objects.filter(sender_id=user.pk, created_at__gte=since).count()
    if sent >= limit:
        raise MessageRefusedError(
            ngettext(
                "You have sent %(limit)d message in the last hour, the most we accept. "
                "Please wait a little; if it is urgent, phone the clinic.",
                "You have sent %(limit)d messages in the last hour, the most we accept. "
                "Please wait a little; if it is urgent, phone the clinic.",
                limit,
            )
            % {"limit": limit}
        )


def _queue_notice(
    conversation: Conversation,
    message: Message,
    *,
    recipient: str,
    staff_member: StaffMember | None = None,
) -> MessageNotice:
    """One pending notice per recipient: a message joins the waiting notice,
    or starts one due after the batching window."""
    notice = (
        MessageNotice.objects.select_for_update()
        .filter(
            conversation=conversation,
            recipient=recipient,
            staff_member=staff_member,
            state=NoticeState.PENDING,
        )
        .first()
    )
    if notice is None:
        notice = MessageNotice.objects.create(
            conversation=conversation,
            recipient=recipient,
            staff_member=staff_member,
            due_at=message.created_at + timedelta(minutes=NOTICE_BATCH_MINUTES),
        )
    Message.objects.filter(pk=message.pk).update(notice=notice)
    message.notice = notice
    return notice


def staff_recipient(conversation: Conversation) -> StaffMember | None:
    """Who hears of a patient message: the assigned clinician of the
    conversation, else the patient's clinician."""
    if conversation.assigned_to_id:
        return conversation.assigned_to
    return conversation.patient.assigned_clinician


def message_send_by_patient(
    *,
    patient: Patient,
    user: User,
    body: str,
    about: Prescription | None = None,
    sent_anyway: bool = False,
    request: HttpRequest | None = None,
) -> Message:
    """Send the patient's message to the care team. Red-flag words found in
    the text are recorded (codes only) and raise an urgent alert; the alert
    never copies the text."""
    _check_rate(user, patient_limit())
    flags = self_screen.red_flag_words_in(body)
    now = timezone.now()
    with transaction.atomic():
        conversation = conversation_for(patient)
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        message = Message.objects.create(
            conversation=conversation,
            from_patient=True,
            sender=user,
            body=body,
            about=about,
            red_flags=flags,
            sent_anyway=bool(flags) and sent_anyway,
        )
        Conversation.objects.filter(pk=conversation.pk).update(
            clinic_id=patient.clinic_id,
            needs_reply=True,
            handled_at=None,
            handled_by=None,
            last_message_at=now,
            last_from_patient=True,
            unread_by_staff=F("unread_by_staff") + 1,
        )
        recipient = staff_recipient(conversation)
        if recipient is not None:
            _queue_notice(
                conversation, message, recipient=NoticeRecipient.STAFF, staff_member=recipient
            )
        if flags:
            labels = ", ".join(self_screen.RED_FLAG_WORDS_BY_CODE[c].label for c in flags)
            alert_raise(
                patient=patient,
                kind=AlertKind.MESSAGE_RED_FLAG,
                urgency=AlertUrgency.URGENT,
                summary=f"A message mentions possible red flags ({labels}); read it now.",
            )
        audit_record(
            action=AuditAction.MESSAGE_SENT,
            request=request,
            actor=user,
            obj=message,
            patient=patient,
        )
    return message


def message_send_by_staff(
    *,
    conversation: Conversation,
    user: User,
    body: str,
    request: HttpRequest | None = None,
) -> Message:
    """A reply from the care team: the conversation is handled until the
    patient writes again; the patient gets a notice without the text."""
    _check_rate(user, staff_limit())
    now = timezone.now()
    with transaction.atomic():
        message = Message.objects.create(
            conversation=conversation, from_patient=False, sender=user, body=body
        )
        Conversation.objects.filter(pk=conversation.pk).update(
            needs_reply=False,
            handled_at=now,
            handled_by=user,
            last_message_at=now,
            last_from_patient=False,
            unread_by_patient=F("unread_by_patient") + 1,
        )
        _queue_notice(conversation, message, recipient=NoticeRecipient.PATIENT)
        _audit(AuditAction.MESSAGE_SENT, conversation, obj=message, user=user, request=request)
    return message


def thread_mark_read(
    *, conversation: Conversation, by_patient: bool, user: User, request: HttpRequest | None
) -> int:
    """Mark the other side's messages read; audit the read (every time the
    thread is opened, as any record view). Returns the messages newly read."""
    now = timezone.now()
    with transaction.atomic():
        read = Message.objects.filter(
            conversation=conversation, from_patient=not by_patient, read_at__isnull=True
        ).update(read_at=now)
        if read:
            counter = "unread_by_patient" if by_patient else "unread_by_staff"
            Conversation.objects.filter(pk=conversation.pk).update(**{counter: 0})
        _audit(AuditAction.MESSAGE_READ, conversation, obj=conversation, user=user, request=request)
    return read


def conversation_assign(
    *,
    conversation: Conversation,
    member: StaffMember | None,
    user: User,
    request: HttpRequest | None = None,
) -> Conversation:
    conversation.assigned_to = member
    conversation.save(update_fields=["assigned_to"])
    # A waiting staff notice now goes to the new clinician.
    MessageNotice.objects.filter(
        conversation=conversation, recipient=NoticeRecipient.STAFF, state=NoticeState.PENDING
    ).exclude(staff_member=member).update(staff_member=member)
    _audit(AuditAction.MESSAGE_ASSIGNED, conversation, obj=conversation, user=user, request=request)
    return conversation


def conversation_mark_handled(
    *, conversation: Conversation, user: User, request: HttpRequest | None = None
) -> Conversation:
    conversation.needs_reply = False
    conversation.handled_at = timezone.now()
    conversation.handled_by = user
    conversation.save(update_fields=["needs_reply", "handled_at", "handled_by"])
    _audit(AuditAction.MESSAGE_HANDLED, conversation, obj=conversation, user=user, request=request)
    return conversation


def _author(message: Message, patient: Patient) -> str:
    if message.from_patient:
        return f"{patient.full_name} (patient)"
    if message.sender is None:
        return "Care team"
    return message.sender.get_full_name() or message.sender.get_username()


def transcript_of(conversation: Conversation) -> tuple[str, int]:
    """The conversation as plain text, oldest first, in the clinic's time.
    Over ``TRANSCRIPT_MAX_CHARS`` the earliest messages are left out and the
    transcript says how many."""
    patient = conversation.patient
    messages = list(
        Message.objects.filter(conversation=conversation)
        .select_related("sender", "about__exercise")
        .order_by("created_at", "id")
    )
    blocks = []
    for message in messages:
        at = timezone.localtime(message.created_at).strftime("%Y-%m-%d %H:%M")
        about = f" (about: {message.about.exercise.name})" if message.about_id else ""
        blocks.append(f"{at} {_author(message, patient)}{about}:\n{message.body}\n")
    kept: list[str] = []
    size = 0
    for block in reversed(blocks):
        if size + len(block) + 100 > TRANSCRIPT_MAX_CHARS:
            break
        kept.append(block)
        size += len(block) + 1
    kept.reverse()
    left_out = len(blocks) - len(kept)
    head = f"[{left_out} earlier messages not included: too long]\n" if left_out else ""
    return head + "\n".join(kept), len(kept)


def conversation_file(
    *, conversation: Conversation, user: User, request: HttpRequest | None = None
) -> FiledConversation:
    """Copy the conversation into the record as a note (a timeline entry)."""
    transcript, count = transcript_of(conversation)
    filed = FiledConversation.objects.create(
        patient_id=conversation.patient_id,
        transcript=transcript,
        messages_count=count,
        filed_by=user,
    )
    _audit(AuditAction.MESSAGE_FILED, conversation, obj=filed, user=user, request=request)
    return filed


def thread_version(conversation: Conversation | None, *, for_patient: bool) -> str:
    """What a poll compares: changes with a new message and with the other
    side reading (the "Read" marks). Read from the conversation row only."""
    if conversation is None or conversation.last_message_at is None:
        return "empty"
    other_unread = conversation.unread_by_staff if for_patient else conversation.unread_by_patient
    return f"{conversation.last_message_at.timestamp():.6f}-{other_unread}"


def unread_conversations(user: User) -> int:
    """Conversations with patient messages nobody in the team has read (the
    menu badge): one query."""
    return Conversation.objects.for_user(user).filter(unread_by_staff__gt=0).count()


def needs_reply_count(user: User) -> int:
    return Conversation.objects.for_user(user).filter(needs_reply=True).count()
