"""Chunked passes with TWO real Celery worker processes against the real Redis
and PostgreSQL: every patient is reached, no chunk runs twice although every
message is sent twice, both workers take chunks, and chunks whose messages were
lost are queued again by the sweep."""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from clinic import passes
from clinic.celery import app, worker_command
from clinic.models import ChunkState, PassRun, RunStatus
from tests.factories import PatientFactory
from tests.reminders.reminder_helpers import activated_plan
from tracking.models import AdherenceSnapshot
from tracking.passes import ADHERENCE_SNAPSHOTS

ROOT = Path(__file__).resolve().parents[2]
CHUNK = 2
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def queue(settings):
    name = f"passes-test-{uuid.uuid4().hex[:8]}"
    settings.PASS_QUEUE = name
    settings.PASS_CHUNK_SIZE = CHUNK
    return name


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


@pytest.fixture
def workers(queue):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "clinic.settings_test",
        "DATABASE_URL": _database_url(),  # the test database
        "PASS_QUEUE": queue,
        "PASS_CHUNK_SIZE": str(CHUNK),
    }
    names = [f"pass-a-{queue}@test", f"pass-b-{queue}@test"]
    processes = [
        subprocess.Popen(
            [*worker_command(queue=queue), "-n", name],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for name in names
    ]
    # Both consume before anything is queued (so both get a share).
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        replies = app.control.ping(destination=names, timeout=1.0) or []
        if len(replies) == len(names):
            break
    else:
        pytest.fail("the worker processes did not start")
    yield names
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def patients(clinic, clinician):
    start = timezone.localdate() - timedelta(days=21)
    made = []
    for _ in range(8):
        patient = PatientFactory(clinic=clinic, assigned_clinician=clinician.staff_member)
        activated_plan(patient, clinician, start_on=start)
        made.append(patient)
    return made


def _wait_complete(run: PassRun, timeout: float = 120) -> PassRun:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status != RunStatus.RUNNING:
            return run
        time.sleep(0.5)
    pytest.fail(f"the run did not complete: {passes.run_summary(run)}")


def test_two_workers_share_a_pass_and_never_run_a_chunk_twice(workers, patients):
    run = passes.pass_start(ADHERENCE_SNAPSHOTS)  # queues every chunk once
    passes._dispatch(run.chunks.values_list("pk", flat=True))  # ... and once more
    run = _wait_complete(run)
    assert run.status == RunStatus.COMPLETE
    assert run.chunk_count == 4 and run.patient_count == 8
    chunks = list(run.chunks.all())
    assert {c.state for c in chunks} == {ChunkState.DONE}
    assert [c.attempts for c in chunks] == [1] * 4  # the duplicates found them taken
    assert {c.claimed_by for c in chunks} == set(workers)  # both workers worked
    assert passes.run_summary(run)["processed"] == 8
    assert AdherenceSnapshot.objects.filter(patient__in=patients).count() == 16
    ranges = run.ranges_done()
    ids = sorted(p.pk for p in patients)
    assert ranges == [(ids[i], ids[i + 1]) for i in range(0, 8, 2)]


def test_chunks_whose_messages_were_lost_are_queued_again_by_the_sweep(workers, patients, settings):
    run = passes.pass_start(ADHERENCE_SNAPSHOTS, dispatch=False)
    first = run.chunks.order_by("number").first()
    passes._dispatch([first.pk])  # the other three messages are lost
    deadline = time.monotonic() + 60
    while not run.chunks.filter(pk=first.pk, state=ChunkState.DONE).exists():
        assert time.monotonic() < deadline, "the first chunk was not run"
        time.sleep(0.5)
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING  # not complete: the record says so
    later = timezone.now() + timedelta(seconds=settings.PASS_REQUEUE_AFTER_S + 1)
    assert passes.passes_sweep(now=later).requeued == 3
    run = _wait_complete(run)
    assert run.status == RunStatus.COMPLETE
    assert AdherenceSnapshot.objects.filter(patient__in=patients).count() == 16
