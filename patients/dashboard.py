"""The staff dashboard: panels from the feature apps (red flags, alerts), the
clinician's caseload and the records this user opened recently."""

from __future__ import annotations

from django.shortcuts import render
from django.views import View

from clinic.access import StaffRequiredMixin
from clinic.models import AuditAction, AuditEvent, Role
from patients.models import Patient, Status
from patients.views import patient_list_queryset

CASELOAD_LIMIT = 50
RECENT_LIMIT = 10


def recently_seen_patients(user, *, limit: int) -> list[Patient]:
    """Patients whose records this user opened most recently (from the audit trail)."""
    ids: list = []
    events = (
        AuditEvent.objects.filter(actor=user, action=AuditAction.PATIENT_VIEW)
        .order_by("-at")
        .values_list("patient_id", flat=True)[: limit * 5]
    )
    for patient_id in events:
        if patient_id not in ids:
            ids.append(patient_id)
        if len(ids) == limit:
            break
    by_id = patient_list_queryset(user).in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]


class DashboardView(StaffRequiredMixin, View):
    def get(self, request):
        caseload = []
        if self.staff_member.role == Role.CLINICIAN:
            caseload = list(
                patient_list_queryset(request.user)
                .filter(assigned_clinician=self.staff_member, status=Status.ACTIVE)
                .order_by("last_name", "first_name")[:CASELOAD_LIMIT]
            )
        return render(
            request,
            "clinic/dashboard.html",
            {
                "caseload": caseload,
                "caseload_limit": CASELOAD_LIMIT,
                "recent": recently_seen_patients(request.user, limit=RECENT_LIMIT),
            },
        )
