"""The daily alert digest. Thin adapter; the schedule is in clinic/celery.py."""

from __future__ import annotations

from celery import shared_task

from alerts.digest import alerts_send_digests

# acks_late: a digest whose worker died is delivered again; the per-recipient,
# per-day record in ``alerts_send_digests`` keeps that from mailing twice.
DIGEST_OPTIONS = {"acks_late": True, "reject_on_worker_lost": True, "ignore_result": True}


@shared_task(name="alerts.digest", **DIGEST_OPTIONS)
def alerts_digest() -> int:
    return alerts_send_digests()


# The first release's name, for a message already queued at an upgrade.
shared_task(name="programmes.tasks.alerts_digest", **DIGEST_OPTIONS)(alerts_digest.run)
