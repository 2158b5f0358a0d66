from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import FormView

from clinic.access import StaffRequiredMixin, get_scoped_or_404
from clinic.models import Role
from patients.forms import ErasureRequestForm, PatientFilterForm, PatientForm
from patients.models import ErasureRequest, Patient
from patients.services import (
    ErasureRefusedError,
    InvitationError,
    erasure_request_create,
    erasure_request_execute,
    erasure_retention_problem,
    invitation_send,
    patient_create,
    patient_record_viewed,
    patient_subject_access_export,
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


CLINICAL_ROLES = (Role.CLINICIAN, Role.CLINIC_ADMIN)


class PatientScopedMixin(StaffRequiredMixin):
    def load_objects(self, request, patient_id):
        self.patient = get_scoped_or_404(
            request, Patient.objects.for_user(request.user).select_related("clinic"), pk=patient_id
        )


class PatientInviteView(PatientScopedMixin, View):
    """Send (or send again) the portal invitation email."""

    http_method_names = ["post"]

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


class SubjectAccessExportView(PatientScopedMixin, View):
    """A readable summary of everything held about the patient (print to PDF
    from the browser); the JSON download holds the same data."""

    staff_roles = CLINICAL_ROLES

    def get(self, request, patient_id):
        data = patient_subject_access_export(patient=self.patient, request=request)
        return render(
            request, "patients/subject_access.html", {"patient": self.patient, "data": data}
        )


class SubjectAccessJSONView(PatientScopedMixin, View):
    staff_roles = CLINICAL_ROLES

    def get(self, request, patient_id):
        data = patient_subject_access_export(patient=self.patient, request=request)
        response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
        response["Content-Disposition"] = (
            f'attachment; filename="subject-access-{self.patient.record_number}.json"'
        )
        return response


class ErasureRequestCreateView(PatientScopedMixin, View):
    staff_roles = CLINICAL_ROLES

    def get(self, request, patient_id):
        return self._render(ErasureRequestForm())

    def post(self, request, patient_id):
        form = ErasureRequestForm(request.POST)
        if form.is_valid():
            try:
                erasure = erasure_request_create(
                    patient=self.patient, by=request.user, request=request, **form.cleaned_data
                )
            except ErasureRefusedError as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(request, "Erasure request recorded.")
                return HttpResponseRedirect(reverse("patients:erasure-detail", args=[erasure.pk]))
        return self._render(form)

    def _render(self, form):
        return render(
            self.request,
            "patients/erasure_request.html",
            {
                "patient": self.patient,
                "form": form,
                "requests": self.patient.erasure_requests.all(),
                "retention_problem": erasure_retention_problem(
                    patient=self.patient, today=timezone.localdate()
                ),
            },
        )


class ErasureRequestDetailView(StaffRequiredMixin, View):
    """The retention check for one request; a clinic admin carries it out (POST)."""

    staff_roles = CLINICAL_ROLES

    def load_objects(self, request, request_id):
        self.erasure = get_scoped_or_404(
            request,
            ErasureRequest.objects.for_user(request.user).select_related(
                "patient__clinic", "requested_by", "completed_by"
            ),
            pk=request_id,
        )

    def get(self, request, request_id):
        return self._render()

    def post(self, request, request_id):
        if not (request.user.is_superuser or self.staff_member.is_clinic_admin):
            raise PermissionDenied("Only a clinic admin can carry out an erasure.")
        try:
            erasure_request_execute(erasure_request=self.erasure, by=request.user, request=request)
        except ErasureRefusedError as refused:
            return self._render(error=str(refused), status=409)
        messages.success(request, "The patient's personal data has been erased.")
        return HttpResponseRedirect(reverse("patients:erasure-detail", args=[self.erasure.pk]))

    def _render(self, error: str = "", status: int = 200):
        self.erasure.refresh_from_db()
        patient = Patient.objects.select_related("clinic").get(pk=self.erasure.patient_id)
        return render(
            self.request,
            "patients/erasure_detail.html",
            {
                "erasure": self.erasure,
                "patient": patient,
                "error": error,
                "retention_problem": erasure_retention_problem(
                    patient=patient, today=timezone.localdate()
                ),
            },
            status=status,
        )
