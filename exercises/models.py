"""The exercise library: shipped (read-only, ``clinic`` null) and each
clinic's own exercises, with the dosage limits every prescription shares.

Clinical content of the shipped library lives in ``exercises/library_data.py``
with SPEC source ids.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clinic.dates import FreeTextField
from clinic.models import Clinic, LibraryQuerySet, visible_clinic_ids
from exercises.content import PatientText, patient_text

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


def weekday_abbreviation(day: int) -> str:
    """Mon..Sun in the active language (Django's own catalogue)."""
    return str(WEEKDAYS_ABBR[day])


def days_label(mask: int) -> str:
    """The days of a prescription in the active language (issue 18: the
    patient's in the portal, handout and programme email; English elsewhere)."""
    if mask == EVERY_DAY:
        return gettext("Every day")
    return ", ".join(weekday_abbreviation(d) for d in days_list(mask)) or gettext("No days")


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
    # Shown to the patient in the portal and on the handout (issue 18).
    BOTH = "both", _("Both legs")
    LEFT = "left", _("Left")
    RIGHT = "right", _("Right")
    AFFECTED = "affected", _("Affected leg")


class DosageMixin:
    """``dosage`` in words for a row with the dose fields (a template's
    exercise, a prescription): one wording for the plan page, the handout,
    the portal and the template library."""

    sets: int
    reps: int | None
    hold_s: int | None
    duration_min: int | None
    sessions_per_day: int
    days_of_week: int

    @property
    def dosage(self) -> str:
        return dose_text(
            sets=self.sets,
            reps=self.reps,
            hold_s=self.hold_s,
            duration_min=self.duration_min,
            sessions_per_day=self.sessions_per_day,
            days=self.days_of_week,
        )


def dose_text(*, sets, reps, hold_s, duration_min, sessions_per_day=None, days=None) -> str:
    """The dose line in the active language (issue 18; English for staff)."""
    values = {"sets": sets, "reps": reps, "hold": hold_s, "minutes": duration_min}
    parts = []
    if duration_min:
        parts.append(
            gettext("%(sets)s x %(minutes)s min") % values
            if sets > 1
            else gettext("%(minutes)s min") % values
        )
    elif reps and hold_s:
        parts.append(gettext("%(sets)s x %(reps)s reps, hold %(hold)s s") % values)
    elif reps:
        parts.append(gettext("%(sets)s x %(reps)s reps") % values)
    elif hold_s:
        parts.append(gettext("%(sets)s x hold %(hold)s s") % values)
    if sessions_per_day:
        parts.append(
            ngettext("%(count)sx a day", "%(count)sx a day", sessions_per_day)
            % {"count": sessions_per_day}
        )
    if days is not None:
        parts.append(days_label(days))
    return ", ".join(parts)


# ---------------------------------------------------------------------------
# Exercise library
# ---------------------------------------------------------------------------


class ExerciseQuerySet(LibraryQuerySet):
    """``for_user``: the shipped library plus the user's clinics' own exercises."""

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
    patient_steps = FreeTextField(help_text="One step per line; shown numbered.")
    patient_feel = FreeTextField("what you should feel", blank=True, default="")
    patient_stop = FreeTextField("when to stop", blank=True, default="")
    # For the clinician (never on the patient handout).
    clinician_aim = FreeTextField("aim", blank=True, default="")
    clinician_cues = FreeTextField("cues", blank=True, default="")
    contraindications = FreeTextField(blank=True, default="")
    # Pictures and videos are ExerciseMedia rows (checked by content); the old
    # extension-checked ``image`` upload was carried over by migration 0002.
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
    # The table names of the first release (programmes) are kept: the move of
    # the model between apps changed no table (see migrations/0001).
    history = HistoricalRecords(table_name="programmes_historicalexercise")

    class Meta:
        db_table = "programmes_exercise"
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
    def patient_text(self) -> PatientText:
        """Name, steps, what to feel and when to stop in the active language
        (the patient's, in the portal and the patient emails), else English."""
        return patient_text(self)

    @property
    def picture_url(self) -> str:
        return self.image_url

    @property
    def default_dosage(self) -> str:
        return dose_text(
            sets=self.default_sets,
            reps=self.default_reps,
            hold_s=self.default_hold_s,
            duration_min=self.default_duration_min,
        )


# ---------------------------------------------------------------------------
# Pictures and videos of an exercise (issue 15)
# ---------------------------------------------------------------------------

CAPTION_MAX = 200
ALT_TEXT_MAX = 300


class MediaKind(models.TextChoices):
    PICTURE = "picture", "Picture"
    VIDEO = "video", "Video"


class ExerciseMediaQuerySet(models.QuerySet):
    def for_user(self, user) -> ExerciseMediaQuerySet:
        """Staff: the media their clinics added (and any shipped with the
        library) on the exercises they can see. Exercise pictures are not
        clinical content: every staff role sees them."""
        ids = visible_clinic_ids(user)
        if ids is None:
            return self
        if not ids:
            return self.none()
        return self.filter(Q(clinic__isnull=True) | Q(clinic_id__in=ids)).filter(
            Q(exercise__clinic__isnull=True) | Q(exercise__clinic_id__in=ids)
        )

    def for_clinic(self, clinic_id) -> ExerciseMediaQuerySet:
        """What a clinic's patients and pages show: its own and shipped media."""
        return self.filter(Q(clinic__isnull=True) | Q(clinic_id=clinic_id))


class ExerciseMedia(models.Model):
    """A picture or a short video of an exercise, added by a clinic (``clinic``
    null: shipped with the library). The stored files are private (clinic/storage.py):
    ``file`` is the checked original (a picture as re-encoded, never the bytes
    uploaded), ``thumbnail``/``phone`` the renditions a Celery task makes."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="media")
    clinic = models.ForeignKey(
        Clinic, null=True, blank=True, on_delete=models.CASCADE, related_name="exercise_media"
    )
    kind = models.CharField(max_length=10, choices=MediaKind.choices)
    position = models.PositiveSmallIntegerField(default=1)
    caption = models.CharField(max_length=CAPTION_MAX, blank=True, default="")
    alt_text = models.CharField(
        "alt text",
        max_length=ALT_TEXT_MAX,
        help_text="What the picture shows, for people who cannot see it.",
    )
    # Storage names in STORAGES["media"] (ids only, no file names from the upload).
    file = models.CharField(max_length=255)
    content_type = models.CharField(max_length=40)
    size = models.PositiveBigIntegerField(default=0)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    thumbnail = models.CharField(max_length=255, blank=True, default="")
    phone = models.CharField(max_length=255, blank=True, default="")
    ready = models.BooleanField(
        default=False, help_text="The renditions are made (pictures); videos are ready at once."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ExerciseMediaQuerySet.as_manager()

    class Meta:
        ordering = ["position", "created_at"]
        verbose_name_plural = "exercise media"
        indexes = [models.Index(fields=["exercise", "position"], name="exmedia_exercise_pos")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.exercise_id}"

    @property
    def is_picture(self) -> bool:
        return self.kind == MediaKind.PICTURE

    def url(self, variant: str = "original") -> str:
        from django.urls import reverse

        return reverse("media:exercise-file", args=[self.pk, variant])

    @property
    def thumbnail_url(self) -> str:
        return self.url("thumb")

    @property
    def phone_url(self) -> str:
        return self.url("phone")

    @property
    def original_url(self) -> str:
        return self.url("original")

    def stored_name(self, variant: str) -> str:
        """The stored file of a variant; before the renditions exist, none."""
        if variant == "thumb":
            return self.thumbnail
        if variant == "phone":
            return self.phone
        return self.file

    def _scaled(self, longest: int) -> tuple[int | None, int | None]:
        if not self.width or not self.height:
            return None, None
        scale = min(1.0, longest / max(self.width, self.height))
        return max(1, round(self.width * scale)), max(1, round(self.height * scale))

    @property
    def thumb_width(self) -> int | None:
        return self._scaled(320)[0]

    @property
    def thumb_height(self) -> int | None:
        return self._scaled(320)[1]

    def stored_names(self) -> list[str]:
        return [n for n in (self.file, self.thumbnail, self.phone) if n]
