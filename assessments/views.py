from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views import View

from assessments import api, selectors, services
from assessments.forms import (
    SECTION_FORMS,
    SECTION_TITLES,
    InstrumentForm,
    NewAssessmentForm,
    ResolveForm,
    ScreenForm,
)
from assessments.instruments import OUTCOME_MEASURES, get_instrument
from assessments.models import Assessment, RedFlagEvent
from clinic.access import StaffRequiredMixin, get_scoped_or_404
from clinic.audit import audit_record
from clinic.models import AuditAction, Role
from clinic.pdf import html_to_pdf
from patients.models import Patient

CLINICAL_ROLES = (Role.CLINICIAN, Role.CLINIC_ADMIN)


class ClinicalMixin(StaffRequiredMixin):
    """Clinical staff only (reception never sees assessment content), scoped lookups."""

    staff_roles = CLINICAL_ROLES

    def load_objects(self, request, patient_id, assessment_id=None, **kwargs):
        self.patient = get_scoped_or_404(
            request, Patient.objects.for_user(request.user).select_related("clinic"), pk=patient_id
        )
        self.assessment = None
        if assessment_id is not None:
            try:
                self.assessment = selectors.assessment_for_page(
                    request.user, self.patient, assessment_id
                )
            except Assessment.DoesNotExist:
                get_scoped_or_404(request, Assessment.objects.none(), pk=assessment_id)

    def detail_url(self, anchor: str = "") -> str:
        url = reverse("assessments:detail", args=[self.patient.pk, self.assessment.pk])
        return f"{url}#{anchor}" if anchor else url


def _section_forms(assessment, bound=None):
    forms = {}
    for name, form_class in SECTION_FORMS.items():
        if bound is not None and bound[0] == name:
            forms[name] = bound[1]
        elif form_class is ScreenForm:
            forms[name] = ScreenForm(instance=assessment, prefix=name)
        else:
            forms[name] = form_class(instance=assessment, prefix=name)
    return forms


def _page_context(view, bound=None, status_message=""):
    assessment = view.assessment
    forms = _section_forms(assessment, bound)
    return {
        "patient": view.patient,
        "assessment": assessment,
        "sections": [(name, SECTION_TITLES[name], form) for name, form in forms.items()],
        "events": list(assessment.red_flags.all()),
        "score_lines": selectors.score_lines(assessment),
        "prompts": selectors.prompts_for(assessment),
        "measures": [get_instrument(code) for code in OUTCOME_MEASURES],
        "resolve_form": ResolveForm(),
        "status_message": status_message,
    }


class AssessmentCreateView(ClinicalMixin, View):
    def get(self, request, patient_id):
        form = NewAssessmentForm(initial={"assessed_on": timezone.localdate()})
        return render(request, "assessments/new.html", {"patient": self.patient, "form": form})

    def post(self, request, patient_id):
        form = NewAssessmentForm(request.POST)
        if not form.is_valid():
            return render(
                request, "assessments/new.html", {"patient": self.patient, "form": form}, status=400
            )
        assessment = services.assessment_create(
            patient=self.patient,
            clinician=self.staff_member,
            kind=form.cleaned_data["kind"],
            assessed_on=form.cleaned_data["assessed_on"],
            by=request.user,
        )
        return HttpResponseRedirect(
            reverse("assessments:detail", args=[self.patient.pk, assessment.pk])
        )


class AssessmentDetailView(ClinicalMixin, View):
    def get(self, request, patient_id, assessment_id):
        return render(request, "assessments/detail.html", _page_context(self))


class SectionSaveView(ClinicalMixin, View):
    def _autosaved(self, request, form, error):
        """A draft saved as the clinician types (HTMX, on change): a short status
        for the section, and the red-flag list swapped out of band, because the
        rules ran on this save too."""
        saved = form.is_valid() and not error
        if saved:
            self.assessment = selectors.assessment_for_page(
                request.user, self.patient, self.assessment.pk
            )
        problem = error or next(iter(form.errors.values()), [""])[0] if not saved else ""
        return render(
            request,
            "assessments/includes/autosaved.html",
            {
                "saved": saved,
                "problem": problem,
                "saved_at": timezone.now(),
                "patient": self.patient,
                "assessment": self.assessment,
                "events": list(self.assessment.red_flags.all()),
                "resolve_form": ResolveForm(),
            },
        )

    def post(self, request, patient_id, assessment_id, section):
        form_class = SECTION_FORMS.get(section)
        if form_class is None:
            raise Http404("No such section.")
        if form_class is ScreenForm:
            form = ScreenForm(request.POST, instance=self.assessment, prefix=section)
        else:
            form = form_class(request.POST, instance=self.assessment, prefix=section)
        error = ""
        if form.is_valid():
            try:
                services.assessment_save_section(
                    assessment=self.assessment,
                    changes=form.changes(),
                    section=section,
                    by=request.user,
                    reason=form.cleaned_data.get("amendment_reason", ""),
                )
            except services.AssessmentError as exc:
                form.add_error(None, str(exc))
                error = str(exc)
        if request.htmx and request.POST.get("autosave"):
            return self._autosaved(request, form, error)
        if form.is_valid() and not error:
            if request.htmx:
                # Re-render the page body parts that depend on the save (banner, prompts).
                self.assessment = selectors.assessment_for_page(
                    request.user, self.patient, self.assessment.pk
                )
                context = _page_context(self, status_message=f"{SECTION_TITLES[section]} saved.")
                return render(request, "assessments/includes/workspace.html", context)
            messages.success(request, f"{SECTION_TITLES[section]} saved.")
            return HttpResponseRedirect(self.detail_url(section))
        context = _page_context(self, bound=(section, form))
        template = (
            "assessments/includes/workspace.html" if request.htmx else "assessments/detail.html"
        )
        return render(request, template, context, status=400 if not request.htmx else 200)


