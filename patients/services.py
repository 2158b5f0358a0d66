"""Patient-record workflows: creation, changes and consents, each audited."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models.functions import Coalesce, Now
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from clinic.audit import audit_record
from clinic.history import set_change_reason
from clinic.mail import send_templated_mail
from clinic.models import AuditAction, Clinic
from patients.erasure import erasers
from patients.language import in_patient_language
from patients.models import (
    ConsentKind,
    ErasureRequest,
    ErasureStatus,
    Patient,
    PortalInvitation,
    Sex,
    Status,
)
from patients.subject_access import as_json_data, subject_access_sections
from patients.tokens import INVITATION_LIFETIME, invitation_id_from_token, invitation_token


def _apply_consents(*, patient: Patient, consents: dict[str, bool], by: User) -> None:
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
    *, patient: Patient, consents: dict[str, bool], by: User, request: HttpRequest | None = None
) -> Patient:
    patient.record_number = Clinic.issue_record_number(patient.clinic_id)
    _apply_consents(patient=patient, consents=consents, by=by)
    set_change_reason(patient, "Created")
    patient.save()
    audit_record(
        action=AuditAction.PATIENT_CREATE,
        request=request,
        actor=by,
        obj=patient,
        patient=patient,
    )
    return patient


@transaction.atomic
def patient_update(
    *, patient: Patient, consents: dict[str, bool], by: User, request: HttpRequest | None = None
) -> Patient:
    _apply_consents(patient=patient, consents=consents, by=by)
    patient.save()
    audit_record(
        action=AuditAction.PATIENT_CHANGE,
        request=request,
        actor=by,
        obj=patient,
        patient=patient,
    )
    return patient


@transaction.atomic
def patient_language_set(
    *, patient: Patient, language: str, by: User, request: HttpRequest | None = None
) -> Patient:
    """The patient chooses the portal's language (issue 18): stored as their
    preferred language, which emails and SMS follow too. Only shipped languages."""
    from patients.language import SHIPPED

    if language not in SHIPPED:
        raise ValueError(f"Not a shipped language: {language!r}")
    patient.preferred_language = language
    patient.save(update_fields=["preferred_language", "updated_at"])
    audit_record(
        action=AuditAction.PATIENT_CHANGE,
        request=request,
        actor=by,
        obj=patient,
        patient=patient,
    )
    return patient


def patient_record_viewed(*, patient: Patient, request: HttpRequest) -> None:
    audit_record(
        action=AuditAction.PATIENT_VIEW,
        request=request,
        obj=patient,
        patient=patient,
    )


class InvitationError(Exception):
    """The invitation cannot be sent or used; the message is shown to the user."""


def invitation_send(*, patient: Patient, by: User, request: HttpRequest) -> PortalInvitation:
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
            patient=patient,
        )
    link = request.build_absolute_uri(
        reverse("portal:accept-invitation", args=[invitation_token(invitation.pk)])
    )
    with in_patient_language(patient):  # issue 18
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
def invitation_accept(*, invitation: PortalInvitation, password: str, request: HttpRequest) -> User:
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
    set_change_reason(patient, "Portal account created")
    patient.save(update_fields=["user", "updated_at"])
    locked.used_at = timezone.now()
    locked.save(update_fields=["used_at"])
    audit_record(
        action=AuditAction.INVITATION_ACCEPTED,
        request=request,
        actor=user,
        obj=locked,
        patient=patient,
    )
    return user


def patient_subject_access_export(*, patient: Patient, request: HttpRequest) -> dict:
    """Everything held about the patient, each field marked by who entered it;
    audited as an export."""
    data = as_json_data(
        patient=patient,
        sections=subject_access_sections(patient),
        generated_at=timezone.now(),
    )
    audit_record(
        action=AuditAction.EXPORT,
        request=request,
        obj=patient,
        patient=patient,
    )
    return data


class ErasureRefusedError(Exception):
    """The request cannot be carried out (yet); the message says why."""


def erasure_request_create(
    *,
    patient: Patient,
    received_via: str,
    received_on: date,
    notes: str,
    by: User,
    request: HttpRequest | None = None,
) -> ErasureRequest:
    if patient.erasure_requests.filter(status=ErasureStatus.PENDING).exists():
        raise ErasureRefusedError("There is already an open erasure request for this patient.")
    if patient.erased_at is not None:
        raise ErasureRefusedError("This patient's personal data has already been erased.")
    erasure = ErasureRequest.objects.create(
        patient=patient,
        clinic_id=patient.clinic_id,
        received_via=received_via,
        received_on=received_on,
        notes=notes,
        requested_by=by,
    )
    audit_record(
        action=AuditAction.ERASURE_REQUESTED,
        request=request,
        actor=by,
        obj=erasure,
        patient=patient,
    )
    return erasure


def erasure_retention_problem(*, patient: Patient, today: date) -> str | None:
    """Why the record must still be kept, or None when erasure may go ahead."""
    ends_on = patient.retention_ends_on()
    if ends_on is None:
        return "The patient is still in care; discharge them before erasing the record."
    if ends_on > today:
        return (
            f"The clinic keeps records {patient.clinic.effective_retention_years} years after care "
            f"ends; this record may be erased from {ends_on:%d %B %Y}."
        )
    return None


ERASED = "Erased"
ERASED_BIRTH_DATE = date(1900, 1, 1)  # within the stored range (clinic.dates); not the real one
BLANKED_FIELDS = [
    "pronouns",
    "email",
    "mobile_phone",
    "address_line1",
    "address_line2",
    "city",
    "postcode",
    "country",
    "gp_name",
    "gp_practice",
    "gp_phone",
    "gp_email",
    "referral_reason",
    "emergency_contact_name",
    "emergency_contact_relationship",
    "emergency_contact_phone",
]


def erasure_request_execute(
    *,
    erasure_request: ErasureRequest,
    by: User,
    request: HttpRequest | None = None,
    today: date | None = None,
) -> ErasureRequest:
    """Check retention, then pseudonymise the patient: personal fields blanked,
    the portal account closed, history rows with personal data removed and each
    app's eraser run. The record number, ids and audit trail stay. A refusal is
    audited (outside the erasure transaction, so that the event survives)."""
    today = today or timezone.localdate()
    patient = Patient.objects.select_related("clinic").get(pk=erasure_request.patient_id)
    problem = erasure_retention_problem(patient=patient, today=today)
    if problem:
        audit_record(
            action=AuditAction.ERASURE_REFUSED,
            request=request,
            actor=by,
            obj=erasure_request,
            patient=patient,
        )
        raise ErasureRefusedError(problem)
    return _erase(erasure_request=erasure_request, by=by, request=request, today=today)


@transaction.atomic
def _erase(
    *, erasure_request: ErasureRequest, by: User, request: HttpRequest | None, today: date
) -> ErasureRequest:
    erasure = ErasureRequest.objects.select_for_update().get(pk=erasure_request.pk)
    patient = (
        Patient.objects.select_for_update().select_related("clinic").get(pk=erasure.patient_id)
    )
    if erasure.status != ErasureStatus.PENDING:
        raise ErasureRefusedError("This request has already been carried out.")
    problem = erasure_retention_problem(patient=patient, today=today)
    if problem:  # changed since the check above (e.g. re-admitted)
        raise ErasureRefusedError(problem)

    for eraser in erasers():
        eraser(patient=patient)
    account = patient.user
    patient.first_name = ERASED
    patient.last_name = ERASED
    patient.date_of_birth = ERASED_BIRTH_DATE
    patient.sex = Sex.NOT_STATED
    for name in BLANKED_FIELDS:
        setattr(patient, name, "")
    patient.status = Status.ARCHIVED
    patient.user = None
    patient.erased_at = timezone.now()
    # Invitations held the email address: blanked, and none can be used.
    patient.invitations.update(email="", revoked_at=Coalesce("revoked_at", Now()))
    set_change_reason(patient, "Erased on request")
    patient.save()
    # Earlier versions hold the personal data; only the erased one is kept.
    patient.history.exclude(history_id=patient.history.latest().history_id).delete()
    if account is not None:
        account.username = f"erased-{patient.pk.hex[:20]}"
        account.first_name = account.last_name = account.email = ""
        account.is_active = False  # ends the account's sessions (clinic.signals)
        account.set_unusable_password()
        account.save()
    erasure.status = ErasureStatus.COMPLETED
    erasure.notes = ""
    erasure.completed_by = by
    erasure.completed_at = timezone.now()
    erasure.save()
    audit_record(
        action=AuditAction.ERASURE_DONE,
        request=request,
        actor=by,
        obj=erasure,
        patient=patient,
    )
    return erasure
