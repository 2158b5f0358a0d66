from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import View

from clinic.access import StaffRequiredMixin
from clinic.forms import AuditFilterForm
from clinic.models import AuditAction, AuditEvent, Role
from clinic.paging import SeekPage
from patients.models import Patient, Status
from patients.views import patient_list_queryset

CASELOAD_LIMIT = 50
RECENT_LIMIT = 10


def healthz(request) -> HttpResponse:
    """Liveness for load balancers: no database, no session, no data."""
    return JsonResponse({"status": "ok"})


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


class AuditLogView(StaffRequiredMixin, View):
    staff_roles = (Role.CLINIC_ADMIN,)
    page_size = 50

    def get(self, request):
        form = AuditFilterForm(request.GET or None)
        events = AuditEvent.objects.for_user(request.user)
        if form.is_valid():
            events = form.apply(events)
        page = SeekPage.from_request(request, events.order_by("-at", "-id"), self.page_size)
        return render(request, "clinic/audit_log.html", {"form": form, "page": page})
