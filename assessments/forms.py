from __future__ import annotations

from django import forms

from assessments.instruments import Instrument
from assessments.models import Assessment, AssessmentKind, ResolutionAction, ResolutionKind
from assessments.red_flags import SCREEN_ITEMS
from clinic.dates import FREE_TEXT_MAX, model_date_formfield

REGIONS = [
    ("hip_groin", "Hip and groin"),
    ("thigh_front", "Thigh (front)"),
    ("thigh_back", "Thigh (back)"),
    ("thigh_side", "Thigh (side)"),
    ("knee", "Knee"),
    ("shin", "Shin"),
    ("calf", "Calf"),
    ("ankle", "Ankle"),
    ("heel", "Heel"),
    ("foot", "Foot"),
]
REGION_CHOICES = [
    (f"{code}:{side}", f"{label}, {side}") for code, label in REGIONS for side in ("left", "right")
]
PAIN_TYPES = [
    ("localized", "Localized"),
    ("radiating", "Radiating"),
    ("cramping", "Cramping"),
    ("throbbing", "Throbbing"),
    ("burning", "Burning"),
]


class NewAssessmentForm(forms.Form):
    kind = forms.ChoiceField(choices=AssessmentKind.choices)
    assessed_on = model_date_formfield(
        Assessment,
        "assessed_on",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class SectionForm(forms.ModelForm):
    """A section of an assessment; signed assessments need an amendment reason."""

    amendment_reason = forms.CharField(
        required=False,
        max_length=FREE_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Reason for amendment",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.is_locked:
            del self.fields["amendment_reason"]

    def clean(self):
        data = super().clean()
        if self.instance.is_locked and not (data.get("amendment_reason") or "").strip():
            self.add_error("amendment_reason", "This assessment is signed: give a reason.")
        return data

    def changes(self) -> dict:
        fields = self._meta.fields
        assert fields is not None  # every section form's Meta lists its fields
        return {name: self.cleaned_data[name] for name in fields}


class HistoryForm(SectionForm):
    class Meta:
        model = Assessment
        fields = [
            "onset_on", "mechanism", "side", "duration_weeks", "aggravating_factors",
            "easing_factors", "pattern_24h", "pmh_diabetes", "pmh_smoking", "pmh_cancer",
            "pmh_previous_dvt", "pmh_recent_surgery_or_immobilisation", "pmh_bedridden_3_days",
            "medications", "occupation", "activity_level", "goals",
        ]  # fmt: skip
        widgets = {
            "onset_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            **{
                name: forms.Textarea(attrs={"rows": 2})
                for name in (
                    "aggravating_factors",
                    "easing_factors",
                    "pattern_24h",
                    "medications",
                    "goals",
                )
            },
        }

    def clean_onset_on(self):
        onset = self.cleaned_data.get("onset_on")
        assessed = self.instance.assessed_on
        if onset and assessed and onset > assessed:
            # SPEC 1.2: the limb ischaemia window counts back from the assessment date.
            raise forms.ValidationError(
                f"The onset date cannot be after the assessment date ({assessed:%d %b %Y})."
            )
        return onset


class SymptomsForm(SectionForm):
    regions = forms.MultipleChoiceField(
        choices=REGION_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    pain_types = forms.MultipleChoiceField(
        choices=PAIN_TYPES, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Assessment
        fields = [
            "regions", "distribution", "pain_types", "pain_quality", "nprs_current", "nprs_best",
            "nprs_worst", "numbness", "tingling", "weakness", "swelling", "redness", "warmth",
            "exertional", "relieved_by_rest", "rest_relief_minutes",
            "relieved_by_sitting_or_flexion", "relieved_by_elevation", "night_pain",
            "morning_stiffness_minutes",
        ]  # fmt: skip

    def clean(self):
        data = super().clean()
        for name in ("nprs_current", "nprs_best", "nprs_worst"):
            value = data.get(name)
            if value is not None and not 0 <= value <= 10:
                self.add_error(name, "Pain is rated 0 to 10.")
        best, worst = data.get("nprs_best"), data.get("nprs_worst")
        if best is not None and worst is not None and best > worst:
            self.add_error("nprs_best", "Least pain cannot be higher than worst pain.")
        return data


class ExaminationForm(SectionForm):
    class Meta:
        model = Assessment
        fields = [
            "power_l2_left", "power_l2_right", "power_l3_left", "power_l3_right",
            "power_l4_left", "power_l4_right", "power_l5_left", "power_l5_right",
            "power_s1_left", "power_s1_right", "reflexes", "straight_leg_raise", "slump",
            "pulses", "abi_left", "abi_right", "calf_circumference_diff_cm", "knee_flexion_deg",
        ]  # fmt: skip

    def clean(self):
        data = super().clean()
        for name in self._meta.fields:
            if name.startswith("power_") and data.get(name) is not None and data[name] > 5:
                self.add_error(name, "Oxford power is graded 0 to 5.")
        return data


class ScreenForm(forms.Form):
    """The red-flag screen: each item present / absent / not assessed."""

    def __init__(self, *args, instance: Assessment, **kwargs):
        self.instance = instance
        screen = instance.red_flag_screen or {}
        super().__init__(*args, **kwargs)
        for item in SCREEN_ITEMS:
            self.fields[item.code] = forms.ChoiceField(
                label=item.label,
                choices=[("not_assessed", "Not assessed"), ("absent", "Absent"),
                         ("present", "Present")],
                initial=screen.get(item.code, "not_assessed"),
                required=False,  # an item left out stays "not assessed"
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )  # fmt: skip
        if instance.is_locked:
            self.fields["amendment_reason"] = forms.CharField(
                max_length=FREE_TEXT_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
                label="Reason for amendment",
            )

    def grouped(self):
        groups: dict[str, list] = {}
        for item in SCREEN_ITEMS:
            groups.setdefault(item.group, []).append(self[item.code])
        return groups.items()

    def changes(self) -> dict:
        return {
            "red_flag_screen": {
                item.code: self.cleaned_data[item.code]
                for item in SCREEN_ITEMS
                if self.cleaned_data.get(item.code) in ("present", "absent")
            }
        }


class ImpressionForm(SectionForm):
    class Meta:
        model = Assessment
        fields = ["working_diagnosis", "impression_notes"]
        widgets = {"impression_notes": forms.Textarea(attrs={"rows": 3})}


SECTION_FORMS = {
    "history": HistoryForm,
    "symptoms": SymptomsForm,
    "examination": ExaminationForm,
    "screen": ScreenForm,
    "impression": ImpressionForm,
}
SECTION_TITLES = {
    "history": "History",
    "symptoms": "Symptoms",
    "examination": "Examination",
    "screen": "Red-flag screen",
    "impression": "Clinical impression",
}


class ResolveForm(forms.Form):
    kind = forms.ChoiceField(choices=ResolutionKind.choices, initial=ResolutionKind.ACTION)
    action = forms.ChoiceField(choices=[("", "—"), *ResolutionAction.choices], required=False)
    note = forms.CharField(
        required=False,
        max_length=FREE_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Note / reason",
    )

    def clean(self):
        data = super().clean()
        if data.get("kind") == ResolutionKind.ACTION and not data.get("action"):
            self.add_error("action", "Choose what was done.")
        if data.get("kind") == ResolutionKind.OVERRIDE and not (data.get("note") or "").strip():
            self.add_error("note", "An override needs a documented reason.")
        return data


def _coerce_number(value: str):
    number = float(value)
    return int(number) if number.is_integer() else number


class InstrumentForm(forms.Form):
    """The items of one instrument; values are coerced to the option values."""

    def __init__(self, *args, instrument: Instrument, initial_answers=None, labels=None,
                 locked=False, **kwargs):  # fmt: skip
        self.instrument = instrument
        super().__init__(*args, **kwargs)
        initial_answers = initial_answers or {}
        labels = labels or {}
        for item in instrument.item_defs:
            if instrument.code == "psfs":
                self.fields[f"label_{item.code}"] = forms.CharField(
                    required=False, label=f"{item.label}: activity", initial=labels.get(item.code)
                )
            field: forms.Field
            if item.kind == "boolean":
                field = forms.TypedChoiceField(
                    choices=[("", "Not assessed"), ("1", "Yes"), ("0", "No")],
                    coerce=lambda v: v == "1",
                    empty_value=None,
                    required=False,
                )
                value = initial_answers.get(item.code)
                field.initial = "" if value is None else ("1" if value else "0")
            elif item.kind == "age":
                field = forms.IntegerField(required=False, min_value=0, max_value=130)
                field.initial = initial_answers.get(item.code)
            else:
                field = forms.TypedChoiceField(
                    choices=[("", "—"), *[(str(o.value), o.label) for o in item.options]],
                    coerce=_coerce_number,
                    empty_value=None,
                    required=False,
                )
                value = initial_answers.get(item.code)
                field.initial = "" if value is None else str(value)
            field.label = item.label
            self.fields[item.code] = field
        if locked:
            self.fields["amendment_reason"] = forms.CharField(
                max_length=FREE_TEXT_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
                label="Reason for amendment",
            )

    def answers(self) -> dict:
        return {code: self.cleaned_data.get(code) for code in self.instrument.items}

    def labels(self) -> dict:
        return {
            code: self.cleaned_data.get(f"label_{code}", "")
            for code in self.instrument.items
            if self.cleaned_data.get(f"label_{code}")
        }
