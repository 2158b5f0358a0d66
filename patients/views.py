from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View
from django.views.generic import FormView

from clinic.access import StaffRequiredMixin, get_scoped_or_404
from patients.forms import PatientFilterForm, PatientForm
from patients.models import Patient
from patients.services import (
    InvitationError,
    invitation_send,
    patient_create,
    patient_record_viewed,
    patient_update,
)
from patients.timeline import patient_timeline

PAGE_SIZE = 25


def patient_list_queryset(user) -> QuerySet[Patient]:
    # One query for the page: the clinician's name comes in the same join.
    return (
        Patient.objects.for_user(user)
        .select_related("assigned_clinician__user", "clinic")
        .only(
            "id",
            "record_number",
            "first_name",
            "last_name",
            "date_of_birth",
            "status",
            "email",
            "mobile_phone",
            "clinic__name",
            "assigned_clinician__user__first_name",
            "assigned_clinician__user__last_name",
        )
    )


class PatientListView(StaffRequiredMixin, View):
    def get(self, request):
        form = PatientFilterForm(request.GET or None, user=request.user)
        patients = patient_list_queryset(request.user)
        if form.is_valid():
            data = form.cleaned_data
            patients = patients.search(data["q"])
            if data["status"]:
                patients = patients.filter(status=data["status"])
            if data["clinician"]:
                patients = patients.filter(assigned_clinician=data["clinician"])
        page = Paginator(patients.order_by("last_name", "first_name", "id"), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            "patients/patient_list.html",
            {"form": form, "page": page, "query": query.urlencode()},
        )


class PatientDetailView(StaffRequiredMixin, View):
    def get(self, request, patient_id):
        patient = get_scoped_or_404(
            request,
            Patient.objects.for_user(request.user).select_related(
                "clinic",
                "assigned_clinician__user",
                "consent_treatment_by",
                "consent_portal_by",
                "consent_reminders_by",
            ),
            pk=patient_id,
        )
        patient_record_viewed(patient=patient, request=request)
        return render(
            request,
            "patients/patient_detail.html",
            {
                "patient": patient,
                "sees_clinical": self.staff_member.sees_clinical_content
                or request.user.is_superuser,
                "timeline": patient_timeline(patient=patient, viewer=self.staff_member),
            },
        )


class PatientFormView(StaffRequiredMixin, FormView):
    form_class = PatientForm
    template_name = "patients/patient_form.html"
    patient: Patient | None = None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(staff_member=self.staff_member, user=self.request.user)
        if self.patient is not None:
            kwargs["instance"] = self.patient
        return kwargs

    def form_valid(self, form):
        if form.duplicates:
            # A warning, not a block: show the matches and let the user confirm.
            form.fields["confirm_not_duplicate"].widget = forms.CheckboxInput()
            return self.render_to_response(self.get_context_data(form=form))
        save = patient_update if self.patient is not None else patient_create
        patient = save(
            patient=form.save(commit=False),
            consents=form.consents,
            by=self.request.user,
            request=self.request,
        )
        messages.success(self.request, f"Saved {patient.full_name} ({patient.record_number}).")
        return HttpResponseRedirect(reverse("patients:detail", args=[patient.pk]))


class PatientCreateView(PatientFormView):
    extra_context = {"title": "New patient"}


class PatientUpdateView(PatientFormView):
    def load_objects(self, request, patient_id):
        self.patient = get_scoped_or_404(
            request, Patient.objects.for_user(request.user), pk=patient_id
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=f"Edit {self.patient.full_name}", patient=self.patient, **kwargs
        )


class PatientInviteView(StaffRequiredMixin, View):
    """Send (or send again) the portal invitation email."""

    http_method_names = ["post"]

    def load_objects(self, request, patient_id):
        self.patient = get_scoped_or_404(
            request, Patient.objects.for_user(request.user).select_related("clinic"), pk=patient_id
        )

    def post(self, request, patient_id):
        try:
            invitation = invitation_send(patient=self.patient, by=request.user, request=request)
        except InvitationError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                f"Invitation sent to {invitation.email}; the link works once and expires in 7 days.",
            )
        return HttpResponseRedirect(reverse("patients:detail", args=[self.patient.pk]))
