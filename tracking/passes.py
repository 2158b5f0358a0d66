"""The nightly passes over patients, run in chunks by ``clinic.passes``:
weekly adherence snapshots and the alert rules. Each patient's work is
idempotent (update-or-create; raise only if none is open), so a chunk that
runs twice changes nothing."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from clinic.passes import PassSpec, register_pass
from patients.models import Patient, Status
from programmes.models import PlanStatus, TreatmentPlan
from tracking.adherence import adherence_snapshot_weeks_many, snapshot_weeks
from tracking.alert_rules import alerts_evaluate_many
from tracking.models import PendingProposal
from tracking.progression import proposals_refresh_patients

ADHERENCE_SNAPSHOTS = "adherence_snapshots"
ALERTS_EVALUATE = "alerts_evaluate"
PROGRESSION_PROPOSALS = "progression_proposals"


def _with_active_plan() -> QuerySet[Patient]:
    return Patient.objects.filter(
        Exists(TreatmentPlan.objects.filter(patient=OuterRef("pk"), status=PlanStatus.ACTIVE))
    ).select_related("clinic")


def local_day(patient: Patient, now: datetime) -> date:
    """The patient's local date at the run's start (the same day on a re-run)."""
    return timezone.localtime(now, ZoneInfo(patient.time_zone)).date()


def snapshot_patients(patients: list[Patient], now: datetime) -> int:
    """A chunk's snapshots in a constant number of queries (the fast path); the
    pass falls back to one patient at a time if it fails."""
    return adherence_snapshot_weeks_many(
        patients, {patient.pk: snapshot_weeks(local_day(patient, now)) for patient in patients}
    )


def snapshot_patient(patient: Patient, now: datetime) -> int:
    return snapshot_patients([patient], now)


def evaluate_patients(patients: list[Patient], now: datetime) -> int:
    """A chunk's alert rules in a constant number of queries (the fast path)."""
    found = alerts_evaluate_many(
        patients, {patient.pk: local_day(patient, now) for patient in patients}
    )
    return sum(len(alerts) for alerts in found.values())


def evaluate_patient(patient: Patient, now: datetime) -> int:
    return evaluate_patients([patient], now)


def _with_plan_or_proposals() -> QuerySet[Patient]:
    return Patient.objects.filter(
        Exists(TreatmentPlan.objects.filter(patient=OuterRef("pk"), status=PlanStatus.ACTIVE))
        | Exists(PendingProposal.objects.filter(patient=OuterRef("pk")))
    ).select_related("clinic")


def proposals_patients(patients: list[Patient], now: datetime) -> int:
    """The stored progression proposals the caseload lists (issue 14), refreshed nightly
    too, so a changed clinic setting or programme is caught; ended plans' rows go. A
    chunk in a constant number of queries (the fast path)."""
    return proposals_refresh_patients(patients)


def proposals_patient(patient: Patient, now: datetime) -> int:
    return proposals_patients([patient], now)


register_pass(
    PassSpec(
        name=ADHERENCE_SNAPSHOTS,
        label="Adherence snapshots",
        eligible=_with_active_plan,
        run_patient=snapshot_patient,
        run_bulk=snapshot_patients,
    )
)
register_pass(
    PassSpec(
        name=ALERTS_EVALUATE,
        label="Alert rules",
        eligible=lambda: _with_active_plan().filter(status=Status.ACTIVE),
        run_patient=evaluate_patient,
        run_bulk=evaluate_patients,
    )
)
register_pass(
    PassSpec(
        name=PROGRESSION_PROPOSALS,
        label="Progression proposals",
        eligible=_with_plan_or_proposals,
        run_patient=proposals_patient,
        run_bulk=proposals_patients,
    )
)
