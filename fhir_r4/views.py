"""Staff pages of the FHIR app: thin views, one service call each."""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from clinic.access import StaffRequiredMixin, get_scoped_or_404
from clinic.models import Clinic, Role, default_time_zone
from fhir_r4.bundles import FHIR_JSON
from fhir_r4.forms import ApiTokenForm, ReferralUploadForm
from fhir_r4.models import ApiToken
from fhir_r4.record import patient_queryset
from fhir_r4.services import (
    ReferralImportError,
    api_token_create,
    api_token_revoke,
    fhir_record_export,
    referral_parse,
)
from patients.forms import PatientForm
from patients.models import Language, ReferralSource, Status

CLINICAL_ROLES = (Role.CLINICIAN, Role.CLINIC_ADMIN)


def bundle_download(bundle, *, filename: str) -> HttpResponse:
    """A Bundle as a JSON file download (staff export and the portal's My data)."""
    response = HttpResponse(
        json.dumps(json.loads(bundle.json()), indent=2, ensure_ascii=False),
        content_type=f"{FHIR_JSON}; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


class PatientExportView(StaffRequiredMixin, View):
    """The whole record as a FHIR Bundle (collection), audited as an export."""

    staff_roles = CLINICAL_ROLES

    def load_objects(self, request, patient_id):
        self.patient = get_scoped_or_404(
            request,
            patient_queryset().for_user(request.user),
            pk=patient_id,
        )

    def get(self, request, patient_id):
        bundle = fhir_record_export(patient=self.patient, request=request)
        return bundle_download(bundle, filename=f"record-{self.patient.record_number}.fhir.json")


class ReferralImportView(StaffRequiredMixin, View):
    """Upload a FHIR Patient (or a Bundle with a Patient and a ServiceRequest);
    the patient form opens filled in, with its own validation and duplicate
    warning, and saving it creates the record (patients:create)."""

    staff_roles = CLINICAL_ROLES

    def get(self, request):
        return self._upload_page(ReferralUploadForm())

    def post(self, request):
        upload = ReferralUploadForm(request.POST, request.FILES)
        if not upload.is_valid():
            return self._upload_page(upload)
        try:
            referral = referral_parse(raw=upload.cleaned_data["file"].read())
        except ReferralImportError as error:
            upload.add_error("file", str(error))
            return self._upload_page(upload)
        form = PatientForm(
            data=self._form_data(referral.data),
            staff_member=self.staff_member,
            user=request.user,
        )
        form.is_valid()  # shows the form's own errors and duplicate warning
        form.helper.form_action = reverse("patients:create")
        if form.duplicates:
            form.fields["confirm_not_duplicate"].widget = forms.CheckboxInput()
        for note in referral.notes:
            messages.warning(request, note)
        messages.info(request, "Imported from the referral: check every field, then save.")
        return render(
            request,
            "patients/patient_form.html",
            {"form": form, "title": "New patient from a FHIR referral"},
        )

    def _form_data(self, imported: dict) -> dict:
        clinics = self.staff_member.clinic_ids
        defaults = {
            "clinic": clinics[0] if len(clinics) == 1 else "",
            "status": Status.ACTIVE,
            "preferred_language": Language.ENGLISH,
            "time_zone": default_time_zone(),
            "referral_source": ReferralSource.OTHER,
            "country": "",
        }
        return {**defaults, **imported}

    def _upload_page(self, form, status: int = 200):
        return render(
            request=self.request,
            template_name="fhir_r4/import.html",
            context={"form": form},
            status=status,
        )


class ApiTokenListView(StaffRequiredMixin, View):
    """A clinic admin's API tokens: create (the secret is shown once), list, revoke."""

    staff_roles = (Role.CLINIC_ADMIN,)

    def clinics(self):
        return Clinic.objects.filter(pk__in=self.staff_member.clinic_ids)

    def get(self, request):
        return self._render(ApiTokenForm(clinics=self.clinics()))

    def post(self, request):
        form = ApiTokenForm(request.POST, clinics=self.clinics())
        if not form.is_valid():
            return self._render(form)
        token, secret = api_token_create(
            clinic=form.cleaned_data["clinic"],
            name=form.cleaned_data["name"],
            by=request.user,
            request=request,
        )
        response = self._render(ApiTokenForm(clinics=self.clinics()), new=(token, secret))
        response["Cache-Control"] = "private, no-store"
        return response

    def _render(self, form, new=None):
        tokens = (
            ApiToken.objects.for_admin(self.request.user)
            .select_related("clinic", "created_by")
            .order_by("-created_at")
        )
        return render(
            self.request,
            "fhir_r4/tokens.html",
            {"form": form, "tokens": tokens, "new": new},
        )


class ApiTokenRevokeView(StaffRequiredMixin, View):
    staff_roles = (Role.CLINIC_ADMIN,)
    http_method_names = ["post"]

    def load_objects(self, request, token_id):
        self.token = get_scoped_or_404(
            request, ApiToken.objects.for_admin(request.user), pk=token_id
        )

    def post(self, request, token_id):
        api_token_revoke(token=self.token, by=request.user, request=request)
        messages.success(request, f"Token “{self.token.name}” revoked; it no longer works.")
        return HttpResponseRedirect(reverse("fhir:tokens"))
