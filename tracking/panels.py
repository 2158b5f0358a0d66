"""What the patient reported at home, on the staff pages (issue 13 builds on this)."""

from __future__ import annotations

from clinic import panels
from tracking.progression import proposals_for_plan


@panels.register("plan_sections")
def progression_panel(*, request, staff_member, patient, plan=None):
    """Symptom-driven progression proposals on the plan page (issue 14): the clinician
    accepts (a new programme version) or dismisses each one; nothing is applied alone."""
    if plan is None or staff_member is None or not staff_member.sees_clinical_content:
        return None
    proposals = proposals_for_plan(plan)
    if not proposals:
        return None
    return (
        "tracking/panels/progression.html",
        {
            "plan": plan,
            "proposals": proposals,
            "thresholds": proposals[0].thresholds,
            "clinic": plan.patient.clinic,
        },
    )
