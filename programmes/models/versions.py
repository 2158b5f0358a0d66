"""The home-exercise programme: versions and their prescriptions."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from clinic.dates import BoundedDateField, FreeTextField, bounded_dates
from exercises.models import (
    DURATION_MAX_MIN,
    EVERY_DAY,
    HOLD_MAX_S,
    REPS_MAX,
    REPS_MIN,
    SESSIONS_PER_DAY_MAX,
    SETS_MAX,
    SETS_MIN,
    DosageMixin,
    Exercise,
    Side,
    days_label,
    days_list,
    dose_text,
)
from programmes.models.plans import TreatmentPlan

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


@bounded_dates
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
    valid_from = BoundedDateField(null=True, blank=True)
    valid_until = BoundedDateField(null=True, blank=True, help_text="Exclusive.")
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


@bounded_dates
class Prescription(DosageMixin, models.Model):
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
    start_on = BoundedDateField()
    end_on = BoundedDateField(null=True, blank=True, help_text="Last day (inclusive).")
    pain_rule = FreeTextField(blank=True, default="")
    notes = FreeTextField("notes for the patient", blank=True, default="")

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
        return dose_text(
            sets=self.sets, reps=self.reps, hold_s=self.hold_s, duration_min=self.duration_min
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
