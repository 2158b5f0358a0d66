import uuid
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from clinic.dates import BoundedDateField, FreeTextField, bounded_dates
from clinic.models import ClinicScopedQuerySet, StaffMember, visible_clinic_ids
from patients.models import Patient

ONSET_EARLIEST = date(1900, 1, 1)


class AssessmentKind(models.TextChoices):
    INITIAL = "initial", "Initial"
    REVIEW = "review", "Review"
    DISCHARGE = "discharge", "Discharge"


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SIGNED = "signed", "Signed"
    AMENDED = "amended", "Amended"


class Mechanism(models.TextChoices):
    TRAUMATIC = "traumatic", "Traumatic"
    INSIDIOUS = "insidious", "Insidious"
    POST_SURGICAL = "post_surgical", "Post-surgical"
    OVERUSE = "overuse", "Overuse"


class Side(models.TextChoices):
    LEFT = "left", "Left"
    RIGHT = "right", "Right"
    BILATERAL = "bilateral", "Bilateral"


class ActivityLevel(models.TextChoices):
    SEDENTARY = "sedentary", "Sedentary"
    LIGHT = "light", "Lightly active"
    MODERATE = "moderate", "Moderately active"
    HIGH = "high", "Very active / sport"


class Distribution(models.TextChoices):
    PROXIMAL = "proximal", "Proximal"
    DISTAL = "distal", "Distal"
    BOTH = "both", "Proximal and distal"


class TestResult(models.TextChoices):
    NOT_TESTED = "", "Not tested"
    NEGATIVE = "negative", "Negative"
    POSITIVE_LEFT = "positive_left", "Positive left"
    POSITIVE_RIGHT = "positive_right", "Positive right"
    POSITIVE_BOTH = "positive_both", "Positive both sides"


class Pulses(models.TextChoices):
    NOT_TESTED = "", "Not tested"
    NORMAL = "normal", "Present, normal"
    DIMINISHED = "diminished", "Diminished"
    ABSENT = "absent", "Absent"


class Condition(models.TextChoices):
    """Working diagnoses covering the seed conditions (SPEC sections 3 and 4)."""

    LUMBAR_RADICULAR_PAIN = "lumbar_radicular_pain", "Lumbar radicular pain (sciatica)"
    PAD_CLAUDICATION = "pad_claudication", "PAD intermittent claudication"
    NEUROGENIC_CLAUDICATION = "neurogenic_claudication", "Neurogenic claudication"
    CECS = "cecs", "Chronic exertional compartment syndrome"
    BONE_STRESS_INJURY = "bone_stress_injury", "Bone stress injury"
    MTSS = "mtss", "Medial tibial stress syndrome"
    VENOUS_CLAUDICATION = "venous_claudication", "Venous claudication"
    ERYTHROMELALGIA = "erythromelalgia", "Erythromelalgia"
    MIDPORTION_ACHILLES = "midportion_achilles", "Mid-portion Achilles tendinopathy"
    INSERTIONAL_ACHILLES = "insertional_achilles", "Insertional Achilles tendinopathy / Haglund's"
    PLANTAR_HEEL_PAIN = "plantar_heel_pain", "Plantar heel pain"
    PATELLOFEMORAL_PAIN = "patellofemoral_pain", "Patellofemoral pain"
    KNEE_OA = "knee_oa", "Knee osteoarthritis"
    HIP_OA = "hip_oa", "Hip osteoarthritis"
    BAKERS_CYST = "bakers_cyst", "Baker's cyst"
    MUSCLE_STRAIN = "muscle_strain", "Muscle strain"
    ANKLE_SPRAIN = "ankle_sprain", "Ankle sprain"
    OTHER = "other", "Other"


class ScreenState(models.TextChoices):
    NOT_ASSESSED = "not_assessed", "Not assessed"
    ABSENT = "absent", "Absent"
    PRESENT = "present", "Present"


MYOTOME_FIELDS = [
    f"power_{m.lower()}_{side}"
    for m in ("L2", "L3", "L4", "L5", "S1")
    for side in ("left", "right")
]


def _power_field(label: str):
    return models.PositiveSmallIntegerField(
        label, null=True, blank=True, help_text="Oxford scale 0-5"
    )


class AssessmentQuerySet(ClinicScopedQuerySet):
    """Assessments are clinical: reception sees none."""


