"""Accept or dismiss a progression proposal (issue 14): POST only, clinical staff of the
plan's clinic; the outcome goes back to the plan page."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views import View

from clinic.access import StaffRequiredMixin, get_scoped_or_404
from clinic.models import Role
from programmes.models import TreatmentPlan
from tracking import progression

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
