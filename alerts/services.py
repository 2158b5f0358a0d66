"""Clinician alerts: raise idempotently, acknowledge, resolve, snooze; the
"needs attention" signals (issue 22)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from alerts.models import (
    EVENT_KINDS,
    PROGRAMME_KINDS,
    SNOOZE_MAX_DAYS,
    Alert,
    AlertKind,
    AlertStatus,
    AlertUrgency,
    AttentionSignal,
)
from patients.models import Patient


def alert_raise(
    *, patient: Patient, kind: AlertKind, urgency: AlertUrgency, summary: str
) -> Alert | None:
    """The unresolved alert of this kind for the patient, created if there is none.

    No repeat noise (issue 22): for a condition (pain, outcome, adherence, no
    logs), when the latest alert of the kind was resolved and the condition has
    not cleared since (``alert_condition_cleared``), nothing is raised and None
    is returned. Red flags and failed reminders (``EVENT_KINDS``) raise every time.

    Safe under concurrency: the partial unique constraint decides, and the loser
    of a race reads the winner's row."""
    latest = (
        Alert.objects.filter(patient=patient, kind=kind)
        .order_by("-raised_at")
        .only("id", "status", "condition_cleared_at", "patient_id", "clinic_id", "kind")
        .first()
    )
    if latest is not None and latest.status != AlertStatus.RESOLVED:
        return Alert.objects.get(pk=latest.pk)
    if latest is not None and kind not in EVENT_KINDS and latest.condition_cleared_at is None:
        return None  # resolved, and the condition never went away
    try:
        with transaction.atomic():
            return Alert.objects.create(
                patient=patient,
                clinic_id=patient.clinic_id,
                kind=kind,
                urgency=urgency,
                summary=summary[:300],
            )
    except IntegrityError:
        return Alert.objects.unresolved().get(patient=patient, kind=kind)


def alert_condition_cleared(*, patient: Patient, kind: AlertKind) -> None:
    """The rule found the condition gone: a resolved alert of the kind may be
    raised again when it comes back, and a "needs attention" signal ends."""
    Alert.objects.filter(
        patient=patient, kind=kind, status=AlertStatus.RESOLVED, condition_cleared_at__isnull=True
    ).update(condition_cleared_at=timezone.now())
    if kind in PROGRAMME_KINDS:
        AttentionSignal.objects.filter(patient=patient, kind=kind).delete()


def attention_signal(
    *, patient: Patient, kind: AlertKind, how_far: Decimal, summary: str, today: date
) -> AttentionSignal:
    """Record (or refresh) that the patient needs attention; ``since`` stays the
    first day the condition was seen."""
    signal, _ = AttentionSignal.objects.update_or_create(
        patient=patient,
        kind=kind,
        defaults={"clinic_id": patient.clinic_id, "how_far": how_far, "summary": summary[:300]},
        create_defaults={
            "clinic_id": patient.clinic_id,
            "how_far": how_far,
            "summary": summary[:300],
            "since": today,
        },
    )
    return signal


def alert_acknowledge(*, alert: Alert, by: User) -> Alert:
    if alert.status == AlertStatus.OPEN:
        alert.status = AlertStatus.ACKNOWLEDGED
        alert.acknowledged_at = timezone.now()
        alert.acknowledged_by = by
        alert.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
    return alert


def alert_resolve(*, alert: Alert, by: User | None, note: str = "") -> Alert:
    if alert.status != AlertStatus.RESOLVED:
        alert.status = AlertStatus.RESOLVED
        alert.resolved_at = timezone.now()
        alert.resolved_by = by
        alert.resolution_note = note[:300]
        alert.save(update_fields=["status", "resolved_at", "resolved_by", "resolution_note"])
    return alert


class SnoozeError(ValueError):
    pass


def alert_snooze(*, alert: Alert, by: User, days: int, reason: str) -> Alert:
    """Out of the open list for 1 to 30 days; a reason is required."""
    reason = reason.strip()
    if not 1 <= days <= SNOOZE_MAX_DAYS:
        raise SnoozeError(f"Snooze for 1 to {SNOOZE_MAX_DAYS} days.")
    if not reason:
        raise SnoozeError("Give a reason for snoozing the alert.")
    if alert.status == AlertStatus.RESOLVED:
        raise SnoozeError("A resolved alert cannot be snoozed.")
    alert.snoozed_until = timezone.now() + timedelta(days=days)
    alert.snooze_reason = reason[:4000]
    alert.save(update_fields=["snoozed_until", "snooze_reason"])
    return alert


CLOSED_NOTE = "Closed automatically: the patient has no active programme ({why})."


def programme_alerts_close(*, patient: Patient, why: str) -> int:
    """Close the programme alerts (adherence, no logs) and signals of a patient
    with no active plan (discharged, or the plan completed or discontinued).
    Red flags, pain and worse outcomes stay open: they are not about the plan."""
    closed = 0
    for alert in Alert.objects.unresolved().filter(patient=patient, kind__in=PROGRAMME_KINDS):
        alert_resolve(alert=alert, by=None, note=CLOSED_NOTE.format(why=why))
        closed += 1
    AttentionSignal.objects.filter(patient=patient).delete()
    return closed
