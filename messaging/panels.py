"""Messages in the staff menu (with the unread badge loaded by HTMX), a
dashboard panel and a button on the patient page."""

from __future__ import annotations

from clinic import panels
from clinic.panels import NavEntry
from messaging import services
from messaging.models import Conversation

panels.register_nav(
    NavEntry("Messages", "messaging:inbox", order=25, badge_url_name="messaging:badge")
)


@panels.register("dashboard_top")
def dashboard_messages(*, request, staff_member, patient):
    """Conversations waiting for a reply (clinical roles; one query)."""
    if staff_member is None or not staff_member.sees_clinical_content:
        return None
    counts = Conversation.objects.for_user(request.user).filter(needs_reply=True)
    waiting = counts.count()
    if not waiting:
        return None
    return "messaging/panels/dashboard.html", {"waiting": waiting}


@panels.register("patient_actions")
def patient_messages_button(*, request, staff_member, patient):
    if patient is None:
        return None
    if not services.staff_may_read(staff_member, request.user, patient.clinic_id):
        return None
    return "messaging/panels/patient_button.html", {"patient": patient}
