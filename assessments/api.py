"""What other apps (programmes, portal) may ask of assessments.

Kept small and stable so that the apps can be built side by side.
"""

from __future__ import annotations

from assessments.models import RedFlagEvent
from patients.models import Patient


def patient_has_unactioned_red_flags(patient: Patient) -> bool:
    """True while the patient has a red-flag event with no recorded action or
    override. Plans cannot be activated then (SPEC 6.3; issue 3)."""
    return RedFlagEvent.objects.filter(patient_id=patient.pk).unactioned().exists()
