"""Alerts in erasure: their free text is about the patient."""

from __future__ import annotations

from alerts.models import Alert
from patients import erasure


@erasure.register
def erase_alerts(*, patient) -> None:
    erasure.erase_free_text(Alert.objects.filter(patient=patient), ["summary", "resolution_note"])
