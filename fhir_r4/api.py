"""The read-only FHIR R4 API under /fhir/R4/ (issue 17).

Authentication: ``Authorization: Bearer <token>``, one clinic per token
(``fhir.models.ApiToken``); sessions and cookies count for nothing here. Every
answer is FHIR JSON; every error an OperationOutcome. A token never reaches
another clinic's data: the patient lookup is scoped to the token's clinic, and
an id of another clinic's patient is refused (403) and audited as denied.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from fhir.resources.capabilitystatement import CapabilityStatement
from fhir.resources.resource import Resource

from fhir_r4 import codes
from fhir_r4.builders import patient_resource, questionnaire_resources, record_resources
from fhir_r4.bundles import (
    PagingError,
    error_response,
    fhir_response,
    page_params,
    searchset_bundle,
)
from fhir_r4.models import ApiToken
from fhir_r4.record import load_record, patient_queryset
from fhir_r4.services import TokenError, api_request_audit, api_token_authenticate
from patients.models import Patient

# Types with a patient: searched by the patient's record number or id.
PATIENT_TYPES = (
    "Condition",
    "Flag",
    "Goal",
    "CarePlan",
    "QuestionnaireResponse",
    "Observation",
    "ServiceRequest",
    "Practitioner",
    "PractitionerRole",
    "Organization",
)
SEARCH_TYPES = ("Patient", "Questionnaire", *PATIENT_TYPES)


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@method_decorator(csrf_exempt, name="dispatch")
class FhirApiView(View):
    """Token check, one audit event per request, errors as OperationOutcome.

    CSRF-exempt: no cookie or session authenticates here (a bearer token
    does), and nothing is ever written, so a forged cross-site request gains
    nothing; without the exemption a POST would get Django's HTML 403 instead
    of the OperationOutcome 405."""

    public = False
    token: ApiToken  # set by dispatch on every view that is not public

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return error_response(405, "This FHIR API is read-only: use GET.")
        if not self.public:
            try:
                self.token = api_token_authenticate(header=request.headers.get("Authorization", ""))
            except TokenError as error:
                return error_response(
                    401, str(error), headers={"WWW-Authenticate": 'Bearer realm="fhir"'}
                )
        try:
            return self.answer(request, *args, **kwargs)
        except ApiError as error:
            return error_response(error.status, str(error))
        except PagingError as error:
            return error_response(400, str(error))

    def answer(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        raise NotImplementedError

    def patient(self, request: HttpRequest, patient_id: uuid.UUID | str) -> Patient:
        """The token's clinic's patient, or a 403 (another clinic's, audited) / 404."""
        patient = patient_queryset().filter(pk=patient_id).first()
        if patient is None:
            api_request_audit(token=self.token, request=request)
            raise ApiError(404, f"No Patient with id {patient_id}.")
        if patient.clinic_id != self.token.clinic_id:
            api_request_audit(token=self.token, request=request, patient_id=patient.pk, denied=True)
            raise ApiError(403, "This token does not give access to this Patient.")
        api_request_audit(token=self.token, request=request, patient_id=patient.pk)
        return patient

    def page(self, request: HttpRequest, resources: list[Resource]) -> HttpResponse:
        size, page = page_params(request.GET)
        query = {k: v for k, v in request.GET.items() if k not in ("_count", "_page")}
        url = request.build_absolute_uri(request.path)
        return fhir_response(
            searchset_bundle(resources, url=url, query=query, size=size, page=page)
        )


class MetadataView(FhirApiView):
    """The CapabilityStatement: public (no data in it), as FHIR servers do."""

    public = True

    def answer(self, request: HttpRequest) -> HttpResponse:  # type: ignore[override]
        return fhir_response(capability_statement())


class PatientReadView(FhirApiView):
    def answer(self, request: HttpRequest, patient_id: uuid.UUID) -> HttpResponse:  # type: ignore[override]
        return fhir_response(patient_resource(self.patient(request, patient_id)))


class PatientEverythingView(FhirApiView):
    """``$everything``: every resource of the patient, paged."""

    def answer(self, request: HttpRequest, patient_id: uuid.UUID) -> HttpResponse:  # type: ignore[override]
        patient = self.patient(request, patient_id)
        return self.page(request, record_resources(load_record(patient)))


class SearchView(FhirApiView):
    def answer(self, request: HttpRequest, resource_type: str) -> HttpResponse:  # type: ignore[override]
        if resource_type not in SEARCH_TYPES:
            api_request_audit(token=self.token, request=request)
            raise ApiError(404, f"{resource_type} is not served here; see /fhir/R4/metadata.")
        if resource_type == "Questionnaire":
            api_request_audit(token=self.token, request=request)
            return self.page(request, questionnaire_resources())
        if resource_type == "Patient":
            identifier = request.GET.get("identifier")
            if not identifier:
                api_request_audit(token=self.token, request=request)
                raise ApiError(400, "Search Patient by identifier (the record number).")
            patient = self._by_record_number(request, identifier)
            return self.page(request, [patient_resource(patient)] if patient else [])
        patient = self._subject(request)
        if patient is None:
            return self.page(request, [])
        resources = record_resources(load_record(patient))
        return self.page(request, [r for r in resources if r.resource_type == resource_type])

    def _by_record_number(self, request: HttpRequest, identifier: str) -> Patient | None:
        system, _, value = identifier.rpartition("|")
        ours = codes.record_number_system(self.token.clinic_id)
        if system and system != ours:
            api_request_audit(token=self.token, request=request)
            return None
        patient = (
            patient_queryset().filter(clinic_id=self.token.clinic_id, record_number=value).first()
        )
        api_request_audit(
            token=self.token, request=request, patient_id=patient.pk if patient else None
        )
        return patient

    def _subject(self, request: HttpRequest) -> Patient | None:
        if request.GET.get("patient.identifier"):
            return self._by_record_number(request, request.GET["patient.identifier"])
        reference = request.GET.get("patient") or request.GET.get("subject")
        if not reference:
            api_request_audit(token=self.token, request=request)
            raise ApiError(400, "Give patient.identifier (record number) or patient (id).")
        patient_id = reference.removeprefix("Patient/")
        try:
            uuid.UUID(patient_id)
        except ValueError:
            api_request_audit(token=self.token, request=request)
            raise ApiError(400, f"{reference!r} is not a Patient id.") from None
        return self.patient(request, patient_id)


class NotFoundView(FhirApiView):
    public = True

    def answer(self, request: HttpRequest, rest: str = "") -> HttpResponse:  # type: ignore[override]
        return error_response(404, f"Nothing at /fhir/R4/{rest}; see /fhir/R4/metadata.")


def capability_statement() -> CapabilityStatement:
    types = []
    for name in SEARCH_TYPES:
        entry: dict[str, Any] = {"type": name, "interaction": [{"code": "search-type"}]}
        if name == "Patient":
            entry["interaction"].insert(0, {"code": "read"})
            entry["searchParam"] = [
                {"name": "identifier", "type": "token", "documentation": "The record number."}
            ]
            entry["operation"] = [
                {
                    "name": "everything",
                    "definition": "http://hl7.org/fhir/OperationDefinition/Patient-everything",
                }
            ]
        elif name != "Questionnaire":
            entry["searchParam"] = [
                {"name": "patient", "type": "reference"},
                {"name": "patient.identifier", "type": "token", "documentation": "Record number."},
            ]
        types.append(entry)
    return CapabilityStatement(
        status="active",
        date=timezone.now().isoformat(),
        publisher="Clinic",
        kind="instance",
        software={"name": "Clinic"},
        implementation={"description": "Read-only FHIR R4 API", "url": codes.api_base()},
        fhirVersion="4.0.1",
        format=["json"],
        rest=[
            {
                "mode": "server",
                "security": {
                    "description": "Send 'Authorization: Bearer <token>'; a clinic admin "
                    "creates tokens under FHIR API tokens. Each token reads one clinic."
                },
                "resource": types,
            }
        ],
    )
