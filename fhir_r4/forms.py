from __future__ import annotations

from django import forms

from clinic.models import Clinic


class ReferralUploadForm(forms.Form):
    file = forms.FileField(
        label="FHIR referral (JSON)",
        help_text="A FHIR R4 Patient, or a Bundle with a Patient and a ServiceRequest.",
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        max_length=100, help_text="Which system will use it, e.g. “Riverside GP system”."
    )
    clinic = forms.ModelChoiceField(queryset=Clinic.objects.none())

    def __init__(self, *args, clinics, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clinic"].queryset = clinics
        if len(clinics) == 1:
            self.fields["clinic"].initial = clinics[0]
            self.fields["clinic"].widget = forms.HiddenInput()
