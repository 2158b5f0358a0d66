from __future__ import annotations

from django import forms


class AlertResolveForm(forms.Form):
    note = forms.CharField(
        required=False,
        max_length=300,
        label="Resolution note",
        help_text="Optional; what was done (kept with the alert).",
    )


class AlertSnoozeForm(forms.Form):
    days = forms.IntegerField(
        min_value=1,
        max_value=30,
        label="Snooze for (days)",
        error_messages={
            "required": "Say for how many days (1 to 30).",
            "min_value": "Snooze for 1 to 30 days.",
            "max_value": "Snooze for 1 to 30 days.",
            "invalid": "Snooze for a whole number of days, 1 to 30.",
        },
    )
    reason = forms.CharField(
        max_length=4000,
        label="Reason",
        help_text="Required; kept with the alert (at most 4,000 characters).",
        error_messages={
            "required": "Give a reason for snoozing the alert.",
            "max_length": "Keep the reason to at most 4,000 characters.",
        },
    )
