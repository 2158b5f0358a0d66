from __future__ import annotations

from datetime import date

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout, Submit
from django import forms
from django.utils import timezone

from clinic.dates import SEARCH_MAX
from clinic.models import Clinic, StaffMember
from patients.models import ConsentKind, ErasureRequest, Patient, Status

MAX_AGE_YEARS = 120

DEMOGRAPHIC_FIELDS = [
    "clinic",
    "first_name",
    "last_name",
    "date_of_birth",
    "sex",
    "pronouns",
    "email",
    "mobile_phone",
    "address_line1",
    "address_line2",
    "city",
    "postcode",
    "country",
    "preferred_language",
    "time_zone",
    "gp_name",
    "gp_practice",
    "gp_phone",
    "gp_email",
    "referral_source",
    "emergency_contact_name",
    "emergency_contact_relationship",
    "emergency_contact_phone",
    "status",
    "assigned_clinician",
]
CLINICAL_FIELDS = ["referral_reason"]


def _row(*names: str) -> Div:
    return Div(*[Div(name, css_class="col-md") for name in names], css_class="row")


class PatientForm(forms.ModelForm):
    """Create or edit a patient. Choices are scoped to the user's clinics;
    reception does not get the clinical fields."""

    consent_treatment = forms.BooleanField(required=False, label="Consents to treatment")
    consent_portal = forms.BooleanField(required=False, label="Opts in to the patient portal")
    consent_reminders = forms.BooleanField(required=False, label="Opts in to exercise reminders")
    confirm_not_duplicate = forms.BooleanField(
        required=False,
        label="This is a different person; save anyway",
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Patient
        fields = DEMOGRAPHIC_FIELDS + CLINICAL_FIELDS
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "referral_reason": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, staff_member: StaffMember, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.duplicates: list[Patient] = []
        # A mobile example that is a real mobile number (the model's "+44 7700
        # 900123" is a reserved drama number the validator refuses), and a
        # mobile example in the error too (the library's is a landline).
        mobile = self.fields["mobile_phone"]
        mobile.help_text = "A mobile number, e.g. 07911 123456 or +44 7911 123456."
        mobile.error_messages["invalid"] = (
            "Enter a valid phone number: a mobile, e.g. 07911 123456 or +44 7911 123456."
        )
        clinics = (
            Clinic.objects.all()
            if user.is_superuser
            else Clinic.objects.filter(pk__in=staff_member.clinic_ids)
        )
        clinic_field = self.fields["clinic"]
        clinician_field = self.fields["assigned_clinician"]
        # Both are foreign keys on the model: ModelChoiceFields.
        assert isinstance(clinic_field, forms.ModelChoiceField)
        assert isinstance(clinician_field, forms.ModelChoiceField)
        clinic_field.queryset = clinics
        clinician_field.queryset = (
            StaffMember.objects.for_user(user).clinicians().select_related("user")
        )
        if not self.instance._state.adding:
            # A record does not move between clinics (its record number is the clinic's).
            del self.fields["clinic"]
        elif len(clinics) == 1:
            self.fields["clinic"].initial = clinics[0]
            self.fields["clinic"].widget = forms.HiddenInput()
        if not user.is_superuser and not staff_member.sees_clinical_content:
            for name in CLINICAL_FIELDS:
                del self.fields[name]
        for kind in ConsentKind.values:
            self.fields[f"consent_{kind}"].initial = getattr(self.instance, f"consent_{kind}")
        self.helper = FormHelper()
        self.helper.layout = self._layout()
        self.helper.add_input(Submit("save", "Save patient"))

    def _layout(self) -> Layout:
        present = set(self.fields)

        def keep(*names):
            return [n for n in names if n in present]

        return Layout(
            *keep("clinic", "confirm_not_duplicate"),
            Fieldset(
                "Person", _row("first_name", "last_name"), _row("date_of_birth", "sex", "pronouns")
            ),
            Fieldset(
                "Contact",
                _row("email", "mobile_phone"),
                _row("address_line1", "address_line2"),
                _row("city", "postcode", "country"),
                _row("preferred_language", "time_zone"),
            ),
            Fieldset("GP", _row("gp_name", "gp_practice"), _row("gp_phone", "gp_email")),
            Fieldset("Referral", *keep("referral_source", "referral_reason")),
            Fieldset(
                "Emergency contact",
                _row(
                    "emergency_contact_name",
                    "emergency_contact_relationship",
                    "emergency_contact_phone",
                ),
            ),
            Fieldset("Consent", "consent_treatment", "consent_portal", "consent_reminders"),
            Fieldset("Care", _row("status", "assigned_clinician")),
        )

    def clean_date_of_birth(self) -> date:
        dob = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if dob > today:
            raise forms.ValidationError("Date of birth cannot be in the future.")
        age = today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))
        if age > MAX_AGE_YEARS:
            raise forms.ValidationError(
                f"That makes the patient {age} years old; please check the year."
            )
        return dob

    def clean(self):
        cleaned = super().clean()
        clinic = cleaned.get("clinic") or getattr(self.instance, "clinic", None)
        clinician = cleaned.get("assigned_clinician")
        if (
            clinic is not None
            and clinician is not None
            and not clinician.clinics.filter(pk=clinic.pk).exists()
        ):
            self.add_error("assigned_clinician", "This clinician does not work at the clinic.")
        first, last, dob = (cleaned.get(k) for k in ("first_name", "last_name", "date_of_birth"))
        if (
            clinic is not None
            and first
            and last
            and dob
            and not cleaned.get("confirm_not_duplicate")
        ):
            self.duplicates = list(
                Patient.objects.likely_duplicates(
                    clinic=clinic, first_name=first, last_name=last, date_of_birth=dob
                )
                .exclude(pk=self.instance.pk)
                .only("id", "record_number", "first_name", "last_name")[:5]
            )
        return cleaned

    @property
    def consents(self) -> dict[str, bool]:
        return {
            kind: self.cleaned_data.get(f"consent_{kind}", False) for kind in ConsentKind.values
        }


class PatientFilterForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=SEARCH_MAX,
        label="Search",
        widget=forms.TextInput(
            attrs={"placeholder": "Name, record number, email, phone or date of birth"}
        ),
    )
    status = forms.ChoiceField(required=False)
    clinician = forms.ModelChoiceField(
        queryset=StaffMember.objects.none(), required=False, empty_label="Any clinician"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "Any status"), *Status.choices]
        self.fields["clinician"].queryset = (
            StaffMember.objects.for_user(user).clinicians().select_related("user")
        )


class ErasureRequestForm(forms.ModelForm):
    class Meta:
        model = ErasureRequest
        fields = ["received_via", "received_on", "notes"]
        widgets = {"received_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def clean_received_on(self):
        received_on = self.cleaned_data["received_on"]
        if received_on > timezone.localdate():
            raise forms.ValidationError("The request cannot have been received in the future.")
        return received_on
