"""The daily alert digest. Thin adapter; the schedule is in clinic/celery.py."""

from __future__ import annotations

from alerts.digest import alerts_send_digests
from clinic.legacy_tasks import shared_task_with_legacy_names

# acks_late: a digest whose worker died is delivered again; the per-recipient,
# per-day record in ``alerts_send_digests`` keeps that from mailing twice.
DIGEST_OPTIONS = {"acks_late": True, "reject_on_worker_lost": True, "ignore_result": True}


# Also under the first release's name, for a message already queued at an upgrade.
@shared_task_with_legacy_names(
    "alerts.digest", legacy_names=("programmes.tasks.alerts_digest",), **DIGEST_OPTIONS
)
def alerts_digest() -> int:
    return alerts_send_digests()
