"""What the patient does at home: session logs, check-ins with the red-flag
self-screen, and the weekly adherence snapshots of the one adherence rule."""

from __future__ import annotations

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from alerts.models import Alert
from clinic.dates import BoundedDateField, bounded_dates
from clinic.models import ClinicScopedQuerySet, StaffMember
from exercises.content import library_name
from exercises.models import SESSIONS_PER_DAY_MAX, dose_text
from patients.models import Patient
from programmes.models import Prescription, ProgrammeVersion

SESSION_NOTE_MAX = 4000
CLAUDICATION_ONSET_MAX_MIN = 120


class SessionOutcome(models.TextChoices):
    DONE = "done", _("Done")
    PARTIAL = "partial", _("Partly done")
    SKIPPED = "skipped", _("Skipped")


class SkipReason(models.TextChoices):
    PAIN = "pain", _("Pain")
    FORGOT = "forgot", _("Forgot")
    NO_TIME = "no_time", _("No time")
    UNCLEAR = "unclear", _("Not sure how to do it")
    NO_EQUIPMENT = "no_equipment", _("No equipment")
    OTHER = "other", _("Other")


class Effort(models.IntegerChoices):
    """How hard the session felt to the patient (not the exercise's level,
    ``exercises.models.Difficulty``)."""

    TOO_EASY = 1, _("Too easy")
    EASY = 2, _("Easy")
    ABOUT_RIGHT = 3, _("About right")
    HARD = 4, _("Hard")
    TOO_HARD = 5, _("Too hard")


class MorningPain(models.TextChoices):
    """Asked with a session log about the previous session of the same exercise: was the
    pain back to the patient's usual level by the next morning (SPEC 4.5 "no increase the
    next day" [M]; SPEC 4.7 "soreness lasting beyond 24 h" [V2] [S93])."""

    BACK = "back", _("Yes, back to my usual level")
    WORSE = "worse", _("No, it was still worse")


class SessionLogQuerySet(models.QuerySet):
    def attempted(self) -> SessionLogQuerySet:
        """Logs done or partly done (walking minutes count both; adherence
        counts a session completed only when done, ``tracking.adherence``)."""
        return self.filter(outcome__in=[SessionOutcome.DONE, SessionOutcome.PARTIAL])


