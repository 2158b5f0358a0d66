"""Nightly tasks over what patients report: adherence snapshots and the alert
rules, each started as a chunked pass (``clinic.passes``; the chunks are
``clinic.pass_chunk`` tasks). Thin adapters; the schedule is in clinic/celery.py."""

from __future__ import annotations

from celery import shared_task

from clinic.legacy_tasks import shared_task_with_legacy_names
from clinic.passes import pass_start
from tracking.passes import ADHERENCE_SNAPSHOTS, ALERTS_EVALUATE, PROGRESSION_PROPOSALS


# Also under the first release's names, for messages already queued at an upgrade.
@shared_task_with_legacy_names(
    "tracking.adherence_snapshots",
    legacy_names=("programmes.tasks.adherence_snapshots",),
    ignore_result=True,
)
def adherence_snapshots() -> str:
    return str(pass_start(ADHERENCE_SNAPSHOTS).pk)


@shared_task_with_legacy_names(
    "tracking.alerts_evaluate",
    legacy_names=("programmes.tasks.alerts_evaluate",),
    ignore_result=True,
)
def alerts_evaluate() -> str:
    return str(pass_start(ALERTS_EVALUATE).pk)


@shared_task(name="tracking.proposals_refresh", ignore_result=True)
def proposals_refresh() -> str:
    return str(pass_start(PROGRESSION_PROPOSALS).pk)
