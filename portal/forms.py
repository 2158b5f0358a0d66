from __future__ import annotations

from datetime import date as _date
from datetime import timedelta

from django import forms
from django.contrib.auth import authenticate, get_user_model, password_validation
from django.contrib.auth.forms import PasswordResetForm
from django.utils import dateformat
from django.utils.translation import gettext_lazy as _

from clinic.dates import PASSWORD_MAX
from clinic.security import UNKNOWN_LOGIN, login_key
from exercises.models import DURATION_MAX_MIN, REPS_MAX, SETS_MAX
from patients.language import in_patient_language
from reminders import forms as preference_forms
from tracking import self_screen
from tracking.models import (
    CLAUDICATION_ONSET_MAX_MIN,
    Effort,
    LegExtent,
    LegWeakness,
    MorningPain,
    SessionOutcome,
    SkipReason,
)
from tracking.sciatica import SciaticaAnswers


def patient_users():
    """Portal accounts: users linked to a patient record and not staff."""
    return get_user_model().objects.filter(
        patient__isnull=False, staff_member__isnull=True, is_active=True
    )


class PortalLoginForm(forms.Form):
    """Email and password. Staff accounts are refused with the same message as
    a wrong password, so the form tells nothing about which accounts exist."""

    email = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=PASSWORD_MAX,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_text = _("That email and password do not match an account. Check them and try again.")

    def __init__(self, request=None, *args, **kwargs):
        self.request = request
        self.user_cache = None
        super().__init__(*args, **kwargs)

    def clean(self):
        email, password = self.cleaned_data.get("email"), self.cleaned_data.get("password")
        if email and password:
            # Known and unknown emails alike (issue 19): the same answer, one
            # password hash (Django's backend hashes for an unknown username),
            # and the lockout counted under the typed email and the IP
            # (``clinic.security.axes_username``) whether an account exists or not.
            key = login_key(email)
            candidates = list(patient_users().filter(email__iexact=email)[:5])
            if not candidates:
                authenticate(
                    self.request, username=UNKNOWN_LOGIN + key, password=password, portal_email=key
                )
            for candidate in candidates:
                user = authenticate(
                    self.request, username=candidate.username, password=password, portal_email=key
                )
                if user is not None:
                    self.user_cache = user
                    break
            if self.user_cache is None:
                raise forms.ValidationError(self.error_text)
        return self.cleaned_data

    def get_user(self):
        return self.user_cache


