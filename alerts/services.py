"""Clinician alerts: raise idempotently, acknowledge, resolve (issue 5 adds the rules)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from alerts.models import Alert, AlertKind, AlertStatus, AlertUrgency
from patients.models import Patient


def alert_raise(*, patient: Patient, kind: AlertKind, urgency: AlertUrgency, summary: str) -> Alert:
    """The unresolved alert of this kind for the patient, created if there is none.

    Safe under concurrency: the partial unique constraint decides, and the loser
    of a race reads the winner's row."""
    existing = Alert.objects.unresolved().filter(patient=patient, kind=kind).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Alert.objects.create(
                patient=patient, kind=kind, urgency=urgency, summary=summary[:300]
            )
    except IntegrityError:
        return Alert.objects.unresolved().get(patient=patient, kind=kind)


def alert_acknowledge(*, alert: Alert, by: User) -> Alert:
    if alert.status == AlertStatus.OPEN:
        alert.status = AlertStatus.ACKNOWLEDGED
        alert.acknowledged_at = timezone.now()
        alert.acknowledged_by = by
        alert.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
    return alert


def alert_resolve(*, alert: Alert, by: User, note: str = "") -> Alert:
    if alert.status != AlertStatus.RESOLVED:
        alert.status = AlertStatus.RESOLVED
        alert.resolved_at = timezone.now()
        alert.resolved_by = by
        alert.resolution_note = note[:300]
        alert.save(update_fields=["status", "resolved_at", "resolved_by", "resolution_note"])
    return alert