@bounded_dates
class SessionLog(models.Model):
    """One prescribed exercise in one session (sitting) of one patient-local day,
    as the patient logged it. It points at the programme version the patient
    did, so a later edit of the programme never changes what was logged."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="session_logs")
    version = models.ForeignKey(ProgrammeVersion, on_delete=models.PROTECT, related_name="logs")
    prescription = models.ForeignKey(Prescription, on_delete=models.PROTECT, related_name="logs")
    performed_on = BoundedDateField(help_text="The patient's local date.")
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
    difficulty = models.PositiveSmallIntegerField(choices=Effort.choices, null=True, blank=True)
    # Issue 14: the morning after the previous session of this exercise (answered now,
    # about then); "" when not answered.
    previous_next_morning = models.CharField(
        max_length=5, choices=MorningPain.choices, blank=True, default=""
    )
    # PAD walking (SPEC 2.5b, 4.1): minutes walked before the claudication pain began.
    claudication_onset_min = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(CLAUDICATION_ONSET_MAX_MIN)]
    )
    # Sessions reported by phone (issue 13): the staff member who entered it;
    # null when the patient logged it in the portal. It counts like any log.
    entered_by = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(
        max_length=SESSION_NOTE_MAX, blank=True, default="", help_text="At most 4,000 characters."
    )
    logged_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SessionLogQuerySet.as_manager()

    class Meta:
        db_table = "programmes_sessionlog"  # kept from the first release (moved from programmes)
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


@bounded_dates
class AdherenceSnapshot(models.Model):
    """Weekly adherence stored by the nightly task so that dashboards never
    recompute history. ``rule_version`` and ``threshold_percent`` are the
    rule and the clinic setting in force when it was computed (SPEC [D])."""

    patient = models.ForeignKey(
        Patient, on_delete=models.CASCADE, related_name="adherence_snapshots"
    )
    week_start = BoundedDateField(help_text="Monday of the patient-local week.")
    prescribed = models.PositiveIntegerField()
    completed = models.PositiveIntegerField()
    percent = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    threshold_percent = models.PositiveSmallIntegerField()
    adherent = models.BooleanField(null=True)
    rule_version = models.CharField(max_length=20)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = (
            "programmes_adherencesnapshot"  # kept from the first release (moved from programmes)
        )
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


class LegExtent(models.IntegerChoices):
    """How far down the leg the pain reaches (sciatica self-tracking, issue 14): higher is
    further from the spine, so a rise is peripheralising and a fall centralising."""

    NONE = 0, _("No leg pain")
    BUTTOCK = 1, _("Buttock")
    THIGH = 2, _("Thigh")
    BELOW_KNEE = 3, _("Below the knee")
    FOOT = 4, _("Foot")


class LegWeakness(models.IntegerChoices):
    NONE = 0, _("No")
    ONE_LEG = 1, _("Yes, in one leg")
    BOTH_LEGS = 2, _("Yes, in both legs")


class SciaticaTrend(models.TextChoices):
    # Against the previous check-in with a sciatica answer (``tracking.sciatica``).
    FIRST = "", "First report"
    CENTRALISING = "centralising", "Centralising"
    STABLE = "stable", "No change in extent"
    PERIPHERALISING = "peripheralising", "Peripheralising"


class CheckInQuerySet(ClinicScopedQuerySet):
    """Check-ins of patients the user may see clinically (not reception)."""

    def for_patient(self, patient) -> CheckInQuerySet:
        return self.filter(patient=patient)


@bounded_dates
class CheckIn(models.Model):
    """A patient's check-in from the portal: current pain and the red-flag
    self-screen, as answered (patient-entered; never edited afterwards)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="check_ins")
    checked_on = BoundedDateField(help_text="The patient's local date.")
    pain_now = models.PositiveSmallIntegerField("pain now (0-10)")
    answers = models.JSONField(default=dict, help_text="Self-screen question code: yes/no.")
    red_flags = models.JSONField(default=list, blank=True, help_text="Codes answered yes.")
    urgency = models.CharField(
        max_length=2, choices=CheckInUrgency.choices, blank=True, default=CheckInUrgency.NONE
    )
    alert = models.ForeignKey(
        Alert, null=True, blank=True, on_delete=models.SET_NULL, related_name="check_ins"
    )
    # Sciatica self-tracking (issue 14), asked only of patients with back-related leg
    # pain; null when not asked. ``sciatica_trend`` is stored when the check-in arrives.
    back_pain = models.PositiveSmallIntegerField("back pain (0-10)", null=True, blank=True)
    leg_pain = models.PositiveSmallIntegerField("leg pain (0-10)", null=True, blank=True)
    leg_extent = models.PositiveSmallIntegerField(
        "leg pain reaches", choices=LegExtent.choices, null=True, blank=True
    )
    leg_numbness = models.BooleanField("numbness or pins and needles", null=True, blank=True)
    leg_weakness = models.PositiveSmallIntegerField(
        "weakness", choices=LegWeakness.choices, null=True, blank=True
    )
    sciatica_trend = models.CharField(
        max_length=16, choices=SciaticaTrend.choices, blank=True, default=SciaticaTrend.FIRST
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CheckInQuerySet.as_manager()
    history = HistoricalRecords(table_name="programmes_historicalcheckin")

    class Meta:
        db_table = "programmes_checkin"  # kept from the first release (moved from programmes)
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(pain_now__lte=10), name="checkin_pain_0_10"),
            models.CheckConstraint(
                condition=(Q(back_pain__isnull=True) | Q(back_pain__lte=10))
                & (Q(leg_pain__isnull=True) | Q(leg_pain__lte=10)),
                name="checkin_sciatica_pain_0_10",
            ),
        ]
        indexes = [models.Index(fields=["patient", "checked_on"], name="checkin_patient_day")]

    def __str__(self) -> str:
        return f"Check-in {self.checked_on}"


