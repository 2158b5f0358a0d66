"""Staff pages of what the patient does at home: accept or dismiss a
progression proposal (issue 14: POST only, back to the plan page); the session
log (paged, newest first), sessions reported by phone and the caseload
(issue 13). Clinicians and clinic admins only."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from clinic.access import StaffRequiredMixin, get_scoped_or_404
from clinic.models import Role
from clinic.paging import SeekPage
from patients.models import Patient
from patients.services import patient_record_viewed
from programmes.models import TreatmentPlan
from tracking import progression, services
from tracking.forms import PhoneSessionForm
from tracking.selectors import CASELOAD_SORTS, SESSION_LOG_PAGE, caseload, session_logs

CLINICAL_ROLES = (Role.CLINICIAN, Role.CLINIC_ADMIN)


class _ProgressionView(StaffRequiredMixin, View):
    staff_roles = CLINICAL_ROLES
    http_method_names = ["post"]

    def load_objects(self, request, plan_id, **kwargs):
        self.plan = get_scoped_or_404(
            request,
            TreatmentPlan.objects.for_user(request.user).select_related(
                "patient__clinic", "template"
            ),
            pk=plan_id,
        )

    def back(self):
        return HttpResponseRedirect(reverse("programmes:plan-detail", args=[self.plan.pk]))


class ProgressionAcceptView(_ProgressionView):
    def post(self, request, plan_id, lineage):
        try:
            decision = progression.proposal_accept(
                plan=self.plan, lineage=lineage, by=request.user, request=request
            )
        except (progression.ProgressionError, progression.programme_services.PlanError) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Accepted: {decision.change}. A new version is in force.")
        return self.back()


class ProgressionDismissView(_ProgressionView):
    def post(self, request, plan_id, lineage):
        try:
            progression.proposal_dismiss(plan=self.plan, lineage=lineage, by=request.user)
        except progression.ProgressionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Proposal dismissed.")
        return self.back()


class PatientMixin(StaffRequiredMixin):
    staff_roles = CLINICAL_ROLES

    def load_objects(self, request, patient_id, **kwargs):
        self.patient = get_scoped_or_404(
            request, Patient.objects.for_user(request.user).select_related("clinic"), pk=patient_id
        )


class SessionLogView(PatientMixin, View):
    def _form(self, data=None):
        return PhoneSessionForm(
            data,
            prescriptions=services.phone_log_prescriptions(self.patient),
            today=self.patient.local_today(),
        )

    def _render(self, request, form, status=200):
        page = SeekPage.from_request(request, session_logs(self.patient), SESSION_LOG_PAGE)
        return render(
            request,
            "tracking/session_log.html",
            {"patient": self.patient, "page": page, "phone_form": form},
            status=status,
        )

    def get(self, request, patient_id):
        patient_record_viewed(patient=self.patient, request=request)
        return self._render(request, self._form())


class SessionByPhoneView(SessionLogView):
    """A clinician logs a session the patient reported by phone."""

    def get(self, request, patient_id):
        return HttpResponseNotAllowed(["POST"])

    def post(self, request, patient_id):
        form = self._form(request.POST)
        if form.is_valid():
            c = form.cleaned_data
            try:
                log = services.session_log_by_phone(
                    patient=self.patient,
                    lineage=uuid.UUID(c["exercise"]),
                    performed_on=c["performed_on"],
                    session_number=c["session_number"],
                    outcome=c["outcome"],
                    skip_reason=c["skip_reason"],
                    pain_during=c["pain_during"],
                    difficulty=c["difficulty"],
                    sets_done=c["sets_done"],
                    reps_done=c["reps_done"],
                    duration_min_done=c["duration_min_done"],
                    note=c["note"],
                    previous_next_morning=c["previous_next_morning"],
                    claudication_onset_min=c["claudication_onset_min"],
                    by=request.user,
                    staff_member=self.staff_member,
                    request=request,
                )
            except services.ActivityError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    f"Logged by phone: {log.prescription.exercise.name}, "
                    f"{log.performed_on:%d %b %Y} session {log.session_number}.",
                )
                return HttpResponseRedirect(reverse("tracking:session-log", args=[self.patient.pk]))
        return self._render(request, form, status=400)


class CaseloadView(StaffRequiredMixin, View):
    """Who needs attention: patients with an active or paused programme."""

    staff_roles = CLINICAL_ROLES

    def get(self, request):
        sort = request.GET.get("sort", "attention")
        if sort not in CASELOAD_SORTS:
            sort = "attention"
        mine = request.GET.get("mine", "1" if self.staff_member.role == Role.CLINICIAN else "")
        mine = "1" if mine == "1" else ""
        attention = "1" if request.GET.get("attention") == "1" else ""
        rows = caseload(
            request.user,
            mine_of=self.staff_member if mine else None,
            attention_only=bool(attention),
            sort=sort,
        )
        return render(
            request,
            "tracking/caseload.html",
            {
                "rows": rows,
                "sort": sort,
                "mine": mine,
                "attention": attention,
                "sorts": [
                    ("attention", "Needs attention"),
                    ("name", "Name"),
                    ("adherence", "Adherence (lowest first)"),
                    ("last_log", "Last log (oldest first)"),
                    ("pain", "Pain (highest first)"),
                ],
            },
        )
