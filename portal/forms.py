from __future__ import annotations

from django import forms
from django.contrib.auth import authenticate, get_user_model, password_validation
from django.contrib.auth.forms import PasswordResetForm


def patient_users():
    """Portal accounts: users linked to a patient record and not staff."""
    return get_user_model().objects.filter(
        patient__isnull=False, staff_member__isnull=True, is_active=True
    )


class PortalLoginForm(forms.Form):
    """Email and password. Staff accounts are refused with the same message as
    a wrong password, so the form tells nothing about which accounts exist."""

    email = forms.EmailField(
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    error_text = "That email and password do not match an account. Check them and try again."

    def __init__(self, request=None, *args, **kwargs):
        self.request = request
        self.user_cache = None
        super().__init__(*args, **kwargs)

    def clean(self):
        email, password = self.cleaned_data.get("email"), self.cleaned_data.get("password")
        if email and password:
            for candidate in patient_users().filter(email__iexact=email)[:5]:
                user = authenticate(self.request, username=candidate.username, password=password)
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
        label="New password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters. A few words you will remember work well.",
    )
    new_password2 = forms.CharField(
        label="New password again",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("new_password1"), cleaned.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", "The two passwords are not the same.")
        elif first:
            try:
                password_validation.validate_password(first)
            except forms.ValidationError as error:
                self.add_error("new_password1", error)
        return cleaned


class PortalPasswordResetForm(PasswordResetForm):
    def get_users(self, email):
        return (u for u in patient_users().filter(email__iexact=email) if u.has_usable_password())
