"""Celery tasks for messages: the notice tick (its schedule is in clinic/celery.py)."""

from __future__ import annotations

from celery import shared_task

from messaging import notices


@shared_task(name="messaging.notices_tick", ignore_result=True)
def notices_tick() -> dict[str, int]:
    """Every minute: send the new-message notices that are due."""
    return notices.notices_tick()
