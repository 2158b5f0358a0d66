"""Reminder preferences: the staff page's form, reused by the portal."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from clinic.dates import model_date_formfield
from exercises.models import WEEKDAY_NAMES, days_list, days_mask
from reminders.models import PAUSE_TOO_LONG, ReminderChannel, ReminderPreference, pause_latest
from reminders.scheduling import in_quiet_hours, parse_slot

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

MAX_REMINDER_TIMES = 4
_HH_MM = re.compile(r"^([01]?[0-9]|2[0-3]):([0-5][0-9])$")


class ReminderPreferenceForm(forms.Form):
    """Reminder preferences for one patient. Staff use it on the patient's
    reminders page; the portal reuses it (``ReminderPreferenceForm(data,
    patient=patient)``) and saves with ``reminder_preference_update``.
    ``initial_for(preference)`` gives the initial values of a saved preference."""

    enabled = forms.BooleanField(required=False, label=_("Send exercise reminders"))
    channel = forms.ChoiceField(choices=[], label=_("How"))
    local_times = forms.CharField(
        label=_("Times"),
        max_length=60,
        help_text=_('Local times as HH:MM, separated by commas, e.g. "08:00, 18:30".'),
    )
    days = forms.TypedMultipleChoiceField(
        label=_("Days"),
        choices=list(enumerate(WEEKDAY_NAMES)),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one day.")},
    )
    quiet_start = forms.TimeField(
        required=False,
        label=_("Quiet hours from"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    quiet_end = forms.TimeField(
        required=False,
        label=_("Quiet hours until"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    # The model's bounds (clinic.dates) and its year-at-most rule.
    paused_until = model_date_formfield(
        ReminderPreference,
        "paused_until",
        label=_("Pause until (inclusive)"),
        widget=DATE,
        help_text=_("No reminders up to and including this day; a year at most."),
    )

    def __init__(self, *args, patient, **kwargs):
        super().__init__(*args, **kwargs)
        self.patient = patient
        self.fields["channel"].choices = ReminderChannel.choices

    @staticmethod
    def initial_for(preference) -> dict:
        return {
            "enabled": preference.enabled,
            "channel": preference.channel,
            "local_times": ", ".join(preference.local_times),
            "days": days_list(preference.days_of_week),
            "quiet_start": preference.quiet_start,
            "quiet_end": preference.quiet_end,
            "paused_until": preference.paused_until,
        }

    def clean_local_times(self) -> list[str]:
        raw = [part.strip() for part in self.cleaned_data["local_times"].split(",")]
        raw = [part for part in raw if part]
        if not raw:
            raise forms.ValidationError(_("Give at least one time, e.g. 08:00."))
        times = []
        for part in raw:
            match = _HH_MM.match(part)
            if match is None:
                raise forms.ValidationError(
                    f'"{part}" is not a time; use HH:MM on a 24-hour clock, e.g. 18:30.'
                )
            times.append(f"{int(match.group(1)):02d}:{match.group(2)}")
        times = sorted(set(times))
        if len(times) > MAX_REMINDER_TIMES:
            raise forms.ValidationError(
                _("Choose at most %(count)s times a day.") % {"count": MAX_REMINDER_TIMES}
            )
        return times

    def clean_paused_until(self):
        value = self.cleaned_data.get("paused_until")
        if value is not None and value < self.patient.local_today():
            raise forms.ValidationError(_("The pause cannot end in the past."))
        if value is not None and value > pause_latest(self.patient.local_today()):
            raise forms.ValidationError(PAUSE_TOO_LONG)
        return value

    def clean_channel(self) -> str:
        channel = self.cleaned_data["channel"]
        if channel == ReminderChannel.EMAIL and not self.patient.email:
            raise forms.ValidationError(_("There is no email address on the record."))
        if channel == ReminderChannel.SMS and not self.patient.mobile_phone:
            raise forms.ValidationError(_("There is no mobile number on the record."))
        return channel

    def clean(self):
        data = super().clean()
        start, end = data.get("quiet_start"), data.get("quiet_end")
        if (start is None) != (end is None):
            raise forms.ValidationError(_("Give both ends of the quiet hours, or neither."))
        times = data.get("local_times")
        if (
            times
            and start is not None
            and all(in_quiet_hours(parse_slot(t), start, end) for t in times)
        ):
            self.add_error(
                "quiet_end",
                _("The quiet hours cover every reminder time; no reminder would go out."),
            )
        return data

    def preference_data(self) -> dict:
        """The cleaned values in the model's terms (for the service)."""
        data = dict(self.cleaned_data)
        data["days_of_week"] = days_mask(data.pop("days"))
        return data
