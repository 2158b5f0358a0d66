"""Pages of issue 5: reminder preferences (staff), clinician alerts (staff),
and the one-click unsubscribe link (public, signed token, no login).

Reminder preferences are not clinical content (times and a channel), so
reception may set them as well as clinicians and clinic admins. Alerts are
clinical: reception sees none (403 on the pages, nothing on the dashboard)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from clinic.access import StaffRequiredMixin, get_scoped_or_404
from clinic.audit import audit_record
from clinic.models import AuditAction, Role
from patients.models import Patient
from programmes import alerts, reminders
from programmes.forms import AlertResolveForm, ReminderPreferenceForm
from programmes.models import Alert, AlertStatus, ReminderOccurrence, ReminderPreference
from programmes.services import reminder_preference_update
from programmes.tokens import patient_id_from_unsubscribe_token

CLINICAL_ROLES = (Role.CLINICIAN, Role.CLINIC_ADMIN)
ALERT_PAGE_SIZE = 25
UPCOMING_LIMIT = 10


class ReminderPreferenceView(StaffRequiredMixin, View):
    template_name = "programmes/reminder_preferences.html"

    def load_objects(self, request, patient_id):
        self.patient = get_scoped_or_404(
            request, Patient.objects.for_user(request.user), pk=patient_id
        )
        self.preference = ReminderPreference.objects.filter(patient=self.patient).first()

    def _render(self, request, form):
        upcoming = list(
            ReminderOccurrence.objects.filter(patient=self.patient)
            .only("local_date", "slot", "channel", "state", "due_at")
            .order_by("-due_at")[:UPCOMING_LIMIT]
        )
        return render(
            request,
            self.template_name,
            {
                "patient": self.patient,
                "form": form,
                "preference": self.preference,
                "recent": upcoming,
            },
        )

    def get(self, request, patient_id):
        initial = (
            ReminderPreferenceForm.initial_for(self.preference)
            if self.preference
            else ReminderPreferenceForm.initial_for(ReminderPreference(patient=self.patient))
        )
        return self._render(request, ReminderPreferenceForm(initial=initial, patient=self.patient))

    def post(self, request, patient_id):
        form = ReminderPreferenceForm(request.POST, patient=self.patient)
        if not form.is_valid():
            return self._render(request, form)
        reminder_preference_update(
            patient=self.patient, data=form.preference_data(), by=request.user, request=request
        )
        messages.success(request, "Reminder preferences saved.")
        return HttpResponseRedirect(
            reverse("programmes:reminder-preferences", args=[self.patient.pk])
        )


class AlertListView(StaffRequiredMixin, View):
    staff_roles = CLINICAL_ROLES

    def get(self, request):
        show = request.GET.get("show", "open")
        queryset = Alert.objects.for_user(request.user).select_related(
            "patient", "acknowledged_by", "resolved_by"
        )
        if show == "resolved":
            queryset = queryset.filter(status=AlertStatus.RESOLVED).order_by("-resolved_at")
        else:
            show = "open"
            queryset = queryset.unresolved().order_by("urgency", "-raised_at")
        page = Paginator(queryset, ALERT_PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            "programmes/alert_list.html",
            {"page": page, "show": show, "resolve_form": AlertResolveForm()},
        )


class _AlertActionView(StaffRequiredMixin, View):
    staff_roles = CLINICAL_ROLES

    def load_objects(self, request, alert_id):
        self.alert = get_scoped_or_404(
            request, Alert.objects.for_user(request.user).select_related("patient"), pk=alert_id
        )

    def _done(self, request, action: str, text: str):
        """Audit what was done to the alert and go back to the list."""
        audit_record(
            action=action,
            request=request,
            obj=self.alert,
            patient_id=self.alert.patient_id,
            clinic_id=self.alert.patient.clinic_id,
        )
        messages.success(request, text)
        return HttpResponseRedirect(reverse("programmes:alert-list"))


class AlertAcknowledgeView(_AlertActionView):
    def post(self, request, alert_id):
        alerts.alert_acknowledge(alert=self.alert, by=request.user)
        return self._done(request, AuditAction.ALERT_ACKNOWLEDGED, "Alert acknowledged.")


class AlertResolveView(_AlertActionView):
    def post(self, request, alert_id):
        form = AlertResolveForm(request.POST)
        if not form.is_valid():
            messages.error(request, "; ".join(form.errors.get("note", ["Check the note."])))
            return HttpResponseRedirect(reverse("programmes:alert-list"))
        alerts.alert_resolve(alert=self.alert, by=request.user, note=form.cleaned_data["note"])
        return self._done(request, AuditAction.ALERT_RESOLVED, "Alert resolved.")


# The token is the credential: mail providers POST without cookies (RFC 8058).
@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(View):
    template_name = "programmes/unsubscribe.html"

    def _patient(self, token: str) -> Patient:
        patient_id = patient_id_from_unsubscribe_token(token)
        patient = Patient.objects.filter(pk=patient_id).first() if patient_id else None
        if patient is None:
            raise Http404("This link no longer works.")
        return patient

    def get(self, request, token):
        try:
            patient = self._patient(token)
        except Http404:
            return render(request, "programmes/unsubscribe.html", {"invalid": True}, status=404)
        preference = ReminderPreference.objects.filter(patient=patient).first()
        return render(
            request,
            self.template_name,
            {"first_name": patient.first_name, "already": preference and not preference.enabled},
        )

    def post(self, request, token):
        try:
            patient = self._patient(token)
        except Http404:
            return render(request, "programmes/unsubscribe.html", {"invalid": True}, status=404)
        reminders.reminders_unsubscribe(patient=patient, request=request)
        return render(request, self.template_name, {"done": True})


__all__ = [
    "AlertAcknowledgeView",
    "AlertListView",
    "AlertResolveView",
    "ReminderPreferenceView",
    "UnsubscribeView",
]
