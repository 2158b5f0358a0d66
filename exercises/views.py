"""Staff pages of the exercise library: the shipped library and each clinic's
own exercises (clinic admins add them)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from clinic.access import StaffRequiredMixin, get_scoped_or_404
from clinic.models import Role
from exercises.forms import ExerciseFilterForm, ExerciseForm
from exercises.models import Exercise

PAGE_SIZE = 25


class ExerciseListView(StaffRequiredMixin, View):
    def get(self, request):
        form = ExerciseFilterForm(request.GET or None)
        exercises = Exercise.objects.for_user(request.user).defer(
            "patient_steps",
            "patient_feel",
            "patient_stop",
            "clinician_aim",
            "clinician_cues",
            "contraindications",
        )
        if form.is_valid():
            exercises = form.apply(exercises)
        page = Paginator(exercises.order_by("name", "id"), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            "exercises/list.html",
            {"form": form, "page": page, "query": query.urlencode()},
        )


class ExerciseDetailView(StaffRequiredMixin, View):
    def get(self, request, exercise_id):
        exercise = get_scoped_or_404(
            request,
            Exercise.objects.for_user(request.user).select_related(
                "clinic", "progression", "regression"
            ),
            pk=exercise_id,
        )
        return render(request, "exercises/detail.html", {"exercise": exercise})


class ExerciseCreateView(StaffRequiredMixin, View):
    """Clinic admins add their clinic's own exercises (the shipped ones are read-only)."""

    staff_roles = (Role.CLINIC_ADMIN,)

    def _form(self, request, data=None, files=None):
        return ExerciseForm(
            data,
            files,
            user=request.user,
            clinic_ids=self.staff_member.clinic_ids,
            initial={"licence": "Clinic's own", "author": request.user.get_full_name()},
        )

    def get(self, request):
        return render(request, "exercises/form.html", {"form": self._form(request)})

    def post(self, request):
        form = self._form(request, request.POST, request.FILES)
        if not form.is_valid():
            return render(request, "exercises/form.html", {"form": form})
        exercise = form.save()
        messages.success(request, f"Added {exercise.name} to your clinic's library.")
        return HttpResponseRedirect(reverse("exercises:detail", args=[exercise.pk]))
