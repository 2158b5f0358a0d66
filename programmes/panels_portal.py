"""Staff panel for red flags patients report in the portal (issue 6).

A minimal ``dashboard_top`` provider: the unresolved RED_FLAG_REPORTED alerts
of the staff member's clinics, clinical roles only. The issue 5 alerts panel
supersedes it when merged (the lead keeps one)."""

from __future__ import annotations

from clinic import panels
from programmes.models import Alert, AlertKind

PANEL_LIMIT = 25


@panels.register("dashboard_top")
def reported_red_flags(*, request, staff_member, patient):
    if staff_member is None or not staff_member.sees_clinical_content:
        return None
    alerts = list(
        Alert.objects.unresolved()
        .filter(kind=AlertKind.RED_FLAG_REPORTED, patient__clinic_id__in=staff_member.clinic_ids)
        .select_related("patient")
        .order_by("urgency", "-raised_at")[:PANEL_LIMIT]
    )
    if not alerts:
        return None
    return "programmes/panels/reported_red_flags.html", {"alerts": alerts}
