"""Tasks over what patients report: the nightly adherence snapshots, alert rules and
progression proposals, each started as a chunked pass (``clinic.passes``; the chunks
are ``clinic.pass_chunk`` tasks), and one plan's proposals after a log. Thin adapters
that take ids; the schedule is in clinic/celery.py."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from clinic.legacy_tasks import shared_task_with_legacy_names
from clinic.passes import pass_start
from programmes.models import TreatmentPlan
from tracking import progression
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


@shared_task(
    name="tracking.plan_proposals_refresh",
    ignore_result=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
)
def plan_proposals_refresh(plan_id: str) -> int:
    """One plan's stored proposals after a log arrives (issue 14). Idempotent: it
    recomputes from the logs, so a late or repeated run stores the same rows."""
    plan = (
        TreatmentPlan.objects.select_related("template", "patient__clinic")
        .filter(pk=plan_id)
        .first()
    )
    return 0 if plan is None else progression.proposals_refresh(plan)
