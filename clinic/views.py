from __future__ import annotations

import csv
import hmac
import logging

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views import View

from clinic import ops
from clinic.access import StaffRequiredMixin
from clinic.audit import audit_record, object_label, patient_labels
from clinic.forms import AuditFilterForm
from clinic.models import AuditAction, AuditEvent, Role
from clinic.paging import SeekPage
from clinic.security import is_staff_account

logger = logging.getLogger(__name__)


def health(request) -> HttpResponse:
    """Readiness for operators and monitors (issue 21): 200 when every check
    passes, 503 otherwise. Everyone gets the plain status; staff past the
    second factor also get each check's result (no patient data either way)."""
    results = ops.health()
    ok = all(r.ok for r in results.values())
    body: dict = {"status": "ok" if ok else "fail"}
    user = request.user
    if is_staff_account(user) and user.is_verified():
        body["checks"] = {name: {"ok": r.ok, **r.detail} for name, r in sorted(results.items())}
    response = JsonResponse(body, status=200 if ok else 503)
    response["Cache-Control"] = "no-store"
    if not ok:
        # One line naming the failed checks instead of Django's "Service
        # Unavailable" error line on every probe of a monitor.
        failed = sorted(name for name, r in results.items() if not r.ok)
        logger.warning("health: failing checks: %s", ", ".join(failed))
        response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def metrics(request) -> HttpResponse:
    """Prometheus gauges behind a bearer token (``METRICS_TOKEN``); off (404)
    when no token is configured."""
    token = settings.METRICS_TOKEN
    if not token:
        raise Http404
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        response = HttpResponse("unauthorized\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = "Bearer"
        return response
    return HttpResponse(ops.metrics_text(), content_type="text/plain; version=0.0.4; charset=utf-8")


def healthz(request) -> HttpResponse:
    """Liveness for load balancers: no database, no session, no data."""
    return JsonResponse({"status": "ok"})


class SignedInView(StaffRequiredMixin, View):
    """The benchmark's fair reference (issue 20): a logged-in page that reads the
    session and the user, runs one indexed query (the member's clinics, through
    the many-to-many table's index) and renders the base template with the
    navigation. Useful to staff too: who and where they are signed in."""

    def get(self, request):
        clinics = list(self.staff_member.clinics.order_by("name").values_list("name", flat=True))
        return render(request, "clinic/signed_in.html", {"clinics": clinics})


class AuditLogView(StaffRequiredMixin, View):
    staff_roles = (Role.CLINIC_ADMIN,)
    page_size = 50

    def get(self, request):
        form = AuditFilterForm(request.GET or None)
        events = AuditEvent.objects.for_user(request.user)
        if form.is_valid():
            events = form.apply(events)
        page = SeekPage.from_request(
            request, events.select_related("actor").order_by("-at", "-id"), self.page_size
        )
        labels = patient_labels(request.user, [e.patient_id for e in page.rows if e.patient_id])
        for event in page.rows:
            event.patient_label = labels.get(event.patient_id, "")
            event.object_label = object_label(event.object_type)
            actor = event.actor
            event.actor_label = (
                (actor.get_full_name() or actor.get_username()) if actor else event.actor_username
            )
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
