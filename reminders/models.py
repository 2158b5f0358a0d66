"""Reminders: what the patient chose (preferences), each planned reminder and
its delivery state (occurrences), and the private calendar feed."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clinic.dates import PAUSE_MAX_DAYS, BoundedDateField, bounded_dates
from exercises.models import EVERY_DAY
from patients.models import Patient


class ReminderChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("Text message (SMS)")


def has_contact(patient: Patient, channel: str) -> bool:
    """Whether the patient has an address for the channel."""
    return bool(patient.email if channel == ReminderChannel.EMAIL else patient.mobile_phone)


def default_reminder_times() -> list[str]:
    return ["08:00"]


@bounded_dates
class ReminderPreference(models.Model):
    """When and how a patient wants exercise reminders (times are local to the
    patient's IANA time zone, ``Patient.time_zone``). Reminders go out only with
    the patient's recorded consent (``Patient.consent_reminders``)."""

    # What the patient (or staff for them) chooses: the preference form's
    # fields, the subject-access export's, and what the planner reads.
    SETTING_FIELDS = (
        "enabled",
        "channel",
        "local_times",
        "days_of_week",
        "quiet_start",
        "quiet_end",
        "paused_until",
    )

    patient = models.OneToOneField(
        Patient, on_delete=models.CASCADE, related_name="reminder_preference"
    )
    enabled = models.BooleanField(default=True)
    channel = models.CharField(
        max_length=10, choices=ReminderChannel.choices, default=ReminderChannel.EMAIL
    )
    local_times = models.JSONField(
        default=default_reminder_times, help_text='Local times as "HH:MM", e.g. ["08:00", "18:30"].'
    )
    days_of_week = models.PositiveSmallIntegerField(
        default=EVERY_DAY, help_text="Bit mask, Monday = 1 ... Sunday = 64 (as prescriptions)."
    )
    quiet_start = models.TimeField(null=True, blank=True)
    quiet_end = models.TimeField(null=True, blank=True)
    paused_until = BoundedDateField(
        null=True, blank=True, help_text="No reminders up to and including this local date."
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords(table_name="programmes_historicalreminderpreference")

    class Meta:
        db_table = (
            "programmes_reminderpreference"  # kept from the first release (moved from programmes)
        )

    def __str__(self) -> str:
        return f"Reminders for {self.patient_id}"

    def clean(self) -> None:
        super().clean()
        if self.paused_until is not None:
            today = self.patient.local_today() if self.patient_id else timezone.localdate()
            # Only the upper end here: a stored pause that has since ended
            # must not stop the next save (forms also refuse a past end).
            if self.paused_until > pause_latest(today):
                raise ValidationError({"paused_until": PAUSE_TOO_LONG})


PAUSE_TOO_LONG = _("Pause for a year at most.")


def pause_latest(today: date) -> date:
    """The last day a reminder pause may end (``PAUSE_MAX_DAYS`` ahead): the
    staff page, the portal and any service alike."""
    return today + timedelta(days=PAUSE_MAX_DAYS)


class OccurrenceState(models.TextChoices):
    """Life of one reminder. ``claimed``: queued for a worker, not yet handed to
    the provider (safe to queue again). ``sending``: a worker is handing it to
    the provider; a crash here is never resent (the sweeper makes it
    ``unknown``). Terminal: sent, failed, skipped, unknown."""

    PLANNED = "planned", "Planned"
    CLAIMED = "claimed", "Claimed"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    RETRY_WAIT = "retry_wait", "Waiting to retry"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped"
    UNKNOWN = "unknown", "Unknown (crash after hand-off)"


class ReminderOccurrenceQuerySet(models.QuerySet):
    def due(self, now) -> ReminderOccurrenceQuerySet:
        """Rows a dispatcher may claim now (served by the partial index)."""
        return self.filter(
            Q(state=OccurrenceState.PLANNED, due_at__lte=now)
            | Q(state=OccurrenceState.RETRY_WAIT, next_attempt_at__lte=now)
        )


@bounded_dates
class ReminderOccurrence(models.Model):
    """One reminder for one patient, channel, local date and slot. The unique
    key makes planning idempotent; the row (not the broker message) is the
    truth about whether it was sent. No clinical content is stored here."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(
        Patient, on_delete=models.CASCADE, related_name="reminder_occurrences"
    )
    channel = models.CharField(max_length=10, choices=ReminderChannel.choices)
    local_date = BoundedDateField(help_text="The patient's local date.")
    slot = models.CharField(max_length=5, help_text='The local time chosen, "HH:MM".')
    due_at = models.DateTimeField(help_text="UTC.")
    state = models.CharField(
        max_length=12, choices=OccurrenceState.choices, default=OccurrenceState.PLANNED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sending_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    provider_message_id = models.CharField(max_length=200, blank=True, default="")
    last_error = models.CharField(
        max_length=200, blank=True, default="", help_text="Technical only, never clinical."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReminderOccurrenceQuerySet.as_manager()

    class Meta:
        db_table = (
            "programmes_reminderoccurrence"  # kept from the first release (moved from programmes)
        )
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "channel", "local_date", "slot"],
                name="reminder_one_per_patient_channel_day_slot",
            ),
            models.CheckConstraint(
                condition=Q(slot__regex=r"^([01][0-9]|2[0-3]):[0-5][0-9]$"),
                name="reminder_slot_hh_mm",
            ),
        ]
        indexes = [
            # The dispatcher's polling query: only the few unsent rows are indexed.
            models.Index(
                fields=["due_at"],
                condition=Q(state="planned"),
                name="reminder_planned_due",
            ),
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state="retry_wait"),
                name="reminder_retry_due",
            ),
            # The sweeper's query.
            models.Index(
                fields=["state", "claimed_at"],
                condition=Q(state__in=["claimed", "sending"]),
                name="reminder_in_flight",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.local_date} {self.slot} {self.channel}: {self.get_state_display()}"


class CalendarFeed(models.Model):
    """A patient's private calendar (iCal) feed. Only a SHA-256 hash of the
    token is stored: the link is shown once, when it is made; revoking deletes
    the row and a new link replaces the old one."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.OneToOneField(Patient, on_delete=models.CASCADE, related_name="calendar_feed")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "programmes_calendarfeed"  # kept from the first release (moved from programmes)

    def __str__(self) -> str:
        return f"Calendar feed ({self.created_at:%Y-%m-%d})"
