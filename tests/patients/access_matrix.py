"""Access-matrix entries for subject access and erasure."""

from datetime import date

LOGIN_FIRST = {"anonymous": 302, "patient": 403}
# Clinical roles of our clinic; reception 403, a colleague elsewhere 404.
CLINICAL_OWN = {
    **LOGIN_FIRST,
    "reception": 403,
    "clinician": 200,
    "colleague": 404,
    "clinic_admin": 200,
}


def _patient(ctx):
    return [ctx["patient_record"].pk]


def _erasure(ctx):
    return [ctx["erasure_request"].pk]


STAFF_MATRIX = {
    "patients:subject-access": (_patient, CLINICAL_OWN),
    "patients:subject-access-json": (_patient, CLINICAL_OWN),
    "patients:erasure": (_patient, CLINICAL_OWN),
    "patients:erasure-detail": (_erasure, CLINICAL_OWN),
}


def extend_ctx(ctx):
    from patients.models import ErasureRequest

    ctx["erasure_request"] = ErasureRequest.objects.create(
        patient=ctx["patient_record"],
        clinic=ctx["clinic"],
        received_via="email",
        received_on=date(2026, 1, 5),
    )
