"""Chunked passes over patients (issues 20 and 22): the nightly adherence
snapshots, the nightly alert evaluation and the 48-hour reminder planning run as
chunks of patient ids, each a Celery task with the chunk's id as its only
argument.

How a pass runs:

- ``pass_start(name)`` lists the eligible patient ids in id order, cuts them into
  chunks of ``spec.chunk_size`` and stores a ``PassRun`` with one ``PassChunk``
  per chunk (first and last patient id: a range), then queues one task per chunk
  after the commit.
- A worker claims a chunk with a compare-and-set (``queued`` to ``running``), so
  two workers never run the same chunk; a duplicate message finds it taken.
- Each patient is processed in a savepoint: one patient's failure is logged
  with the patient id and the error type only (never the message, which may
  quote clinical content), counted and skipped.
- A chunk works for at most ``PASS_CHUNK_BUDGET_S`` seconds (far inside the
  Celery soft limit), then records how far it got and queues itself again; a
  chunk hitting the soft limit anyway does the same.
- The work per patient is idempotent (update-or-create, raise-if-none-open,
  ignore-conflicts inserts), so a chunk run twice changes nothing.
- ``passes_sweep()`` (beat, every 2 minutes) queues again the chunks whose
  message or worker was lost: queued but not started, or running past their
  lease. A chunk that fails ``PASS_MAX_ATTEMPTS`` times is marked failed and
  its run never completes: the health endpoint and the dashboard say so.
- When the last chunk is done the run is complete; its chunks are the
  completion record (the patient id ranges done). ``passes_last_complete()``
  tells the dashboard and ``/health/`` (the ``passes`` check) when each pass
  last completed.

The base app imports no feature app: feature apps register their passes
(``register_pass``) in ``AppConfig.ready``.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Max, Q, Sum
from django.utils import timezone

from clinic.models import ChunkState, PassChunk, PassRun, RunStatus
from clinic.ops import CheckResult, register_check

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PassSpec:
    """One registered pass.

    ``eligible()`` returns the patients the pass covers (a queryset of the
    patient model, however the feature app filters it). ``run_patient(patient,
    now)`` does one patient's work; ``run_bulk(patients, now)``, when given, does
    a whole chunk at once (the fast path) and the pass falls back to one patient
    at a time only when the bulk call fails, to find and skip the failing one."""

    name: str
    label: str
    eligible: Callable[[], Any]
    run_patient: Callable[[Any, datetime], Any]
    run_bulk: Callable[[list[Any], datetime], Any] | None = None
    chunk_size: int = 500
    # How long after its last complete run the pass counts as late (health).
    expected_every: timedelta = timedelta(hours=26)


_registry: dict[str, PassSpec] = {}


def register_pass(spec: PassSpec) -> PassSpec:
    _registry[spec.name] = spec
    return spec


def pass_spec(name: str) -> PassSpec:
    try:
        return _registry[name]
    except KeyError:
        raise KeyError(f"No pass named {name!r}; registered: {sorted(_registry)}.") from None


def registered_passes() -> list[PassSpec]:
    return sorted(_registry.values(), key=lambda s: s.name)


# --- Running ---------------------------------------------------------------------


def _dispatch(chunk_ids: Iterable[int]) -> None:
    from clinic.tasks import pass_chunk  # the task module imports this one

    for chunk_id in chunk_ids:
        pass_chunk.apply_async(args=[chunk_id], queue=settings.PASS_QUEUE)


def pass_start(name: str, *, now: datetime | None = None, dispatch: bool = True) -> PassRun:
    """Store a run of the pass with its chunks and queue them (after the commit).
    Older unfinished runs of the same pass are superseded: this run covers
    their patients again."""
    spec = pass_spec(name)
    now = now or timezone.now()
    ids = spec.eligible().order_by("pk").values_list("pk", flat=True)
    chunk_size = settings.PASS_CHUNK_SIZE or spec.chunk_size
    with transaction.atomic():
        PassRun.objects.filter(name=name, status=RunStatus.RUNNING).update(
            status=RunStatus.SUPERSEDED
        )
        run = PassRun.objects.create(name=name, started_at=now)
        chunks: list[PassChunk] = []
        batch: list = []
        total = 0
        for pk in ids.iterator(chunk_size=5000):
            batch.append(pk)
            if len(batch) == chunk_size:
                chunks.append(_chunk(run, len(chunks), batch, now))
                total += len(batch)
                batch = []
        if batch:
            chunks.append(_chunk(run, len(chunks), batch, now))
            total += len(batch)
        PassChunk.objects.bulk_create(chunks, batch_size=1000)
        run.chunk_count, run.patient_count = len(chunks), total
        if not chunks:
            run.status, run.finished_at = RunStatus.COMPLETE, now
        run.save(update_fields=["chunk_count", "patient_count", "status", "finished_at"])
        if dispatch:
            chunk_ids = [c.pk for c in chunks]
            transaction.on_commit(lambda: _dispatch(chunk_ids))
    return run


def _chunk(run: PassRun, number: int, ids: list, now: datetime) -> PassChunk:
    return PassChunk(
        run=run, number=number, first_id=ids[0], last_id=ids[-1], size=len(ids), queued_at=now
    )


def chunk_claim(chunk_id: int, *, worker: str = "") -> PassChunk | None:
    """Compare-and-set ``queued`` to ``running``: the chunk, or None when another
    worker has it (or it is finished, or its run was superseded)."""
    claimed = PassChunk.objects.filter(
        pk=chunk_id, state=ChunkState.QUEUED, run__status=RunStatus.RUNNING
    ).update(
        state=ChunkState.RUNNING,
        claimed_at=timezone.now(),
        claimed_by=worker[:100],
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return None
    return PassChunk.objects.select_related("run").get(pk=chunk_id)


@dataclass
class ChunkOutcome:
    state: str
    processed: int = 0
    failed: int = 0


def pass_chunk_run(
    chunk_id: int, *, budget_s: float | None = None, worker: str = ""
) -> ChunkOutcome:
    """Run one chunk if this worker can claim it (what the Celery task calls)."""
    chunk = chunk_claim(chunk_id, worker=worker)
    if chunk is None:
        return ChunkOutcome(state="not-claimed")
    spec = pass_spec(chunk.run.name)
    budget = settings.PASS_CHUNK_BUDGET_S if budget_s is None else budget_s
    deadline = time.monotonic() + budget
    now = chunk.run.started_at
    patients = spec.eligible().filter(pk__gte=chunk.first_id, pk__lte=chunk.last_id)
    if chunk.resume_after is not None:
        patients = patients.filter(pk__gt=chunk.resume_after)
    processed = failed = 0
    last_done = None
    try:
        todo = list(patients.order_by("pk"))
        if spec.run_bulk is not None and todo:
            try:
                with transaction.atomic():
                    spec.run_bulk(todo, now)
                processed, last_done, todo = len(todo), todo[-1].pk, []
            except SoftTimeLimitExceeded:
                raise
            except Exception:
                # Find the patient that fails: one at a time below.
                logger.warning("pass %s chunk %s: bulk failed, one at a time", spec.name, chunk.pk)
        for patient in todo:
            # At least one patient per attempt, so a chunk always progresses.
            if (processed or failed) and time.monotonic() > deadline:
                return _chunk_pause(chunk, last_done, processed, failed)
            try:
                with transaction.atomic():
                    spec.run_patient(patient, now)
                processed += 1
            except SoftTimeLimitExceeded:
                raise
            except Exception as error:
                # Patient id and error type only: messages may quote clinical data.
                logger.error(
                    "pass %s: patient %s failed (%s); skipped",
                    spec.name,
                    patient.pk,
                    type(error).__name__,
                )
                failed += 1
            last_done = patient.pk
    except SoftTimeLimitExceeded:
        return _chunk_pause(chunk, last_done, processed, failed)
    return _chunk_done(chunk, processed, failed)


def _chunk_pause(chunk: PassChunk, last_done, processed: int, failed: int) -> ChunkOutcome:
    """Out of time: record how far the chunk got and queue it again."""
    updates: dict[str, Any] = {
        "state": ChunkState.QUEUED,
        "queued_at": timezone.now(),
        "processed": F("processed") + processed,
        "failed": F("failed") + failed,
        # A pause is progress, not a failed attempt.
        "attempts": 0,
    }
    if last_done is not None:
        updates["resume_after"] = last_done
    PassChunk.objects.filter(pk=chunk.pk, state=ChunkState.RUNNING).update(**updates)
    transaction.on_commit(lambda: _dispatch([chunk.pk]))
    return ChunkOutcome(state="paused", processed=processed, failed=failed)


def _chunk_done(chunk: PassChunk, processed: int, failed: int) -> ChunkOutcome:
    now = timezone.now()
    PassChunk.objects.filter(pk=chunk.pk, state=ChunkState.RUNNING).update(
        state=ChunkState.DONE,
        done_at=now,
        processed=F("processed") + processed,
        failed=F("failed") + failed,
    )
    run_complete_if_done(chunk.run_id, now=now)
    return ChunkOutcome(state="done", processed=processed, failed=failed)


def run_complete_if_done(run_id: uuid.UUID, *, now: datetime | None = None) -> bool:
    """Mark the run complete when no chunk is left (compare-and-set: once)."""
    if PassChunk.objects.filter(run_id=run_id).exclude(state=ChunkState.DONE).exists():
        return False
    return bool(
        PassRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(
            status=RunStatus.COMPLETE, finished_at=now or timezone.now()
        )
    )


@dataclass
class SweepResult:
    requeued: int = 0
    failed: int = 0


def passes_sweep(*, now: datetime | None = None) -> SweepResult:
    """Queue again the chunks that were lost. A chunk running past the lease
    lost its worker. Queued chunks may wait in the broker behind hundreds of
    others, so they are queued again only when their run has stalled: no chunk
    of it claimed or finished for ``PASS_REQUEUE_AFTER_S`` (a lost message; a
    duplicate message is harmless, the claim decides). After
    ``PASS_MAX_ATTEMPTS`` a chunk fails and so does its run."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.PASS_REQUEUE_AFTER_S)
    lease = now - timedelta(seconds=settings.PASS_LEASE_S)
    stalled_runs = [
        run_id
        for run_id, started_at, claimed, done in PassRun.objects.filter(status=RunStatus.RUNNING)
        .annotate(claimed=Max("chunks__claimed_at"), done=Max("chunks__done_at"))
        .values_list("pk", "started_at", "claimed", "done")
        if max(t for t in (started_at, claimed, done) if t is not None) < stale
    ]
    lost = PassChunk.objects.filter(run__status=RunStatus.RUNNING).filter(
        Q(state=ChunkState.QUEUED, queued_at__lt=stale, run_id__in=stalled_runs)
        | Q(state=ChunkState.RUNNING, claimed_at__lt=lease)
    )
    result = SweepResult()
    given_up = list(
        lost.filter(attempts__gte=settings.PASS_MAX_ATTEMPTS).values_list("pk", "run_id")
    )
    for pk, run_id in given_up:
        if (
            PassChunk.objects.filter(pk=pk)
            .exclude(state=ChunkState.DONE)
            .update(state=ChunkState.FAILED)
        ):
            PassRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(
                status=RunStatus.FAILED, finished_at=now
            )
            logger.error("pass chunk %s gave up after %s attempts", pk, settings.PASS_MAX_ATTEMPTS)
            result.failed += 1
    requeue = []
    for pk, state, claimed_at, queued_at in lost.filter(
        attempts__lt=settings.PASS_MAX_ATTEMPTS
    ).values_list("pk", "state", "claimed_at", "queued_at"):
        # Compare-and-set on the state and times seen, so a chunk that a worker
        # has just claimed or finished is left alone.
        updated = PassChunk.objects.filter(
            pk=pk, state=state, claimed_at=claimed_at, queued_at=queued_at
        ).update(state=ChunkState.QUEUED, queued_at=now, claimed_at=None)
        if updated:
            requeue.append(pk)
    if requeue:
        transaction.on_commit(lambda: _dispatch(requeue))
    result.requeued = len(requeue)
    # Keep two weeks of runs (the planning pass runs every 10 minutes).
    PassRun.objects.filter(started_at__lt=now - timedelta(days=14)).delete()
    return result