# --- Symptom-driven progression (issue 14) ------------------------------------------


class ProgressionKind(models.TextChoices):
    PROGRESS = "progress", "Progress"
    HOLD = "hold", "Hold"
    REGRESS = "regress", "Regress"


class DecisionStatus(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    DISMISSED = "dismissed", "Dismissed"


class ProgressionDecisionQuerySet(ClinicScopedQuerySet):
    """Decisions of patients the user may see clinically (not reception)."""


class ProgressionDecision(models.Model):
    """A clinician's decision on a progression proposal (``tracking.progression``):
    accepted (a new programme version was made) or dismissed. Proposals themselves are
    computed from the logs; only the logs after the latest decision of an exercise's
    lineage count towards the next one. Nothing is applied without this row."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(
        Patient, on_delete=models.CASCADE, related_name="progression_decisions"
    )
    plan = models.ForeignKey(
        "programmes.TreatmentPlan", on_delete=models.CASCADE, related_name="progression_decisions"
    )
    lineage = models.UUIDField(help_text="The prescription across programme versions.")
    prescription = models.ForeignKey(Prescription, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=ProgressionKind.choices)
    status = models.CharField(max_length=10, choices=DecisionStatus.choices)
    reason = models.CharField(max_length=300)
    change = models.CharField(max_length=300, blank=True, default="")
    data = models.JSONField(default=dict, blank=True)
    rule_version = models.CharField(max_length=20)
    result_version = models.ForeignKey(
        ProgrammeVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        "auth.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    objects = ProgressionDecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(kind="hold"), name="progression_decision_not_hold"),
        ]
        indexes = [
            models.Index(fields=["plan", "lineage", "decided_at"], name="progression_plan_lineage")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_status_display().lower()}"

    @property
    def change_for_patient(self) -> str:
        """What changed, in the active language (the portal: the patient's), from the
        structured ``data["change_parts"]``; ``change`` (English, for staff) otherwise."""
        parts = (self.data or {}).get("change_parts")
        if not parts:
            return self.change
        after = dose_text(**parts["dose_after"])
        old = library_name(parts.get("exercise_slug", ""), parts["exercise"])
        if parts["to_exercise"]:
            return gettext("%(old)s is now %(new)s (%(dose)s)") % {
                "old": old,
                "new": library_name(parts.get("to_exercise_slug", ""), parts["to_exercise"]),
                "dose": after,
            }
        return gettext("%(exercise)s: now %(dose)s (was %(before)s)") % {
            "exercise": old,
            "dose": after,
            "before": dose_text(**parts["dose_before"]),
        }


class PendingProposal(models.Model):
    """A progress or regress proposal as last computed (``tracking.progression.
    proposals_refresh``: when a log arrives, at a decision, and in the nightly alert
    pass), so the caseload lists them without computing per patient. The plan page
    computes them afresh, and accepting always recomputes: this row is never applied."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(
        "programmes.TreatmentPlan", on_delete=models.CASCADE, related_name="pending_proposals"
    )
    lineage = models.UUIDField()
    prescription = models.ForeignKey(Prescription, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=ProgressionKind.choices)
    reason = models.CharField(max_length=300)
    change = models.CharField(max_length=300, blank=True, default="")
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "lineage"], name="pending_proposal_one"),
            models.CheckConstraint(condition=~Q(kind="hold"), name="pending_proposal_not_hold"),
        ]
        indexes = [models.Index(fields=["patient"], name="pending_proposal_patient")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} proposed"
