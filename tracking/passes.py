"""The nightly passes over patients, run in chunks by ``clinic.passes``:
weekly adherence snapshots and the alert rules. Each patient's work is
idempotent (update-or-create; raise only if none is open), so a chunk that
runs twice changes nothing."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from clinic.passes import PassSpec, register_pass
from patients.models import Patient, Status
from programmes.models import PlanStatus, TreatmentPlan
from tracking.adherence import SNAPSHOT_WEEKS_BACK, adherence_snapshot_week, week_start_of
from tracking.alert_rules import alerts_evaluate_patient
from tracking.progression import proposals_refresh_patient

ADHERENCE_SNAPSHOTS = "adherence_snapshots"
ALERTS_EVALUATE = "alerts_evaluate"


def _with_active_plan() -> QuerySet[Patient]:
    return Patient.objects.filter(
        Exists(TreatmentPlan.objects.filter(patient=OuterRef("pk"), status=PlanStatus.ACTIVE))
    ).select_related("clinic")


def local_day(patient: Patient, now: datetime) -> date:
    """The patient's local date at the run's start (the same day on a re-run)."""
    return timezone.localtime(now, ZoneInfo(patient.time_zone)).date()


def snapshot_patient(patient: Patient, now: datetime) -> int:
    """The last complete weeks' snapshots of one patient (late logs are caught)."""
    this_week = week_start_of(local_day(patient, now))
    for back in range(1, SNAPSHOT_WEEKS_BACK + 1):
        adherence_snapshot_week(patient=patient, week_start=this_week - timedelta(weeks=back))
    return SNAPSHOT_WEEKS_BACK


def evaluate_patient(patient: Patient, now: datetime) -> int:
    """The alert rules, and the stored progression proposals the caseload lists (issue
    14: refreshed nightly too, so a changed clinic setting or programme is caught)."""
    proposals_refresh_patient(patient)
    return len(alerts_evaluate_patient(patient, today=local_day(patient, now)))


register_pass(
    PassSpec(
        name=ADHERENCE_SNAPSHOTS,
        label="Adherence snapshots",
        eligible=_with_active_plan,
        run_patient=snapshot_patient,
    )
)
register_pass(
    PassSpec(
        name=ALERTS_EVALUATE,
        label="Alert rules",
        eligible=lambda: _with_active_plan().filter(status=Status.ACTIVE),
        run_patient=evaluate_patient,
    )
)
