"""Clips of a patient attached to a prescription (issue 15): adding, removing,
listing. Every view of a clip is audited by the serving view."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from clinic.audit import audit_record
from clinic.models import AuditAction
from clinic.storage import delete_quietly
from exercises import media
from exercises.services import max_video_bytes
from patients.models import Patient
from programmes.models import Prescription, PrescriptionClip

MSG_NOT_VIDEO = "A clip must be a video (MP4 or WebM), checked by its content."


def clip_add(
    *,
    prescription: Prescription,
    upload: Any,
    caption: str,
    by: Any,
    request: HttpRequest | None = None,
) -> PrescriptionClip:
    """Check the video by content and attach it; ``media.MediaRefusedError``
    (nothing stored) when refused."""
    patient = prescription.version.plan.patient
    checked = media.check_upload(upload, max_video_bytes=max_video_bytes(patient.clinic))
    if checked.kind != "video":
        raise media.MediaRefusedError(MSG_NOT_VIDEO)
    name = media.store(
        checked.content, folder=f"clips/{patient.clinic_id}", extension=checked.extension
    )
    try:
        with transaction.atomic():
            clip = PrescriptionClip.objects.create(
                patient=patient,
                lineage=prescription.lineage,
                exercise=prescription.exercise,
                caption=caption,
                file=name,
                content_type=checked.content_type,
                size=len(checked.content),
                recorded_by=by,
            )
            audit_record(
                action=AuditAction.CLIP_ADDED, request=request, actor=by, obj=clip, patient=patient
            )
    except Exception:
        delete_quietly(name)
        raise
    return clip


def clip_remove(*, clip: PrescriptionClip, by: Any, request: HttpRequest | None = None) -> None:
    name = clip.file
    audit_record(
        action=AuditAction.CLIP_REMOVED, request=request, actor=by, obj=clip, patient=clip.patient
    )
    clip.delete()
    transaction.on_commit(lambda: delete_quietly(name))


def clips_by_lineage(patient: Patient, lineages: Any) -> dict[Any, list[PrescriptionClip]]:
    found: dict[Any, list[PrescriptionClip]] = {}
    for clip in PrescriptionClip.objects.filter(patient=patient, lineage__in=list(lineages)):
        found.setdefault(clip.lineage, []).append(clip)
    return found


def attach_clips(patient: Patient, prescriptions: Any) -> None:
    """``clips`` on each prescription (one query)."""
    prescriptions = list(prescriptions)
    found = clips_by_lineage(patient, {p.lineage for p in prescriptions})
    for p in prescriptions:
        p.clips = found.get(p.lineage, [])


def erase_clips(patient: Patient) -> int:
    """Erasure: the files and the rows."""
    clips = list(PrescriptionClip.objects.filter(patient=patient))
    names = [c.file for c in clips]
    PrescriptionClip.objects.filter(pk__in=[c.pk for c in clips]).delete()
    transaction.on_commit(lambda: delete_quietly(*names))
    return len(clips)
