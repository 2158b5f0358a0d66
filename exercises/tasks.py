"""Celery tasks of the exercise library (arguments are ids only)."""

from celery import shared_task

from exercises import services


@shared_task(name="exercises.make_renditions", ignore_result=True)
def make_renditions(media_id: str) -> bool:
    return services.renditions_make(media_id)


@shared_task(name="exercises.renditions_sweep", ignore_result=True)
def renditions_sweep() -> int:
    return services.renditions_sweep()
