"""Access-matrix entries for the FHIR app (issue 17).

The API (/fhir/R4/) authenticates by token only: every persona's session gets
401, except ``metadata`` (public, no data) and the catch-all (an
OperationOutcome 404 for anyone). Token access is tested in tests/fhir/test_api.py.
"""

from tests.urlmatrix import ADMIN_ONLY, CLINICAL, PERSONAS

API_401 = dict.fromkeys(PERSONAS, 401)
PATIENT_ONLY = {
    "anonymous": 302,
    "patient": 200,
    "reception": 403,
    "clinician": 403,
    "colleague": 403,
    "clinic_admin": 403,
}
# Import: clinical roles; nothing of a patient involved, so a colleague elsewhere gets 200.
IMPORT = {**CLINICAL, "colleague": 200}


def _patient(ctx):
    return [ctx["patient_record"].pk]


def _token(ctx):
    return [ctx["api_token"].pk]


STAFF_MATRIX = {
    "fhir:patient-export": (_patient, CLINICAL),
    "fhir:import": (None, IMPORT),
    "fhir:tokens": (None, ADMIN_ONLY),
    # POST only; a clinic admin of another clinic would get 404 (test_pages).
    "fhir:token-revoke": (_token, {**ADMIN_ONLY, "clinic_admin": 405}),
    "portal:my-data-fhir": (None, PATIENT_ONLY),
    "fhir-api:metadata": (None, dict.fromkeys(PERSONAS, 200)),
    "fhir-api:patient-read": (_patient, API_401),
    "fhir-api:patient-everything": (_patient, API_401),
    "fhir-api:search": (lambda ctx: ["Patient"], API_401),
    "fhir-api:not-found": (lambda ctx: ["Nothing/here"], dict.fromkeys(PERSONAS, 404)),
}


def extend_ctx(ctx) -> None:
    from fhir_r4.services import api_token_create

    ctx["api_token"], _secret = api_token_create(clinic=ctx["clinic"], name="Matrix", by=None)
