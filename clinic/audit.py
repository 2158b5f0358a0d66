"""Writing audit events. Only ids and action names go in: never clinical content."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps
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
    if clinic_id is None and actor is not None:
        # Account events (logins, second factor, expiry) belong to the staff
        # member's clinic, so that its admins see them in the audit log.
        member = getattr(actor, "staff_member", None)
        if member is not None and member.clinic_ids:
            clinic_id = member.clinic_ids[0]
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_username=username[:150],
        object_type=obj._meta.label_lower if obj is not None else object_type[:60],
        object_id=str(obj.pk) if obj is not None else object_id[:64],
        patient_id=patient_id,
        clinic_id=clinic_id,
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
