"""The reminders button on the patient page."""

from __future__ import annotations

from clinic import panels


@panels.register("patient_actions")
def reminders_button(*, request, staff_member, patient):
    # Reminder times are not clinical content: every staff role may set them.
    if patient is None or staff_member is None:
        return None
    return "reminders/panels/reminders_button.html", {"patient": patient}
