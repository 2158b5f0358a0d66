"""Staff forms of the tracking app: a session reported by phone (issue 13)."""

from __future__ import annotations

from datetime import timedelta

from django import forms

from clinic.dates import model_date_formfield
from tracking.models import (
    CLAUDICATION_ONSET_MAX_MIN,
    SESSION_NOTE_MAX,
    Effort,
    MorningPain,
    SessionLog,
    SessionOutcome,
    SkipReason,
)
from tracking.services import PHONE_LOG_DAYS_BACK


class PhoneSessionForm(forms.Form):
    # The model's date bounds (clinic.dates) before the 28-days-back rule.
    performed_on = model_date_formfield(
        SessionLog,
        "performed_on",
        label="Day of the session (patient's date)",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter a date, e.g. 2026-06-01."},
    )
    exercise = forms.ChoiceField(label="Exercise")
    session_number = forms.TypedChoiceField(
        label="Session of the day", coerce=int, choices=[(str(n), str(n)) for n in range(1, 7)]
    )
    outcome = forms.ChoiceField(label="Outcome", choices=SessionOutcome.choices)
    skip_reason = forms.ChoiceField(
        label="Why skipped", required=False, choices=[("", "—"), *SkipReason.choices]
    )
    sets_done = forms.IntegerField(
        label="Sets done (partly)", required=False, min_value=0, max_value=50
    )
    reps_done = forms.IntegerField(
        label="Reps done (partly)", required=False, min_value=0, max_value=500
    )
    duration_min_done = forms.IntegerField(
        label="Minutes done", required=False, min_value=0, max_value=600
    )
    pain_during = forms.TypedChoiceField(
        label="Pain during (0-10)",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), *[(str(n), str(n)) for n in range(11)]],
    )
    difficulty = forms.TypedChoiceField(
        label="Effort",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), *[(str(v), label) for v, label in Effort.choices]],
    )
    # Issue 14: the progression rules' questions, as the portal asks them (optional).
    previous_next_morning = forms.ChoiceField(
        label="Pain back to usual the morning after the previous session?",
        required=False,
        choices=[("", "—"), *MorningPain.choices],
    )
    claudication_onset_min = forms.IntegerField(
        label="Minutes walked before the leg pain started (walking exercises)",
        required=False,
        min_value=0,
        max_value=CLAUDICATION_ONSET_MAX_MIN,
    )
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=SESSION_NOTE_MAX,
        help_text=f"At most {SESSION_NOTE_MAX:,} characters.",
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": SESSION_NOTE_MAX}),
        error_messages={"max_length": f"Use at most {SESSION_NOTE_MAX:,} characters."},
    )

    def __init__(self, *args, prescriptions=(), today=None, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
        self.today = today
        self.fields["exercise"].choices = [(str(p.lineage), p.exercise.name) for p in prescriptions]
        if today is not None:
            self.fields["performed_on"].initial = today

    def clean_performed_on(self):
        day = self.cleaned_data["performed_on"]
        if self.today is not None:
            if day > self.today:
                raise forms.ValidationError("The day cannot be in the future.")
            if day < self.today - timedelta(days=PHONE_LOG_DAYS_BACK):
                raise forms.ValidationError(
                    f"Choose a day within the last {PHONE_LOG_DAYS_BACK} days."
                )
        return day

    def clean(self):
        data = super().clean()
        if data.get("outcome") == SessionOutcome.SKIPPED and not data.get("skip_reason"):
            self.add_error("skip_reason", "Choose why the session was skipped.")
        return data
