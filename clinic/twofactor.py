"""Second factor for staff: TOTP enrolment, verification and recovery codes.

Services (``otp_*``) hold the rules; the views below parse input and call one.
Every outcome is audited (ids and action names only; never a code or secret).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import timedelta

import segno
from django import forms
from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core import signing
from django.db import transaction
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.audit import audit_record
from clinic.mail import send_templated_mail
from clinic.models import AuditAction, OTPEnrolmentLink
from clinic.security import has_confirmed_device, is_staff_account

RECOVERY_CODE_COUNT = 10
ENROL_DEVICE_SESSION_KEY = "clinic_otp_enrol_device"
# Set when the user opened a valid enrolment link in this session.
ENROL_ALLOWED_SESSION_KEY = "clinic_otp_enrol_allowed"
ENROL_LINK_SALT = "clinic.otp-enrolment-link"
RECOVERY_DEVICE_NAME = "recovery codes"


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Code",
        max_length=16,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
    )


def _finish(request: HttpRequest, device) -> None:
    otp_login(request, device)
    # A new session key once the account's privileges are complete (ASVS 3.2.1).
    request.session.cycle_key()


def otp_recovery_codes_issue(*, user) -> list[str]:
    """A fresh set of single-use recovery codes; old ones stop working."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def otp_verify(*, request: HttpRequest, token: str) -> bool:
    """Check a TOTP or recovery code against the user's confirmed devices.

    TOTPDevice refuses a code whose time step is not later than the last one
    accepted (replay); recovery codes are deleted when used. Both throttle
    after failures (django-otp's ThrottlingMixin).
    """
    user = request.user
    token = token.replace(" ", "")
    devices = list(TOTPDevice.objects.filter(user=user, confirmed=True)) + list(
        StaticDevice.objects.filter(user=user, confirmed=True)
    )
    for device in devices:
        with transaction.atomic():
            locked = type(device).objects.select_for_update().get(pk=device.pk)
            if locked.verify_token(token):
                _finish(request, locked)
                action = (
                    AuditAction.OTP_RECOVERY_USED
                    if isinstance(locked, StaticDevice)
                    else AuditAction.OTP_VERIFIED
                )
                audit_record(action=action, request=request)
                return True
    audit_record(action=AuditAction.OTP_FAILED, request=request)
    return False


def otp_enrol_device(*, request: HttpRequest) -> TOTPDevice:
    """The unconfirmed device being enrolled in this session (made on first use)."""
    device_id = request.session.get(ENROL_DEVICE_SESSION_KEY)
    device = TOTPDevice.objects.filter(pk=device_id, user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="authenticator", confirmed=False)
        request.session[ENROL_DEVICE_SESSION_KEY] = device.pk
    return device


