"""Reminder preferences (staff) and the one-click unsubscribe link (public,
signed token, no login).

Reminder preferences are not clinical content (times and a channel), so
reception may set them as well as clinicians and clinic admins."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from clinic.access import StaffRequiredMixin, get_scoped_or_404
from patients.models import Patient
from reminders.delivery import reminders_unsubscribe
from reminders.forms import ReminderPreferenceForm
from reminders.models import ReminderOccurrence, ReminderPreference
from reminders.services import reminder_preference_update
from reminders.tokens import patient_id_from_unsubscribe_token

UPCOMING_LIMIT = 10


class ReminderPreferenceView(StaffRequiredMixin, View):
    template_name = "reminders/preferences.html"

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
        return HttpResponseRedirect(reverse("reminders:preferences", args=[self.patient.pk]))


# The token is the credential: mail providers POST without cookies (RFC 8058).
@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(View):
    template_name = "reminders/unsubscribe.html"

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
            return render(request, "reminders/unsubscribe.html", {"invalid": True}, status=404)
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
            return render(request, "reminders/unsubscribe.html", {"invalid": True}, status=404)
        reminders_unsubscribe(patient=patient, request=request)
        return render(request, self.template_name, {"done": True})


__all__ = [
    "ReminderPreferenceView",
    "UnsubscribeView",
]
