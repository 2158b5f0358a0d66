"""Open alerts by kind, for ``/metrics`` (issue 21)."""

from __future__ import annotations

from django.db.models import Count

from alerts.models import Alert, AlertKind
from clinic.ops import register_gauges


def _gauges() -> list[tuple[str, str, dict, float]]:
    counts = dict(
        Alert.objects.unresolved()
        .order_by()
        .values_list("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    return [
        (
            "clinic_alerts_open",
            "Unresolved (open or acknowledged) clinician alerts by kind",
            {"kind": kind},
            counts.get(kind, 0),
        )
        for kind in AlertKind.values
    ]


register_gauges(_gauges)
