"""Exercise library, condition templates, treatment plans and versioned
home-exercise programmes (issue 4). Reminders, session logs and adherence
(issue 5) build on ``ProgrammeVersion`` and ``Prescription``.

Clinical dosage content lives in ``programmes/library_data.py`` with SPEC
source ids; the rules here are structural (validation, versions, counting).
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from django.conf import settings
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from clinic.models import Clinic, ClinicScopedQuerySet, StaffMember, visible_clinic_ids
from patients.models import Patient

# --- Limits with the messages the forms show (issue 4 "validation") ---
SETS_MIN, SETS_MAX = 1, 10
REPS_MIN, REPS_MAX = 1, 100
HOLD_MAX_S = 600
DURATION_MAX_MIN = 240
SESSIONS_PER_DAY_MAX = 6

WEEKDAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
EVERY_DAY = 0b1111111


def days_mask(days) -> int:
    """Bit mask from weekday numbers (Monday = 0, as ``date.weekday()``)."""
    mask = 0
    for day in days:
        mask |= 1 << int(day)
    return mask


def days_list(mask: int) -> list[int]:
    return [d for d in range(7) if mask & (1 << d)]


def days_label(mask: int) -> str:
    if mask == EVERY_DAY:
        return "Every day"
    return ", ".join(WEEKDAY_NAMES[d] for d in days_list(mask)) or "No days"


class BodyRegion(models.TextChoices):
    LUMBAR = "lumbar", "Lower back and nerve"
    HIP = "hip", "Hip and buttock"
    THIGH = "thigh", "Thigh"
    KNEE = "knee", "Knee"
    LOWER_LEG = "lower_leg", "Calf and shin"
    ANKLE = "ankle", "Ankle"
    FOOT = "foot", "Foot and heel"
    WHOLE = "whole", "Whole body"


class Category(models.TextChoices):
    STRENGTH = "strength", "Strength"
    STRETCH = "stretch", "Stretch"
    MOBILITY = "mobility", "Mobility"
    NEURAL = "neural", "Neural"
    AEROBIC = "aerobic", "Aerobic"
    BALANCE = "balance", "Balance"


class Difficulty(models.IntegerChoices):
    EASY = 1, "Easy"
    MODERATE = 2, "Moderate"
    HARD = 3, "Hard"


class Side(models.TextChoices):
    BOTH = "both", "Both legs"
    LEFT = "left", "Left"
    RIGHT = "right", "Right"
    AFFECTED = "affected", "Affected leg"


def _dose_text(*, sets, reps, hold_s, duration_min, sessions_per_day=None, days=None) -> str:
    parts = []
    if duration_min:
        parts.append(f"{sets} x {duration_min} min" if sets > 1 else f"{duration_min} min")
    elif reps and hold_s:
        parts.append(f"{sets} x {reps} reps, hold {hold_s} s")
    elif reps:
        parts.append(f"{sets} x {reps} reps")
    elif hold_s:
        parts.append(f"{sets} x hold {hold_s} s")
    if sessions_per_day:
        parts.append(f"{sessions_per_day}x a day")
    if days is not None:
        parts.append(days_label(days))
    return ", ".join(parts)


# ---------------------------------------------------------------------------
# Exercise library
# ---------------------------------------------------------------------------


class ExerciseQuerySet(models.QuerySet):
    def for_user(self, user) -> ExerciseQuerySet:
        """The shipped library plus the user's clinics' own exercises (staff only)."""
        ids = visible_clinic_ids(user)
        if ids is None:
            return self
        if not ids:
            return self.none()
        return self.filter(Q(clinic__isnull=True) | Q(clinic_id__in=ids))

    def shipped(self) -> ExerciseQuerySet:
        return self.filter(clinic__isnull=True)

    def search(self, text: str) -> ExerciseQuerySet:
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(
            Q(name__icontains=text) | Q(equipment__icontains=text) | Q(slug__icontains=text)
        )


class Exercise(models.Model):
    """One exercise. ``clinic`` is null for the shipped library (read-only, kept
    in step by ``library_sync``); a clinic's own exercises are visible to that
    clinic only."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinic = models.ForeignKey(
        Clinic,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="exercises",
        help_text="Empty for the shipped library.",
    )
    slug = models.SlugField(max_length=80)
    name = models.CharField(max_length=120)
    body_region = models.CharField(max_length=20, choices=BodyRegion.choices)
    category = models.CharField(max_length=20, choices=Category.choices)
    difficulty = models.PositiveSmallIntegerField(
        choices=Difficulty.choices, default=Difficulty.EASY
    )
    equipment = models.CharField(max_length=200, blank=True, default="")
    # Default dosage, copied into a prescription when the exercise is added.
    default_sets = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(SETS_MIN), MaxValueValidator(SETS_MAX)]
    )
    default_reps = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(REPS_MIN), MaxValueValidator(REPS_MAX)],
    )
    default_hold_s = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(HOLD_MAX_S)]
    )
    default_duration_min = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(DURATION_MAX_MIN)],
    )
    # For the patient.
    patient_steps = models.TextField(help_text="One step per line; shown numbered.")
    patient_feel = models.TextField("what you should feel", blank=True, default="")
    patient_stop = models.TextField("when to stop", blank=True, default="")
    # For the clinician (never on the patient handout).
    clinician_aim = models.TextField("aim", blank=True, default="")
    clinician_cues = models.TextField("cues", blank=True, default="")
    contraindications = models.TextField(blank=True, default="")
    image = models.FileField(
        upload_to="exercises/",
        blank=True,
        validators=[FileExtensionValidator(["png", "jpg", "jpeg", "webp", "gif", "svg"])],
    )
    image_url = models.URLField("image link", blank=True, default="")
    video_url = models.URLField("video link", blank=True, default="")
    licence = models.CharField(max_length=120, blank=True, default="")
    author = models.CharField(max_length=120, blank=True, default="")
    source = models.CharField(max_length=300, blank=True, default="")
    progression = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="regressed_from",
        help_text="The next harder exercise.",
    )
    regression = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="progressed_from",
        help_text="The next easier exercise.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ExerciseQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug"], condition=Q(clinic__isnull=True), name="exercise_shipped_slug"
            ),
            models.UniqueConstraint(
                fields=["clinic", "slug"],
                condition=Q(clinic__isnull=False),
                name="exercise_clinic_slug",
            ),
            models.CheckConstraint(
                condition=Q(default_sets__gte=SETS_MIN, default_sets__lte=SETS_MAX),
                name="exercise_default_sets_range",
            ),
        ]
        indexes = [models.Index(fields=["category", "body_region"], name="exercise_cat_region")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_shipped(self) -> bool:
        return self.clinic_id is None

    @property
    def steps(self) -> list[str]:
        return [line.strip() for line in self.patient_steps.splitlines() if line.strip()]

    @property
    def picture_url(self) -> str:
        return self.image.url if self.image else self.image_url

    @property
    def default_dosage(self) -> str:
        return _dose_text(
            sets=self.default_sets,
            reps=self.default_reps,
            hold_s=self.default_hold_s,
            duration_min=self.default_duration_min,
        )


# ---------------------------------------------------------------------------
# Condition templates (SPEC section 4)
# ---------------------------------------------------------------------------


class ProgrammeTemplateQuerySet(models.QuerySet):
    def for_user(self, user) -> ProgrammeTemplateQuerySet:
        """Shipped templates plus the user's clinics' own (staff only)."""
        ids = visible_clinic_ids(user)
        if ids is None:
            return self
        if not ids:
            return self.none()
        return self.filter(Q(clinic__isnull=True) | Q(clinic_id__in=ids))


class ProgrammeTemplate(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinic = models.ForeignKey(
        Clinic, null=True, blank=True, on_delete=models.CASCADE, related_name="programme_templates"
    )
    slug = models.SlugField(max_length=80)
    name = models.CharField(max_length=160)
    condition = models.CharField(max_length=160)
    summary = models.TextField(blank=True, default="")
    duration_weeks = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(104)]
    )
    pain_rule = models.TextField()
    progression_criteria = models.TextField(blank=True, default="")
    sources = models.CharField(
        max_length=200, blank=True, default="", help_text="SPEC source ids, e.g. S81, S82."
    )
    awaiting_clinical_review = models.BooleanField(
        default=False,
        help_text="No sourced dosage: content written for the clinical lead to check (SPEC 4.8).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProgrammeTemplateQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug"], condition=Q(clinic__isnull=True), name="template_shipped_slug"
            ),
            models.UniqueConstraint(
                fields=["clinic", "slug"],
                condition=Q(clinic__isnull=False),
                name="template_clinic_slug",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TemplatePhase(models.Model):
    template = models.ForeignKey(ProgrammeTemplate, on_delete=models.CASCADE, related_name="phases")
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=120)
    start_week = models.PositiveSmallIntegerField(
        default=1, help_text="Week of the programme in which this phase starts (1 = first)."
    )
    duration_weeks = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    progression_criteria = models.TextField(blank=True, default="")

    history = HistoricalRecords()

    class Meta:
        ordering = ["template", "number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="template_phase_number"),
            models.CheckConstraint(condition=Q(start_week__gte=1), name="template_phase_start"),
        ]

    def __str__(self) -> str:
        return f"{self.template}: phase {self.number} ({self.name})"