@bounded_dates
class Assessment(models.Model):
    """A structured assessment of one patient by one clinician (issue 3 adds the sections)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="assessments")
    clinician = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="assessments")
    kind = models.CharField(
        max_length=20, choices=AssessmentKind.choices, default=AssessmentKind.INITIAL
    )
    status = models.CharField(
        max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    assessed_on = BoundedDateField()
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # History
    # SPEC 1.2: the acute limb ischaemia window counts from this date; it may not be after
    # the assessment date (checked by the form and the service) nor before 1900.
    onset_on = BoundedDateField(
        "onset date",
        null=True,
        blank=True,
        validators=[MinValueValidator(ONSET_EARLIEST, "Enter an onset date from 1900 on.")],
    )
    mechanism = models.CharField(max_length=20, choices=Mechanism.choices, blank=True)
    side = models.CharField(max_length=10, choices=Side.choices, blank=True)
    duration_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    aggravating_factors = FreeTextField(blank=True)
    easing_factors = FreeTextField(blank=True)
    pattern_24h = FreeTextField("24-hour pattern", blank=True)
    pmh_diabetes = models.BooleanField("diabetes", default=False)
    pmh_smoking = models.BooleanField("smoking", default=False)
    pmh_cancer = models.BooleanField("history of cancer", default=False)
    pmh_previous_dvt = models.BooleanField("previous DVT", default=False)
    pmh_recent_surgery_or_immobilisation = models.BooleanField(
        "recent surgery or immobilisation", default=False
    )
    pmh_bedridden_3_days = models.BooleanField("bedridden 3 days or more", default=False)
    medications = FreeTextField(blank=True)
    occupation = models.CharField(max_length=200, blank=True)
    activity_level = models.CharField(max_length=20, choices=ActivityLevel.choices, blank=True)
    goals = FreeTextField("patient's goals", blank=True)

    # Symptoms
    regions = models.JSONField(default=list, blank=True)  # ["calf:left", ...]
    distribution = models.CharField(max_length=10, choices=Distribution.choices, blank=True)
    pain_types = models.JSONField(default=list, blank=True)
    pain_quality = models.CharField(max_length=200, blank=True)
    nprs_current = models.PositiveSmallIntegerField("pain now (0-10)", null=True, blank=True)
    nprs_best = models.PositiveSmallIntegerField("least pain in 24 h", null=True, blank=True)
    nprs_worst = models.PositiveSmallIntegerField("worst pain in 24 h", null=True, blank=True)
    numbness = models.BooleanField(default=False)
    tingling = models.BooleanField(default=False)
    weakness = models.BooleanField(default=False)
    swelling = models.BooleanField(default=False)
    redness = models.BooleanField(default=False)
    warmth = models.BooleanField(default=False)
    exertional = models.BooleanField("brought on by exertion", default=False)
    relieved_by_rest = models.BooleanField(default=False)
    rest_relief_minutes = models.PositiveSmallIntegerField(
        "minutes of rest to relief", null=True, blank=True
    )
    relieved_by_sitting_or_flexion = models.BooleanField(
        "relieved by sitting or bending forward", default=False
    )
    relieved_by_elevation = models.BooleanField(default=False)
    night_pain = models.BooleanField(default=False)
    morning_stiffness_minutes = models.PositiveSmallIntegerField(null=True, blank=True)

    # Examination: Oxford power per myotome and side (SPEC 1.9)
    power_l2_left = _power_field("L2 left")
    power_l2_right = _power_field("L2 right")
    power_l3_left = _power_field("L3 left")
    power_l3_right = _power_field("L3 right")
    power_l4_left = _power_field("L4 left")
    power_l4_right = _power_field("L4 right")
    power_l5_left = _power_field("L5 left")
    power_l5_right = _power_field("L5 right")
    power_s1_left = _power_field("S1 left")
    power_s1_right = _power_field("S1 right")
    reflexes = models.CharField(max_length=200, blank=True)
    straight_leg_raise = models.CharField(max_length=20, choices=TestResult.choices, blank=True)
    slump = models.CharField(max_length=20, choices=TestResult.choices, blank=True)
    pulses = models.CharField(max_length=20, choices=Pulses.choices, blank=True)
    abi_left = models.DecimalField(
        "ABI left", max_digits=3, decimal_places=2, null=True, blank=True
    )
    abi_right = models.DecimalField(
        "ABI right", max_digits=3, decimal_places=2, null=True, blank=True
    )
    calf_circumference_diff_cm = models.DecimalField(
        "calf circumference difference (cm)", max_digits=4, decimal_places=1, null=True, blank=True
    )
    knee_flexion_deg = models.PositiveSmallIntegerField(
        "knee flexion (degrees)", null=True, blank=True
    )

    # Red-flag screen: {item code: ScreenState} (assessments.red_flags.SCREEN_ITEMS)
    red_flag_screen = models.JSONField(default=dict, blank=True)

    # Clinical impression: the clinician's own call (decision support never writes it)
    working_diagnosis = models.CharField(max_length=40, choices=Condition.choices, blank=True)
    impression_notes = FreeTextField(blank=True)

    objects = AssessmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-assessed_on", "-created_at"]
        indexes = [models.Index(fields=["patient", "-assessed_on"], name="assessment_patient_date")]
        constraints = [
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__lte": 5}) | Q(**{f"{name}__isnull": True}),
                    name=f"assessment_{name}_0_5",
                )
                for name in MYOTOME_FIELDS
            ],
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__lte": 10}) | Q(**{f"{name}__isnull": True}),
                    name=f"assessment_{name}_0_10",
                )
                for name in ("nprs_current", "nprs_best", "nprs_worst")
            ],
            models.CheckConstraint(
                condition=Q(status="draft") | Q(signed_at__isnull=False),
                name="assessment_signed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} assessment {self.assessed_on:%d %b %Y}"

    @property
    def is_locked(self) -> bool:
        """Signed (or amended) assessments change only through an amendment."""
        return self.status != AssessmentStatus.DRAFT

    def power(self) -> dict[str, int | None]:
        return {
            f"{name.split('_')[1].upper()}_{name.split('_')[2]}": getattr(self, name)
            for name in MYOTOME_FIELDS
        }

    def previous(self) -> "Assessment | None":
        return (
            Assessment.objects.filter(patient_id=self.patient_id)
            .exclude(pk=self.pk)
            .filter(
                Q(assessed_on__lt=self.assessed_on)
                | Q(assessed_on=self.assessed_on, created_at__lt=self.created_at)
            )
            .order_by("-assessed_on", "-created_at")
            .first()
        )

    def facts(self, *, previous: "Assessment | None" = None, today: date | None = None) -> dict:
        """What the red-flag engine and decision support read (no clinical text)."""
        abis = [float(v) for v in (self.abi_left, self.abi_right) if v is not None]
        facts = {
            "screen": dict(self.red_flag_screen or {}),
            "age": self.patient.age_on(today or self.assessed_on),
            "power": self.power(),
            "previous_power": previous.power() if previous else None,
            "regions": list(self.regions or []),
            "pain_types": list(self.pain_types or []),
            "abi_min": min(abis) if abis else None,
            "rest_relief_minutes": self.rest_relief_minutes,
            "morning_stiffness_minutes": self.morning_stiffness_minutes,
            # Days from the recorded onset to the assessment (SPEC 1.2 window).
            "onset_days": (
                (self.assessed_on - self.onset_on).days
                if self.onset_on and self.assessed_on
                else None
            ),
        }
        for name in (
            "pmh_diabetes", "pmh_smoking", "pmh_cancer", "pmh_previous_dvt",
            "pmh_recent_surgery_or_immobilisation", "pmh_bedridden_3_days", "numbness",
            "tingling", "weakness", "swelling", "redness", "warmth", "exertional",
            "relieved_by_rest", "relieved_by_sitting_or_flexion", "relieved_by_elevation",
            "night_pain",
        ):  # fmt: skip
            facts[name] = getattr(self, name)
        return facts


class Amendment(models.Model):
    """A change to a signed assessment, with its reason (the diff is in history)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="amendments")
    section = models.CharField(max_length=40)
    reason = FreeTextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="amendment_reason_required")
        ]

    def __str__(self) -> str:
        return f"Amendment {self.at:%d %b %Y %H:%M}" if self.at else "Amendment"


