"""FHIR workflows (issue 17): the record export, API tokens, API reads and the
referral import. Each is audited; audit rows carry ids only."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from fhir.resources import construct_fhir_element
from fhir.resources.bundle import Bundle
from fhir.resources.patient import Patient as FhirPatient
from fhir.resources.servicerequest import ServiceRequest
from pydantic import ValidationError

from clinic.audit import audit_record
from clinic.models import AuditAction, Clinic
from fhir_r4.builders import GENDER, record_resources
from fhir_r4.bundles import collection_bundle
from fhir_r4.models import TOKEN_PREFIX, ApiToken, token_digest
from fhir_r4.record import load_record
from patients.models import Language, Patient, ReferralSource, Sex

# --- Export ---------------------------------------------------------------------


def fhir_record_bundle(*, patient: Patient) -> Bundle:
    """The patient's whole record as a Bundle of type collection (not audited:
    callers audit who it went to)."""
    return collection_bundle(record_resources(load_record(patient)))


def fhir_record_export(*, patient: Patient, request: HttpRequest) -> Bundle:
    """The whole record for download (staff UI or the patient's own portal),
    audited as an export."""
    bundle = fhir_record_bundle(patient=patient)
    audit_record(action=AuditAction.EXPORT, request=request, obj=patient, patient=patient)
    return bundle


# --- API tokens -----------------------------------------------------------------


def api_token_create(
    *, clinic: Clinic, name: str, by: Any, request: HttpRequest | None = None
) -> tuple[ApiToken, str]:
    """A new token for one clinic. Returns (token row, secret): the secret is
    shown once and only its digest is kept."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        clinic=clinic,
        name=name,
        hint=secret[: len(TOKEN_PREFIX) + 4],
        digest=token_digest(secret),
        created_by=by,
    )
    audit_record(
        action=AuditAction.API_TOKEN_CREATED,
        request=request,
        actor=by,
        obj=token,
        clinic_id=clinic.pk,
    )
    return token, secret


def api_token_revoke(*, token: ApiToken, by: Any, request: HttpRequest | None = None) -> ApiToken:
    """Revoke at once (idempotent: a second revoke changes nothing)."""
    updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=by
    )
    if updated:
        audit_record(
            action=AuditAction.API_TOKEN_REVOKED,
            request=request,
            actor=by,
            obj=token,
            clinic_id=token.clinic_id,
        )
    token.refresh_from_db()
    return token


class TokenError(Exception):
    """No usable token; the message goes into the OperationOutcome (401)."""


def api_token_authenticate(*, header: str) -> ApiToken:
    """The token named by an ``Authorization: Bearer ...`` header, with its
    last use recorded. Queries: the lookup and the last-used update."""
    scheme, _, secret = (header or "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise TokenError("An API token is required: send 'Authorization: Bearer <token>'.")
    token = (
        ApiToken.objects.select_related("clinic")
        .filter(digest=token_digest(secret.strip()))
        .first()
    )
    if token is None or token.is_revoked:
        # One message for both, so that a caller cannot tell a revoked token from a wrong one.
        raise TokenError("The API token is not valid or has been revoked.")
    token.last_used_at = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=token.last_used_at)
    return token


def api_request_audit(
    *, token: ApiToken, request: HttpRequest, patient_id: Any = None, denied: bool = False
) -> None:
    """Every API request leaves an event naming the token (and the patient read)."""
    audit_record(
        action=AuditAction.ACCESS_DENIED if denied else AuditAction.API_READ,
        request=request,
        username=f"api-token:{token.hint}",
        obj=token,
        patient_id=patient_id,
        clinic_id=token.clinic_id,
    )


# --- Referral import -----------------------------------------------------------


class ReferralImportError(Exception):
    """The upload is not a FHIR Patient or a Bundle with one; shown to the user."""


@dataclass
class Referral:
    """What an uploaded referral gives the patient form (its ``initial`` data)."""

    data: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what was not taken over, and why


MAX_UPLOAD_BYTES = 1_000_000
SEX = {v: k for k, v in GENDER.items()} | {"unknown": Sex.NOT_STATED}