class TemplateExercise(models.Model):
    phase = models.ForeignKey(TemplatePhase, on_delete=models.CASCADE, related_name="items")
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)
    sets = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(SETS_MIN), MaxValueValidator(SETS_MAX)]
    )
    reps = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(REPS_MIN), MaxValueValidator(REPS_MAX)]
    )
    hold_s = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(HOLD_MAX_S)]
    )
    duration_min = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(DURATION_MAX_MIN)],
    )
    load = models.CharField(max_length=120, blank=True, default="")
    side = models.CharField(max_length=10, choices=Side.choices, default=Side.BOTH)
    sessions_per_day = models.PositiveSmallIntegerField(default=1)
    days_of_week = models.PositiveSmallIntegerField(default=EVERY_DAY)
    notes = models.TextField(blank=True, default="")

    history = HistoricalRecords()

    class Meta:
        ordering = ["phase", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(days_of_week__gte=1, days_of_week__lte=EVERY_DAY),
                name="template_item_days",
            ),
            models.CheckConstraint(
                condition=Q(sets__gte=SETS_MIN, sets__lte=SETS_MAX), name="template_item_sets"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exercise} ({self.dosage})"

    @property
    def dosage(self) -> str:
        return _dose_text(
            sets=self.sets,
            reps=self.reps,
            hold_s=self.hold_s,
            duration_min=self.duration_min,
            sessions_per_day=self.sessions_per_day,
            days=self.days_of_week,
        )


