"""Clinician alerts: something about a patient a clinician should look at."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from clinic.dates import BoundedDateField, bounded_dates
from clinic.models import ClinicScopedQuerySet
from patients.models import Patient


class AlertKind(models.TextChoices):
    RED_FLAG_REPORTED = "red_flag_reported", "Red-flag symptoms reported by the patient"
    LOW_ADHERENCE = "low_adherence", "Adherence below threshold (7 days)"
    NO_LOGS = "no_logs", "No exercise logged recently"
    PAIN_HIGH = "pain_high", "Pain 7 or more, or 2 points above baseline"
    OUTCOME_WORSE = "outcome_worse", "Outcome score worse by its MCID"
    REMINDER_FAILED = "reminder_failed", "Reminder could not be delivered"


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


class AlertQuerySet(ClinicScopedQuerySet):
    """Alerts about patients the user may see clinically (not reception)."""

    def unresolved(self) -> AlertQuerySet:
        return self.filter(status__in=OPEN_ALERT_STATUSES)


class Alert(models.Model):
    """Something a clinician should look at. At most one unresolved alert per
    kind and patient (a partial unique constraint), so raising is idempotent."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="alerts")
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
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"


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
