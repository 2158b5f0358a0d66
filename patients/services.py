"""Patient-record workflows: creation, changes and consents, each audited."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from clinic.audit import audit_record
from clinic.models import AuditAction, Clinic
from patients.models import ConsentKind, Patient


def _apply_consents(*, patient: Patient, consents: dict[str, bool], by) -> None:
    """Record who and when for each consent that changed."""
    now = timezone.now()
    for kind in ConsentKind.values:
        if kind not in consents:
            continue
        given = bool(consents[kind])
        if given == getattr(patient, f"consent_{kind}") and not patient._state.adding:
            continue
        setattr(patient, f"consent_{kind}", given)
        setattr(patient, f"consent_{kind}_by", by if given else None)
        setattr(patient, f"consent_{kind}_at", now if given else None)


@transaction.atomic
def patient_create(
    *, patient: Patient, consents: dict[str, bool], by, request: HttpRequest | None = None
) -> Patient:
    patient.record_number = Clinic.issue_record_number(patient.clinic_id)
    _apply_consents(patient=patient, consents=consents, by=by)
    patient._change_reason = "Created"
    patient.save()
    audit_record(
        action=AuditAction.PATIENT_CREATE,
        request=request,
        actor=by,
        obj=patient,
        patient_id=patient.pk,
        clinic_id=patient.clinic_id,
    )
    return patient


@transaction.atomic
def patient_update(
    *, patient: Patient, consents: dict[str, bool], by, request: HttpRequest | None = None
) -> Patient:
    _apply_consents(patient=patient, consents=consents, by=by)
    patient.save()
    audit_record(
        action=AuditAction.PATIENT_CHANGE,
        request=request,
        actor=by,
        obj=patient,
        patient_id=patient.pk,
        clinic_id=patient.clinic_id,
    )
    return patient


def patient_record_viewed(*, patient: Patient, request: HttpRequest) -> None:
    audit_record(
        action=AuditAction.PATIENT_VIEW,
        request=request,
        obj=patient,
        patient_id=patient.pk,
        clinic_id=patient.clinic_id,
    )
