"""Secure messages between a patient and their clinic's care team (issue 16).

One conversation per patient. Read state is per side: a patient message is
read once any staff member of the team opens the thread; a staff message once
the patient opens the Messages page. Notices (``MessageNotice``) say only that
a message waits, never its text.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from clinic.models import Clinic, ClinicScopedQuerySet, StaffMember
from patients.models import Patient

# A message is short by design (issue 16): longer questions belong in a call.
MESSAGE_MAX_CHARS = 2000
# A conversation filed to the record is a transcript of many messages: its own,
# documented limit (the 4,000-character rule is for typed free text).
TRANSCRIPT_MAX_CHARS = 200_000


class MessagingSettings(models.Model):
    """Per-clinic messaging settings (edited in the admin by clinic admins)."""

    clinic = models.OneToOneField(Clinic, on_delete=models.CASCADE, related_name="messaging")
    reception_triages_messages = models.BooleanField(
        default=False,
        help_text="Reception may read messages, assign them and mark them handled "
        "(never reply or file them to the record).",
    )

    class Meta:
        verbose_name_plural = "messaging settings"

    def __str__(self) -> str:
        return f"Messaging settings of {self.clinic}"


class ConversationQuerySet(ClinicScopedQuerySet):
    """Conversations of the user's clinics. Every staff role sees that a
    conversation exists (who wrote, when); the text is gated in the views.
    Scoped by the patient's clinic now (a patient may move to another clinic;
    ``Conversation.clinic`` is only kept in step with each message)."""

    clinic_path = "patient__clinic_id"
    clinical = False


class Conversation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.OneToOneField(Patient, on_delete=models.CASCADE, related_name="conversation")
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    assigned_to = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # True from a patient message until a staff reply or "mark handled".
    needs_reply = models.BooleanField(default=False)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_message_at = models.DateTimeField(null=True, blank=True)
    last_from_patient = models.BooleanField(default=False)
    # Unread counts per side, kept with each send/read (the inbox and the badge
    # read them without counting messages).
    unread_by_staff = models.PositiveIntegerField(default=0)
    unread_by_patient = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ConversationQuerySet.as_manager()

    class Meta:
        ordering = ["-last_message_at"]
        indexes = [
            models.Index(fields=["clinic", "-last_message_at"], name="conv_clinic_last"),
            models.Index(
                fields=["clinic", "-last_message_at"],
                condition=Q(needs_reply=True),
                name="conv_needs_reply",
            ),
        ]

    def __str__(self) -> str:
        return f"Conversation {self.pk}"


class MessageQuerySet(ClinicScopedQuerySet):
    clinic_path = "conversation__patient__clinic_id"
    clinical = True


class Message(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    from_patient = models.BooleanField()
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(max_length=MESSAGE_MAX_CHARS)
    # "About" an exercise of the programme in force when it was sent.
    about = models.ForeignKey(
        "programmes.Prescription",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Codes of the red-flag word groups noticed (tracking.self_screen), not text.
    red_flags = models.JSONField(default=list, blank=True)
    sent_anyway = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # When the other side first saw it.
    read_at = models.DateTimeField(null=True, blank=True)
    notice = models.ForeignKey(
        "MessageNotice", null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["conversation", "created_at"], name="message_thread"),
            models.Index(fields=["sender", "created_at"], name="message_sender_at"),
        ]

    def __str__(self) -> str:
        return f"Message {self.pk}"


class NoticeRecipient(models.TextChoices):
    PATIENT = "patient", "Patient"
    STAFF = "staff", "Staff member"


class NoticeState(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Skipped"
    FAILED = "failed", "Failed"
    UNKNOWN = "unknown", "Unknown (crash after hand-off)"


class MessageNotice(models.Model):
    """The outbox: one notice ("a message waits for you") for one recipient,
    covering every message sent to them within the batching window. Holds no
    message text."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="+")
    recipient = models.CharField(max_length=10, choices=NoticeRecipient.choices)
    staff_member = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    channel = models.CharField(max_length=10, blank=True, default="")
    state = models.CharField(max_length=10, choices=NoticeState.choices, default="pending")
    due_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(
        max_length=100, blank=True, default="", help_text="Technical only, never clinical."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at"]
        indexes = [
            models.Index(fields=["due_at"], condition=Q(state="pending"), name="notice_pending_due")
        ]

    def __str__(self) -> str:
        return f"Notice {self.pk} ({self.state})"


class FiledConversation(models.Model):
    """A conversation copied into the record as a note (a timeline entry)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="+")
    transcript = models.TextField(
        max_length=TRANSCRIPT_MAX_CHARS,
        help_text=f"At most {TRANSCRIPT_MAX_CHARS:,} characters (a transcript of many messages).",
    )
    messages_count = models.PositiveIntegerField()
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filed_at = models.DateTimeField(auto_now_add=True)

    objects = ClinicScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-filed_at"]

    def __str__(self) -> str:
        return f"Messages filed {self.filed_at:%Y-%m-%d}"
