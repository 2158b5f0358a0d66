"""Chunked passes (clinic/passes.py), in process: chunks by patient id ranges,
claims, per-patient failures, the time budget, the sweep, the completion record,
the health endpoint and the clinic admin's dashboard panel. The same passes
with real worker processes are in test_passes_workers.py."""

from __future__ import annotations

import dataclasses
import logging
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clinic import passes
from clinic.models import ChunkState, PassChunk, PassRun, RunStatus
from patients.models import Patient
from tests.factories import PatientFactory
from tests.reminders.reminder_helpers import activated_plan
from tracking.models import AdherenceSnapshot
from tracking.passes import ADHERENCE_SNAPSHOTS, ALERTS_EVALUATE

pytestmark = pytest.mark.django_db


@pytest.fixture
def seen():
    """A test pass over every patient, 2 per chunk, recording who it saw."""
    calls: list = []

    def run_patient(patient, now):
        if patient.first_name == "Failing":
            raise ValueError("clinical detail that must not be logged")
        calls.append(patient.pk)

    spec = passes.PassSpec(
        name="test_pass",
        label="Test pass",
        eligible=lambda: Patient.objects.all(),
        run_patient=run_patient,
        chunk_size=2,
    )
    passes.register_pass(spec)
    yield calls
    passes._registry.pop("test_pass", None)


def _run_all(run: PassRun, **kwargs) -> list[str]:
    return [
        passes.pass_chunk_run(pk, **kwargs).state
        for pk in run.chunks.order_by("number").values_list("pk", flat=True)
    ]


def test_a_pass_is_cut_into_id_ranges_and_completes_with_a_record_of_them(clinic, seen):
    patients = sorted(PatientFactory.create_batch(5, clinic=clinic), key=lambda p: p.pk)
    run = passes.pass_start("test_pass", dispatch=False)
    assert (run.chunk_count, run.patient_count, run.status) == (3, 5, RunStatus.RUNNING)
    ids = [p.pk for p in patients]
    ranges = [(ids[0], ids[1]), (ids[2], ids[3]), (ids[4], ids[4])]
    assert [(c.first_id, c.last_id) for c in run.chunks.order_by("number")] == ranges
    assert _run_all(run) == ["done", "done", "done"]
    run.refresh_from_db()
    assert run.status == RunStatus.COMPLETE and run.finished_at is not None
    assert run.ranges_done() == ranges
    assert sorted(seen) == ids
    assert passes.run_summary(run) == {"chunks": 3, "done": 3, "processed": 5, "failed": 0}


def test_a_chunk_is_claimed_once_so_a_duplicate_message_does_nothing(clinic, seen):
    PatientFactory.create_batch(2, clinic=clinic)
    run = passes.pass_start("test_pass", dispatch=False)
    chunk = run.chunks.get()
    assert passes.chunk_claim(chunk.pk) is not None
    assert passes.chunk_claim(chunk.pk) is None  # the second worker finds it taken
    assert passes.pass_chunk_run(chunk.pk).state == "not-claimed"
    assert seen == []
    chunk.refresh_from_db()
    assert (chunk.state, chunk.attempts) == (ChunkState.RUNNING, 1)


def test_one_patients_failure_is_logged_by_id_and_type_counted_and_skipped(clinic, seen, caplog):
    good = PatientFactory(clinic=clinic)
    bad = PatientFactory(clinic=clinic, first_name="Failing")
    run = passes.pass_start("test_pass", dispatch=False)
    with caplog.at_level(logging.ERROR, logger="clinic.passes"):
        assert _run_all(run) == ["done"]
    assert seen == [good.pk]
    run.refresh_from_db()
    assert run.status == RunStatus.COMPLETE
    assert passes.run_summary(run)["failed"] == 1
    logged = caplog.text
    assert str(bad.pk) in logged and "ValueError" in logged
    assert "clinical detail" not in logged and "Failing" not in logged
    state = next(s for s in passes.passes_last_complete() if s.name == "test_pass")
    assert (state.last_complete_patients, state.last_complete_failed) == (2, 1)


def test_a_chunk_out_of_time_records_how_far_it_got_and_goes_on_later(
    clinic, seen, django_capture_on_commit_callbacks, monkeypatch
):
    patients = sorted(PatientFactory.create_batch(2, clinic=clinic), key=lambda p: p.pk)
    run = passes.pass_start("test_pass", dispatch=False)
    chunk = run.chunks.get()
    queued = []
    monkeypatch.setattr(passes, "_dispatch", lambda ids: queued.extend(ids))
    with django_capture_on_commit_callbacks(execute=True):
        assert passes.pass_chunk_run(chunk.pk, budget_s=0).state == "paused"
    chunk.refresh_from_db()
    assert (chunk.state, chunk.resume_after, chunk.processed) == (
        ChunkState.QUEUED,
        patients[0].pk,
        1,
    )
    assert queued == [chunk.pk]  # it queued itself again
    assert passes.pass_chunk_run(chunk.pk, budget_s=0).state == "done"
    assert seen == [patients[0].pk, patients[1].pk]  # each once
    chunk.refresh_from_db()
    assert chunk.processed == 2


