from __future__ import annotations

from django import forms


class AlertResolveForm(forms.Form):
    note = forms.CharField(
        required=False,
        max_length=300,
        label="Resolution note",
        help_text="Optional; what was done (kept with the alert).",
    )
