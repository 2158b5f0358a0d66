"""Nightly tasks over what patients report: adherence snapshots and the alert
rules. Thin adapters; the schedule is in clinic/celery.py."""

from __future__ import annotations

from celery import shared_task

from tracking.adherence import adherence_snapshot_all
from tracking.alert_rules import alerts_evaluate_all


@shared_task(name="tracking.adherence_snapshots", ignore_result=True)
def adherence_snapshots() -> int:
    return adherence_snapshot_all()


@shared_task(name="tracking.alerts_evaluate", ignore_result=True)
def alerts_evaluate() -> int:
    return alerts_evaluate_all()


# Names of the first release, for messages already queued at an upgrade.
shared_task(name="programmes.tasks.adherence_snapshots", ignore_result=True)(
    adherence_snapshots.run
)
shared_task(name="programmes.tasks.alerts_evaluate", ignore_result=True)(alerts_evaluate.run)
