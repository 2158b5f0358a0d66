"""Open alerts on the dashboard, and the alert list in the staff menu."""

from __future__ import annotations

from alerts.models import Alert, AttentionSignal
from clinic import panels
from clinic.panels import NavEntry

DASHBOARD_ALERT_LIMIT = 15
ATTENTION_LIMIT = 15

panels.register_nav(NavEntry("Alerts", "alerts:list", order=30, clinical_only=True))


@panels.register("dashboard_top")
def dashboard_alerts(*, request, staff_member, patient):
    """Open alerts by urgency, in the viewer's clinics (reception sees none)."""
    if staff_member is None or not staff_member.sees_clinical_content:
        return None
    alerts = list(
        Alert.objects.for_user(request.user)
        .needs_action()
        .select_related("patient")
        .only(
            "id",
            "kind",
            "urgency",
            "status",
            "raised_at",
            "patient__id",
            "patient__first_name",
            "patient__last_name",
            "patient__record_number",
        )
        .order_by("urgency", "-raised_at")[: DASHBOARD_ALERT_LIMIT + 1]
    )
    if not alerts:
        return None
    return "alerts/panels/dashboard_alerts.html", {
        "alerts": alerts[:DASHBOARD_ALERT_LIMIT],
        "more": len(alerts) > DASHBOARD_ALERT_LIMIT,
    }


@panels.register("dashboard_top")
def dashboard_attention(*, request, staff_member, patient):
    """Patients who need attention (low adherence, no recent logs: issue 22),
    furthest below the threshold first, then longest. A clinician sees their
    own caseload; a clinic admin the clinic's."""
    if staff_member is None or not staff_member.sees_clinical_content:
        return None
    signals = AttentionSignal.objects.for_user(request.user)
    if not staff_member.is_clinic_admin:
        signals = signals.filter(patient__assigned_clinician=staff_member)
    rows = list(
        signals.select_related("patient")
        .only(
            "id",
            "kind",
            "since",
            "how_far",
            "summary",
            "patient__id",
            "patient__first_name",
            "patient__last_name",
            "patient__record_number",
        )
        .order_by("-how_far", "since")[: ATTENTION_LIMIT + 1]
    )
    if not rows:
        return None
    return "alerts/panels/dashboard_attention.html", {
        "signals": rows[:ATTENTION_LIMIT],
        "more": len(rows) > ATTENTION_LIMIT,
    }
