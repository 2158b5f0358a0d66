"""What other apps (programmes, portal) may ask of assessments.

Kept small and stable so that the apps can be built side by side.
"""

from __future__ import annotations

from assessments import red_flags
from assessments.models import Assessment, Condition, RedFlagEvent
from patients.models import Patient


def patient_has_unactioned_red_flags(patient: Patient) -> bool:
    """True while the patient has a red-flag event with no recorded action or
    override. Plans cannot be activated then (SPEC 6.3; issue 3)."""
    return RedFlagEvent.objects.filter(patient_id=patient.pk).unactioned().exists()


# SPEC product decisions ("Cauda equina") and SPEC 1.4 app rule [S17]: patients with
# back-related leg pain and no cauda equina signs get written safety-netting advice.
BACK_RELATED_DIAGNOSES = frozenset(
    {Condition.LUMBAR_RADICULAR_PAIN.value, Condition.NEUROGENIC_CLAUDICATION.value}
)
CES_SAFETY_NETTING = red_flags.SAFETY_NETTING
CES_SAFETY_NETTING_HEADING = red_flags.SAFETY_NETTING_HEADING
CES_SAFETY_NETTING_SIGNS = red_flags.SAFETY_NETTING_SIGNS


def is_back_related(assessment: Assessment | None) -> bool:
    """True for an assessment whose working diagnosis is back-related leg pain."""
    return assessment is not None and assessment.working_diagnosis in BACK_RELATED_DIAGNOSES


def assessment_needs_ces_safety_netting(assessment: Assessment | None) -> bool:
    """True for an assessment whose working diagnosis is back-related leg pain and in
    which the cauda equina rule did not fire (then the patient is sent to A&E instead)."""
    if assessment is None or not is_back_related(assessment):
        return False
    return not any(e.rule_id == "RF-CES" for e in assessment.red_flags.all())


def latest_diagnosed_assessment(patient: Patient) -> Assessment | None:
    """The patient's latest assessment with a working diagnosis (one query)."""
    return (
        Assessment.objects.filter(patient_id=patient.pk)
        .exclude(working_diagnosis="")
        .order_by("-assessed_on", "-created_at")
        .first()
    )


def patient_needs_ces_safety_netting(patient: Patient) -> bool:
    """The patient's latest assessment with a working diagnosis decides (two queries)."""
    return assessment_needs_ces_safety_netting(latest_diagnosed_assessment(patient))