def referral_parse(*, raw: bytes) -> Referral:
    """A FHIR R4 Patient, or a Bundle with a Patient and optionally a
    ServiceRequest (the referral), validated by fhir.resources and mapped to the
    patient form's fields. Nothing is saved here: the form validates and saves."""
    if len(raw) > MAX_UPLOAD_BYTES:
        raise ReferralImportError("The file is larger than 1 MB; a referral is much smaller.")
    try:
        payload = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ReferralImportError(
            "The file is not JSON. Upload a FHIR R4 resource in JSON."
        ) from None
    if not isinstance(payload, dict) or "resourceType" not in payload:
        raise ReferralImportError("The file has no resourceType: it is not a FHIR resource.")
    kind = payload["resourceType"]
    if kind not in ("Patient", "Bundle"):
        raise ReferralImportError(f"A {kind} cannot be imported: upload a Patient or a Bundle.")
    try:
        resource = construct_fhir_element(kind, payload)
    except (ValidationError, ValueError, TypeError) as error:
        raise ReferralImportError(
            f"The {kind} is not valid FHIR R4: {_first_error(error)}"
        ) from None
    patients, requests = [], []
    if isinstance(resource, FhirPatient):
        patients.append(resource)
    else:
        for entry in resource.entry or []:
            if isinstance(entry.resource, FhirPatient):
                patients.append(entry.resource)
            elif isinstance(entry.resource, ServiceRequest):
                requests.append(entry.resource)
    if len(patients) != 1:
        raise ReferralImportError(
            f"The Bundle holds {len(patients)} Patient resources; a referral has exactly one."
        )
    referral = _from_patient(patients[0])
    if requests:
        _add_service_request(referral, requests[0])
    return referral


def _first_error(error: Exception) -> str:
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        return f"{where}: {first.get('msg')}"[:300]
    return str(error)[:300]


def _pick(items: Any, *, use_order: tuple = ("official", "usual", None)) -> Any:
    items = list(items or [])
    for use in use_order:
        for item in items:
            if getattr(item, "use", None) == use:
                return item
    return items[0] if items else None


def _from_patient(resource: FhirPatient) -> Referral:
    referral = Referral()
    data = referral.data
    name = _pick(resource.name)
    if name is not None:
        data["last_name"] = (name.family or "").strip()
        data["first_name"] = " ".join(name.given or []).strip()
        if not data["last_name"] and not data["first_name"] and name.text:
            *given, family = name.text.split()
            data["first_name"], data["last_name"] = " ".join(given), family
    if resource.birthDate:
        data["date_of_birth"] = resource.birthDate
    data["sex"] = SEX.get(resource.gender or "unknown", Sex.NOT_STATED)
    telecoms = list(resource.telecom or [])
    has_mobile = any(t.use == "mobile" for t in telecoms)
    for telecom in telecoms:
        if not telecom.value:
            continue
        if telecom.system == "email":
            data.setdefault("email", telecom.value)
        elif telecom.system in ("phone", "sms") and (telecom.use == "mobile" or not has_mobile):
            data.setdefault("mobile_phone", telecom.value)
    address = _pick(resource.address, use_order=("home", None))
    if address is not None:
        lines = list(address.line or [])
        data["address_line1"] = lines[0] if lines else ""
        data["address_line2"] = ", ".join(lines[1:])
        data["city"] = address.city or ""
        data["postcode"] = address.postalCode or ""
        if address.country:
            data["country"] = address.country
    for communication in resource.communication or []:
        for coding in communication.language.coding or []:
            code = (coding.code or "").split("-")[0].lower()
            if code in Language.values:
                data["preferred_language"] = code
                break
    for contact in resource.contact or []:
        if contact.name is not None:
            data["emergency_contact_name"] = (
                contact.name.text
                or " ".join([*(contact.name.given or []), contact.name.family or ""]).strip()
            )
            relationship = (contact.relationship or [None])[0]
            if relationship is not None:
                data["emergency_contact_relationship"] = relationship.text or (
                    relationship.coding[0].display or relationship.coding[0].code
                    if relationship.coding
                    else ""
                )
            phones = [t.value for t in contact.telecom or [] if t.system == "phone" and t.value]
            if phones:
                data["emergency_contact_phone"] = phones[0]
            break
    for practitioner in resource.generalPractitioner or []:
        display = practitioner.display or ""
        if display.startswith("GP: "):
            gp_name, _, practice = display[4:].partition(", ")
            data["gp_name"], data["gp_practice"] = gp_name, practice
            break
    if resource.deceasedBoolean or resource.deceasedDateTime:
        referral.notes.append("The Patient is marked deceased; check before saving.")
    return referral


def _add_service_request(referral: Referral, request: ServiceRequest) -> None:
    reasons = [
        c.text or ", ".join(x.display or x.code for x in c.coding or [])
        for c in request.reasonCode or []
    ]
    notes = [n.text for n in request.note or [] if n.text]
    reason = "; ".join(r for r in [*reasons, *notes] if r)
    if reason:
        referral.data["referral_reason"] = reason
    requester = (request.requester.display or "") if request.requester else ""
    if requester.startswith("GP") or (
        request.requester and (request.requester.reference or "").startswith("Practitioner")
    ):
        referral.data["referral_source"] = ReferralSource.GP
    elif requester:
        by_label = {label.lower(): value for value, label in ReferralSource.choices}
        referral.data["referral_source"] = by_label.get(requester.lower(), ReferralSource.OTHER)
    else:
        referral.data["referral_source"] = ReferralSource.OTHER
