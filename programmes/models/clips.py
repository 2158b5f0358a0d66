"""A clip of this patient doing an exercise (issue 15): recorded or uploaded by a
clinician in the session and attached to a prescription. Part of the patient's
record: every view is audited, it is in the subject-access export, erasure
removes the files and the rows."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from clinic.models import ClinicScopedQuerySet
from patients.models import Patient

CLIP_CAPTION_MAX = 200


class PrescriptionClipQuerySet(ClinicScopedQuerySet):
    """Clips are clinical content: clinicians and clinic admins of the clinic."""


class PrescriptionClip(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="clips")
    # The prescription across versions: the clip follows the exercise when a
    # new programme version copies it.
    lineage = models.UUIDField(db_index=True)
    exercise = models.ForeignKey(
        "exercises.Exercise", on_delete=models.PROTECT, related_name="clips"
    )
    caption = models.CharField(max_length=CLIP_CAPTION_MAX, blank=True, default="")
    file = models.CharField(max_length=255)
    content_type = models.CharField(max_length=40)
    size = models.PositiveBigIntegerField(default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PrescriptionClipQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Clip {self.pk}"

    @property
    def url(self) -> str:
        from django.urls import reverse

        return reverse("media:clip-file", args=[self.pk])
