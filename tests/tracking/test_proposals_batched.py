"""The nightly progression proposals pass (issue 14) on the fast path: a chunk's
patients are judged in a constant number of queries, by the same rules as one
patient alone (the one-patient path is the bulk path with one patient), and one
patient's bad row never stops the chunk for the others."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clinic import passes
from clinic.models import RunStatus
from patients.models import Patient
from programmes import services as programme_services
from programmes.models import TreatmentPlan
from tests.factories import PatientFactory
from tests.programmes.helpers import log_sessions, make_plan
from tracking.models import PendingProposal, SessionLog
from tracking.passes import PROGRESSION_PROPOSALS, proposals_patient
from tracking.progression import proposal_dismiss

pytestmark = pytest.mark.django_db

START = date(2026, 3, 2)  # a Monday
NOW = timezone.make_aware(timezone.datetime(2026, 3, 20, 3, 0))


def _patient_with_plan(clinic, clinician) -> tuple[Patient, TreatmentPlan]:
    patient = PatientFactory(clinic=clinic, assigned_clinician=clinician.staff_member)
    plan = make_plan(patient, clinician, slug="pfp-hip-knee", start_on=START)
    with time_machine.travel(START, tick=False):
        programme_services.plan_activate(plan=plan, by=clinician)
    return patient, plan


def _log(plan, slug, count, *, pain=2, effort=3, outcome="done"):
    return log_sessions(
        plan, slug, count, first_day=START, pain=pain, effort=effort, outcome=outcome
    )


def _chunk(patients: list[Patient]) -> list[Patient]:
    spec = passes.pass_spec(PROGRESSION_PROPOSALS)
    return list(spec.eligible().filter(pk__in=[p.pk for p in patients]).order_by("pk"))


def _bulk_queries(patients: list[Patient]) -> int:
    spec = passes.pass_spec(PROGRESSION_PROPOSALS)
    assert spec.run_bulk is not None
    chunk = _chunk(patients)
    with CaptureQueriesContext(connection) as queries:
        spec.run_bulk(chunk, NOW)
    return len(queries)


def _stored() -> set[tuple]:
    return set(
        PendingProposal.objects.values_list(
            "patient_id", "plan_id", "lineage", "prescription_id", "kind", "reason", "change"
        )
    )


def test_a_chunks_proposals_take_the_same_few_queries_for_2_or_6_patients(clinic, clinician):
    plans = [_patient_with_plan(clinic, clinician)[1] for _ in range(6)]
    for plan in plans:
        _log(plan, "clamshell", 6)
        _log(plan, "step-down", 2, outcome="skipped")
    small = _bulk_queries([plan.patient for plan in plans[:2]])
    large = _bulk_queries([plan.patient for plan in plans])
    # Plans, current prescriptions, decisions, logs, baselines, one delete, one insert.
    assert small == large == 7
    assert PendingProposal.objects.count() == 12  # a progress and a regress each
    assert set(PendingProposal.objects.values_list("kind", flat=True)) == {"progress", "regress"}


def test_the_bulk_path_stores_what_the_one_patient_path_stores(clinic, clinician):
    progress = _patient_with_plan(clinic, clinician)
    hold = _patient_with_plan(clinic, clinician)
    regress = _patient_with_plan(clinic, clinician)
    nothing = _patient_with_plan(clinic, clinician)
    dismissed = _patient_with_plan(clinic, clinician)
    ended = _patient_with_plan(clinic, clinician)
    _log(progress[1], "clamshell", 6)
    _log(progress[1], "step-down", 2, effort=5)  # too hard twice: regress
    _log(hold[1], "clamshell", 3)
    _log(regress[1], "step-down", 2, outcome="skipped")
    _log(regress[1], "clamshell", 2, pain=9)  # above the rule twice: regress
    _log(dismissed[1], "step-down", 2, outcome="skipped")
    proposal_dismiss(
        plan=dismissed[1],
        lineage=dismissed[1]
        .current_version()
        .prescriptions.get(exercise__slug="step-down")
        .lineage,
        by=clinician,
    )  # the logs before the decision no longer count
    stale_rx = _log(ended[1], "clamshell", 6)
    programme_services.plan_pause(plan=ended[1], by=clinician, reason="Away")

    def stale_row() -> None:
        PendingProposal.objects.create(
            patient_id=ended[0].pk,
            plan=ended[1],
            lineage=stale_rx.lineage,
            prescription=stale_rx,
            kind="progress",
            reason="Computed before the pause.",
        )

    patients = [progress[0], hold[0], regress[0], nothing[0], dismissed[0], ended[0]]
    stale_row()
    spec = passes.pass_spec(PROGRESSION_PROPOSALS)
    assert spec.run_bulk is not None
    assert spec.run_bulk(_chunk(patients), NOW) == 4
    bulk = _stored()

    PendingProposal.objects.all().delete()
    stale_row()
    for patient in _chunk(patients):
        proposals_patient(patient, NOW)
    assert _stored() == bulk
    kinds = sorted((row[0], row[4]) for row in bulk)
    assert kinds == sorted(
        [
            (progress[0].pk, "progress"),
            (progress[0].pk, "regress"),
            (regress[0].pk, "regress"),
            (regress[0].pk, "regress"),
        ]
    )  # hold, nothing, the dismissed one and the paused plan's stale row: none stored


def test_one_patients_bad_row_does_not_stop_the_chunk_for_the_others(clinic, clinician):
    good, bad, other = (_patient_with_plan(clinic, clinician) for _ in range(3))
    for _, plan in (good, bad, other):
        _log(plan, "clamshell", 6)
    # A rating outside the scale (an old import): judging that patient fails.
    SessionLog.objects.filter(patient=bad[0]).update(difficulty=9)
    run = passes.pass_start(PROGRESSION_PROPOSALS, now=NOW, dispatch=False)
    assert passes.pass_chunk_run(run.chunks.get().pk).state == "done"
    run.refresh_from_db()
    assert run.status == RunStatus.COMPLETE
    assert passes.run_summary(run) == {"chunks": 1, "done": 1, "processed": 2, "failed": 1}
    proposed = set(PendingProposal.objects.values_list("patient_id", flat=True))
    assert proposed == {good[0].pk, other[0].pk}