class OutcomeSchedule(models.Model):
    """An outcome measure to collect and when: either ``at_weeks`` (e.g. VISA-A at
    0, 6, 12) or ``every_weeks`` over the programme (e.g. LEFS every 2 weeks).
    Week 0 is the programme's first day. Belongs to a template or to a plan."""

    template = models.ForeignKey(
        ProgrammeTemplate,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="outcomes",
    )
    plan = models.ForeignKey(
        "TreatmentPlan", null=True, blank=True, on_delete=models.CASCADE, related_name="outcomes"
    )
    instrument_code = models.CharField(max_length=30, help_text="E.g. LEFS, VISA-A, NPRS, 6MWT.")
    at_weeks = models.JSONField(default=list, blank=True)
    every_weeks = models.PositiveSmallIntegerField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(template__isnull=False, plan__isnull=True)
                | Q(template__isnull=True, plan__isnull=False),
                name="outcome_template_xor_plan",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument_code} {self.when}"

    @property
    def when(self) -> str:
        if self.every_weeks:
            return f"every {self.every_weeks} weeks"
        return "at week " + ", ".join(str(w) for w in self.at_weeks)

    def weeks(self, duration_weeks: int) -> list[int]:
        if self.every_weeks:
            return list(range(0, duration_weeks + 1, self.every_weeks))
        return sorted(int(w) for w in self.at_weeks)

    def due_dates(self, start_on: date, duration_weeks: int) -> list[date]:
        return [start_on + timedelta(weeks=w) for w in self.weeks(duration_weeks)]


