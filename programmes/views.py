"""Staff pages: condition templates and the plan builder.

Plans are clinical content: clinicians and clinic admins only; reception gets
403 on every plan page, the printable handout included (it names the
patient's exercises, which tells the condition being treated)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from assessments import api as assessments_api
from clinic.access import StaffRequiredMixin, get_scoped_or_404
from clinic.models import Role
from exercises.media import MediaRefusedError
from patients.language import in_patient_language
from patients.models import Patient
from programmes import clips, services
from programmes.api import attach_media, ces_safety_netting_for, group_by_phase
from programmes.forms import (
    ClipForm,
    CloseForm,
    GoalForm,
    InterventionForm,
    MoveForm,
    PauseForm,
    PlanCreateForm,
    PlanForm,
    PrescriptionAddForm,
    PrescriptionForm,
    ResumeForm,
)
from programmes.models import (
    PlanGoal,
    PlanIntervention,
    PlanStatus,
    Prescription,
    PrescriptionClip,
    ProgrammeTemplate,
    ProgrammeVersion,
    TemplateExercise,
    TemplatePhase,
    TreatmentPlan,
)
from programmes.pdf import handout_pdf

CLINICAL_ROLES = (Role.CLINICIAN, Role.CLINIC_ADMIN)
PAGE_SIZE = 25


def _validation_messages(error: ValidationError) -> list[str]:
    return list(error.messages)


# --- library and templates ---------------------------------------------------


class TemplateListView(StaffRequiredMixin, View):
    def get(self, request):
        templates = ProgrammeTemplate.objects.for_user(request.user).order_by("name")
        return render(request, "programmes/template_list.html", {"templates": templates})


class TemplateDetailView(StaffRequiredMixin, View):
    def get(self, request, template_id):
        template = get_scoped_or_404(
            request,
            ProgrammeTemplate.objects.for_user(request.user).prefetch_related(
                Prefetch(
                    "phases",
                    queryset=TemplatePhase.objects.order_by("number").prefetch_related(
                        Prefetch(
                            "items",
                            queryset=TemplateExercise.objects.select_related("exercise").order_by(
                                "order"
                            ),
                        )
                    ),
                ),
                "outcomes",
            ),
            pk=template_id,
        )
        return render(request, "programmes/template_detail.html", {"template": template})


# --- plans -------------------------------------------------------------------


class PlanCreateView(StaffRequiredMixin, View):
    staff_roles = CLINICAL_ROLES

    def load_objects(self, request, patient_id):
        self.patient = get_scoped_or_404(
            request, Patient.objects.for_user(request.user).select_related("clinic"), pk=patient_id
        )

    def _render(self, request, form):
        return render(
            request, "programmes/plan_create.html", {"form": form, "patient": self.patient}
        )

    def get(self, request, patient_id):
        form = PlanCreateForm(
            user=request.user,
            patient=self.patient,
            initial={"start_on": self.patient.local_today()},
        )
        return self._render(request, form)

    def post(self, request, patient_id):
        form = PlanCreateForm(request.POST, user=request.user, patient=self.patient)
        if not form.is_valid():
            return self._render(request, form)
        plan = services.plan_create(
            patient=self.patient, by=request.user, request=request, **form.cleaned_data
        )
        messages.success(request, "Draft plan created. Adjust the programme, then activate it.")
        return HttpResponseRedirect(reverse("programmes:plan-detail", args=[plan.pk]))


class PlanMixin(StaffRequiredMixin):
    staff_roles = CLINICAL_ROLES

    def load_objects(self, request, plan_id, **kwargs):
        self.plan = get_scoped_or_404(
            request,
            TreatmentPlan.objects.for_user(request.user).select_related(
                "patient__clinic", "clinician__user", "template", "assessment"
            ),
            pk=plan_id,
        )

    def redirect_to_plan(self):
        return HttpResponseRedirect(reverse("programmes:plan-detail", args=[self.plan.pk]))


def _prescriptions_prefetch() -> Prefetch:
    return Prefetch(
        "prescriptions",
        queryset=Prescription.objects.select_related("exercise").order_by("phase", "order", "id"),
    )


def _current_version(plan: TreatmentPlan) -> ProgrammeVersion | None:
    return plan.versions.order_by("-number").prefetch_related(_prescriptions_prefetch()).first()


def programme_context(plan, user, *, editing=None, edit_form=None) -> dict:
    version = _current_version(plan)
    prescriptions = list(version.prescriptions.all()) if version else []
    attach_media(prescriptions, plan.patient.clinic_id)
    clips.attach_clips(plan.patient, prescriptions)
    return {
        "plan": plan,
        "version": version,
        "phases": group_by_phase(prescriptions),
        "weekly_load": version.weekly_load() if version else [],
        "editing": editing,
        "edit_form": edit_form,
        "add_form": PrescriptionAddForm(user=user) if plan.is_editable else None,
    }


def render_plan_page(request, plan: TreatmentPlan, **overrides):
    """The plan builder page; ``overrides`` carry a bound form with errors."""
    context = programme_context(
        plan,
        request.user,
        editing=overrides.pop("editing", None),
        edit_form=overrides.pop("edit_form", None),
    )
    context.update(
        patient=plan.patient,
        goals=list(plan.goals.all()),
        interventions=list(plan.interventions.all()),
        outcomes=list(plan.outcomes.all()),
        goal_form=GoalForm(),
        intervention_form=InterventionForm(),
        close_form=CloseForm(),
        pause_form=PauseForm(),
        resume_form=ResumeForm(),
        pauses=list(plan.pauses.select_related("paused_by", "resumed_by")),
        red_flags_pending=plan.status == PlanStatus.DRAFT
        and assessments_api.patient_has_unactioned_red_flags(plan.patient),
    )
    status = overrides.pop("status", 200)
    context.update(overrides)
    return render(request, "programmes/plan_detail.html", context, status=status)


class PlanDetailView(PlanMixin, View):
    """The plan builder: details, goals, interventions, the programme."""

    def get(self, request, plan_id):
        services.plan_viewed(plan=self.plan, request=request)
        return render_plan_page(request, self.plan)


class PlanEditView(PlanMixin, View):
    def _render(self, request, form):
        return render(request, "programmes/plan_form.html", {"form": form, "plan": self.plan})

    def get(self, request, plan_id):
        return self._render(request, PlanForm(instance=self.plan, user=request.user))

    def post(self, request, plan_id):
        form = PlanForm(request.POST, instance=self.plan, user=request.user)
        if not form.is_valid():
            return self._render(request, form)
        try:
            services.plan_update(plan=form.save(commit=False), by=request.user, request=request)
        except services.PlanError as error:
            form.add_error(None, str(error))
            return self._render(request, form)
        messages.success(request, "Plan saved.")
        return self.redirect_to_plan()


class ProgrammeEditMixin(PlanMixin):
    """Answers HTMX requests with the programme section, others with a redirect."""

    def programme_response(self, request, **context):
        if request.htmx:
            return render(
                request,
                "programmes/includes/programme.html",
                programme_context(self.plan, request.user, **context),
            )
        if context.get("edit_form") is not None:
            return render_plan_page(request, self.plan, **context)
        return self.redirect_to_plan()

    def fail(self, request, text: str):
        messages.error(request, text)
        if request.htmx:
            response = self.programme_response(request)
            response["HX-Refresh"] = "true"
            return response
        return self.redirect_to_plan()


class PrescriptionAddView(ProgrammeEditMixin, View):
    def post(self, request, plan_id):
        form = PrescriptionAddForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.fail(request, "Choose an exercise from the library to add.")
        start_on = max(self.plan.start_on, self.plan.patient.local_today())
        try:
            services.prescription_add(
                plan=self.plan,
                exercise=form.cleaned_data["exercise"],
                by=request.user,
                dose=form.dose(start_on=start_on),
                request=request,
            )
        except services.PlanError as error:
            return self.fail(request, str(error))
        except ValidationError as error:
            return self.fail(request, " ".join(_validation_messages(error)))
        return self.programme_response(request)


class PrescriptionMixin(ProgrammeEditMixin):
    def load_objects(self, request, plan_id, prescription_id):
        super().load_objects(request, plan_id)
        self.prescription = get_scoped_or_404(
            request,
            Prescription.objects.filter(version__plan=self.plan).select_related(
                "version", "exercise"
            ),
            pk=prescription_id,
        )


class ClipAddView(PrescriptionMixin, View):
    """Attach a clip of the patient to a prescription (recorded in the session)."""

    def _render(self, request, form, status=200):
        return render(
            request,
            "programmes/clip_form.html",
            {"plan": self.plan, "prescription": self.prescription, "form": form},
            status=status,
        )

    def get(self, request, plan_id, prescription_id):
        return self._render(request, ClipForm())

    def post(self, request, plan_id, prescription_id):
        form = ClipForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, form, status=400)
        try:
            clips.clip_add(
                prescription=self.prescription,
                upload=form.cleaned_data["file"],
                caption=form.cleaned_data["caption"],
                by=request.user,
                request=request,
            )
        except MediaRefusedError as refused:
            form.add_error("file", str(refused))
            return self._render(request, form, status=400)
        messages.success(request, f"Clip added to {self.prescription.exercise.name}.")
        return self.redirect_to_plan()


class ClipRemoveView(PlanMixin, View):
    def load_objects(self, request, plan_id, clip_id):
        super().load_objects(request, plan_id)
        self.clip = get_scoped_or_404(
            request,
            PrescriptionClip.objects.for_user(request.user).filter(patient=self.plan.patient),
            pk=clip_id,
        )

    def post(self, request, plan_id, clip_id):
        with transaction.atomic():
            clips.clip_remove(clip=self.clip, by=request.user, request=request)
        messages.success(request, "Clip removed.")
        return self.redirect_to_plan()


class PrescriptionEditView(PrescriptionMixin, View):
    """Inline dosage edit: GET shows the row's form, POST saves it. Works as a
    plain page without JavaScript and as an HTMX swap of the programme."""

    def get(self, request, plan_id, prescription_id):
        form = PrescriptionForm(initial=PrescriptionForm.initial_from(self.prescription))
        return self._form_response(request, form)

    def _form_response(self, request, form):
        if request.htmx:
            return self.programme_response(request, editing=self.prescription.pk, edit_form=form)
        return render(
            request,
            "programmes/prescription_form.html",
            {"plan": self.plan, "prescription": self.prescription, "form": form},
        )

    def post(self, request, plan_id, prescription_id):
        form = PrescriptionForm(request.POST)
        if not form.is_valid():
            return self._form_response(request, form)
        try:
            services.prescription_change(
                plan=self.plan,
                prescription=self.prescription,
                by=request.user,
                changes=form.dose(),
                request=request,
            )
        except ValidationError as error:
            for message in _validation_messages(error):
                form.add_error(None, message)
            return self._form_response(request, form)
        except services.PlanError as error:
            return self.fail(request, str(error))
        if not request.htmx:
            messages.success(request, f"Saved the dosage of {self.prescription.exercise.name}.")
        return self.programme_response(request)


class PrescriptionRemoveView(PrescriptionMixin, View):
    def post(self, request, plan_id, prescription_id):
        try:
            services.prescription_remove(
                plan=self.plan, prescription=self.prescription, by=request.user, request=request
            )
        except services.PlanError as error:
            return self.fail(request, str(error))
        return self.programme_response(request)


class PrescriptionMoveView(PrescriptionMixin, View):
    def post(self, request, plan_id, prescription_id):
        form = MoveForm(request.POST)
        if not form.is_valid():
            return self.fail(request, "Choose up or down.")
        try:
            services.prescription_move(
                plan=self.plan,
                prescription=self.prescription,
                by=request.user,
                direction=form.cleaned_data["direction"],
                request=request,
            )
        except services.PlanError as error:
            return self.fail(request, str(error))
        return self.programme_response(request)


class PlanActivateView(PlanMixin, View):
    def post(self, request, plan_id):
        try:
            version = services.plan_activate(plan=self.plan, by=request.user, request=request)
        except services.PlanError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                f"Plan activated: programme version {version.number} from {version.valid_from:%d %b %Y}.",
            )
        return self.redirect_to_plan()


class PlanCloseView(PlanMixin, View):
    def post(self, request, plan_id):
        form = CloseForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose completed or discontinued.")
            return self.redirect_to_plan()
        try:
            services.plan_close(
                plan=self.plan, by=request.user, status=form.cleaned_data["status"], request=request
            )
        except services.PlanError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Plan marked {self.plan.get_status_display().lower()}.")
        return self.redirect_to_plan()


class PlanPauseView(PlanMixin, View):
    """A clinician pauses the programme by hand, with a reason (issue 13)."""

    def post(self, request, plan_id):
        form = PauseForm(request.POST)
        if not form.is_valid():
            return render_plan_page(request, self.plan, pause_form=form, status=400)
        try:
            services.plan_pause(
                plan=self.plan, by=request.user, reason=form.cleaned_data["reason"], request=request
            )
        except services.PlanError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Programme paused: no exercises or reminders until resumed.")
        return self.redirect_to_plan()


class PlanResumeView(PlanMixin, View):
    """A clinician resumes a paused programme with a note (issue 13)."""

    def post(self, request, plan_id):
        form = ResumeForm(request.POST)
        if not form.is_valid():
            return render_plan_page(request, self.plan, resume_form=form, status=400)
        try:
            services.plan_resume(
                plan=self.plan, by=request.user, note=form.cleaned_data["note"], request=request
            )
        except services.PlanError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Programme resumed from today.")
        return self.redirect_to_plan()


class GoalAddView(PlanMixin, View):
    def post(self, request, plan_id):
        form = GoalForm(request.POST)
        if not form.is_valid():
            return render_plan_page(request, self.plan, goal_form=form)
        try:
            services.goal_add(
                plan=self.plan, goal=form.save(commit=False), by=request.user, request=request
            )
        except services.PlanError as error:
            messages.error(request, str(error))
        return self.redirect_to_plan()


class GoalRemoveView(PlanMixin, View):
    def post(self, request, plan_id, goal_id):
        goal = get_scoped_or_404(request, PlanGoal.objects.filter(plan=self.plan), pk=goal_id)
        try:
            services.goal_remove(plan=self.plan, goal=goal, by=request.user, request=request)
        except services.PlanError as error:
            messages.error(request, str(error))
        return self.redirect_to_plan()


class InterventionAddView(PlanMixin, View):
    def post(self, request, plan_id):
        form = InterventionForm(request.POST)
        if not form.is_valid():
            return render_plan_page(request, self.plan, intervention_form=form)
        try:
            services.intervention_add(
                plan=self.plan,
                intervention=form.save(commit=False),
                by=request.user,
                request=request,
            )
        except services.PlanError as error:
            messages.error(request, str(error))
        return self.redirect_to_plan()


class InterventionRemoveView(PlanMixin, View):
    def post(self, request, plan_id, intervention_id):
        intervention = get_scoped_or_404(
            request, PlanIntervention.objects.filter(plan=self.plan), pk=intervention_id
        )
        try:
            services.intervention_remove(
                plan=self.plan, intervention=intervention, by=request.user, request=request
            )
        except services.PlanError as error:
            messages.error(request, str(error))
        return self.redirect_to_plan()


class PlanVersionsView(PlanMixin, View):
    """Every version of the programme, old ones unchanged and readable."""

    def get(self, request, plan_id):
        versions = list(
            self.plan.versions.order_by("-number")
            .select_related("created_by")
            .prefetch_related(_prescriptions_prefetch())
        )
        return render(
            request,
            "programmes/plan_versions.html",
            {"plan": self.plan, "patient": self.plan.patient, "versions": versions},
        )


class PlanHandoutView(PlanMixin, View):
    """The printable patient handout: no clinical notes, no diagnosis."""

    def context(self) -> dict:
        version = _current_version(self.plan)
        prescriptions = list(version.prescriptions.all()) if version else []
        attach_media(prescriptions, self.plan.patient.clinic_id)
        return {
            "plan": self.plan,
            "patient": self.plan.patient,
            "clinic": self.plan.patient.clinic,
            "version": version,
            "phases": group_by_phase(prescriptions),
            "pdf_url": reverse("programmes:plan-handout-pdf", args=[self.plan.pk]),
            "ces_safety_netting": ces_safety_netting_for(self.plan.patient, self.plan),
        }

    def get(self, request, plan_id):
        services.plan_viewed(plan=self.plan, request=request)
        with in_patient_language(self.plan.patient):  # the handout is the patient's (issue 18)
            return render(request, "programmes/plan_handout.html", self.context())


class PlanHandoutPdfView(PlanHandoutView):
    """The same handout as a PDF (WeasyPrint; pictures from the private storage)."""

    def get(self, request, plan_id):
        services.plan_viewed(plan=self.plan, request=request)
        with in_patient_language(self.plan.patient):
            return pdf_response(handout_pdf(self.context()), "exercise-programme.pdf")


def pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
