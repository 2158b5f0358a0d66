from __future__ import annotations

from django import forms
from django.db import models
from django.utils.text import slugify

from clinic.dates import SEARCH_MAX
from clinic.models import Clinic
from exercises.models import BodyRegion, Category, Difficulty, Exercise


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
            "image",
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
