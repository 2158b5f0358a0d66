"""Login, failed-login and logout audit. Django's auth signals are the only hook
that sees every login path (staff UI, admin, later the portal)."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.audit import audit_record, clinic_ids_of_login
from clinic.middleware import SESSION_TIME_ZONE_KEY
from clinic.models import AuditAction
from clinic.security import end_sessions_of, session_stamp_login


@receiver(user_logged_in)
def _audit_login(sender, request, user, **kwargs):
    audit_record(action=AuditAction.LOGIN, request=request, actor=user)
    if request is not None and hasattr(request, "session"):
        session_stamp_login(request)
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
    # The username (or portal email) typed is kept, to spot attacks; the
    # password never is. One event for each clinic of that account, so its
    # admins see it (issue 19).
    typed = str(credentials.get("portal_email") or credentials.get("username") or "")[:150]
    _audit_login_event(AuditAction.LOGIN_FAILED, request, typed)


@receiver(user_locked_out)
def _audit_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    _audit_login_event(AuditAction.LOCKED_OUT, request, str(username or "")[:150])


def _audit_login_event(action, request, typed: str) -> None:
    for clinic_id in clinic_ids_of_login(typed) or [None]:
        audit_record(action=action, request=request, username=typed, clinic_id=clinic_id)


# A receiver rather than a service: accounts are deactivated from the admin, the
# shell and (later) the staff UI, and every path must end the sessions.
@receiver(pre_save, sender=get_user_model())
def _remember_active_flag(sender, instance, **kwargs):
    if instance.pk is not None:
        instance._was_active = (
            sender._base_manager.filter(pk=instance.pk).values_list("is_active", flat=True).first()
        )


@receiver(post_save, sender=get_user_model())
def _end_sessions_on_deactivation(sender, instance, created, **kwargs):
    if not created and getattr(instance, "_was_active", False) and not instance.is_active:
        end_sessions_of(instance.pk)
        audit_record(action=AuditAction.SESSIONS_ENDED, obj=instance)


@receiver(post_delete, sender=TOTPDevice)
@receiver(post_delete, sender=StaticDevice)
def _end_sessions_on_device_removal(sender, instance, **kwargs):
    # Sessions trust the device that verified them (SessionOTPMiddleware), so
    # removing a device ends the user's sessions.
    if instance.confirmed:
        end_sessions_of(instance.user_id)
