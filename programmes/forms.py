from __future__ import annotations

from django import forms

from assessments.models import Assessment
from clinic.dates import FREE_TEXT_MAX, model_date_formfield
from exercises.models import (
    DURATION_MAX_MIN,
    HOLD_MAX_S,
    REPS_MAX,
    REPS_MIN,
    SESSIONS_PER_DAY_MAX,
    SETS_MAX,
    SETS_MIN,
    WEEKDAY_NAMES,
    Exercise,
    Side,
    days_list,
    days_mask,
)
from programmes.models import (
    PlanGoal,
    PlanIntervention,
    Prescription,
    ProgrammeTemplate,
    TreatmentPlan,
)
from programmes.models.clips import CLIP_CAPTION_MAX
from programmes.models.plans import PAUSE_TEXT_MAX

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _range_messages(label: str, low: int, high: int, unit: str = "") -> dict:
    text = f"{label} must be between {low} and {high}{unit}."
    return {"min_value": text, "max_value": text, "invalid": f"{label} must be a whole number."}


class ReviewAfterStartMixin:
    """A plan's review date is not before its start date."""

    def clean(self):
        cleaned = super().clean()
        start, review = cleaned.get("start_on"), cleaned.get("review_on")
        if start and review and review < start:
            self.add_error("review_on", "The review date cannot be before the start date.")
        return cleaned


class PlanCreateForm(ReviewAfterStartMixin, forms.Form):
    template = forms.ModelChoiceField(
        queryset=ProgrammeTemplate.objects.none(),
        required=False,
        empty_label="Start empty",
        help_text="Templates marked “awaiting clinical review” have no sourced dosage yet.",
    )
    assessment = forms.ModelChoiceField(
        queryset=Assessment.objects.none(), required=False, empty_label="No linked assessment"
    )
    title = forms.CharField(max_length=160, required=False, help_text="Defaults to the template.")
    working_diagnosis = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=FREE_TEXT_MAX
    )
    start_on = model_date_formfield(
        TreatmentPlan, "start_on", widget=DATE, label="Programme starts on"
    )
    review_on = model_date_formfield(TreatmentPlan, "review_on", widget=DATE, label="Review date")

    def __init__(self, *args, user, patient, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = ProgrammeTemplate.objects.for_user(user)
        self.fields["template"].label_from_instance = lambda t: (
            f"{t.name} (awaiting clinical review)" if t.awaiting_clinical_review else t.name
        )
        self.fields["assessment"].queryset = Assessment.objects.for_user(user).filter(
            patient=patient
        )


class PlanForm(ReviewAfterStartMixin, forms.ModelForm):
    class Meta:
        model = TreatmentPlan
        fields = [
            "title",
            "assessment",
            "working_diagnosis",
            "start_on",
            "review_on",
            "pain_rule",
            "progression_criteria",
        ]
        widgets = {
            "start_on": DATE,
            "review_on": DATE,
            "working_diagnosis": forms.Textarea(attrs={"rows": 2}),
            "pain_rule": forms.Textarea(attrs={"rows": 3}),
            "progression_criteria": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessment"].queryset = Assessment.objects.for_user(user).filter(
            patient_id=self.instance.patient_id
        )
        if self.instance.status != "draft":
            # The programme's dates are its versions' now.
            self.fields["start_on"].disabled = True


class PrescriptionForm(forms.Form):
    """The dosage of one exercise; the same form adds and edits (with clear
    messages for every limit: issue 4, validation)."""

    sets = forms.IntegerField(
        min_value=SETS_MIN, max_value=SETS_MAX, error_messages=_range_messages("Sets", 1, 10)
    )
    reps = forms.IntegerField(
        required=False,
        min_value=REPS_MIN,
        max_value=REPS_MAX,
        error_messages=_range_messages("Reps", REPS_MIN, REPS_MAX),
    )
    hold_s = forms.IntegerField(
        required=False,
        label="Hold (s)",
        min_value=1,
        max_value=HOLD_MAX_S,
        error_messages=_range_messages("The hold", 1, HOLD_MAX_S, " seconds"),
    )
    duration_min = forms.IntegerField(
        required=False,
        label="Minutes",
        min_value=1,
        max_value=DURATION_MAX_MIN,
        error_messages=_range_messages("The duration", 1, DURATION_MAX_MIN, " minutes"),
    )
    load = forms.CharField(required=False, max_length=120)
    side = forms.ChoiceField(choices=Side.choices)
    sessions_per_day = forms.IntegerField(
        label="Per day",
        min_value=1,
        max_value=SESSIONS_PER_DAY_MAX,
        error_messages=_range_messages("Sessions per day", 1, SESSIONS_PER_DAY_MAX),
    )
    days = forms.TypedMultipleChoiceField(
        coerce=int,
        choices=list(enumerate(WEEKDAY_NAMES)),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one day of the week."},
    )
    start_on = model_date_formfield(Prescription, "start_on", widget=DATE, label="From")
    end_on = model_date_formfield(Prescription, "end_on", widget=DATE, label="Until")
    phase = forms.IntegerField(
        min_value=1, max_value=20, error_messages=_range_messages("Phase", 1, 20)
    )
    pain_rule = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=FREE_TEXT_MAX
    )
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=FREE_TEXT_MAX,
        label="Notes for the patient",
    )

    def clean(self):
        cleaned = super().clean()
        reps, hold, minutes = (cleaned.get(f) for f in ("reps", "hold_s", "duration_min"))
        if not self.has_error("reps") and not self.has_error("hold_s"):
            if not (reps or hold or minutes) and not self.has_error("duration_min"):
                self.add_error("reps", "Give reps, a hold in seconds or a duration in minutes.")
            elif minutes and (reps or hold):
                self.add_error(
                    "duration_min", "A timed exercise has minutes only: clear reps and hold."
                )
        start, end = cleaned.get("start_on"), cleaned.get("end_on")
        if start and end and end <= start:
            self.add_error("end_on", "The end date must be after the start date.")
        return cleaned

    @classmethod
    def initial_from(cls, prescription) -> dict:
        return {
            "sets": prescription.sets,
            "reps": prescription.reps,
            "hold_s": prescription.hold_s,
            "duration_min": prescription.duration_min,
            "load": prescription.load,
            "side": prescription.side,
            "sessions_per_day": prescription.sessions_per_day,
            "days": days_list(prescription.days_of_week),
            "start_on": prescription.start_on,
            "end_on": prescription.end_on,
            "phase": prescription.phase,
            "pain_rule": prescription.pain_rule,
            "notes": prescription.notes,
        }

    def dose(self) -> dict:
        data = dict(self.cleaned_data)
        data["days_of_week"] = days_mask(data.pop("days"))
        data.pop("exercise", None)
        return data