def test_the_sweep_requeues_lost_chunks_and_gives_up_after_the_attempts(
    clinic, seen, settings, django_capture_on_commit_callbacks, monkeypatch
):
    PatientFactory.create_batch(4, clinic=clinic)
    run = passes.pass_start("test_pass", dispatch=False)
    first, second = run.chunks.order_by("number")
    queued: list = []
    monkeypatch.setattr(passes, "_dispatch", lambda ids: queued.extend(ids))
    now = timezone.now()
    # The first chunk's worker died while running it.
    passes.chunk_claim(first.pk)
    PassChunk.objects.filter(pk=first.pk).update(claimed_at=now - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        result = passes.passes_sweep(now=now)
    # The second is still waiting in a run that moves: not queued again yet.
    assert (result.requeued, queued) == (1, [first.pk])
    # Nothing happened for longer than PASS_REQUEUE_AFTER_S: the run stalled,
    # its queued chunks are queued again (their messages were lost).
    later = now + timedelta(seconds=settings.PASS_REQUEUE_AFTER_S + 60)
    PassChunk.objects.filter(run=run).update(queued_at=now, claimed_at=None)
    queued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert passes.passes_sweep(now=later).requeued == 2
    assert sorted(queued) == sorted([first.pk, second.pk])
    # A chunk that keeps losing its worker fails, and so does its run.
    PassChunk.objects.filter(pk=first.pk).update(
        state=ChunkState.RUNNING, attempts=settings.PASS_MAX_ATTEMPTS, claimed_at=now
    )
    result = passes.passes_sweep(now=now + timedelta(hours=2))
    assert result.failed == 1
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    state = next(s for s in passes.passes_last_complete() if s.name == "test_pass")
    assert state.late and state.last_complete_at is None


def test_a_new_run_supersedes_the_unfinished_one(clinic, seen):
    PatientFactory.create_batch(2, clinic=clinic)
    old = passes.pass_start("test_pass", dispatch=False)
    new = passes.pass_start("test_pass", dispatch=False)
    old.refresh_from_db()
    assert old.status == RunStatus.SUPERSEDED
    assert passes.pass_chunk_run(old.chunks.get().pk).state == "not-claimed"
    assert _run_all(new) == ["done"]


def test_the_real_nightly_passes_reach_every_patient_and_rerun_changes_nothing(
    clinic, clinician, monkeypatch
):
    start = date(2026, 6, 1)
    patients = [
        PatientFactory(clinic=clinic, assigned_clinician=clinician.staff_member) for _ in range(3)
    ]
    for patient in patients:
        activated_plan(patient, clinician, start_on=start)
    PatientFactory(clinic=clinic)  # no plan: not in the passes
    spec = passes.pass_spec(ADHERENCE_SNAPSHOTS)
    monkeypatch.setitem(passes._registry, spec.name, dataclasses.replace(spec, chunk_size=2))
    now = timezone.now()
    run = passes.pass_start(ADHERENCE_SNAPSHOTS, now=now, dispatch=False)
    assert run.patient_count == 3 and run.chunk_count == 2
    _run_all(run)
    snapshots = AdherenceSnapshot.objects.filter(patient__in=patients)
    assert snapshots.count() == 6  # two weeks back for each patient
    before = list(snapshots.order_by("pk").values_list("pk", "completed", "prescribed"))
    PassChunk.objects.filter(run=run).update(state=ChunkState.QUEUED)
    PassRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING)
    _run_all(run)  # the same chunks again: idempotent
    assert list(snapshots.order_by("pk").values_list("pk", "completed", "prescribed")) == before
    evaluate = passes.pass_start(ALERTS_EVALUATE, dispatch=False)
    assert _run_all(evaluate) == ["done"]  # 500 a chunk
    evaluate.refresh_from_db()
    assert evaluate.status == RunStatus.COMPLETE and evaluate.patient_count == 3


def _passes_check(client) -> tuple[int, dict]:
    """``/health/`` as staff past the second factor (who see each check)."""
    response = client.get(reverse("health"))
    return response.status_code, response.json()["checks"]["passes"]


def test_health_and_admin_dashboard_say_when_the_last_complete_pass_finished(
    client, clinic, clinic_admin, clinician, seen
):
    client.force_login(clinic_admin)
    PatientFactory(clinic=clinic)
    # Never run yet: nothing is late (the beat check says whether beat runs).
    check = _passes_check(client)[1]
    assert check["ok"] is True and check["last_complete_at"]["test_pass"] is None
    run = passes.pass_start("test_pass", dispatch=False)
    _run_all(run)
    run.refresh_from_db()
    check = _passes_check(client)[1]
    assert check == {
        "ok": True,
        "late": [],
        "last_complete_at": {**check["last_complete_at"], "test_pass": run.finished_at.isoformat()},
    }
    page = client.get(reverse("dashboard")).content.decode()
    assert "Nightly work" in page and "Test pass: last complete run finished" in page
    client.force_login(clinician)
    assert "Nightly work" not in client.get(reverse("dashboard")).content.decode()


def test_health_fails_when_a_pass_failed_or_stalled(client, clinic, clinic_admin, seen):
    client.force_login(clinic_admin)
    PatientFactory(clinic=clinic)
    spec = passes.pass_spec("test_pass")
    # A first run going for longer than the pass's interval: stalled.
    run = passes.pass_start("test_pass", dispatch=False)
    PassRun.objects.filter(pk=run.pk).update(
        started_at=timezone.now() - spec.expected_every - timedelta(minutes=1)
    )
    status, check = _passes_check(client)
    assert status == 503 and check["ok"] is False and check["late"] == ["test_pass"]
    # It completes: healthy again.
    _run_all(run)
    assert _passes_check(client)[1]["late"] == []
    # A later run fails (a chunk gave up): unhealthy until a run completes.
    failed = passes.pass_start("test_pass", dispatch=False)
    PassRun.objects.filter(pk=failed.pk).update(status=RunStatus.FAILED, finished_at=timezone.now())
    status, check = _passes_check(client)
    assert status == 503 and check["late"] == ["test_pass"]
