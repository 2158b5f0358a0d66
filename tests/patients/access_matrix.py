"""Access-matrix entries for subject access and erasure."""

from datetime import date

from tests.urlmatrix import CLINICAL


def _patient(ctx):
    return [ctx["patient_record"].pk]


def _erasure(ctx):
    return [ctx["erasure_request"].pk]


STAFF_MATRIX = {
    "patients:subject-access": (_patient, CLINICAL),
    "patients:subject-access-json": (_patient, CLINICAL),
    "patients:erasure": (_patient, CLINICAL),
    "patients:erasure-detail": (_erasure, CLINICAL),
}


def extend_ctx(ctx):
    from patients.models import ErasureRequest

    ctx["erasure_request"] = ErasureRequest.objects.create(
        patient=ctx["patient_record"],
        clinic=ctx["clinic"],
        received_via="email",
        received_on=date(2026, 1, 5),
    )
