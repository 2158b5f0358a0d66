"""Login, failed-login and logout audit. Django's auth signals are the only hook
that sees every login path (staff UI, admin, later the portal)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from clinic.audit import audit_record
from clinic.middleware import SESSION_TIME_ZONE_KEY
from clinic.models import AuditAction


@receiver(user_logged_in)
def _audit_login(sender, request, user, **kwargs):
    audit_record(action=AuditAction.LOGIN, request=request, actor=user)
    member = getattr(user, "staff_member", None)
    clinic = member.clinics.order_by("name").first() if member else None
    if clinic is not None and request is not None:
        request.session[SESSION_TIME_ZONE_KEY] = clinic.time_zone


@receiver(user_logged_out)
def _audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action=AuditAction.LOGOUT, request=request, actor=user)


@receiver(user_login_failed)
def _audit_login_failed(sender, credentials, request=None, **kwargs):
    # The username typed is kept (to spot attacks); the password never is.
    audit_record(
        action=AuditAction.LOGIN_FAILED,
        request=request,
        username=str(credentials.get("username", ""))[:150],
    )
