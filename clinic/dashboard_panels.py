"""The base app's own dashboard panel: for clinic admins, when each chunked
pass (clinic/passes.py) last completed."""

from __future__ import annotations

from clinic import panels
from clinic.passes import passes_last_complete


@panels.register("dashboard_top")
def dashboard_passes(*, request, staff_member, patient):
    if staff_member is None or not staff_member.is_clinic_admin:
        return None
    return "clinic/panels/passes.html", {"states": passes_last_complete()}
