"""Access matrix entries for the tracking app: progression accept / dismiss
(POST, issue 14); caseload, session log and sessions by phone (issue 13)."""

from __future__ import annotations

from tests.urlmatrix import CLINICAL, CLINICAL_POST


def _lineage(ctx):
    return [ctx["plan"].pk, ctx["prescription"].lineage]


def _patient(ctx):
    return [ctx["patient_record"].pk]


# The caseload is scoped (a colleague elsewhere sees an empty list), not refused.
CASELOAD = {**CLINICAL, "colleague": 200}

STAFF_MATRIX = {
    "tracking:progression-accept": (_lineage, CLINICAL_POST),
    "tracking:progression-dismiss": (_lineage, CLINICAL_POST),
    "tracking:caseload": (None, CASELOAD),
    "tracking:session-log": (_patient, CLINICAL),
    "tracking:session-by-phone": (_patient, CLINICAL_POST),
}
