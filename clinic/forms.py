from __future__ import annotations

from datetime import datetime, time

from django import forms
from django.utils import timezone

from clinic.dates import DateRangeValidator
from clinic.models import AuditAction


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(required=False)
    user = forms.CharField(required=False, max_length=150, label="Username")
    patient = forms.UUIDField(required=False, label="Patient id")
    since = forms.DateField(
        required=False,
        validators=[DateRangeValidator()],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = forms.DateField(
        required=False,
        validators=[DateRangeValidator()],
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", "Any action"), *AuditAction.choices]

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", "The end date is before the start date.")
        return cleaned

    def apply(self, events):
        data = self.cleaned_data
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["user"]:
            events = events.filter(actor_username__iexact=data["user"].strip())
        if data["patient"]:
            events = events.filter(patient_id=data["patient"])
        tz = timezone.get_current_timezone()
        if data["since"]:
            events = events.filter(at__gte=datetime.combine(data["since"], time.min, tz))
        if data["until"]:
            events = events.filter(at__lte=datetime.combine(data["until"], time.max, tz))
        return events