class Urgency(models.TextChoices):
    E = "E", "Emergency (now)"
    U = "U", "Same-day medical assessment"
    U2 = "U2", "Urgent referral (within 2 weeks)"
    R = "R", "Routine GP review"


class RedFlagEventQuerySet(models.QuerySet):
    def for_user(self, user) -> "RedFlagEventQuerySet":
        return self.filter(assessment__in=Assessment.objects.for_user(user))

    def unactioned(self) -> "RedFlagEventQuerySet":
        return self.filter(resolution__isnull=True)

    def update(self, **kwargs):
        raise TypeError("Red-flag events are immutable.")

    def delete(self):
        raise TypeError("Red-flag events are immutable.")


class RedFlagEvent(models.Model):
    """A fired red-flag rule: written once, never changed. What was done is a
    separate ``RedFlagResolution`` (SPEC 1.0; issue 3)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="red_flags")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="red_flags")
    rule_id = models.CharField(max_length=30)
    ruleset_version = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    urgency = models.CharField(max_length=2, choices=Urgency.choices)
    action_text = FreeTextField()
    sources = models.CharField(max_length=200)
    detail = models.CharField(max_length=300, blank=True)
    fired_at = models.DateTimeField(auto_now_add=True)

    objects = RedFlagEventQuerySet.as_manager()

    class Meta:
        ordering = ["fired_at"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "rule_id"], name="red_flag_once_per_rule")
        ]
        indexes = [models.Index(fields=["patient", "fired_at"], name="red_flag_patient")]

    def __str__(self) -> str:
        return f"{self.rule_id} ({self.urgency})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError("Red-flag events are immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Red-flag events are immutable.")

    @property
    def is_actioned(self) -> bool:
        return hasattr(self, "resolution")


class ResolutionKind(models.TextChoices):
    ACTION = "action", "Action taken"
    OVERRIDE = "override", "Override"


class ResolutionAction(models.TextChoices):
    EMERGENCY_DEPARTMENT = "emergency_department", "Sent to the emergency department"
    ON_CALL = "on_call", "On-call team phoned"
    SAME_DAY_GP = "same_day_gp", "Same-day GP / urgent care"
    URGENT_REFERRAL = "urgent_referral", "Urgent specialist referral"
    GP_NOTIFIED = "gp_notified", "GP notified (routine)"
    IMAGING = "imaging", "Same-day imaging arranged"
    OTHER = "other", "Other (see note)"


class RedFlagResolution(models.Model):
    """What the clinician did about a red-flag event, or an override with a reason."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.OneToOneField(RedFlagEvent, on_delete=models.PROTECT, related_name="resolution")
    kind = models.CharField(max_length=10, choices=ResolutionKind.choices)
    action = models.CharField(max_length=30, choices=ResolutionAction.choices, blank=True)
    note = FreeTextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="action") & ~Q(action="")) | (Q(kind="override") & ~Q(note="")),
                name="resolution_action_or_reason",
            )
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class EnteredBy(models.TextChoices):
    CLINICIAN = "clinician", "Clinician (in an assessment)"
    PATIENT = "patient", "Patient (portal questionnaire)"


