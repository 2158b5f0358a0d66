"""Patient-record workflows: creation, changes and consents, each audited."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from clinic.audit import audit_record
from clinic.mail import send_templated_mail
from clinic.models import AuditAction, Clinic
from patients.models import ConsentKind, Patient, PortalInvitation
from patients.tokens import INVITATION_LIFETIME, invitation_id_from_token, invitation_token


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


class InvitationError(Exception):
    """The invitation cannot be sent or used; the message is shown to the user."""


def invitation_send(*, patient: Patient, by, request: HttpRequest) -> PortalInvitation:
    """Email the patient a single-use link to set a portal password (7 days)."""
    if not patient.consent_portal:
        raise InvitationError("Record the patient's consent to the portal first.")
    if not patient.email:
        raise InvitationError("Add the patient's email address first.")
    if patient.user_id is not None:
        raise InvitationError("The patient already has a portal account.")
    now = timezone.now()
    with transaction.atomic():
        # A new invitation replaces any earlier one still open.
        patient.invitations.usable(now).update(revoked_at=now)
        invitation = PortalInvitation.objects.create(
            patient=patient,
            email=patient.email,
            created_by=by,
            expires_at=now + INVITATION_LIFETIME,
        )
        audit_record(
            action=AuditAction.INVITATION_SENT,
            request=request,
            actor=by,
            obj=invitation,
            patient_id=patient.pk,
            clinic_id=patient.clinic_id,
        )
    link = request.build_absolute_uri(
        reverse("portal:accept-invitation", args=[invitation_token(invitation.pk)])
    )
    send_templated_mail(
        template="patients/email/invitation",
        to=invitation.email,
        context={
            "first_name": patient.first_name,
            "clinic": patient.clinic,
            "link": link,
            "expires_at": invitation.expires_at,
        },
    )
    return invitation


def invitation_for_token(token: str) -> PortalInvitation | None:
    invitation_id = invitation_id_from_token(token)
    if invitation_id is None:
        return None
    return (
        PortalInvitation.objects.usable(timezone.now())
        .select_related("patient", "patient__clinic")
        .filter(pk=invitation_id)
        .first()
    )


@transaction.atomic
def invitation_accept(*, invitation: PortalInvitation, password: str, request: HttpRequest):
    """Create the patient's portal account from a usable invitation (once)."""
    locked = (
        PortalInvitation.objects.select_for_update()
        .usable(timezone.now())
        .filter(pk=invitation.pk)
        .first()
    )
    if locked is None or invitation.patient.user_id is not None:
        raise InvitationError("This invitation link has already been used or has expired.")
    patient = invitation.patient
    user = get_user_model().objects.create_user(
        username=f"patient-{patient.pk}",
        email=invitation.email,
        password=password,
        first_name=patient.first_name,
        last_name=patient.last_name,
    )
    patient.user = user
    patient._change_reason = "Portal account created"
    patient.save(update_fields=["user", "updated_at"])
    locked.used_at = timezone.now()
    locked.save(update_fields=["used_at"])
    audit_record(
        action=AuditAction.INVITATION_ACCEPTED,
        request=request,
        actor=user,
        obj=locked,
        patient_id=patient.pk,
        clinic_id=patient.clinic_id,
    )
    return user