# --- What the dashboard and the health endpoint read ------------------------------


@dataclass(frozen=True)
class PassState:
    name: str
    label: str
    last_complete_at: datetime | None
    last_complete_patients: int
    last_complete_failed: int
    running_since: datetime | None
    late: bool


def passes_last_complete(*, now: datetime | None = None) -> list[PassState]:
    """For each registered pass: when its last complete run finished (and how
    many patients it covered, how many failed), and whether it is late (no
    complete run within ``expected_every``, or a run failed since)."""
    now = now or timezone.now()
    states = []
    for spec in registered_passes():
        last = (
            PassRun.objects.filter(name=spec.name, status=RunStatus.COMPLETE)
            .order_by("-finished_at")
            .annotate(failed_patients=Sum("chunks__failed"))
            .only("finished_at", "patient_count")
            .first()
        )
        running = (
            PassRun.objects.filter(name=spec.name, status=RunStatus.RUNNING)
            .order_by("started_at")
            .values_list("started_at", flat=True)
            .first()
        )
        failed_since = PassRun.objects.filter(
            name=spec.name,
            status=RunStatus.FAILED,
            finished_at__gt=last.finished_at if last else datetime.min.replace(tzinfo=now.tzinfo),
        ).exists()
        # Late: a run failed since the last complete one, the last complete
        # one is older than expected, or the first run has been going for
        # longer than that (stalled). A pass that never started is not late:
        # the beat's own health check says whether beat runs.
        late = (
            failed_since
            or (
                last is not None
                and (last.finished_at is None or now - last.finished_at > spec.expected_every)
            )
            or (last is None and running is not None and now - running > spec.expected_every)
        )
        states.append(
            PassState(
                name=spec.name,
                label=spec.label,
                last_complete_at=last.finished_at if last else None,
                last_complete_patients=last.patient_count if last else 0,
                last_complete_failed=(last.failed_patients or 0) if last else 0,
                running_since=running,
                late=late,
            )
        )
    return states


def _check_passes() -> CheckResult:
    """The ``passes`` check of ``/health/``: failing when a pass is late (a run
    failed, stalled, or no complete run within its interval). Times and counts
    only, no patient data."""
    states = passes_last_complete()
    return CheckResult(
        not any(s.late for s in states),
        {
            "late": sorted(s.name for s in states if s.late),
            "last_complete_at": {
                s.name: s.last_complete_at.isoformat() if s.last_complete_at else None
                for s in states
            },
        },
    )


register_check("passes", _check_passes)


def run_summary(run: PassRun) -> dict[str, int]:
    """Chunks by state and patients processed/failed (bench and tests)."""
    totals = run.chunks.aggregate(processed=Sum("processed"), failed=Sum("failed"))
    by_state = dict(run.chunks.values_list("state").annotate(n=Count("id")).order_by())
    return {
        "chunks": run.chunk_count,
        "done": by_state.get(ChunkState.DONE, 0),
        "processed": totals["processed"] or 0,
        "failed": totals["failed"] or 0,
    }
