"""A real Celery worker process against the real Redis."""

import os
import subprocess
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings

from clinic.celery import app, worker_command
from clinic.tasks import health_ping

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker():
    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "clinic.settings_test"}
    process = subprocess.Popen(
        worker_command(),
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.mark.slow
def test_a_worker_process_runs_the_health_task_and_returns_its_result(worker):
    started = time.monotonic()
    result = health_ping.delay()
    assert result.get(timeout=60) == "pong"
    assert worker.poll() is None, "the worker died"
    assert time.monotonic() - started < 60


def test_celery_defaults_follow_the_reliability_rules():
    conf = app.conf
    assert conf.task_serializer == "json" and conf.accept_content == ["json"]
    assert conf.task_acks_late is True and conf.task_reject_on_worker_lost is True
    assert conf.task_time_limit and conf.task_soft_time_limit < conf.task_time_limit
    assert conf.broker_transport_options["visibility_timeout"] > 300
    assert conf.timezone == "UTC"
    assert "health-heartbeat" in conf.beat_schedule