class OutcomeResponseQuerySet(models.QuerySet):
    def for_user(self, user) -> "OutcomeResponseQuerySet":
        """Responses in assessments the user may see, and the patient-entered
        ones (no assessment) of patients the user may see clinically."""
        ids = visible_clinic_ids(user, clinical=True)
        if ids is None:
            return self
        return self.filter(
            models.Q(assessment__in=Assessment.objects.for_user(user))
            | models.Q(assessment__isnull=True, patient__clinic_id__in=ids)
        )

    def series(self, patient, code: str, version: str) -> "OutcomeResponseQuerySet":
        """One trend: every scored response of one instrument and version for the
        patient, clinician- and patient-entered alike (versions never mix, SPEC [D] ODI)."""
        return self.filter(
            patient=patient, instrument_code=code, instrument_version=version, total__isnull=False
        ).order_by("assessed_on", "created_at")


@bounded_dates
class OutcomeResponse(models.Model):
    """One instrument's answers in an assessment, with the score frozen at save:
    a later scoring-rule revision never changes what was shown (issue 3)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Null for a questionnaire the patient answered in the portal (issue 6).
    assessment = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.PROTECT, related_name="responses"
    )
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    entered_by = models.CharField(
        max_length=10, choices=EnteredBy.choices, default=EnteredBy.CLINICIAN
    )
    instrument_code = models.CharField(max_length=30)
    instrument_version = models.CharField(max_length=40)
    scoring_rule_version = models.CharField(max_length=40)
    answers = models.JSONField(default=dict)
    labels = models.JSONField(default=dict, blank=True)  # PSFS activity names
    total = models.FloatField(null=True, blank=True)
    complete = models.BooleanField(default=False)
    band = models.CharField(max_length=60, blank=True)
    result = models.JSONField(default=dict)  # the frozen ScoreResult
    assessed_on = BoundedDateField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OutcomeResponseQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["instrument_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "instrument_code"], name="response_once_per_assessment"
            ),
            # The portal: answering again on the same day replaces that day's answers.
            models.UniqueConstraint(
                fields=["patient", "instrument_code", "assessed_on"],
                condition=models.Q(assessment__isnull=True),
                name="response_patient_once_per_day",
            ),
            models.CheckConstraint(
                condition=models.Q(assessment__isnull=False, entered_by="clinician")
                | models.Q(assessment__isnull=True, entered_by="patient"),
                name="response_entered_by_matches_assessment",
            ),
        ]
        indexes = [
            models.Index(
                fields=["patient", "instrument_code", "instrument_version", "assessed_on"],
                name="response_trend",
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument_code} {self.instrument_version}"


class QuestionnaireDraft(models.Model):
    """A questionnaire the patient has started in the portal and not sent yet
    (issue 18): the answers so far and the screen reached, so a patient who
    leaves carries on where they stopped. One per patient and instrument;
    deleted when the answers are sent. In the subject-access export; erasure
    deletes it."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="+")
    instrument_code = models.CharField(max_length=30)
    instrument_version = models.CharField(max_length=40)
    # Item code -> option value (numbers or option codes: no free text). The
    # VISA-A question 8 choice is kept under "q8" ("q8a", "q8b" or "q8c").
    answers = models.JSONField(default=dict, blank=True)
    step = models.PositiveSmallIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "instrument_code"], name="questionnaire_draft_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument_code} draft"
