"""Everything the FHIR resources of one patient are built from, loaded with a
fixed number of queries whatever the size of the record (query budget tested in
tests/fhir/test_api.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Prefetch

from assessments.models import OutcomeResponse, RedFlagEvent
from patients.models import Patient
from programmes.models import PlanGoal, Prescription, ProgrammeVersion, TreatmentPlan
from tracking.adherence import adherence_days, percent_of, week_start_of
from tracking.models import CheckIn


@dataclass(frozen=True)
class WeekAdherence:
    week_start: date
    prescribed: int
    completed: int
    threshold_percent: int
    complete_week: bool  # False for the week still running

    @property
    def percent(self):
        return percent_of(self.completed, self.prescribed)

    @property
    def week_end(self) -> date:
        return self.week_start + timedelta(days=6)


@dataclass
class PatientRecord:
    patient: Patient
    today: date
    plans: list[TreatmentPlan] = field(default_factory=list)
    # plan id -> the version in force today (active), else the latest version
    versions: dict = field(default_factory=dict)
    goals: list[PlanGoal] = field(default_factory=list)
    red_flags: list[RedFlagEvent] = field(default_factory=list)
    responses: list[OutcomeResponse] = field(default_factory=list)
    check_ins: list[CheckIn] = field(default_factory=list)
    adherence: list[WeekAdherence] = field(default_factory=list)

    @property
    def staff(self) -> list:
        """The staff members the record names (assigned clinician, plan and
        assessment clinicians), once each."""
        seen: dict = {}
        candidates = [self.patient.assigned_clinician]
        candidates += [plan.clinician for plan in self.plans]
        candidates += [r.assessment.clinician for r in self.responses if r.assessment is not None]
        for member in candidates:
            if member is not None:
                seen.setdefault(member.pk, member)
        return list(seen.values())


def patient_queryset():
    return Patient.objects.select_related("clinic", "assigned_clinician__user")


def load_record(patient: Patient) -> PatientRecord:
    """Queries: plans (with clinician and assessment), versions, prescriptions
    (with exercises), goals, red flags (with resolutions), outcome responses
    (with the assessment's clinician), check-ins, and the adherence rule's three
    (published versions, their prescriptions, session logs): 10."""
    record = PatientRecord(patient=patient, today=patient.local_today())
    record.plans = list(
        TreatmentPlan.objects.filter(patient=patient)
        .select_related("clinician__user", "assessment")
        .order_by("created_at")
    )
    versions = (
        ProgrammeVersion.objects.filter(plan__patient=patient)
        .order_by("plan_id", "number")
        .prefetch_related(
            Prefetch(
                "prescriptions",
                queryset=Prescription.objects.select_related("exercise").order_by(
                    "phase", "order", "id"
                ),
            )
        )
    )
    for version in versions:
        current = record.versions.get(version.plan_id)
        # The version in force today wins; otherwise the latest one (a draft's
        # unpublished version 1, or the last version of an ended plan).
        if current is None or not current.in_force_on(record.today):
            record.versions[version.plan_id] = version
    record.goals = list(
        PlanGoal.objects.filter(plan__patient=patient).order_by("plan_id", "term", "target_on")
    )
    record.red_flags = list(
        RedFlagEvent.objects.filter(patient=patient).select_related("resolution")
    )
    record.responses = list(
        OutcomeResponse.objects.filter(patient=patient)
        .select_related("assessment__clinician__user")
        .order_by("assessed_on", "created_at")
    )
    record.check_ins = list(CheckIn.objects.filter(patient=patient).order_by("checked_on"))
    record.adherence = _weekly_adherence(record)
    return record


def _weekly_adherence(record: PatientRecord) -> list[WeekAdherence]:
    """Sessions prescribed and completed per patient-local week (Monday to
    Sunday), by the adherence rule of tracking.adherence, from the first day
    a programme was in force to today."""
    # Days before a version is in force count nothing, so starting at the
    # earliest activated plan's start is enough.
    starts = [p.start_on for p in record.plans if p.activated_at is not None]
    if not starts:
        return []
    first = min(starts)
    if first > record.today:
        return []
    weeks: dict[date, list[int]] = {}
    for day in adherence_days(record.patient, week_start_of(first), record.today):
        totals = weeks.setdefault(week_start_of(day.day), [0, 0])
        totals[0] += day.prescribed
        totals[1] += day.completed
    threshold = record.patient.clinic.adherence_threshold_percent
    this_week = week_start_of(record.today)
    return [
        WeekAdherence(
            week_start=start,
            prescribed=prescribed,
            completed=completed,
            threshold_percent=threshold,
            complete_week=start < this_week,
        )
        for start, (prescribed, completed) in sorted(weeks.items())
        if prescribed or completed
    ]