# ---------------------------------------------------------------------------
# Treatment plans
# ---------------------------------------------------------------------------


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    DISCONTINUED = "discontinued", "Discontinued"


class TreatmentPlanQuerySet(ClinicScopedQuerySet):
    """Plans are clinical content: reception sees none."""

    def active(self) -> TreatmentPlanQuerySet:
        return self.filter(status=PlanStatus.ACTIVE)


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
    working_diagnosis = models.TextField(blank=True, default="")
    status = models.CharField(max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    start_on = models.DateField(help_text="First day of the home programme.")
    review_on = models.DateField(null=True, blank=True)
    pain_rule = models.TextField(blank=True, default="")
    progression_criteria = models.TextField(blank=True, default="")
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


class GoalTerm(models.TextChoices):
    SHORT = "short", "Short term"
    LONG = "long", "Long term"


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
    target_on = models.DateField()
    achieved_on = models.DateField(null=True, blank=True)

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


# ---------------------------------------------------------------------------
# The home-exercise programme: versions and prescriptions
# ---------------------------------------------------------------------------


class ProgrammeVersionQuerySet(models.QuerySet):
    def published(self) -> ProgrammeVersionQuerySet:
        return self.filter(valid_from__isnull=False)

    def in_force_on(self, day: date) -> ProgrammeVersionQuerySet:
        """Versions whose range [valid_from, valid_until) holds ``day``, latest first."""
        return (
            self.filter(valid_from__lte=day)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=day))
            .order_by("-number")
        )