class SetPasswordForm(forms.Form):
    new_password1 = forms.CharField(
        label=_("New password"),
        max_length=PASSWORD_MAX,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters. A few words you will remember work well."),
    )
    new_password2 = forms.CharField(
        label=_("New password again"),
        max_length=PASSWORD_MAX,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("new_password1"), cleaned.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", _("The two passwords are not the same."))
        elif first:
            try:
                password_validation.validate_password(first)
            except forms.ValidationError as error:
                self.add_error("new_password1", error)
        return cleaned


class PortalPasswordResetForm(PasswordResetForm):
    def get_users(self, email):
        return (u for u in patient_users().filter(email__iexact=email) if u.has_usable_password())

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        # Issue 18: in the patient's language, whatever the page's.
        patient = getattr(context.get("user"), "patient", None)
        with in_patient_language(patient):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


# --- Portal pages (issue 6) ---


def style_fields(form: forms.Form) -> None:
    """Bootstrap classes on the widgets (templates render the labels)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(
            widget, forms.RadioSelect | forms.CheckboxSelectMultiple | forms.CheckboxInput
        ):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


PAIN_CHOICES = [("", _("Choose"))] + [(str(n), str(n)) for n in range(11)]


class SessionLogForm(StyledForm):
    """One exercise, one session. The buttons carry the outcome: "Done",
    "Save as partly done", or a skip reason (one tap: ``skip=<reason>``)."""

    session = forms.TypedChoiceField(coerce=int, label=_("Session"))
    outcome = forms.ChoiceField(choices=SessionOutcome.choices, required=False)
    skip = forms.ChoiceField(choices=SkipReason.choices, required=False)
    sets_done = forms.IntegerField(
        label=_("Sets done"), required=False, min_value=0, max_value=SETS_MAX
    )
    reps_done = forms.IntegerField(
        label=_("Reps done (each set)"), required=False, min_value=0, max_value=REPS_MAX
    )
    duration_min_done = forms.IntegerField(
        label=_("Minutes done"), required=False, min_value=0, max_value=DURATION_MAX_MIN
    )
    pain_during = forms.TypedChoiceField(
        label=_("Pain during (0 = none, 10 = worst)"),
        choices=PAIN_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )
    difficulty = forms.TypedChoiceField(
        label=_("How hard was it?"),
        choices=[("", _("Choose"))] + [(str(v), label) for v, label in Effort.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )

    # Issue 14: asked about the previous session of this exercise (SPEC 4.5 "no increase
    # the next day"); optional.
    previous_next_morning = forms.ChoiceField(
        label=_(
            "After your last session of this exercise, was your pain back to usual by the next morning?"
        ),
        choices=[("", _("Choose")), *MorningPain.choices],
        required=False,
    )
    # PAD walking (SPEC 2.5b claudication onset time, 4.1): only on walking exercises.
    claudication_onset_min = forms.IntegerField(
        label=_("Minutes of walking before the leg pain started"),
        required=False,
        min_value=0,
        max_value=CLAUDICATION_ONSET_MAX_MIN,
    )

    def __init__(
        self, *args, sessions: int = 1, prefix_id: str = "", claudication: bool = False, **kwargs
    ):
        super().__init__(*args, **kwargs)
        if not claudication:
            del self.fields["claudication_onset_min"]
        session = self.fields["session"]
        assert isinstance(session, forms.ChoiceField)  # declared above
        session.choices = [
            (str(n), _("Session %(number)s of %(total)s") % {"number": n, "total": sessions})
            for n in range(1, sessions + 1)
        ]
        if sessions == 1:
            self.fields["session"].widget = forms.HiddenInput()
        # Unique ids per card: several cards share one page.
        self.auto_id = f"id_{prefix_id}_%s" if prefix_id else "id_%s"

    def clean(self):
        cleaned = super().clean()
        skip = cleaned.get("skip")
        if skip:
            cleaned["outcome"] = SessionOutcome.SKIPPED
            cleaned["skip_reason"] = skip
        else:
            cleaned["skip_reason"] = ""
        outcome = cleaned.get("outcome")
        if not outcome:
            raise forms.ValidationError(_("Choose Done, Partly done or a reason for skipping."))
        if outcome == SessionOutcome.PARTIAL and not any(
            cleaned.get(f) for f in ("sets_done", "reps_done", "duration_min_done")
        ):
            self.add_error("sets_done", _("Tell us how much you did: sets and reps, or minutes."))
        return cleaned


class CheckInForm(StyledForm):
    pain_now = forms.TypedChoiceField(
        label=_("Your pain right now (0 = no pain, 10 = worst pain you can imagine)"),
        choices=[(str(n), str(n)) for n in range(11)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a number from 0 to 10.")},
    )

    def __init__(self, *args, sciatica: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.sciatica = sciatica
        if sciatica:
            self._add_sciatica_fields()
        for question in self_screen.QUESTIONS:
            self.fields[f"flag_{question.code}"] = forms.TypedChoiceField(
                label=str(question.text),
                choices=[("no", _("No")), ("yes", _("Yes"))],
                coerce=lambda v: v == "yes",
                widget=forms.RadioSelect,
                error_messages={"required": _("Answer yes or no.")},
            )
        style_fields(self)

    def _add_sciatica_fields(self) -> None:
        """Sciatica self-tracking (issue 14, ``tracking.sciatica``)."""
        scale = [(str(n), str(n)) for n in range(11)]
        required = {"required": _("Please choose an answer.")}
        for name, label in (
            ("back_pain", _("Your back pain right now (0 = no pain, 10 = worst pain)")),
            ("leg_pain", _("Your leg pain right now (0 = no pain, 10 = worst pain)")),
        ):
            self.fields[name] = forms.TypedChoiceField(
                label=label,
                choices=scale,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose a number from 0 to 10.")},
            )
        self.fields["leg_extent"] = forms.TypedChoiceField(
            label=_("How far down your leg does the pain reach?"),
            choices=[(str(v), label) for v, label in LegExtent.choices],
            coerce=int,
            widget=forms.RadioSelect,
            error_messages=required,
        )
        self.fields["leg_numbness"] = forms.TypedChoiceField(
            label=_("Do you have numbness or pins and needles in your leg or foot?"),
            choices=[("no", _("No")), ("yes", _("Yes"))],
            coerce=lambda v: v == "yes",
            widget=forms.RadioSelect,
            error_messages={"required": _("Answer yes or no.")},
        )
        self.fields["leg_weakness"] = forms.TypedChoiceField(
            label=_("Does your leg or foot feel weak?"),
            choices=[(str(v), label) for v, label in LegWeakness.choices],
            coerce=int,
            widget=forms.RadioSelect,
            error_messages=required,
        )

    SCIATICA_FIELDS = ("back_pain", "leg_pain", "leg_extent", "leg_numbness", "leg_weakness")

    @property
    def sciatica_fields(self):
        return [self[name] for name in self.SCIATICA_FIELDS] if self.sciatica else []

    def sciatica_answers(self) -> SciaticaAnswers | None:
        if not self.sciatica:
            return None
        c = self.cleaned_data
        return SciaticaAnswers(
            back_pain=c["back_pain"],
            leg_pain=c["leg_pain"],
            leg_extent=c["leg_extent"],
            numbness=c["leg_numbness"],
            weakness=c["leg_weakness"],
        )

    @property
    def flag_fields(self):
        return [self[f"flag_{q.code}"] for q in self_screen.QUESTIONS]

    def answers(self) -> dict[str, bool]:
        return {q.code: self.cleaned_data[f"flag_{q.code}"] for q in self_screen.QUESTIONS}


# Items a patient may leave out; the registry's scoring decides. VISA-A: answer
# exactly one of the three question 8 branches (SPEC [D] VISA-A; [S53]).
OPTIONAL_ITEMS = {"visa_a": {"q8a", "q8b", "q8c"}}


def questionnaire_form_class(instrument):
    """A form generated from the registry definition: one required radio group
    per item, labelled with the item's wording and the options' labels."""
    fields = {}
    optional = OPTIONAL_ITEMS.get(instrument.code, set())
    for item in instrument.item_defs:
        fields[item.code] = forms.TypedChoiceField(
            label=item.label,
            choices=[(_num(o.value), o.label) for o in item.options],
            coerce=float,
            empty_value=None,
            required=item.code not in optional,
            widget=forms.RadioSelect,
            error_messages={"required": "Please answer this question."},
        )

    def answers(self) -> dict:
        return {
            code: (int(value) if float(value).is_integer() else value)
            for code, value in self.cleaned_data.items()
            if value is not None
        }

    fields["answers"] = answers
    return type(f"{instrument.code.title()}Form", (StyledForm,), fields)


def _num(value) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def weekday_names() -> list[str]:
    """Monday to Sunday, abbreviated, in the active language (Django's own
    catalogue: no new message to translate)."""
    monday = _date(2024, 1, 1)
    return [dateformat.format(monday + timedelta(days=n), "D") for n in range(7)]


class ReminderPreferenceForm(StyledForm, preference_forms.ReminderPreferenceForm):
    """The patient's side of the reminders form (the same checks as the staff
    page: a known channel address, quiet hours that leave a reminder, no pause
    in the past), with two time pickers instead of a typed list of times."""

    # Removes the inherited field (Django's idiom), which django-stubs cannot type.
    local_times = None  # type: ignore[assignment]  # built from the time pickers in clean()
    time_1 = forms.TimeField(
        label=_("First reminder time"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    time_2 = forms.TimeField(
        label=_("Second reminder time (optional)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    field_order = ["enabled", "channel", "time_1", "time_2", "days"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        days = self.fields["days"]
        assert isinstance(days, forms.ChoiceField)  # declared by the reminders form
        days.choices = list(enumerate(weekday_names()))

    @classmethod
    def initial_for(cls, preference) -> dict:
        initial = super().initial_for(preference)
        times = list(preference.local_times or [])
        initial.pop("local_times")
        initial["time_1"] = times[0] if times else "08:00"
        initial["time_2"] = times[1] if len(times) > 1 else None
        return initial

    def clean(self):
        picked = [self.cleaned_data.get(name) for name in ("time_1", "time_2")]
        self.cleaned_data["local_times"] = sorted({t.strftime("%H:%M") for t in picked if t})
        return super().clean()  # the pause's year at most: the staff form's rule


def questionnaire_step_form(step, data=None, initial=None):
    """One screen of a questionnaire (issue 18): one required radio group named
    after the item, labelled with its wording and the published option labels."""

    def coerce(value):
        try:
            number = float(value)
        except ValueError:
            return value  # the VISA-A question 8 choice ("q8a" ...)
        return int(number) if number.is_integer() else number

    field = forms.TypedChoiceField(
        label=step.label,
        choices=list(step.options),
        coerce=coerce,
        empty_value=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Please choose an answer."),
            "invalid_choice": _("Please choose one of the answers shown."),
        },
    )
    form_class = type("QuestionnaireStepForm", (StyledForm,), {step.code: field})
    value = None if initial is None else initial.get(step.code)
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = _num(value)
    return form_class(data=data, initial={step.code: value} if value is not None else None)
