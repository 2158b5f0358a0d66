"""Clinician alerts (staff): the list, acknowledge and resolve. Alerts are
clinical: reception sees none (403 on the pages, nothing on the dashboard)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from alerts import services
from alerts.forms import AlertResolveForm, AlertSnoozeForm
from alerts.models import Alert, AlertStatus
from clinic.access import StaffRequiredMixin, get_scoped_or_404
from clinic.audit import audit_record
from clinic.models import AuditAction, Role

CLINICAL_ROLES = (Role.CLINICIAN, Role.CLINIC_ADMIN)
ALERT_PAGE_SIZE = 25


class AlertListView(StaffRequiredMixin, View):
    staff_roles = CLINICAL_ROLES

    def get(self, request):
        show = request.GET.get("show", "open")
        queryset = Alert.objects.for_user(request.user).select_related(
            "patient", "acknowledged_by", "resolved_by"
        )
        # Filtered on the alert's own clinic column (no join through patients).
        if show == "resolved":
            queryset = queryset.filter(status=AlertStatus.RESOLVED).order_by("-resolved_at")
        elif show == "snoozed":
            queryset = queryset.snoozed().order_by("snoozed_until")
        else:
            show = "open"
            queryset = queryset.needs_action().order_by("urgency", "-raised_at")
        page = Paginator(queryset, ALERT_PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            "alerts/list.html",
            {"page": page, "show": show, "resolve_form": AlertResolveForm()},
        )


class _AlertActionView(StaffRequiredMixin, View):
    staff_roles = CLINICAL_ROLES

    def load_objects(self, request, alert_id):
        self.alert = get_scoped_or_404(
            request, Alert.objects.for_user(request.user).select_related("patient"), pk=alert_id
        )

    def _done(self, request, action: AuditAction, text: str):
        """Audit what was done to the alert and go back to the list."""
        audit_record(
            action=action,
            request=request,
            obj=self.alert,
            patient_id=self.alert.patient_id,
            clinic_id=self.alert.clinic_id,
        )
        messages.success(request, text)
        return HttpResponseRedirect(reverse("alerts:list"))


class AlertAcknowledgeView(_AlertActionView):
    def post(self, request, alert_id):
        services.alert_acknowledge(alert=self.alert, by=request.user)
        return self._done(request, AuditAction.ALERT_ACKNOWLEDGED, "Alert acknowledged.")


class AlertResolveView(_AlertActionView):
    def post(self, request, alert_id):
        form = AlertResolveForm(request.POST)
        if not form.is_valid():
            messages.error(request, "; ".join(form.errors.get("note", ["Check the note."])))
            return HttpResponseRedirect(reverse("alerts:list"))
        services.alert_resolve(alert=self.alert, by=request.user, note=form.cleaned_data["note"])
        return self._done(request, AuditAction.ALERT_RESOLVED, "Alert resolved.")


class AlertSnoozeView(_AlertActionView):
    """Snooze 1 to 30 days with a required reason (audited)."""

    def post(self, request, alert_id):
        form = AlertSnoozeForm(request.POST)
        if not form.is_valid():
            errors = [e for field in ("days", "reason") for e in form.errors.get(field, [])]
            messages.error(request, " ".join(errors))
            return HttpResponseRedirect(reverse("alerts:list"))
        try:
            services.alert_snooze(
                alert=self.alert,
                by=request.user,
                days=form.cleaned_data["days"],
                reason=form.cleaned_data["reason"],
            )
        except services.SnoozeError as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(reverse("alerts:list"))
        days = form.cleaned_data["days"]
        return self._done(
            request,
            AuditAction.ALERT_SNOOZED,
            f"Alert snoozed for {days} day{'s' if days > 1 else ''}.",
        )