class ProgrammeVersion(models.Model):
    """One version of a plan's home programme.

    A draft plan has version 1 unpublished (``valid_from`` null) and edits
    change it in place. Activating publishes it from that day. Editing an
    active programme copies the current version into number + 1, in force from
    that day; the old one ends (``valid_until``, exclusive) and stays readable,
    unchanged, so that session logs that point at it keep their meaning. Two
    edits on one day leave an empty range for the first: it was never in force
    for a whole day and counts no sessions.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(TreatmentPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True, help_text="Exclusive.")
    change_note = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ProgrammeVersionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="version_plan_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="version_number_positive"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=False, valid_until__gte=models.F("valid_from")),
                name="version_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"Version {self.number}"

    @property
    def is_published(self) -> bool:
        return self.valid_from is not None

    def in_force_on(self, day: date) -> bool:
        return (
            self.valid_from is not None
            and self.valid_from <= day
            and (self.valid_until is None or day < self.valid_until)
        )

    def _prescriptions(self) -> list[Prescription]:
        # Use a prefetched list when the caller has one (plan page, reminders).
        cache = getattr(self, "_prefetched_objects_cache", {})
        if "prescriptions" in cache:
            return list(cache["prescriptions"])
        return list(self.prescriptions.all())

    def due_on(self, day: date) -> list[Prescription]:
        """Prescriptions due on ``day`` (a patient-local date), in programme order."""
        if not self.in_force_on(day):
            return []
        return [p for p in self._prescriptions() if p.is_due_on(day)]

    def sessions_on(self, day: date) -> int:
        """Sessions (sittings) on one day: the exercises due that day are done
        together, so the day has as many sessions as the largest
        ``sessions_per_day`` among them. Alfredson: two exercises, twice a day
        = 2 sessions/day, 168 over 12 weeks (SPEC 4.2 [S81])."""
        return max((p.sessions_per_day for p in self.due_on(day)), default=0)

    def sessions_prescribed(self, start: date, end: date) -> int:
        """Sessions prescribed on the days from ``start`` to ``end`` inclusive on
        which this version is in force: the adherence denominator (SPEC 5)."""
        if self.valid_from is None or end < start:
            return 0
        first = max(start, self.valid_from)
        last = end if self.valid_until is None else min(end, self.valid_until - timedelta(days=1))
        prescriptions = self._prescriptions()
        total = 0
        day = first
        while day <= last:
            total += max((p.sessions_per_day for p in prescriptions if p.is_due_on(day)), default=0)
            day += timedelta(days=1)
        return total

    def weekly_load(self, week_start: date | None = None) -> list[dict]:
        """Per weekday: exercises, sessions and working sets due in the week from
        ``week_start`` (default: the version's first week). For the builder."""
        start = week_start or self.valid_from or self.plan.start_on
        prescriptions = self._prescriptions()
        week = []
        for offset in range(7):
            day = start + timedelta(days=offset)
            due = [p for p in prescriptions if p.is_due_on(day)]
            week.append(
                {
                    "day": day,
                    "exercises": len(due),
                    "sessions": max((p.sessions_per_day for p in due), default=0),
                    "sets": sum(p.sets * p.sessions_per_day for p in due),
                    "minutes": sum(
                        (p.duration_min or 0) * p.sets * p.sessions_per_day for p in due
                    ),
                }
            )
        return week


class Prescription(models.Model):
    """One exercise in one programme version, with its exact dosage.

    Time-based exercises are first class: give reps, a hold in seconds (with or
    without reps, e.g. 10 x 10 s) or a duration in minutes (walking)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    version = models.ForeignKey(
        ProgrammeVersion, on_delete=models.CASCADE, related_name="prescriptions"
    )
    # The same prescription across versions (a copy keeps its lineage).
    lineage = models.UUIDField(default=uuid.uuid4, editable=False)
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="prescriptions")
    order = models.PositiveSmallIntegerField(default=0)
    phase = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    phase_name = models.CharField(max_length=120, blank=True, default="")
    sets = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(SETS_MIN), MaxValueValidator(SETS_MAX)]
    )
    reps = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(REPS_MIN), MaxValueValidator(REPS_MAX)]
    )
    hold_s = models.PositiveIntegerField(
        "hold (seconds)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(HOLD_MAX_S)],
    )
    duration_min = models.PositiveIntegerField(
        "duration (minutes)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(DURATION_MAX_MIN)],
    )
    load = models.CharField(max_length=120, blank=True, default="", help_text="E.g. bodyweight.")
    side = models.CharField(max_length=10, choices=Side.choices, default=Side.BOTH)
    sessions_per_day = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(SESSIONS_PER_DAY_MAX)]
    )
    days_of_week = models.PositiveSmallIntegerField(default=EVERY_DAY)
    start_on = models.DateField()
    end_on = models.DateField(null=True, blank=True, help_text="Last day (inclusive).")
    pain_rule = models.TextField(blank=True, default="")
    notes = models.TextField("notes for the patient", blank=True, default="")

    history = HistoricalRecords()

    class Meta:
        ordering = ["version", "phase", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sets__gte=SETS_MIN, sets__lte=SETS_MAX), name="prescription_sets"
            ),
            models.CheckConstraint(
                condition=Q(reps__isnull=True) | Q(reps__gte=REPS_MIN, reps__lte=REPS_MAX),
                name="prescription_reps",
            ),
            models.CheckConstraint(
                condition=Q(hold_s__isnull=True) | Q(hold_s__gte=1, hold_s__lte=HOLD_MAX_S),
                name="prescription_hold",
            ),
            models.CheckConstraint(
                condition=Q(duration_min__isnull=True)
                | Q(duration_min__gte=1, duration_min__lte=DURATION_MAX_MIN),
                name="prescription_duration",
            ),
            models.CheckConstraint(
                condition=Q(reps__isnull=False)
                | Q(hold_s__isnull=False)
                | Q(duration_min__isnull=False),
                name="prescription_has_dose",
                violation_error_message="Give reps, a hold in seconds or a duration in minutes.",
            ),
            models.CheckConstraint(
                condition=Q(duration_min__isnull=True) | Q(reps__isnull=True, hold_s__isnull=True),
                name="prescription_duration_alone",
                violation_error_message="A timed exercise (minutes) has no reps or hold.",
            ),
            models.CheckConstraint(
                condition=Q(sessions_per_day__gte=1, sessions_per_day__lte=SESSIONS_PER_DAY_MAX),
                name="prescription_sessions_per_day",
            ),
            models.CheckConstraint(
                condition=Q(days_of_week__gte=1, days_of_week__lte=EVERY_DAY),
                name="prescription_at_least_one_day",
                violation_error_message="Choose at least one day of the week.",
            ),
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gt=models.F("start_on")),
                name="prescription_end_after_start",
                violation_error_message="The end date must be after the start date.",
            ),
            models.UniqueConstraint(fields=["version", "lineage"], name="prescription_lineage"),
        ]

    def __str__(self) -> str:
        return f"{self.exercise} ({self.dosage})"

    @property
    def days(self) -> list[int]:
        return days_list(self.days_of_week)

    @property
    def days_display(self) -> str:
        return days_label(self.days_of_week)

    @property
    def dose(self) -> str:
        return _dose_text(
            sets=self.sets, reps=self.reps, hold_s=self.hold_s, duration_min=self.duration_min
        )

    @property
    def dosage(self) -> str:
        return _dose_text(
            sets=self.sets,
            reps=self.reps,
            hold_s=self.hold_s,
            duration_min=self.duration_min,
            sessions_per_day=self.sessions_per_day,
            days=self.days_of_week,
        )

    def is_due_on(self, day: date) -> bool:
        return (
            self.start_on <= day
            and (self.end_on is None or day <= self.end_on)
            and bool(self.days_of_week & (1 << day.weekday()))
        )

    def sessions_prescribed(self, start: date, end: date) -> int:
        """Sessions of this one exercise in [start, end], ignoring the version's
        range (for exercise-level adherence)."""
        total, day = 0, max(start, self.start_on)
        last = end if self.end_on is None else min(end, self.end_on)
        while day <= last:
            if self.days_of_week & (1 << day.weekday()):
                total += self.sessions_per_day
            day += timedelta(days=1)
        return total

    def copy_fields(self) -> dict:
        """The fields a new version's copy keeps."""
        return {
            f.attname: getattr(self, f.attname)
            for f in self._meta.concrete_fields
            if f.name not in {"id", "version"}
        }


# --- Home activity: what the patient did, reminder preferences, clinician alerts ---
# Shared by the reminders/adherence work (issue 5) and the portal (issue 6).


class SessionOutcome(models.TextChoices):
    DONE = "done", "Done"
    PARTIAL = "partial", "Partly done"
    SKIPPED = "skipped", "Skipped"


class SkipReason(models.TextChoices):
    PAIN = "pain", "Pain"
    FORGOT = "forgot", "Forgot"
    NO_TIME = "no_time", "No time"
    UNCLEAR = "unclear", "Not sure how to do it"
    NO_EQUIPMENT = "no_equipment", "No equipment"
    OTHER = "other", "Other"


class Difficulty(models.IntegerChoices):
    TOO_EASY = 1, "Too easy"
    EASY = 2, "Easy"
    ABOUT_RIGHT = 3, "About right"
    HARD = 4, "Hard"
    TOO_HARD = 5, "Too hard"


class SessionLogQuerySet(models.QuerySet):
    def for_patient(self, patient) -> SessionLogQuerySet:
        return self.filter(patient=patient)

    def completed(self) -> SessionLogQuerySet:
        return self.filter(outcome__in=[SessionOutcome.DONE, SessionOutcome.PARTIAL])


class SessionLog(models.Model):
    """One prescribed exercise in one session (sitting) of one patient-local day,
    as the patient logged it. It points at the programme version the patient
    did, so a later edit of the programme never changes what was logged."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="session_logs")
    version = models.ForeignKey(ProgrammeVersion, on_delete=models.PROTECT, related_name="logs")
    prescription = models.ForeignKey(Prescription, on_delete=models.PROTECT, related_name="logs")
    performed_on = models.DateField(help_text="The patient's local date.")
    session_number = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(SESSIONS_PER_DAY_MAX)]
    )
    outcome = models.CharField(max_length=10, choices=SessionOutcome.choices)
    skip_reason = models.CharField(
        max_length=20, choices=SkipReason.choices, blank=True, default=""
    )
    sets_done = models.PositiveSmallIntegerField(null=True, blank=True)
    reps_done = models.PositiveSmallIntegerField(null=True, blank=True)
    hold_s_done = models.PositiveIntegerField(null=True, blank=True)
    duration_min_done = models.PositiveIntegerField(null=True, blank=True)
    pain_during = models.PositiveSmallIntegerField(null=True, blank=True)
    difficulty = models.PositiveSmallIntegerField(choices=Difficulty.choices, null=True, blank=True)
    logged_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SessionLogQuerySet.as_manager()

    class Meta:
        ordering = ["-performed_on", "session_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["prescription", "performed_on", "session_number"],
                name="sessionlog_one_per_exercise_session_day",
            ),
            models.CheckConstraint(
                condition=Q(pain_during__isnull=True) | Q(pain_during__lte=10),
                name="sessionlog_pain_0_10",
            ),
            models.CheckConstraint(
                condition=Q(outcome=SessionOutcome.SKIPPED, skip_reason__gt="")
                | (~Q(outcome=SessionOutcome.SKIPPED) & Q(skip_reason="")),
                name="sessionlog_skip_reason_iff_skipped",
            ),
        ]
        indexes = [
            models.Index(fields=["patient", "performed_on"], name="sessionlog_patient_day"),
            models.Index(fields=["version", "performed_on"], name="sessionlog_version_day"),
        ]

    def __str__(self) -> str:
        return f"{self.performed_on} session {self.session_number}: {self.get_outcome_display()}"


class ReminderChannel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message (SMS)"


def default_reminder_times() -> list[str]:
    return ["08:00"]


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
    paused_until = models.DateField(
        null=True, blank=True, help_text="No reminders up to and including this local date."
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Reminders for {self.patient_id}"


class AlertKind(models.TextChoices):
    RED_FLAG_REPORTED = "red_flag_reported", "Red-flag symptoms reported by the patient"
    LOW_ADHERENCE = "low_adherence", "Adherence below threshold (7 days)"
    NO_LOGS = "no_logs", "No exercise logged recently"
    PAIN_HIGH = "pain_high", "Pain 7 or more, or 2 points above baseline"
    OUTCOME_WORSE = "outcome_worse", "Outcome score worse by its MCID"
    REMINDER_FAILED = "reminder_failed", "Reminder could not be delivered"


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
    kind = models.CharField(max_length=30, choices=AlertKind.choices)
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
    history = HistoricalRecords()

    class Meta:
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


TERMINAL_OCCURRENCE_STATES = [
    OccurrenceState.SENT,
    OccurrenceState.FAILED,
    OccurrenceState.SKIPPED,
    OccurrenceState.UNKNOWN,
]


class ReminderOccurrenceQuerySet(models.QuerySet):
    def due(self, now) -> ReminderOccurrenceQuerySet:
        """Rows a dispatcher may claim now (served by the partial index)."""
        return self.filter(
            Q(state=OccurrenceState.PLANNED, due_at__lte=now)
            | Q(state=OccurrenceState.RETRY_WAIT, next_attempt_at__lte=now)
        )


class ReminderOccurrence(models.Model):
    """One reminder for one patient, channel, local date and slot. The unique
    key makes planning idempotent; the row (not the broker message) is the
    truth about whether it was sent. No clinical content is stored here."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(
        Patient, on_delete=models.CASCADE, related_name="reminder_occurrences"
    )
    channel = models.CharField(max_length=10, choices=ReminderChannel.choices)
    local_date = models.DateField(help_text="The patient's local date.")
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