class PrescriptionAddForm(forms.Form):
    """Add an exercise with its default dosage; the dosage is then edited inline."""

    exercise = forms.ModelChoiceField(queryset=Exercise.objects.none())
    phase = forms.IntegerField(
        min_value=1, max_value=20, initial=1, error_messages=_range_messages("Phase", 1, 20)
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["exercise"].queryset = Exercise.objects.for_user(user).only(
            "id",
            "name",
            "default_sets",
            "default_reps",
            "default_hold_s",
            "default_duration_min",
        )

    def dose(self, *, start_on) -> dict:
        exercise = self.cleaned_data["exercise"]
        return {
            "sets": exercise.default_sets,
            "reps": exercise.default_reps,
            "hold_s": exercise.default_hold_s,
            "duration_min": exercise.default_duration_min,
            "phase": self.cleaned_data["phase"],
            "start_on": start_on,
        }


class GoalForm(forms.ModelForm):
    class Meta:
        model = PlanGoal
        fields = [
            "term",
            "description",
            "instrument_code",
            "free_measure",
            "target_value",
            "target_on",
        ]
        widgets = {"target_on": DATE}
        labels = {"instrument_code": "Instrument"}

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("instrument_code") and not cleaned.get("free_measure"):
            self.add_error(
                "free_measure", "Make the goal measurable: give an instrument or a free measure."
            )
        return cleaned


class InterventionForm(forms.ModelForm):
    class Meta:
        model = PlanIntervention
        fields = ["kind", "description", "sessions_per_week", "weeks"]
        labels = {"sessions_per_week": "Sessions a week"}
        error_messages = {
            "sessions_per_week": _range_messages("Sessions a week", 1, 7),
            "weeks": _range_messages("Weeks", 1, 104),
        }


class CloseForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("completed", "Completed"), ("discontinued", "Discontinued")]
    )


def _long_text(label: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=PAUSE_TEXT_MAX,
        help_text=help_text or f"At most {PAUSE_TEXT_MAX:,} characters.",
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": PAUSE_TEXT_MAX}),
        error_messages={
            "required": "Give a reason.",
            "max_length": f"Use at most {PAUSE_TEXT_MAX:,} characters.",
        },
    )


class PauseForm(forms.Form):
    """A clinician pauses the programme by hand (holiday, awaiting investigation)."""

    reason = _long_text("Reason for the pause")


class ResumeForm(forms.Form):
    note = _long_text(
        "Note on resuming",
        f"Why the programme can go on (e.g. seen by the GP, DVT excluded). At most "
        f"{PAUSE_TEXT_MAX:,} characters.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].error_messages["required"] = "Write a note on why it can go on."


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])


class ClipForm(forms.Form):
    """A short video of the patient doing the exercise; on a phone the file
    input opens the camera (``capture``). Checked by content in programmes.clips."""

    file = forms.FileField(
        label="Video",
        help_text="Record on a phone or tablet, or choose an MP4 or WebM file.",
        widget=forms.ClearableFileInput(
            attrs={"accept": "video/mp4,video/webm,video/*", "capture": "environment"}
        ),
    )
    caption = forms.CharField(
        required=False,
        max_length=CLIP_CAPTION_MAX,
        error_messages={"max_length": f"Caption: at most {CLIP_CAPTION_MAX} characters."},
    )
