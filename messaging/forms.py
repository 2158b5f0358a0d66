from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from clinic.models import StaffMember
from messaging.models import MESSAGE_MAX_CHARS

TOO_LONG = _(
    "A message can be at most 2,000 characters; yours has %(show_value)d. "
    "Shorten it or send it as two messages."
)


def message_body_field(label=None) -> forms.CharField:
    """A plain CharField (the stored-XSS test enumerates those) with our limit
    and messages."""
    return forms.CharField(
        label=label if label is not None else _("Your message"),
        max_length=MESSAGE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write your message first."), "max_length": TOO_LONG},
        help_text=_("Plain text, at most 2,000 characters."),
    )


class PatientMessageForm(forms.Form):
    body = message_body_field()
    about = forms.ChoiceField(label=_("About an exercise (optional)"), required=False)

    def __init__(self, *args, prescriptions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.prescriptions = {str(p.pk): p for p in prescriptions}
        self.fields["about"].choices = [("", _("Nothing in particular"))] + [
            (pk, p.exercise.patient_text.name) for pk, p in self.prescriptions.items()
        ]
        # The text field keeps its own (non-HTML) maxlength out of the browser:
        # a longer text reaches our message instead of being cut silently.
        self.fields["body"].widget.attrs.pop("maxlength", None)

    def clean_about(self):
        value = self.cleaned_data.get("about")
        return self.prescriptions.get(value) if value else None


class StaffReplyForm(forms.Form):
    body = message_body_field("Reply")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].widget.attrs.pop("maxlength", None)


class AssignForm(forms.Form):
    staff_member = forms.ModelChoiceField(
        queryset=StaffMember.objects.none(),
        required=False,
        empty_label="Nobody (the team)",
        label="Assign to",
    )

    def __init__(self, *args, clinic_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff_member"].queryset = (
            StaffMember.objects.clinicians().filter(clinics=clinic_id).select_related("user")
        )
