from __future__ import annotations

from django import forms
from django.db import models
from django.utils.text import slugify

from clinic.dates import SEARCH_MAX
from clinic.models import Clinic
from exercises.models import (
    ALT_TEXT_MAX,
    CAPTION_MAX,
    BodyRegion,
    Category,
    Difficulty,
    Exercise,
)


class ExerciseFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=SEARCH_MAX, label="Search")
    category = forms.ChoiceField(required=False, choices=[("", "Any category"), *Category.choices])
    body_region = forms.ChoiceField(
        required=False, label="Body region", choices=[("", "Any region"), *BodyRegion.choices]
    )
    difficulty = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Any difficulty"), *Difficulty.choices],
    )
    source = forms.ChoiceField(
        required=False,
        choices=[("", "All exercises"), ("shipped", "Shipped library"), ("clinic", "Our clinic's")],
    )

    def apply(self, exercises):
        data = self.cleaned_data
        exercises = exercises.search(data["q"])
        for field in ("category", "body_region", "difficulty"):
            if data[field]:
                exercises = exercises.filter(**{field: data[field]})
        if data["source"] == "shipped":
            exercises = exercises.filter(clinic__isnull=True)
        elif data["source"] == "clinic":
            exercises = exercises.filter(clinic__isnull=False)
        return exercises


def https_url_fields(model_field, **kwargs):
    """Links typed without a scheme are read as https (Django 6's default)."""
    if isinstance(model_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return model_field.formfield(**kwargs)


class ExerciseForm(forms.ModelForm):
    """A clinic's own exercise (clinic admins); shipped ones are not editable."""

    class Meta:
        model = Exercise
        formfield_callback = https_url_fields
        fields = [
            "clinic",
            "name",
            "body_region",
            "category",
            "difficulty",
            "equipment",
            "default_sets",
            "default_reps",
            "default_hold_s",
            "default_duration_min",
            "patient_steps",
            "patient_feel",
            "patient_stop",
            "clinician_aim",
            "clinician_cues",
            "contraindications",
            "image_url",
            "video_url",
            "licence",
            "author",
            "source",
            "progression",
            "regression",
        ]
        widgets = {
            f: forms.Textarea(attrs={"rows": 3})
            for f in (
                "patient_feel",
                "patient_stop",
                "clinician_aim",
                "clinician_cues",
                "contraindications",
            )
        } | {"patient_steps": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, user, clinic_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clinic"].queryset = Clinic.objects.filter(pk__in=clinic_ids)
        self.fields["clinic"].required = True
        self.fields["clinic"].empty_label = None
        library = Exercise.objects.for_user(user).only("id", "name")
        self.fields["progression"].queryset = library
        self.fields["regression"].queryset = library

    def clean(self):
        cleaned = super().clean()
        if not any(
            cleaned.get(f) for f in ("default_reps", "default_hold_s", "default_duration_min")
        ):
            self.add_error(
                "default_reps", "Give default reps, a hold in seconds or a duration in minutes."
            )
        clinic, name = cleaned.get("clinic"), cleaned.get("name")
        if clinic and name:
            slug = slugify(name)[:80] or "exercise"
            if Exercise.objects.filter(clinic=clinic, slug=slug).exists():
                self.add_error("name", "Your clinic already has an exercise with this name.")
            self.instance.slug = slug
        return cleaned


class MediaForm(forms.Form):
    """A picture or a short video of an exercise. The file is checked by its
    content in the service (exercises/media.py), not by its name."""

    file = forms.FileField(
        label="Picture or video",
        help_text="JPEG, PNG or WebP picture (up to 15 MB), or an MP4 or WebM video.",
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,video/mp4,video/webm"}
        ),
    )
    alt_text = forms.CharField(
        label="Alt text",
        max_length=ALT_TEXT_MAX,
        help_text="What it shows, for people who cannot see it (required).",
        error_messages={
            "required": "Describe what the picture or video shows (alt text).",
            "max_length": f"Alt text: at most {ALT_TEXT_MAX} characters.",
        },
    )
    caption = forms.CharField(
        required=False,
        max_length=CAPTION_MAX,
        error_messages={"max_length": f"Caption: at most {CAPTION_MAX} characters."},
    )
    clinic = forms.ModelChoiceField(queryset=Clinic.objects.none(), empty_label=None)

    def __init__(self, *args, clinic_ids, exercise: Exercise, **kwargs):
        super().__init__(*args, **kwargs)
        ids = [exercise.clinic_id] if exercise.clinic_id else list(clinic_ids)
        self.fields["clinic"].queryset = Clinic.objects.filter(pk__in=ids).order_by("name")  # type: ignore[attr-defined]
        self.only_clinic = ids[0] if len(ids) == 1 else None
        if self.only_clinic is not None:
            self.fields["clinic"].required = False
            self.fields["clinic"].widget = forms.HiddenInput()

    def clean_clinic(self):
        clinic = self.cleaned_data.get("clinic")
        if clinic is None and self.only_clinic is not None:
            clinic = Clinic.objects.get(pk=self.only_clinic)
        if clinic is None:
            raise forms.ValidationError("Choose the clinic adding it.")
        return clinic


class MediaMoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])
