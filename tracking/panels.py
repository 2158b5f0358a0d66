"""What the patient reported at home, on the staff pages (issue 13): the
record's "At home" section and the plan page's headline figures. Clinicians
and clinic admins only: reception sees none of it."""

from __future__ import annotations

from clinic import panels
from clinic.panels import NavEntry
from tracking.adherence import adherence_overview
from tracking.progression import proposals_for_plan
from tracking.selectors import open_alerts, record_progress


def _clinical(staff_member, request=None) -> bool:
    if request is not None and request.user.is_superuser:
        return True
    return staff_member is not None and staff_member.sees_clinical_content


@panels.register("patient_progress")
def patient_progress(*, request, staff_member, patient, **_):
    if patient is None or not _clinical(staff_member, request):
        return None
    return "tracking/panels/record_progress.html", {
        "patient": patient,
        "progress": record_progress(patient),
    }


@panels.register("plan_top")
def plan_headline(*, request, staff_member, patient, plan=None, **_):
    if plan is None or patient is None or not _clinical(staff_member, request):
        return None
    if plan.status == "draft":
        return None
    return "tracking/panels/plan_headline.html", {
        "patient": patient,
        "plan": plan,
        "overview": adherence_overview(patient),
        "alerts": open_alerts(patient),
    }


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


panels.register_nav(NavEntry("Caseload", "tracking:caseload", order=5, clinical_only=True))
