"""The reminders' health check and gauges for operators (issue 21), registered
with ``clinic.ops`` when the app loads."""

from __future__ import annotations

import redis
from django.conf import settings
from django.db.models import Count, Min
from django.utils import timezone

from clinic.ops import CheckResult, _redis, register_check, register_gauges
from reminders import breaker
from reminders.models import OccurrenceState, ReminderOccurrence


def oldest_due_age_s() -> float:
    """Seconds the oldest reminder that is due and not yet handed to a worker
    has waited (0 when none waits). Served by the partial indexes."""
    now = timezone.now()
    planned = ReminderOccurrence.objects.filter(
        state=OccurrenceState.PLANNED, due_at__lte=now
    ).aggregate(at=Min("due_at"))["at"]
    retry = ReminderOccurrence.objects.filter(
        state=OccurrenceState.RETRY_WAIT, next_attempt_at__lte=now
    ).aggregate(at=Min("next_attempt_at"))["at"]
    oldest = min((t for t in (planned, retry) if t is not None), default=None)
    return 0.0 if oldest is None else max(0.0, (now - oldest).total_seconds())


def _check() -> CheckResult:
    age = oldest_due_age_s()
    return CheckResult(age <= settings.HEALTH_OLDEST_DUE_S, {"oldest_due_age_s": round(age, 1)})


def queue_depths() -> dict[str, int]:
    client = _redis()
    names = {settings.REMINDER_QUEUE, settings.REMINDER_DISPATCH_QUEUE, "celery"}
    return {name: int(client.llen(name)) for name in sorted(names)}


def _gauges() -> list[tuple[str, str, dict, float]]:
    rows: list[tuple[str, str, dict, float]] = []
    counts = dict(
        ReminderOccurrence.objects.order_by()
        .values_list("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    for state in OccurrenceState.values:
        rows.append(
            (
                "clinic_reminder_occurrences",
                "Reminder occurrences by state",
                {"state": state},
                counts.get(state, 0),
            )
        )
    rows.append(
        (
            "clinic_reminder_oldest_due_seconds",
            "Age of the oldest due reminder not yet handed to a worker",
            {},
            oldest_due_age_s(),
        )
    )
    try:
        for name, depth in queue_depths().items():
            rows.append(
                ("clinic_queue_depth", "Messages waiting in a Celery queue", {"queue": name}, depth)
            )
        paused = breaker.status()
    except redis.RedisError:
        paused = {}
    for channel in ("email", "sms"):
        rows.append(
            (
                "clinic_reminder_channel_paused_seconds",
                "Seconds left of a channel's circuit-breaker pause (0: closed)",
                {"channel": channel},
                paused.get(channel, 0.0),
            )
        )
    return rows


register_check("reminders", _check)
register_gauges(_gauges)
