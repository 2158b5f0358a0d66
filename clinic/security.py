"""Authentication and session hardening in one place (ASVS level 2, issue 7).

- ``SecondFactorMiddleware``: every staff account (a ``staff_member`` or
  ``is_staff``) must have passed TOTP (or a recovery code) in this session before
  any page but login, logout, the second-factor pages, password reset and
  ``healthz``; this covers the staff UI, the Django admin and any page added
  later. Patients (portal accounts) are not asked for a second factor.
- ``SessionTimeoutMiddleware``: idle timeout (staff and portal separately) and an
  absolute lifetime; an expired session is logged out and the request goes on as
  anonymous, so each site's own login redirect applies.
- ``end_sessions_of``: deactivating a user deletes all their sessions.
"""

from __future__ import annotations

import time
from importlib import import_module
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.sessions.models import Session
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware

from clinic.audit import audit_record
from clinic.models import AuditAction

SESSION_STARTED_KEY = "clinic_session_started_at"
SESSION_SEEN_KEY = "clinic_session_seen_at"
# Writing the session on every request is wasteful; a minute of slack on a
# 30-minute idle limit is not.
SEEN_WRITE_INTERVAL_SECONDS = 60

# URL names an authenticated staff user may reach before the second factor.
SECOND_FACTOR_EXEMPT = frozenset(
    {
        "login",
        "logout",
        "healthz",
        "health",
        "metrics",
        "otp-verify",
        "otp-enrol",
        "otp-enrol-link",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
        "admin:logout",
        "admin:jsi18n",
    }
)


def is_staff_account(user) -> bool:
    """Accounts that need a second factor: clinic staff and Django-admin users."""
    if not user.is_authenticated:
        return False
    return bool(user.is_staff or user.is_superuser or getattr(user, "staff_member", None))


def has_confirmed_device(user) -> bool:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


class SessionOTPMiddleware(OTPMiddleware):
    """django-otp's middleware without its query per request.

    The session holds the id of the device that verified it. django-otp loads
    that device on every request to notice a deleted device; we instead end
    every session of a user whose device is deleted (see clinic.signals), so
    the session's own claim is enough and the device loads only when used.
    """

    def _verify_user_sync(self, request, user):
        self._init_user_fields(user)
        persistent_id = (
            request.session.get(DEVICE_ID_SESSION_KEY) if user.is_authenticated else None
        )
        if persistent_id:
            user.otp_device = SimpleLazyObject(
                lambda: self._device_from_persistent_id(persistent_id)
            )
        return user


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not is_staff_account(user) or user.is_verified():
            return None
        match = request.resolver_match
        if match is not None and match.view_name in SECOND_FACTOR_EXEMPT:
            return None
        target = "otp-verify" if has_confirmed_device(user) else "otp-enrol"
        url = f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}"
        if request.headers.get("HX-Request"):
            # An HTMX fragment request: send the whole page there, not a fragment.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)


def idle_limit_seconds(user) -> int:
    minutes = (
        settings.STAFF_IDLE_TIMEOUT_MINUTES
        if is_staff_account(user)
        else settings.PORTAL_IDLE_TIMEOUT_MINUTES
    )
    return minutes * 60


def session_stamp_login(request) -> None:
    """Start the clocks at login (called from the user_logged_in receiver)."""
    now = int(time.time())
    request.session[SESSION_STARTED_KEY] = now
    request.session[SESSION_SEEN_KEY] = now


# Sent by polling elements (hx-headers): such requests do not count as activity.
BACKGROUND_POLL_HEADER = "X-Background-Poll"


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            now = int(time.time())
            session = request.session
            started = session.setdefault(SESSION_STARTED_KEY, now)
            seen = session.get(SESSION_SEEN_KEY, now)
            idle = now - seen > idle_limit_seconds(user)
            too_old = now - started > settings.SESSION_ABSOLUTE_HOURS * 3600
            if idle or too_old:
                audit_record(action=AuditAction.SESSION_EXPIRED, request=request, actor=user)
                logout(request)
            elif request.headers.get(BACKGROUND_POLL_HEADER):
                # A page polling in the background (HTMX) is not the person
                # using it: it never keeps an idle session alive.
                pass
            elif now - seen >= SEEN_WRITE_INTERVAL_SECONDS or SESSION_SEEN_KEY not in session:
                session[SESSION_SEEN_KEY] = now
        return self.get_response(request)


def end_sessions_of(user_id) -> int:
    """Delete every live session of a user, in the database and in the cache
    (``cached_db`` sessions); returns how many.

    Live sessions last at most SESSION_COOKIE_AGE, so the scan is over the
    sessions of the last 12 hours only.
    """
    key = "_auth_user_id"
    doomed = [
        s.session_key
        for s in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if s.get_decoded().get(key) == str(user_id)
    ]
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for session_key in doomed:
        store(session_key=session_key).delete()
    Session.objects.filter(session_key__in=doomed).delete()
    return len(doomed)


# --- login keys for django-axes (issue 19) ------------------------------------
# The portal logs in by email: failures are counted under the typed email (and
# the IP) whether an account has it or not, so a lockout says nothing about
# which emails exist. A username no account can have (usernames take no "#")
# stands for an unknown email, so the password is hashed all the same.
UNKNOWN_LOGIN = "#unknown:"


def login_key(typed: str) -> str:
    return typed.strip().lower()[:254]


def axes_username(request, credentials=None) -> str:
    """``AXES_USERNAME_CALLABLE``: the portal's typed email, else the username.
    (The credential is not called ``..._key``: Django masks such names in the
    failed-login signal, and every email would then count as one.)"""
    if credentials:
        return str(credentials.get("portal_email") or credentials.get("username") or "")
    data = getattr(request, "POST", None) or {}
    if data.get("email"):
        return login_key(data["email"])
    return str(data.get("username") or "")
