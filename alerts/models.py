"""Clinician alerts: something about a patient a clinician should look at."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from clinic.dates import BoundedDateField, bounded_dates
from clinic.models import Clinic, ClinicScopedQuerySet
from patients.models import Patient


class AlertKind(models.TextChoices):
    RED_FLAG_REPORTED = "red_flag_reported", "Red-flag symptoms reported by the patient"
    LOW_ADHERENCE = "low_adherence", "Adherence below threshold (7 days)"
    NO_LOGS = "no_logs", "No exercise logged recently"
    PAIN_HIGH = "pain_high", "Pain 7 or more, or 2 points above baseline"
    OUTCOME_WORSE = "outcome_worse", "Outcome score worse by its MCID"
    REMINDER_FAILED = "reminder_failed", "Reminder could not be delivered"
    REMINDER_UNKNOWN = "reminder_unknown", "A reminder may not have reached the patient"
    MESSAGE_RED_FLAG = "message_red_flag", "Red-flag words in a patient's message"
    SCIATICA_WORSE = "sciatica_worse", "Sciatica worse: spreading down the leg or new weakness"


def alert_kind_choices() -> list[tuple[str, str]]:
    """The field's choices, read when used: a new kind needs no migration,
    so apps that add kinds side by side do not race for migration numbers."""
    return AlertKind.choices


class AlertUrgency(models.IntegerChoices):
    # Lower sorts first on the dashboard.
    URGENT = 1, "Urgent"
    SOON = 2, "Soon"
    ROUTINE = 3, "Routine"


class AlertStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    RESOLVED = "resolved", "Resolved"


OPEN_ALERT_STATUSES = [AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED]

# Kinds raised every time (issue 22): a red flag or a failed reminder is a new
# event. The others are conditions: once resolved, not raised again until the
# condition has cleared and come back.
EVENT_KINDS = frozenset({AlertKind.RED_FLAG_REPORTED, AlertKind.REMINDER_FAILED})
# About the programme: closed with a note when the patient has no active plan.
PROGRAMME_KINDS = frozenset({AlertKind.LOW_ADHERENCE, AlertKind.NO_LOGS})
# "Needs attention" signals rather than alerts, unless the clinic says otherwise
# (``Clinic.attention_as_alerts``).
SIGNAL_KINDS = PROGRAMME_KINDS
SNOOZE_MAX_DAYS = 30


class AlertQuerySet(ClinicScopedQuerySet):
    """Alerts about patients the user may see clinically (not reception). The
    clinic is a column of the alert: lists filter on it without a join."""

    clinic_path = "clinic_id"

    def unresolved(self) -> AlertQuerySet:
        return self.filter(status__in=OPEN_ALERT_STATUSES)

    def needs_action(self, now=None) -> AlertQuerySet:
        """Unresolved and not snoozed (the Open tab, the dashboard, the digest)."""
        now = now or timezone.now()
        return self.unresolved().filter(Q(snoozed_until__isnull=True) | Q(snoozed_until__lte=now))

    def snoozed(self, now=None) -> AlertQuerySet:
        now = now or timezone.now()
        return self.unresolved().filter(snoozed_until__gt=now)


class Alert(models.Model):
    """Something a clinician should look at. At most one unresolved alert per
    kind and patient (a partial unique constraint), so raising is idempotent."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="alerts")
    # The patient's clinic, copied (patients never change clinic): lists and
    # counts filter on it through the partial indexes below, without a join.
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=30, choices=alert_kind_choices)
    urgency = models.PositiveSmallIntegerField(choices=AlertUrgency.choices)
    status = models.CharField(max_length=20, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    summary = models.CharField(max_length=300, help_text="For clinicians; never emailed.")
    raised_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution_note = models.CharField(max_length=300, blank=True, default="")
    # Snoozed: out of the open list until then (1 to 30 days, with a reason).
    snoozed_until = models.DateTimeField(null=True, blank=True)
    snooze_reason = models.CharField(max_length=4000, blank=True, default="")
    # When the rule last found the condition gone after this alert was
    # resolved: only then may the same kind be raised again.
    condition_cleared_at = models.DateTimeField(null=True, blank=True)

    objects = AlertQuerySet.as_manager()
    history = HistoricalRecords(table_name="programmes_historicalalert")

    class Meta:
        db_table = "programmes_alert"  # kept from the first release (moved from programmes)
        ordering = ["urgency", "-raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "kind"],
                condition=Q(status__in=["open", "acknowledged"]),
                name="alert_one_unresolved_per_kind",
            ),
        ]
        indexes = [
            models.Index(
                fields=["urgency", "-raised_at"],
                condition=Q(status__in=["open", "acknowledged"]),
                name="alert_unresolved_by_urgency",
            ),
            # The open list, its count and the dashboard panel, per clinic.
            models.Index(
                fields=["clinic", "urgency", "-raised_at"],
                condition=Q(status__in=["open", "acknowledged"]),
                name="alert_open_by_clinic",
            ),
            # The latest alert of a kind for a patient (raising, re-arming).
            models.Index(fields=["patient", "kind", "-raised_at"], name="alert_patient_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"

    def save(self, *args, **kwargs):
        if self.clinic_id is None and self.patient_id is not None:
            self.clinic_id = self.patient.clinic_id
        super().save(*args, **kwargs)

    @property
    def is_snoozed(self) -> bool:
        return self.snoozed_until is not None and self.snoozed_until > timezone.now()


class AttentionSignalQuerySet(ClinicScopedQuerySet):
    clinic_path = "clinic_id"


@bounded_dates
class AttentionSignal(models.Model):
    """A patient who "needs attention" (issue 22): low adherence or no recent
    logs, shown on the caseload and in the digest instead of an alert per
    patient per day. One per patient and kind while the condition lasts; the
    nightly rules update it and delete it when the condition clears.

    ``how_far``: percentage points below the clinic's adherence threshold (no
    logs at all counts as 0 % adherence: the whole threshold). ``since``: the
    patient-local day the condition was first seen."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="+")
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=30, choices=alert_kind_choices)
    since = BoundedDateField()
    how_far = models.DecimalField(max_digits=5, decimal_places=1)
    summary = models.CharField(max_length=300, help_text="For clinicians; never emailed.")
    updated_at = models.DateTimeField(auto_now=True)

    objects = AttentionSignalQuerySet.as_manager()

    class Meta:
        ordering = ["-how_far", "since"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "kind"], name="attention_one_per_kind"),
        ]
        indexes = [
            models.Index(fields=["clinic", "-how_far", "since"], name="attention_by_clinic"),
        ]

    def __str__(self) -> str:
        return f"Needs attention: {self.get_kind_display()}"


# --- Reminder delivery (issue 5) ---------------------------------------------


@bounded_dates
class DigestDelivery(models.Model):
    """One digest mailed to one clinician on one (UTC) day: claimed before the
    mail goes, so a redelivered digest task never mails twice."""

    staff_member = models.ForeignKey(
        "clinic.StaffMember", on_delete=models.CASCADE, related_name="+"
    )
    sent_on = BoundedDateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["staff_member", "sent_on"], name="digest_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"Digest {self.sent_on}"
