"""Treatment plans with their goals and in-clinic interventions."""

from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from clinic.dates import BoundedDateField, FreeTextField, bounded_dates
from clinic.models import ClinicScopedQuerySet, StaffMember
from patients.models import Patient
from programmes.models.templates import ProgrammeTemplate

if TYPE_CHECKING:
    from programmes.models.versions import ProgrammeVersion


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    # A red flag at a home check-in, or a clinician by hand (issue 13): no
    # exercises, reminders or calendar sessions until a clinician resumes it.
    PAUSED = "paused", "Paused"
    COMPLETED = "completed", "Completed"
    DISCONTINUED = "discontinued", "Discontinued"


class TreatmentPlanQuerySet(ClinicScopedQuerySet):
    """Plans are clinical content: reception sees none."""

    def active(self) -> TreatmentPlanQuerySet:
        return self.filter(status=PlanStatus.ACTIVE)


@bounded_dates
class TreatmentPlan(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="treatment_plans")
    assessment = models.ForeignKey(
        "assessments.Assessment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="treatment_plans",
        help_text="The assessment this plan answers.",
    )
    template = models.ForeignKey(
        ProgrammeTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    clinician = models.ForeignKey(
        StaffMember, null=True, on_delete=models.SET_NULL, related_name="treatment_plans"
    )
    title = models.CharField(max_length=160)
    working_diagnosis = FreeTextField(blank=True, default="")
    status = models.CharField(max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    start_on = BoundedDateField(help_text="First day of the home programme.")
    review_on = BoundedDateField(null=True, blank=True)
    pain_rule = FreeTextField(blank=True, default="")
    progression_criteria = FreeTextField(blank=True, default="")
    activated_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TreatmentPlanQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["patient", "status"], name="plan_patient_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(review_on__isnull=True) | Q(review_on__gte=models.F("start_on")),
                name="plan_review_after_start",
                violation_error_message="The review date cannot be before the start date.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_paused(self) -> bool:
        return self.status == PlanStatus.PAUSED

    def open_pause(self) -> PlanPause | None:
        return self.pauses.filter(ended_on__isnull=True).order_by("-paused_at").first()

    @property
    def is_editable(self) -> bool:
        return self.status in (PlanStatus.DRAFT, PlanStatus.ACTIVE)

    def current_version(self) -> ProgrammeVersion | None:
        """The version being edited (draft) or in force (active), the latest."""
        return self.versions.order_by("-number").first()

    def version_on(self, day: date) -> ProgrammeVersion | None:
        """The published version in force on ``day`` (None before activation)."""
        return self.versions.in_force_on(day).first()

    def sessions_prescribed(self, start: date, end: date) -> int:
        """Sessions prescribed from ``start`` to ``end`` inclusive, over every
        published version (each counts only on the days it was in force)."""
        return sum(v.sessions_prescribed(start, end) for v in self.versions.published())


# Dates a pause may carry: a plan paused before 2000 or after 2100 is a typo.
PAUSE_DATE_MIN = date(2000, 1, 1)
PAUSE_DATE_MAX = date(2100, 12, 31)
PAUSE_TEXT_MAX = 4000


class PauseSource(models.TextChoices):
    CHECK_IN = "check_in", "Red flag reported at a home check-in"
    BY_HAND = "by_hand", "Paused by a clinician"


@bounded_dates
class PlanPause(models.Model):
    """One pause of a plan's home programme (issue 13). While it lasts the plan
    is ``PAUSED``: Today shows advice instead of exercises, no reminders are
    planned or sent, the calendar feed has no sessions, and the adherence rule
    prescribes nothing on the paused days (``started_on`` <= day < ``ended_on``,
    patient-local; an open pause has no ``ended_on``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(TreatmentPlan, on_delete=models.CASCADE, related_name="pauses")
    source = models.CharField(max_length=20, choices=PauseSource.choices)
    reason = models.TextField(max_length=PAUSE_TEXT_MAX)
    started_on = BoundedDateField(
        help_text="First paused day (patient-local).",
        validators=[MinValueValidator(PAUSE_DATE_MIN), MaxValueValidator(PAUSE_DATE_MAX)],
    )
    ended_on = BoundedDateField(
        null=True,
        blank=True,
        help_text="First day the programme runs again (exclusive end).",
        validators=[MinValueValidator(PAUSE_DATE_MIN), MaxValueValidator(PAUSE_DATE_MAX)],
    )
    paused_at = models.DateTimeField()
    paused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    check_in_id = models.UUIDField(
        null=True, blank=True, help_text="The check-in that paused it (tracking.CheckIn)."
    )
    resumed_at = models.DateTimeField(null=True, blank=True)
    resumed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resume_note = models.TextField(max_length=PAUSE_TEXT_MAX, blank=True, default="")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-paused_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(started_on__gte=PAUSE_DATE_MIN, started_on__lte=PAUSE_DATE_MAX)
                & (
                    Q(ended_on__isnull=True)
                    | Q(ended_on__gte=models.F("started_on"), ended_on__lte=PAUSE_DATE_MAX)
                ),
                name="planpause_dates_bounded",
                violation_error_message="Pause dates must be in order and between 2000 and 2100.",
            ),
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(ended_on__isnull=True),
                name="planpause_one_open_per_plan",
            ),
        ]

    def __str__(self) -> str:
        return f"Paused from {self.started_on}"

    def covers(self, day: date) -> bool:
        return self.started_on <= day and (self.ended_on is None or day < self.ended_on)


class GoalTerm(models.TextChoices):
    SHORT = "short", "Short term"
    LONG = "long", "Long term"


@bounded_dates
class PlanGoal(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(TreatmentPlan, on_delete=models.CASCADE, related_name="goals")
    term = models.CharField(max_length=10, choices=GoalTerm.choices)
    description = models.CharField(max_length=300)
    instrument_code = models.CharField(
        max_length=30, blank=True, default="", help_text="E.g. LEFS; or use a free measure."
    )
    free_measure = models.CharField(
        max_length=120, blank=True, default="", help_text="E.g. pain-free walking (minutes)."
    )
    target_value = models.DecimalField(max_digits=8, decimal_places=2)
    target_on = BoundedDateField()
    achieved_on = BoundedDateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["term", "target_on"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(instrument_code="") | ~Q(free_measure=""),
                name="goal_is_measurable",
                violation_error_message="Give an instrument or a free measure for the goal.",
            ),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def measure(self) -> str:
        return self.instrument_code or self.free_measure


class InterventionKind(models.TextChoices):
    MANUAL = "manual", "Manual therapy"
    EXERCISE = "exercise", "Exercise therapy"
    MODALITIES = "modalities", "Modalities"
    EDUCATION = "education", "Education"
    GAIT = "gait", "Gait training"


class PlanIntervention(models.Model):
    """An in-clinic intervention with its planned frequency."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(TreatmentPlan, on_delete=models.CASCADE, related_name="interventions")
    kind = models.CharField(max_length=20, choices=InterventionKind.choices)
    description = models.CharField(max_length=300, blank=True, default="")
    sessions_per_week = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(7)]
    )
    weeks = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(104)]
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sessions_per_week__gte=1, sessions_per_week__lte=7),
                name="intervention_frequency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.sessions_per_week}x/week for {self.weeks} weeks"
