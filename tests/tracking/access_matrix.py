"""Access matrix entries for the tracking app: progression accept / dismiss (POST)."""

from __future__ import annotations

from tests.urlmatrix import CLINICAL_POST


def _lineage(ctx):
    return [ctx["plan"].pk, ctx["prescription"].lineage]


STAFF_MATRIX = {
    "tracking:progression-accept": (_lineage, CLINICAL_POST),
    "tracking:progression-dismiss": (_lineage, CLINICAL_POST),
}
