"""Panels on the patient page and timeline entries: for roles that see
clinical content only (plans are clinical; reception sees none of them)."""

from __future__ import annotations

from django.urls import reverse

from clinic import panels
from clinic.panels import NavEntry
from patients import timeline
from programmes.models import PlanPause, ProgrammeVersion, TreatmentPlan

PANEL_LIMIT = 10


def _clinical(staff_member, request=None) -> bool:
    if request is not None and request.user.is_superuser:
        return True
    return staff_member is not None and staff_member.sees_clinical_content


@panels.register("patient_sections")
def patient_plans(*, request, staff_member, patient):
    if patient is None or not _clinical(staff_member, request):
        return None
    plans = list(
        TreatmentPlan.objects.filter(patient=patient)
        .only("id", "title", "status", "start_on")
        .order_by("-created_at")[:PANEL_LIMIT]
    )
    return "programmes/panels/patient_plans.html", {"plans": plans}


@panels.register("patient_actions")
def new_plan_button(*, request, staff_member, patient):
    if patient is None or staff_member is None or not staff_member.sees_clinical_content:
        return None
    return "programmes/panels/new_plan_button.html", {"patient": patient}


@panels.register("assessment_sections")
def assessment_plans(*, request, staff_member, patient, assessment=None, **_):
    """The plans that answer an assessment, on its summary and print page."""
    if assessment is None or not _clinical(staff_member, request):
        return None
    plans = list(
        TreatmentPlan.objects.filter(assessment=assessment)
        .select_related("clinician__user")
        .order_by("-created_at")[:PANEL_LIMIT]
    )
    return "programmes/panels/assessment_plans.html", {"plans": plans}


@timeline.register
def plan_events(*, patient, viewer, limit: int) -> list[timeline.TimelineEntry]:
    if viewer is None or not viewer.sees_clinical_content:
        return []
    entries = []
    for plan in (
        TreatmentPlan.objects.filter(patient=patient)
        .only("id", "title", "created_at", "activated_at", "ended_at", "status")
        .order_by("-created_at")[:limit]
    ):
        url = reverse("programmes:plan-detail", args=[plan.pk])
        entries.append(
            timeline.TimelineEntry(
                plan.created_at, f"Plan drafted: {plan.title}", url=url, kind="plan"
            )
        )
        if plan.activated_at:
            entries.append(
                timeline.TimelineEntry(
                    plan.activated_at, f"Plan activated: {plan.title}", url=url, kind="plan"
                )
            )
        if plan.ended_at:
            entries.append(
                timeline.TimelineEntry(
                    plan.ended_at,
                    f"Plan {plan.get_status_display().lower()}: {plan.title}",
                    url=url,
                    kind="plan",
                )
            )
    for pause in (
        PlanPause.objects.filter(plan__patient=patient)
        .select_related("plan")
        .only("started_on", "paused_at", "resumed_at", "source", "plan__id", "plan__title")
        .order_by("-paused_at")[:limit]
    ):
        url = reverse("programmes:plan-detail", args=[pause.plan_id])
        entries.append(
            timeline.TimelineEntry(
                pause.paused_at,
                f"Programme paused ({pause.get_source_display().lower()}): {pause.plan.title}",
                url=url,
                kind="plan",
            )
        )
        if pause.resumed_at:
            entries.append(
                timeline.TimelineEntry(
                    pause.resumed_at, f"Programme resumed: {pause.plan.title}", url=url, kind="plan"
                )
            )
    for version in (
        ProgrammeVersion.objects.filter(plan__patient=patient, number__gt=1)
        .select_related("plan")
        .only("number", "created_at", "plan__id", "plan__title")
        .order_by("-created_at")[:limit]
    ):
        entries.append(
            timeline.TimelineEntry(
                version.created_at,
                f"Programme version {version.number}: {version.plan.title}",
                detail=version.change_note,
                url=reverse("programmes:plan-versions", args=[version.plan_id]),
                kind="plan",
            )
        )
    return entries


panels.register_nav(NavEntry("Templates", "programmes:template-list", order=20))
