"""Nightly tasks over what patients report: adherence snapshots and the alert
rules, each started as a chunked pass (``clinic.passes``; the chunks are
``clinic.pass_chunk`` tasks). Thin adapters; the schedule is in clinic/celery.py."""

from __future__ import annotations

from celery import shared_task

from clinic.passes import pass_start
from tracking.passes import ADHERENCE_SNAPSHOTS, ALERTS_EVALUATE


@shared_task(name="tracking.adherence_snapshots", ignore_result=True)
def adherence_snapshots() -> str:
    return str(pass_start(ADHERENCE_SNAPSHOTS).pk)


@shared_task(name="tracking.alerts_evaluate", ignore_result=True)
def alerts_evaluate() -> str:
    return str(pass_start(ALERTS_EVALUATE).pk)


# Names of the first release, for messages already queued at an upgrade.
shared_task(name="programmes.tasks.adherence_snapshots", ignore_result=True)(
    adherence_snapshots.run
)
shared_task(name="programmes.tasks.alerts_evaluate", ignore_result=True)(alerts_evaluate.run)
