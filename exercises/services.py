"""Exercise media: adding, ordering and removing pictures and videos (issue 15)."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.db.models import Max

from clinic.models import Clinic
from clinic.storage import delete_quietly, media_storage
from exercises import media
from exercises.models import Exercise, ExerciseMedia, MediaKind

logger = logging.getLogger(__name__)


def max_video_bytes(clinic: Clinic) -> int:
    return int(clinic.media_max_video_mb) * 1024 * 1024


def media_add(
    *,
    exercise: Exercise,
    clinic: Clinic,
    upload: Any,
    alt_text: str,
    caption: str = "",
    by: Any = None,
) -> ExerciseMedia:
    """Check the upload by content, store the checked bytes and add the row;
    the renditions are made by a Celery task after the commit (ids only).
    Raises ``media.MediaRefusedError`` (nothing stored) for a refused file."""
    checked = media.check_upload(upload, max_video_bytes=max_video_bytes(clinic))
    name = media.store(
        checked.content, folder=f"exercises/{clinic.pk}", extension=checked.extension
    )
    try:
        with transaction.atomic():
            last = ExerciseMedia.objects.filter(exercise=exercise, clinic=clinic).aggregate(
                last=Max("position")
            )["last"]
            item = ExerciseMedia.objects.create(
                exercise=exercise,
                clinic=clinic,
                kind=checked.kind,
                position=(last or 0) + 1,
                caption=caption,
                alt_text=alt_text,
                file=name,
                content_type=checked.content_type,
                size=len(checked.content),
                width=checked.width,
                height=checked.height,
                ready=checked.kind == MediaKind.VIDEO,
                created_by=by,
            )
    except Exception:
        delete_quietly(name)
        raise
    if item.kind == MediaKind.PICTURE:
        schedule_renditions(item.pk)
    return item


def schedule_renditions(media_id: Any) -> None:
    from exercises.tasks import make_renditions

    transaction.on_commit(lambda: _send(make_renditions, str(media_id)))


def _send(task: Any, media_id: str) -> None:
    try:
        task.delay(media_id)
    except Exception as error:  # broker down: the sweep makes them later
        logger.warning("renditions not queued for media %s: %s", media_id, type(error).__name__)


def renditions_make(media_id: Any) -> bool:
    """Make the thumbnail and phone copies of a picture; True when made now."""
    item = ExerciseMedia.objects.filter(pk=media_id, kind=MediaKind.PICTURE).first()
    if item is None or item.ready:
        return False
    storage = media_storage()
    with storage.open(item.file, "rb") as handle:
        original = handle.read()
    folder = item.file.rsplit("/", 1)[0]
    names = []
    for size in (media.THUMBNAIL_PX, media.PHONE_PX):
        content, extension = media.rendition(original, size)
        names.append(media.store(content, folder=folder, extension=extension))
    updated = ExerciseMedia.objects.filter(pk=item.pk, ready=False).update(
        thumbnail=names[0], phone=names[1], ready=True
    )
    if not updated:  # made meanwhile by another worker, or removed
        delete_quietly(*names)
        return False
    return True


def renditions_sweep() -> int:
    """Pictures still waiting (the broker was down at upload): make them now."""
    made = 0
    for media_id in ExerciseMedia.objects.filter(kind=MediaKind.PICTURE, ready=False).values_list(
        "pk", flat=True
    )[:50]:
        made += renditions_make(media_id)
    return made


def media_remove(*, item: ExerciseMedia) -> None:
    names = item.stored_names()
    item.delete()
    transaction.on_commit(lambda: delete_quietly(*names))


def media_move(*, item: ExerciseMedia, direction: str) -> None:
    """Swap with the neighbour above or below, among the clinic's media of the exercise."""
    clinic_filter: dict[str, Any] = {"clinic_id": item.clinic_id}
    siblings = list(
        ExerciseMedia.objects.filter(exercise_id=item.exercise_id, **clinic_filter)
        .order_by("position", "created_at")
        .select_for_update()
    )
    index = next(i for i, m in enumerate(siblings) if m.pk == item.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings, start=1):
        if sibling.position != position:
            ExerciseMedia.objects.filter(pk=sibling.pk).update(position=position)


def media_for(exercise_ids: Any, clinic_id: Any) -> dict[Any, list[ExerciseMedia]]:
    """The clinic's media of these exercises, in order, by exercise id (one query)."""
    found: dict[Any, list[ExerciseMedia]] = {}
    ids = list({*exercise_ids})
    if not ids:
        return found
    for item in ExerciseMedia.objects.for_clinic(clinic_id).filter(exercise_id__in=ids):
        found.setdefault(item.exercise_id, []).append(item)
    return found


def attach_media(exercises: Any, clinic_id: Any) -> None:
    """Set ``media_items`` on each exercise (the templates read it)."""
    exercises = list(exercises)
    found = media_for([e.pk for e in exercises], clinic_id)
    for exercise in exercises:
        exercise.media_items = found.get(exercise.pk, [])
