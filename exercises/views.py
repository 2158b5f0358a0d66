"""Staff pages of the exercise library: the shipped library and each clinic's
own exercises (clinic admins add them)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from clinic.access import StaffRequiredMixin, get_scoped_or_404
from clinic.models import Role
from exercises import services
from exercises.forms import ExerciseFilterForm, ExerciseForm, MediaForm, MediaMoveForm
from exercises.media import MediaRefusedError
from exercises.models import Exercise, ExerciseMedia, MediaKind

MEDIA_ROLES = (Role.CLINICIAN, Role.CLINIC_ADMIN)

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
        _attach_first_pictures(request.user, page.object_list)
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            "exercises/list.html",
            {"form": form, "page": page, "query": query.urlencode()},
        )


def _attach_first_pictures(user, exercises) -> None:
    """``first_picture`` on each exercise of the page (one query): the library
    list shows a small lazy thumbnail."""
    exercises = list(exercises)
    first: dict = {}
    for item in ExerciseMedia.objects.for_user(user).filter(
        exercise_id__in=[e.pk for e in exercises], kind=MediaKind.PICTURE
    ):
        first.setdefault(item.exercise_id, item)
    for exercise in exercises:
        exercise.first_picture = first.get(exercise.pk)


class ExerciseDetailView(StaffRequiredMixin, View):
    def get(self, request, exercise_id):
        exercise = get_scoped_or_404(
            request,
            Exercise.objects.for_user(request.user).select_related(
                "clinic", "progression", "regression"
            ),
            pk=exercise_id,
        )
        return render(request, "exercises/detail.html", _detail_context(request, exercise))


def _detail_context(request, exercise, form=None) -> dict:
    items = list(ExerciseMedia.objects.for_user(request.user).filter(exercise=exercise))
    member = getattr(request.user, "staff_member", None)
    can_add = request.user.is_superuser or (member is not None and member.role in MEDIA_ROLES)
    if form is None and can_add and member is not None:
        form = MediaForm(clinic_ids=member.clinic_ids, exercise=exercise)
    return {"exercise": exercise, "media_items": items, "media_form": form, "can_add": can_add}


class ExerciseMixin(StaffRequiredMixin):
    def load_objects(self, request, exercise_id, **kwargs):
        self.exercise = get_scoped_or_404(
            request,
            Exercise.objects.for_user(request.user).select_related("clinic"),
            pk=exercise_id,
        )

    def to_detail(self):
        return HttpResponseRedirect(reverse("exercises:detail", args=[self.exercise.pk]) + "#media")


class MediaAddView(ExerciseMixin, View):
    """Add a picture or a video: checked by content; nothing stored when refused."""

    staff_roles = MEDIA_ROLES

    def _render(self, request, form, status=200):
        return render(
            request,
            "exercises/media_form.html",
            {"exercise": self.exercise, "form": form},
            status=status,
        )

    def get(self, request, exercise_id):
        form = MediaForm(clinic_ids=self.staff_member.clinic_ids, exercise=self.exercise)
        return self._render(request, form)

    def post(self, request, exercise_id):
        form = MediaForm(
            request.POST,
            request.FILES,
            clinic_ids=self.staff_member.clinic_ids,
            exercise=self.exercise,
        )
        if not form.is_valid():
            return self._render(request, form, status=400)
        try:
            with transaction.atomic():
                services.media_add(
                    exercise=self.exercise,
                    clinic=form.cleaned_data["clinic"],
                    upload=form.cleaned_data["file"],
                    alt_text=form.cleaned_data["alt_text"],
                    caption=form.cleaned_data["caption"],
                    by=request.user,
                )
        except MediaRefusedError as refused:
            form.add_error("file", str(refused))
            return self._render(request, form, status=400)
        messages.success(request, "Added. Smaller copies for phones are being prepared.")
        return self.to_detail()


class MediaItemMixin(ExerciseMixin):
    staff_roles = MEDIA_ROLES

    def load_objects(self, request, exercise_id, media_id, **kwargs):
        super().load_objects(request, exercise_id)
        self.item = get_scoped_or_404(
            request,
            ExerciseMedia.objects.for_user(request.user).filter(
                exercise=self.exercise, clinic__isnull=False
            ),
            pk=media_id,
        )


class MediaRemoveView(MediaItemMixin, View):
    def post(self, request, exercise_id, media_id):
        with transaction.atomic():
            services.media_remove(item=self.item)
        messages.success(request, "Removed.")
        return self.to_detail()


class MediaMoveView(MediaItemMixin, View):
    def post(self, request, exercise_id, media_id):
        form = MediaMoveForm(request.POST)
        if form.is_valid():
            with transaction.atomic():
                services.media_move(item=self.item, direction=form.cleaned_data["direction"])
        return self.to_detail()


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
