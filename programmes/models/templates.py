"""Condition templates (SPEC section 4): phases, their exercises with dosage,
and the outcome measures to collect. Plans copy what they take from a
template, so changing a template never changes a patient's programme."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from clinic.dates import FreeTextField
from clinic.models import LibraryQuerySet
from exercises.models import (
    DURATION_MAX_MIN,
    EVERY_DAY,
    HOLD_MAX_S,
    REPS_MAX,
    REPS_MIN,
    SETS_MAX,
    SETS_MIN,
    DosageMixin,
    Exercise,
    Side,
)


class ProgrammeTemplateQuerySet(LibraryQuerySet):
    """``for_user``: shipped templates plus the user's clinics' own."""


class ProgrammeTemplate(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinic = models.ForeignKey(
        "clinic.Clinic",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="programme_templates",
    )
    slug = models.SlugField(max_length=80)
    name = models.CharField(max_length=160)
    condition = models.CharField(max_length=160)
    summary = FreeTextField(blank=True, default="")
    duration_weeks = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(104)]
    )
    pain_rule = FreeTextField()
    progression_criteria = FreeTextField(blank=True, default="")
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
    progression_criteria = FreeTextField(blank=True, default="")

    history = HistoricalRecords()

    class Meta:
        ordering = ["template", "number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="template_phase_number"),
            models.CheckConstraint(condition=Q(start_week__gte=1), name="template_phase_start"),
        ]

    def __str__(self) -> str:
        return f"{self.template}: phase {self.number} ({self.name})"


class TemplateExercise(DosageMixin, models.Model):
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
    notes = FreeTextField(blank=True, default="")

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