class AdherenceSnapshot(models.Model):
    """Weekly adherence stored by the nightly task so that dashboards never
    recompute history. ``rule_version`` and ``threshold_percent`` are the
    rule and the clinic setting in force when it was computed (SPEC [D])."""

    patient = models.ForeignKey(
        Patient, on_delete=models.CASCADE, related_name="adherence_snapshots"
    )
    week_start = models.DateField(help_text="Monday of the patient-local week.")
    prescribed = models.PositiveIntegerField()
    completed = models.PositiveIntegerField()
    percent = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    threshold_percent = models.PositiveSmallIntegerField()
    adherent = models.BooleanField(null=True)
    rule_version = models.CharField(max_length=20)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-week_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "week_start"], name="adherence_one_snapshot_per_week"
            ),
        ]

    def __str__(self) -> str:
        return f"Week of {self.week_start}: {self.completed}/{self.prescribed}"


# --- Portal (issue 6): check-ins with the red-flag self-screen, calendar feeds ---


class CheckInUrgency(models.TextChoices):
    # The SPEC 1.0 levels a home self-screen can reach; "" when nothing was reported.
    NONE = "", "Nothing reported"
    EMERGENCY = "E", "Emergency (now)"
    SAME_DAY = "U", "Same-day medical assessment"


class CheckInQuerySet(ClinicScopedQuerySet):
    """Check-ins of patients the user may see clinically (not reception)."""

    def for_patient(self, patient) -> CheckInQuerySet:
        return self.filter(patient=patient)


