"""Writing audit events. Only ids and action names go in: never clinical content."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.db import models
from django.http import HttpRequest

from clinic.models import AuditAction, AuditEvent


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    # REMOTE_ADDR only: behind a proxy, set it from X-Forwarded-For in the proxy
    # layer, never trust the header here (it is client-controlled).
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    action: AuditAction,
    request: HttpRequest | None = None,
    actor=None,
    username: str = "",
    obj=None,
    patient=None,
    patient_id=None,
    clinic_id=None,
    object_type: str = "",
    object_id: str = "",
) -> AuditEvent:
    """Write one event. ``patient`` fills the patient and clinic ids. The action
    must be a member of ``AuditAction`` (a raw string the audit filter could not
    find is refused)."""
    action = AuditAction(action)
    if patient is not None:
        patient_id, clinic_id = patient.pk, patient.clinic_id
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    if actor is not None and not username:
        username = actor.get_username()
    actor_clinic_id = None
    member = getattr(actor, "staff_member", None) if actor is not None else None
    if member is not None and member.clinic_ids:
        actor_clinic_id = member.clinic_ids[0]
    if clinic_id is None and obj is not None:
        # The target's clinic (issue 19): a denied attempt on another clinic's
        # plan, alert or assessment is seen by that clinic's admins too.
        clinic_id = target_clinic_id(obj)
    if clinic_id is None:
        # Account events (logins, second factor, expiry) belong to the staff
        # member's clinic, so that its admins see them in the audit log.
        clinic_id = actor_clinic_id
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_username=username[:150],
        object_type=obj._meta.label_lower if obj is not None else object_type[:60],
        object_id=str(obj.pk) if obj is not None else object_id[:64],
        patient_id=patient_id,
        clinic_id=clinic_id,
        actor_clinic_id=actor_clinic_id if actor_clinic_id != clinic_id else None,
        ip=client_ip(request),
    )


# Readable audit rows (issue 13): the base app names no feature app, so the
# patients app registers how a patient id reads ("name (record number)"),
# only for patients the viewer may see.
PatientLabeller = Callable[[Any, list], dict]
_patient_labellers: list[PatientLabeller] = []


def register_patient_labeller(labeller: PatientLabeller) -> PatientLabeller:
    if labeller not in _patient_labellers:
        _patient_labellers.append(labeller)
    return labeller


def patient_labels(user, patient_ids: list) -> dict:
    labels: dict = {}
    for labeller in _patient_labellers:
        labels.update(labeller(user, patient_ids))
    return labels


def object_label(object_type: str) -> str:
    """ "programmes.treatmentplan" -> "treatment plan"; "page" stays."""
    if "." not in object_type:
        return object_type
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


def target_clinic_id(obj):
    """The clinic an object belongs to: its own ``clinic_id``, else its
    patient's (plans, alerts, assessments...), else its ``audit_clinic_id``."""
    if getattr(obj, "clinic_id", None):
        return obj.clinic_id
    if getattr(obj, "patient_id", None):
        cached = obj._state.fields_cache.get("patient") if hasattr(obj, "_state") else None
        if cached is not None:
            return cached.clinic_id
        from django.apps import apps

        patient_model = apps.get_model("patients", "Patient")
        return (
            patient_model._base_manager.filter(pk=obj.patient_id)
            .values_list("clinic_id", flat=True)
            .first()
        )
    return getattr(obj, "audit_clinic_id", None)


def clinic_ids_of_login(typed: str) -> list:
    """Clinics of the account(s) a typed username or email names: failed
    logins and lockouts go to each of them (issue 19)."""
    from django.apps import apps
    from django.contrib.auth import get_user_model

    typed = typed.strip()
    if not typed:
        return []
    users = get_user_model()._base_manager.filter(
        models.Q(username__iexact=typed) | models.Q(email__iexact=typed)
    )[:10]
    ids: set = set()
    staff_model = apps.get_model("clinic", "StaffMember")
    ids |= set(
        staff_model.clinics.through.objects.filter(staffmember__user__in=users).values_list(
            "clinic_id", flat=True
        )
    )
    patient_model = apps.get_model("patients", "Patient")
    ids |= set(
        patient_model._base_manager.filter(
            models.Q(user__in=users) | models.Q(email__iexact=typed, user__isnull=False)
        ).values_list("clinic_id", flat=True)
    )
    return sorted(ids, key=str)
