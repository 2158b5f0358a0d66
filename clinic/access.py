"""Who may see what: the access model of DESIGN.md in one place.

Views never look objects up with a bare ``objects.get``: they go through a
``for_user`` queryset and ``get_scoped_or_404``, which returns 404 outside the
user's scope and writes an access-denied audit event when the object exists.
"""

from __future__ import annotations

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest

from clinic.audit import audit_record
from clinic.models import AuditAction, StaffMember


def staff_member_of(user) -> StaffMember | None:
    if not user.is_authenticated:
        return None
    return getattr(user, "staff_member", None)


def get_scoped_or_404(request: HttpRequest, scoped: QuerySet, **lookup) -> Model:
    try:
        return scoped.get(**lookup)
    except scoped.model.DoesNotExist:
        target = scoped.model._base_manager.filter(**lookup).first()
        if target is not None:
            audit_record(
                action=AuditAction.ACCESS_DENIED,
                request=request,
                obj=target,
                patient_id=getattr(target, "patient_id", None)
                or (target.pk if target._meta.model_name == "patient" else None),
                clinic_id=getattr(target, "clinic_id", None),
            )
        raise Http404("Not found.") from None


class StaffRequiredMixin(AccessMixin):
    """Logged-in clinic staff only; patients and other accounts get 403."""

    staff_roles: tuple[str, ...] | None = None  # None: every role

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        member = staff_member_of(request.user)
        if member is None or not request.user.is_active:
            raise PermissionDenied("This page is for clinic staff.")
        if self.staff_roles is not None and member.role not in self.staff_roles:
            raise PermissionDenied("Your role does not give access to this page.")
        self.staff_member = member
        self.load_objects(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def load_objects(self, request, *args, **kwargs) -> None:
        """Fetch the scoped objects the view works on (after the role check)."""


class PatientRequiredMixin(AccessMixin):
    """Portal pages: a logged-in patient only. Staff accounts get 403 (they
    cannot use the portal as a patient); anonymous users go to the portal login."""

    login_url = "portal:login"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        patient = getattr(request.user, "patient", None)
        if patient is None or staff_member_of(request.user) is not None:
            raise PermissionDenied("The portal is for patients.")
        self.patient = patient
        self.load_objects(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def load_objects(self, request, *args, **kwargs) -> None:
        """Fetch the patient's own objects the view works on."""