class CheckIn(models.Model):
    """A patient's check-in from the portal: current pain and the red-flag
    self-screen, as answered (patient-entered; never edited afterwards)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="check_ins")
    checked_on = models.DateField(help_text="The patient's local date.")
    pain_now = models.PositiveSmallIntegerField("pain now (0-10)")
    answers = models.JSONField(default=dict, help_text="Self-screen question code: yes/no.")
    red_flags = models.JSONField(default=list, blank=True, help_text="Codes answered yes.")
    urgency = models.CharField(
        max_length=2, choices=CheckInUrgency.choices, blank=True, default=CheckInUrgency.NONE
    )
    alert = models.ForeignKey(
        "Alert", null=True, blank=True, on_delete=models.SET_NULL, related_name="check_ins"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CheckInQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(pain_now__lte=10), name="checkin_pain_0_10"),
        ]
        indexes = [models.Index(fields=["patient", "checked_on"], name="checkin_patient_day")]

    def __str__(self) -> str:
        return f"Check-in {self.checked_on}"


class CalendarFeed(models.Model):
    """A patient's private calendar (iCal) feed. Only a SHA-256 hash of the
    token is stored: the link is shown once, when it is made; revoking deletes
    the row and a new link replaces the old one."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.OneToOneField(Patient, on_delete=models.CASCADE, related_name="calendar_feed")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Calendar feed ({self.created_at:%Y-%m-%d})"
