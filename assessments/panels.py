"""Panels for shared staff pages and the patient timeline (clinic.panels,
patients.timeline). Reception sees none of them: they carry clinical content."""

from __future__ import annotations

from django.urls import reverse

from assessments.models import Assessment, RedFlagEvent
from clinic.panels import register
from patients.timeline import TimelineEntry
from patients.timeline import register as register_timeline


def _clinical(staff_member, request) -> bool:
    if request.user.is_superuser:
        return True
    return staff_member is not None and staff_member.sees_clinical_content


@register("patient_banner")
def red_flag_banner(*, request, staff_member, patient):
    if patient is None or not _clinical(staff_member, request):
        return None
    events = list(
        RedFlagEvent.objects.filter(patient=patient).unactioned().order_by("fired_at")[:20]
    )
    if not events:
        return None
    return "assessments/panels/banner.html", {"events": events}


@register("dashboard_top")
def dashboard_red_flags(*, request, staff_member, patient):
    if staff_member is None or not staff_member.sees_clinical_content:
        return None
    events = list(
        RedFlagEvent.objects.filter(patient__clinic_id__in=staff_member.clinic_ids)
        .unactioned()
        .select_related("patient")
        .order_by("fired_at")[:25]
    )
    if not events:
        return None
    return "assessments/panels/dashboard.html", {"events": events}


@register("patient_sections")
def assessments_card(*, request, staff_member, patient):
    if patient is None or not _clinical(staff_member, request):
        return None
    assessments = list(
        Assessment.objects.filter(patient=patient)
        .only("id", "kind", "status", "assessed_on", "created_at")
        .order_by("-assessed_on", "-created_at")[:10]
    )
    return "assessments/panels/patient_card.html", {"patient": patient, "assessments": assessments}


@register_timeline
def assessment_timeline(*, patient, viewer, limit: int) -> list[TimelineEntry]:
    if viewer is None or not viewer.sees_clinical_content:
        return []
    entries = []
    for a in (
        Assessment.objects.filter(patient=patient)
        .only("id", "kind", "status", "assessed_on", "created_at", "signed_at")
        .order_by("-created_at")[:limit]
    ):
        url = reverse("assessments:detail", args=[patient.pk, a.pk])
        entries.append(TimelineEntry(a.created_at, f"{a} started", url=url, kind="assessment"))
        if a.signed_at:
            entries.append(TimelineEntry(a.signed_at, f"{a} signed", url=url, kind="assessment"))
    return entries
