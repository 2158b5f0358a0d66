"""Messages queued by the first release carry its task names: each one is
still registered, runs the same function as today's task, with the same
options, and goes to the same queue."""

from __future__ import annotations

import pytest
from celery import current_app
from django.conf import settings

import alerts.tasks
import reminders.tasks
import tracking.tasks

LEGACY_NAMES = {
    "programmes.tasks.send_reminders": reminders.tasks.send_reminders,
    "programmes.tasks.reminders_tick": reminders.tasks.reminders_tick,
    "programmes.tasks.reminders_plan": reminders.tasks.reminders_plan,
    "programmes.tasks.adherence_snapshots": tracking.tasks.adherence_snapshots,
    "programmes.tasks.alerts_evaluate": tracking.tasks.alerts_evaluate,
    "programmes.tasks.alerts_digest": alerts.tasks.alerts_digest,
}


# Celery wraps ``run`` for tasks with ``autoretry_for``; the function is underneath.
def _function(task):
    return getattr(task.run, "__wrapped__", task.run)


OPTIONS = ("acks_late", "reject_on_worker_lost", "ignore_result", "max_retries", "autoretry_for")


@pytest.mark.parametrize("legacy_name", sorted(LEGACY_NAMES))
def test_a_first_release_task_name_runs_todays_task(legacy_name):
    task = LEGACY_NAMES[legacy_name]
    legacy = current_app.tasks[legacy_name]
    assert legacy.name != task.name
    assert _function(legacy) is _function(task)
    assert {o: getattr(legacy, o, None) for o in OPTIONS} == {
        o: getattr(task, o, None) for o in OPTIONS
    }
    assert settings.CELERY_TASK_ROUTES.get(legacy_name) == settings.CELERY_TASK_ROUTES.get(
        task.name
    )


def test_the_single_reminder_task_of_the_first_release_is_a_batch_of_one(monkeypatch):
    sent = []
    monkeypatch.setattr(reminders.tasks.delivery, "reminders_send", sent.append)
    current_app.tasks["programmes.tasks.send_reminder"].run("an-occurrence-id")
    assert sent == [["an-occurrence-id"]]
