"""Access matrix entries for the tracking app's staff pages (issue 13)."""

from __future__ import annotations

from tests.urlmatrix import CLINICAL, CLINICAL_POST


def _patient(ctx):
    return [ctx["patient_record"].pk]


# The caseload is scoped (a colleague elsewhere sees an empty list), not refused.
CASELOAD = {**CLINICAL, "colleague": 200}

STAFF_MATRIX = {
    "tracking:caseload": (None, CASELOAD),
    "tracking:session-log": (_patient, CLINICAL),
    "tracking:session-by-phone": (_patient, CLINICAL_POST),
}