@transaction.atomic
def otp_enrol_confirm(*, request: HttpRequest, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the device with a first code; returns the recovery codes, or None."""
    if not device.verify_token(token.replace(" ", "")):
        audit_record(action=AuditAction.OTP_FAILED, request=request)
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
    request.session.pop(ENROL_DEVICE_SESSION_KEY, None)
    request.session.pop(ENROL_ALLOWED_SESSION_KEY, None)
    codes = otp_recovery_codes_issue(user=request.user)
    _finish(request, device)
    audit_record(action=AuditAction.OTP_ENROLLED, request=request, obj=device)
    return codes


# --- enrolment links (issue 19) ----------------------------------------------
# An account without a confirmed device cannot enrol one with its password
# alone (whoever logged in first would own the account): a clinic admin sends
# a signed, single-use, short-lived link; ``manage.py otp_enrolment_link``
# makes one for the first superuser.


def _secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def otp_enrolment_link_create(*, user, by=None) -> str:
    """A new enrolment link's path (``/accounts/2fa/enrol/link/<token>/``).
    Earlier unused links of the user stop working."""
    now = timezone.now()
    OTPEnrolmentLink.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
    secret = secrets.token_urlsafe(32)
    link = OTPEnrolmentLink.objects.create(
        user=user,
        secret_hash=_secret_hash(secret),
        created_by=by,
        expires_at=now + timedelta(hours=settings.OTP_ENROLMENT_LINK_HOURS),
    )
    token = signing.dumps({"l": link.pk, "s": secret}, salt=ENROL_LINK_SALT)
    return reverse("otp-enrol-link", args=[token])


def otp_enrolment_link_send(*, user, by, request: HttpRequest | None = None) -> bool:
    """Email an enrolment link to a staff member (their account email)."""
    if not user.email:
        return False
    path = otp_enrolment_link_create(user=user, by=by)
    send_templated_mail(
        template="clinic/email/otp_enrolment_link",
        to=user.email,
        context={
            "user": user,
            "link": settings.SITE_BASE_URL + path,
            "hours": settings.OTP_ENROLMENT_LINK_HOURS,
        },
    )
    audit_record(action=AuditAction.OTP_LINK_SENT, request=request, actor=by, obj=user)
    return True


@transaction.atomic
def otp_enrolment_link_redeem(*, request: HttpRequest, token: str) -> bool:
    """Use a link: it must be signed by us, unused, unexpired and for the
    logged-in user, who must have no confirmed device. Allows enrolment in
    this session only."""
    user = request.user
    try:
        data = signing.loads(
            token, salt=ENROL_LINK_SALT, max_age=settings.OTP_ENROLMENT_LINK_HOURS * 3600
        )
        link = (
            OTPEnrolmentLink.objects.select_for_update()
            .filter(pk=int(data["l"]), secret_hash=_secret_hash(str(data["s"])))
            .first()
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        link = None
    if (
        link is None
        or link.user_id != user.pk
        or link.used_at is not None
        or link.expires_at <= timezone.now()
        or has_confirmed_device(user)
    ):
        audit_record(action=AuditAction.OTP_LINK_REFUSED, request=request)
        return False
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    request.session[ENROL_ALLOWED_SESSION_KEY] = user.pk
    audit_record(action=AuditAction.OTP_LINK_USED, request=request, obj=user)
    return True


def enrolment_allowed(request: HttpRequest) -> bool:
    return request.session.get(ENROL_ALLOWED_SESSION_KEY) == request.user.pk


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("dashboard")


def _qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=5)


class StaffAccountMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not is_staff_account(request.user):
            # Patients have no second factor here; send them on.
            return HttpResponseRedirect(_next_url(request))
        return super().dispatch(request, *args, **kwargs)


class OTPVerifyView(StaffAccountMixin, View):
    template_name = "clinic/otp_verify.html"

    def get(self, request):
        if not has_confirmed_device(request.user):
            return HttpResponseRedirect(reverse("otp-enrol") + "?" + request.GET.urlencode())
        return self._render(TokenForm())

    def post(self, request):
        form = TokenForm(request.POST)
        if form.is_valid():
            if otp_verify(request=request, token=form.cleaned_data["token"]):
                return HttpResponseRedirect(_next_url(request))
            form.add_error(
                "token",
                "That code is not valid. Each code works once; wait for the next one "
                "or use a recovery code.",
            )
        return self._render(form)

    def _render(self, form):
        return render(
            self.request, self.template_name, {"form": form, "next": _next_url(self.request)}
        )


class OTPEnrolView(StaffAccountMixin, View):
    template_name = "clinic/otp_enrol.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and has_confirmed_device(request.user):
            # Replacing a device is an administrator's reset, not self-service
            # before the second factor (otherwise a stolen password could swap it).
            return HttpResponseRedirect(reverse("otp-verify") + "?" + request.GET.urlencode())
        user = request.user
        if is_staff_account(user) and not enrolment_allowed(request):
            # No device and no enrolment link opened in this session: a password
            # alone cannot enrol a device (issue 19). Nothing is created.
            return render(request, "clinic/otp_enrol_needs_link.html", status=403)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self._render(TokenForm())

    def post(self, request):
        device = otp_enrol_device(request=request)
        form = TokenForm(request.POST)
        if form.is_valid():
            codes = otp_enrol_confirm(
                request=request, device=device, token=form.cleaned_data["token"]
            )
            if codes is not None:
                return render(
                    request,
                    "clinic/otp_recovery_codes.html",
                    {"codes": codes, "next": _next_url(request)},
                )
            form.add_error("token", "That code is not valid; check the clock on your phone.")
        return self._render(form)

    def _render(self, form):
        device = otp_enrol_device(request=self.request)
        secret = base64.b32encode(device.bin_key).decode()
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
                "qr": _qr_data_uri(device.config_url),
                "next": _next_url(self.request),
            },
        )


class RecoveryCodesView(StaffAccountMixin, View):
    """Show how many recovery codes are left; POST issues a new set."""

    def get(self, request):
        left = StaticToken.objects.filter(
            device__user=request.user, device__name=RECOVERY_DEVICE_NAME
        ).count()
        return render(request, "clinic/otp_recovery_codes.html", {"left": left})

    def post(self, request):
        codes = otp_recovery_codes_issue(user=request.user)
        audit_record(action=AuditAction.OTP_RECOVERY_REGENERATED, request=request)
        return render(
            request,
            "clinic/otp_recovery_codes.html",
            {"codes": codes, "next": reverse("dashboard")},
        )


class OTPEnrolLinkView(StaffAccountMixin, View):
    """Opens an enrolment link (after the password login), then enrolment."""

    def get(self, request, token: str):
        if has_confirmed_device(request.user):
            return HttpResponseRedirect(reverse("otp-verify"))
        if otp_enrolment_link_redeem(request=request, token=token):
            return HttpResponseRedirect(reverse("otp-enrol"))
        return render(
            request, "clinic/otp_enrol_needs_link.html", {"link_refused": True}, status=403
        )
