"""Private files, served only after an access check (issue 15).

Exercise pictures and videos: staff of the clinic that added them (any role:
exercise content is not clinical), and the patient whose active programme
includes the exercise. Nobody else gets a byte: anonymous users go to the login
page, everyone else gets 404 (audited when the file exists).
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.views import View

from clinic.access import get_scoped_or_404, staff_member_of
from clinic.audit import audit_record
from clinic.models import AuditAction, Role
from clinic.storage import serve_private
from exercises.models import ExerciseMedia
from programmes.models import PlanStatus, Prescription, PrescriptionClip

VARIANTS = ("thumb", "phone", "original")


def patient_media(patient):
    """The media a patient may see: their clinic's (and shipped) media of the
    exercises in their active programme, any version."""
    exercise_ids = Prescription.objects.filter(
        version__plan__patient=patient, version__plan__status=PlanStatus.ACTIVE
    ).values("exercise_id")
    return ExerciseMedia.objects.for_clinic(patient.clinic_id).filter(exercise_id__in=exercise_ids)


class ExerciseMediaFileView(View):
    def get(self, request, media_id, variant):
        if variant not in VARIANTS:
            raise Http404("No such file.")
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        patient = getattr(user, "patient", None)
        if staff_member_of(user) is not None or user.is_superuser:
            scoped = ExerciseMedia.objects.for_user(user)
        elif patient is not None and user.is_active:
            scoped = patient_media(patient)
        else:
            scoped = ExerciseMedia.objects.none()
        item = get_scoped_or_404(request, scoped, pk=media_id)
        name = item.stored_name(variant) or item.file
        content_type = item.content_type
        if name != item.file:  # a rendition: JPEG, or PNG for pictures with transparency
            content_type = "image/png" if name.endswith(".png") else "image/jpeg"
            if name.endswith(".webp"):
                content_type = "image/webp"
        return serve_private(request, name, content_type)


class ClipFileView(View):
    """A clip of a patient: clinicians and clinic admins of the patient's
    clinic, and the patient. Every view is audited (a seek within a video that
    has started playing, a range not from byte 0, is the same view)."""

    def get(self, request, clip_id):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        patient = getattr(user, "patient", None)
        member = staff_member_of(user)
        if member is not None and member.role == Role.RECEPTION:
            raise PermissionDenied("Clips are clinical content.")
        if member is not None or user.is_superuser:
            scoped = PrescriptionClip.objects.for_user(user)
        elif patient is not None and user.is_active:
            scoped = PrescriptionClip.objects.filter(patient=patient)
        else:
            scoped = PrescriptionClip.objects.none()
        clip = get_scoped_or_404(request, scoped.select_related("patient"), pk=clip_id)
        range_header = request.headers.get("Range", "")
        if not range_header or range_header.replace(" ", "").startswith("bytes=0-"):
            audit_record(
                action=AuditAction.CLIP_VIEWED, request=request, obj=clip, patient=clip.patient
            )
        return serve_private(request, clip.file, clip.content_type)
