"""Clinician alerts: raise idempotently, acknowledge, resolve, snooze; the
"needs attention" signals (issue 22)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Q
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


def _raise_decision(latest: Alert | None, kind: str) -> str:
    """What raising ``kind`` does given the patient's latest alert of the kind:
    "open" (that unresolved alert is the answer), "quiet" (resolved and the
    condition never cleared: no repeat noise, issue 22) or "new"."""
    if latest is not None and latest.status != AlertStatus.RESOLVED:
        return "open"
    if latest is not None and kind not in EVENT_KINDS and latest.condition_cleared_at is None:
        return "quiet"
    return "new"


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
    decision = _raise_decision(latest, kind)
    if decision == "open":
        assert latest is not None
        alert = Alert.objects.get(pk=latest.pk)
        if _escalate(alert, urgency, summary):
            alert.save(update_fields=["urgency", "summary"])
        return alert
    if decision == "quiet":
        return None
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


def _escalate(alert: Alert, urgency: int, summary: str) -> bool:
    """An open alert raised again with a more urgent finding (new weakness on top
    of a worsening sciatica, say) takes the new urgency and summary: it must sort
    and notify as the worse finding does. Never made less urgent here. Changes
    the alert in memory (``alert_raise`` and ``findings_apply`` store it each in
    their way); True when it changed."""
    if urgency < alert.urgency:
        alert.urgency, alert.summary = urgency, summary[:300]
        return True
    return False


def _pairs(pairs: list[tuple[UUID, str]]) -> Q:
    """(patient id, kind) pairs as one filter (one OR term per kind)."""
    by_kind: dict[str, list[UUID]] = defaultdict(list)
    for patient_id, kind in pairs:
        by_kind[kind].append(patient_id)
    query = Q(pk__in=[])
    for kind, ids in by_kind.items():
        query |= Q(kind=kind, patient_id__in=ids)
    return query


def _conditions_cleared(pairs: list[tuple[UUID, str]]) -> None:
    """The rules found these (patient id, kind) conditions gone: two queries."""
    if not pairs:
        return
    Alert.objects.filter(
        _pairs(pairs), status=AlertStatus.RESOLVED, condition_cleared_at__isnull=True
    ).update(condition_cleared_at=timezone.now())
    ended = [(pk, kind) for pk, kind in pairs if kind in PROGRAMME_KINDS]
    if ended:
        AttentionSignal.objects.filter(_pairs(ended)).delete()


def alert_condition_cleared(*, patient: Patient, kind: AlertKind) -> None:
    """The rule found the condition gone: a resolved alert of the kind may be
    raised again when it comes back, and a "needs attention" signal ends."""
    _conditions_cleared([(patient.pk, kind)])


def _signals_record(findings: list[Finding]) -> None:
    """Record (or refresh) that patients need attention, in one upsert;
    ``since`` stays the first day the condition was seen."""
    AttentionSignal.objects.bulk_create(
        [
            AttentionSignal(
                patient_id=f.patient.pk,
                clinic_id=f.patient.clinic_id,
                kind=f.kind,
                how_far=f.how_far or Decimal(0),
                summary=f.summary[:300],
                since=f.today,
            )
            for f in findings
        ],
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["patient", "kind"],
        update_fields=["clinic", "how_far", "summary", "updated_at"],
    )


SIGNAL_NOTE = 'Closed automatically: shown as "needs attention" on the caseload instead.'


def _alerts_now_signals(pairs: list[tuple[UUID, str]]) -> None:
    """Open alerts of a condition the clinic now sees as a "needs attention"
    signal (raised before issue 22, or before the clinic turned alerts for it
    off) close with a note, history kept; one query when there are none."""
    alerts = list(Alert.objects.unresolved().filter(_pairs(pairs)))
    if not alerts:
        return
    now = timezone.now()
    # Not a clinician's triage: the alert may come back at once should the
    # clinic turn these back into alerts (``condition_cleared_at``).
    closed = {
        "status": AlertStatus.RESOLVED,
        "resolved_at": now,
        "resolution_note": SIGNAL_NOTE,
        "condition_cleared_at": now,
    }
    Alert.objects.filter(pk__in=[a.pk for a in alerts]).update(**closed)
    for alert in alerts:
        for name, value in closed.items():
            setattr(alert, name, value)
    Alert.history.bulk_history_create(alerts, update=True)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Finding:
    """What a rule found for one patient and kind: a condition to raise (an
    alert, or a "needs attention" signal when ``how_far`` is given) or, with
    ``cleared``, a condition gone."""

    patient: Patient
    kind: str
    today: date
    urgency: int = AlertUrgency.ROUTINE
    summary: str = ""
    how_far: Decimal | None = None
    cleared: bool = False


def findings_apply(findings: list[Finding]) -> dict[UUID, list[Alert]]:
    """Apply many patients' findings in a constant number of queries (the
    nightly pass; one patient's evaluation calls it too): conditions cleared,
    signals recorded, alerts raised by the same decision as ``alert_raise``.
    Patient id -> the alerts raised or already open, in the findings' order."""
    _conditions_cleared([(f.patient.pk, f.kind) for f in findings if f.cleared])
    signals = [f for f in findings if not f.cleared and f.how_far is not None]
    if signals:
        _signals_record(signals)
        _alerts_now_signals([(f.patient.pk, f.kind) for f in signals])
    raises = [f for f in findings if not f.cleared and f.how_far is None]
    found: dict[UUID, list[Alert]] = defaultdict(list)
    if not raises:
        return found
    latest = {
        (a.patient_id, a.kind): a
        for a in Alert.objects.filter(_pairs([(f.patient.pk, f.kind) for f in raises]))
        .order_by("patient_id", "kind", "-raised_at")
        .distinct("patient_id", "kind")
    }
    answer: dict[tuple[UUID, str], Alert] = {}
    new: list[Alert] = []
    escalated: dict[UUID, Alert] = {}
    for f in raises:
        key = (f.patient.pk, f.kind)
        decision = _raise_decision(latest.get(key), f.kind)
        if decision == "open":
            answer[key] = latest[key]
            if _escalate(latest[key], f.urgency, f.summary):
                escalated[latest[key].pk] = latest[key]
        elif decision == "new":
            alert = Alert(
                patient=f.patient,
                clinic_id=f.patient.clinic_id,
                kind=f.kind,
                urgency=f.urgency,
                summary=f.summary[:300],
            )
            new.append(alert)
            answer[key] = alert
    if escalated:
        changed = list(escalated.values())
        Alert.objects.bulk_update(changed, ["urgency", "summary"])
        Alert.history.bulk_history_create(changed, update=True)  # type: ignore[attr-defined]
    if new:
        # The partial unique constraint decides a race; the loser reads the winner.
        Alert.objects.bulk_create(new, ignore_conflicts=True)
        stored = set(Alert.objects.filter(pk__in=[a.pk for a in new]).values_list("pk", flat=True))
        Alert.history.bulk_history_create([a for a in new if a.pk in stored])  # type: ignore[attr-defined]
        lost = [(a.patient_id, a.kind) for a in new if a.pk not in stored]
        if lost:
            for alert in Alert.objects.unresolved().filter(_pairs(lost)):
                answer[(alert.patient_id, alert.kind)] = alert
    for f in raises:
        if (f.patient.pk, f.kind) in answer:
            found[f.patient.pk].append(answer[(f.patient.pk, f.kind)])
    return found


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
