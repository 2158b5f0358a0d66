from __future__ import annotations

import csv

from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views import View

from clinic.access import StaffRequiredMixin
from clinic.audit import audit_record
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


class _Echo:
    def write(self, value):
        return value


def _csv_safe(value) -> str:
    """Neutralise spreadsheet formulas (CSV injection): usernames typed at a
    failed login are attacker-controlled."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


AUDIT_CSV_COLUMNS = [
    "at",
    "actor_id",
    "actor_username",
    "action",
    "object_type",
    "object_id",
    "patient_id",
    "clinic_id",
    "ip",
]


class AuditExportView(StaffRequiredMixin, View):
    """The filtered audit log as CSV (clinic admins; their clinics only). The
    export is itself audited."""

    staff_roles = (Role.CLINIC_ADMIN,)

    def get(self, request):
        form = AuditFilterForm(request.GET or None)
        events = AuditEvent.objects.for_user(request.user)
        if form.is_bound and not form.is_valid():
            return render(
                request, "clinic/audit_log.html", {"form": form, "page": None}, status=400
            )
        if form.is_bound:
            events = form.apply(events)
        member = self.staff_member
        audit_record(
            action=AuditAction.EXPORT,
            request=request,
            clinic_id=member.clinic_ids[0] if len(member.clinic_ids) == 1 else None,
        )
        writer = csv.writer(_Echo())
        rows = events.order_by("-at", "-id").values_list(*AUDIT_CSV_COLUMNS).iterator()

        def stream():
            yield writer.writerow(AUDIT_CSV_COLUMNS)
            for row in rows:
                at, *rest = row
                yield writer.writerow([at.isoformat(), *(_csv_safe(v) for v in rest)])

        response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
        return response