class MeasureView(ClinicalMixin, View):
    def _instrument(self, code):
        if code not in OUTCOME_MEASURES:
            raise Http404("No such instrument.")
        return get_instrument(code)

    def _existing(self, code):
        return next((r for r in self.assessment.responses.all() if r.instrument_code == code), None)

    def get(self, request, patient_id, assessment_id, code):
        instrument = self._instrument(code)
        existing = self._existing(code)
        form = InstrumentForm(
            instrument=instrument,
            initial_answers=existing.answers if existing else None,
            labels=existing.labels if existing else None,
            locked=self.assessment.is_locked,
        )
        return self._render(request, instrument, form, existing)

    def post(self, request, patient_id, assessment_id, code):
        instrument = self._instrument(code)
        form = InstrumentForm(request.POST, instrument=instrument, locked=self.assessment.is_locked)
        existing = self._existing(code)
        if form.is_valid():
            if request.POST.get("preview"):
                # Live total (HTMX): score without saving.
                result = instrument.score(form.answers())
                return render(
                    request,
                    "assessments/includes/live_total.html",
                    {"instrument": instrument, "result": result},
                )
            try:
                services.outcome_response_save(
                    assessment=self.assessment,
                    instrument_code=instrument.code,
                    answers=form.answers(),
                    labels=form.labels(),
                    by=request.user,
                    reason=form.cleaned_data.get("amendment_reason", ""),
                )
            except services.AssessmentError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"{instrument.name} saved.")
                return HttpResponseRedirect(self.detail_url("measures"))
        return self._render(request, instrument, form, existing, status=400)

    def _render(self, request, instrument, form, existing, status=200):
        return render(
            request,
            "assessments/measure.html",
            {
                "patient": self.patient,
                "assessment": self.assessment,
                "instrument": instrument,
                "form": form,
                "existing": existing,
            },
            status=status,
        )


class ResolveRedFlagView(ClinicalMixin, View):
    def post(self, request, patient_id, assessment_id, event_id):
        event = next((e for e in self.assessment.red_flags.all() if e.pk == event_id), None)
        if event is None:
            get_scoped_or_404(request, RedFlagEvent.objects.none(), pk=event_id)
        form = ResolveForm(request.POST)
        if form.is_valid():
            try:
                services.red_flag_resolve(
                    event=event,
                    kind=form.cleaned_data["kind"],
                    action=form.cleaned_data["action"],
                    note=form.cleaned_data["note"],
                    by=request.user,
                )
            except services.AssessmentError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, "Red-flag action recorded.")
                return HttpResponseRedirect(self.detail_url("red-flags"))
        else:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        return HttpResponseRedirect(self.detail_url("red-flags"))


class SignView(ClinicalMixin, View):
    def post(self, request, patient_id, assessment_id):
        try:
            services.assessment_sign(assessment=self.assessment, by=request.user)
        except services.AssessmentError as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect(self.detail_url("sign"))
        messages.success(request, "Assessment signed.")
        return HttpResponseRedirect(self.detail_url())


class SummaryView(ClinicalMixin, View):
    template_name = "assessments/summary.html"

    def context(self) -> dict:
        assessment = self.assessment
        return {
            "patient": self.patient,
            "assessment": assessment,
            "events": list(assessment.red_flags.all()),
            "score_lines": selectors.score_lines(assessment),
            "prompts": selectors.prompts_for(assessment),
            "record": selectors.assessment_record(assessment),
            # SPEC 1.4 app rule [S17]: written advice for back-related leg pain.
            "ces_safety_netting": api.assessment_needs_ces_safety_netting(assessment),
        }

    def get(self, request, patient_id, assessment_id):
        return render(request, self.template_name, self.context())


class PrintView(SummaryView):
    template_name = "assessments/print.html"


class PdfView(SummaryView):
    """The print page as a PDF, for a letter to the GP or a handover (issue
    13). Leaves the clinic as a file: audited as an export."""

    def get(self, request, patient_id, assessment_id):
        html = render_to_string("assessments/print.html", self.context(), request=request)
        data = html_to_pdf(html)
        audit_record(
            action=AuditAction.EXPORT,
            request=request,
            obj=self.assessment,
            patient=self.patient,
        )
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = 'attachment; filename="assessment.pdf"'
        response["Cache-Control"] = "private, no-store"
        return response
