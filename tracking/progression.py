"""Symptom-driven progression (issue 14): per exercise of an active plan, propose
progress / hold / regress from what the patient logged, with the reason in words and the
data behind it. A proposal is only ever applied when a clinician accepts it (a new
programme version); a dismissal is recorded too. Only the logs after the latest decision
of an exercise's lineage count towards the next proposal.

The rules (each number a clinic setting with the SPEC's value as default, or the
template's pain rule in ``programmes.progression``):

- regress: sessions skipped for pain >= ``progression_pain_skips`` [D]; or "too hard"
  ``progression_hard_run`` sessions running [D]; or pain during exercise above the
  template's pain rule in the last ``PAIN_RUN`` sessions logged with pain (SPEC 4.x pain
  rules; knee OA and plans without a template: baseline + ``progression_pain_rise``,
  SPEC 4.5 [M]); or pain not back to the usual level by the next morning in the last
  ``PAIN_RUN`` answers (SPEC 4.5 "no increase the next day" [M]; bone stress injury: in
  the last answer, SPEC 4.7 "soreness lasting beyond 24 h -> regress" [S93]);
- progress: pain within the rule in every session counted, none rated hard, and the pain
  back to the usual level by the next morning in every answer counted (SPEC 4.5 [M]), and
  either "too easy" ``progression_easy_run`` sessions running [D], or at least
  ``progression_min_sessions`` sessions done in full [D] (PAD: the full walking time,
  SPEC 4.1 "increase walking distance or speed as tolerated" [S78]; templates that
  progress only when pain-free, SPEC 4.2 [S81] and 4.7 [S93], need pain 0); PAD walking
  also progresses when the claudication pain began after at least
  ``progression_onset_min`` minutes in the last ``progression_easy_run`` sessions that
  recorded it (SPEC 4.1 [S78], claudication onset time SPEC 2.5b [S57]; threshold [D]);
- otherwise hold.

Progress follows the exercise's progression link (unless the template says not to),
otherwise the next dose step (``programmes.progression.dose_step``); regress follows the
regression link or a dose step down.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest

from assessments.models import OutcomeResponse
from clinic.models import Clinic
from exercises.models import Exercise, dose_text
from patients.models import Patient
from programmes import services as programme_services
from programmes.models import PlanStatus, Prescription, ProgrammeVersion, TreatmentPlan
from programmes.progression import PainRule, dose_step, pain_rule_for
from tracking.models import (
    DecisionStatus,
    Effort,
    MorningPain,
    PendingProposal,
    ProgressionDecision,
    ProgressionKind,
    SessionLog,
    SessionOutcome,
)

RULE_VERSION = "prog-2026.1"
PAIN_RUN = 2  # sessions running above the pain rule before a regression [D]
NOTICE_DAYS = 14  # the patient sees "moved you on" for this many days


class ProgressionError(Exception):
    """A proposal that is no longer current, or that has no step to apply."""


@dataclass(frozen=True)
class Thresholds:
    pain_rise: int = 2
    min_sessions: int = 6
    easy_run: int = 2
    hard_run: int = 2
    pain_skips: int = 2
    onset_min: int = 8

    @classmethod
    def for_clinic(cls, clinic: Clinic) -> Thresholds:
        return cls(
            pain_rise=clinic.progression_pain_rise,
            min_sessions=clinic.progression_min_sessions,
            easy_run=clinic.progression_easy_run,
            hard_run=clinic.progression_hard_run,
            pain_skips=clinic.progression_pain_skips,
            onset_min=clinic.progression_onset_min,
        )

    def as_dict(self) -> dict[str, int]:
        return {
            "pain_rise": self.pain_rise,
            "min_sessions": self.min_sessions,
            "easy_run": self.easy_run,
            "hard_run": self.hard_run,
            "pain_skips": self.pain_skips,
            "onset_min": self.onset_min,
        }


@dataclass(frozen=True)
class LogFact:
    performed_on: date
    outcome: str
    skip_reason: str = ""
    pain_during: int | None = None
    difficulty: int | None = None
    duration_min_done: int | None = None
    previous_next_morning: str = ""  # about the session before this one (MorningPain)
    claudication_onset_min: int | None = None


@dataclass(frozen=True)
class Verdict:
    kind: str
    reason: str
    data: dict[str, Any] = field(default_factory=dict)


def _run(values: Sequence[object], n: int, wanted: object) -> bool:
    return len(values) >= n and all(v == wanted for v in values[-n:])


def judge(
    logs: Sequence[LogFact],
    *,
    rule: PainRule,
    thresholds: Thresholds,
    baseline: float | None,
    prescribed_minutes: int | None = None,
) -> Verdict:
    """Progress, hold or regress for one exercise from its logs (oldest first)."""
    th = thresholds
    attempted = [
        log for log in logs if log.outcome in (SessionOutcome.DONE, SessionOutcome.PARTIAL)
    ]
    pains = [log.pain_during for log in attempted if log.pain_during is not None]
    ratings = [log.difficulty for log in attempted if log.difficulty is not None]
    mornings = [log.previous_next_morning for log in logs if log.previous_next_morning]
    onsets = [
        log.claudication_onset_min for log in attempted if log.claudication_onset_min is not None
    ]
    pain_skips = sum(
        1 for log in logs if log.outcome == SessionOutcome.SKIPPED and log.skip_reason == "pain"
    )
    ceiling: float | None = rule.ceiling
    if rule.above_baseline:
        ceiling = baseline + th.pain_rise if baseline is not None else None
    data: dict[str, Any] = {
        "sessions_logged": len(logs),
        "sessions_attempted": len(attempted),
        "pain_during": pains[-th.min_sessions :],
        "effort": [str(Effort(r).label) for r in ratings[-th.min_sessions :]],
        "skipped_for_pain": pain_skips,
        "pain_ceiling": ceiling,
        "baseline_pain": baseline,
        "pain_rule": rule.spec,
        "next_morning_worse": sum(
            1 for m in mornings[-th.min_sessions :] if m == MorningPain.WORSE
        ),
    }
    if rule.walking:
        data["minutes_walked"] = [log.duration_min_done for log in attempted][-th.min_sessions :]
        data["claudication_onset_min"] = onsets[-th.min_sessions :]

    # --- regress
    if pain_skips >= th.pain_skips:
        return Verdict(
            ProgressionKind.REGRESS,
            f"Skipped {pain_skips} sessions for pain (threshold {th.pain_skips}).",
            data,
        )
    if _run(ratings, th.hard_run, Effort.TOO_HARD):
        return Verdict(
            ProgressionKind.REGRESS,
            f"Rated too hard {th.hard_run} sessions running.",
            data,
        )
    if (
        not rule.walking
        and ceiling is not None
        and len(pains) >= PAIN_RUN
        and all(p > ceiling for p in pains[-PAIN_RUN:])
    ):
        last = ", ".join(f"{p}/10" for p in pains[-PAIN_RUN:])
        return Verdict(
            ProgressionKind.REGRESS,
            f"Pain during the exercise above the pain rule ({ceiling:g}/10) in the last "
            f"{PAIN_RUN} sessions: {last}.",
            data,
        )

    if _run(mornings, rule.morning_run, MorningPain.WORSE):
        return Verdict(
            ProgressionKind.REGRESS,
            "Pain not back to the usual level by the next morning "
            + (
                "after the last session."
                if rule.morning_run == 1
                else f"after {rule.morning_run} sessions running."
            ),
            data,
        )

    # --- progress
    recent_pains = pains[-th.min_sessions :]
    within = rule.walking or ceiling is None or all(p <= ceiling for p in recent_pains)
    pain_free_enough = rule.progress_at_most is None or all(
        p <= rule.progress_at_most for p in recent_pains
    )
    recent_ratings = ratings[-max(th.easy_run, th.min_sessions) :]
    strained = any(r >= Effort.HARD for r in recent_ratings[-th.easy_run :])
    settled = MorningPain.WORSE not in mornings[-th.min_sessions :]
    if within and pain_free_enough and not strained and settled:
        if _run(ratings, th.easy_run, Effort.TOO_EASY):
            return Verdict(
                ProgressionKind.PROGRESS,
                f"Rated too easy {th.easy_run} sessions running, with pain within the rule.",
                data,
            )
        if (
            rule.walking
            and len(onsets) >= th.easy_run
            and all(m >= th.onset_min for m in onsets[-th.easy_run :])
        ):
            last = ", ".join(f"{m}" for m in onsets[-th.easy_run :])
            return Verdict(
                ProgressionKind.PROGRESS,
                f"Claudication pain began after at least {th.onset_min} minutes in the last "
                f"{th.easy_run} sessions ({last} minutes).",
                data,
            )
        recent = attempted[-th.min_sessions :]
        if len(recent) >= th.min_sessions:
            if rule.walking:
                if prescribed_minutes and all(
                    (log.duration_min_done or 0) >= prescribed_minutes for log in recent
                ):
                    return Verdict(
                        ProgressionKind.PROGRESS,
                        f"Walked the full {prescribed_minutes} minutes in the last "
                        f"{th.min_sessions} sessions.",
                        data,
                    )
            elif all(log.outcome == SessionOutcome.DONE for log in recent):
                return Verdict(
                    ProgressionKind.PROGRESS,
                    f"{th.min_sessions} sessions done in full with pain within the rule"
                    + (" (pain-free)" if rule.progress_at_most == 0 else "")
                    + ".",
                    data,
                )
    # --- hold
    if not logs:
        reason = "No sessions logged yet."
    elif not settled:
        reason = "Pain not settled by the next morning after a session; keep going at this level."
    elif len(attempted) < th.min_sessions:
        reason = f"{len(attempted)} of {th.min_sessions} sessions logged; keep going at this level."
    elif not within or not pain_free_enough:
        reason = "Some pain above what progress needs; keep going at this level."
    else:
        reason = "Within the pain rule, not yet easy: keep going at this level."
    return Verdict(ProgressionKind.HOLD, reason, data)


@dataclass(frozen=True)
class Proposal:
    prescription: Prescription
    kind: str
    reason: str
    data: dict[str, Any]
    thresholds: Thresholds
    exercise: Exercise | None = None
    changes: dict[str, int] = field(default_factory=dict)
    change: str = ""

    @property
    def lineage(self) -> UUID:
        return self.prescription.lineage

    @property
    def actionable(self) -> bool:
        return self.kind != ProgressionKind.HOLD and bool(self.exercise or self.changes)


def _dose_after(p: Prescription, changes: dict[str, int]) -> str:
    return dose_text(**change_parts(p, None, changes)["dose_after"])


DOSE_FIELDS = ("sets", "reps", "hold_s", "duration_min")


def _library_slug(exercise: Exercise | None) -> str:
    return exercise.slug if exercise is not None and exercise.clinic_id is None else ""


def change_parts(p: Prescription, exercise: Exercise | None, changes: dict[str, int]) -> dict:
    """What changed, as data (stored with the decision): the patient's notice renders it
    in the patient's language at display time (``ProgressionDecision.change_for_patient``)."""
    before = {k: getattr(p, k) for k in DOSE_FIELDS}
    return {
        "exercise": p.exercise.name,
        "to_exercise": exercise.name if exercise is not None else "",
        # Slugs of shipped exercises only: the notice names them in the patient's language.
        "exercise_slug": _library_slug(p.exercise),
        "to_exercise_slug": _library_slug(exercise),
        "dose_before": before,
        "dose_after": {**before, **changes},
    }


def _step(p: Prescription, kind: str, rule: PainRule) -> tuple[Exercise | None, dict, str]:
    direction = 1 if kind == ProgressionKind.PROGRESS else -1
    linked = p.exercise.progression if direction > 0 else p.exercise.regression
    if linked is not None and (rule.follow_links or direction < 0):
        return linked, {}, f"{p.exercise.name} → {linked.name} ({p.dose})"
    changes = dose_step(p, direction)
    if changes:
        return None, changes, f"{p.exercise.name}: {p.dose} → {_dose_after(p, changes)}"
    return None, {}, ""


def baseline_pains(patient_ids: Collection[UUID]) -> dict[UUID, float]:
    """Patient id -> the first NPRS score (the initial assessment), as the pain alert
    rule uses. One query, whatever the number of patients."""
    return dict(
        OutcomeResponse.objects.filter(
            patient_id__in=patient_ids, instrument_code="nprs", total__isnull=False
        )
        .order_by("patient_id", "assessed_on", "created_at")
        .distinct("patient_id")
        .values_list("patient_id", "total")
    )


def baseline_pain(patient: Patient) -> float | None:
    return baseline_pains([patient.pk]).get(patient.pk)


def _current_prescriptions(plans: Sequence[TreatmentPlan]) -> dict[UUID, list[Prescription]]:
    """Plan id -> the prescriptions of its current version (the latest number, as
    ``TreatmentPlan.current_version``), in phase order, each version holding its plan.
    One query."""
    by_id = {plan.pk: plan for plan in plans}
    latest = (
        ProgrammeVersion.objects.filter(plan_id__in=by_id)
        .order_by("plan_id", "-number")
        .distinct("plan_id")
        .values("id")
    )
    rows: dict[UUID, list[Prescription]] = defaultdict(list)
    for p in (
        Prescription.objects.filter(version__in=latest)
        .select_related("version", "exercise__progression", "exercise__regression")
        .order_by("phase", "order")
    ):
        p.version.plan = by_id[p.version.plan_id]
        rows[p.version.plan_id].append(p)
    return rows


def _logs_since_decisions(
    plans: Sequence[TreatmentPlan], rows: dict[UUID, list[Prescription]]
) -> dict[tuple[UUID, UUID], list[LogFact]]:
    """(plan id, lineage) -> the logs of that exercise after its lineage's latest
    decision, oldest first. Two queries: decisions, logs."""
    logs: dict[tuple[UUID, UUID], list[LogFact]] = {
        (plan_id, p.lineage): [] for plan_id, ps in rows.items() for p in ps
    }
    if not logs:
        return logs
    plan_ids = list(rows)
    lineages = {lineage for _, lineage in logs}
    patient_of = {plan.pk: plan.patient_id for plan in plans}
    since: dict[tuple[UUID, UUID], datetime] = {}
    for plan_id, lineage, decided_at in (
        ProgressionDecision.objects.filter(plan_id__in=plan_ids, lineage__in=lineages)
        .order_by("decided_at")
        .values_list("plan_id", "lineage", "decided_at")
    ):
        since[(plan_id, lineage)] = decided_at
    for row in (
        SessionLog.objects.filter(
            patient_id__in=set(patient_of.values()),
            prescription__version__plan_id__in=plan_ids,
            prescription__lineage__in=lineages,
        )
        .order_by("performed_on", "session_number", "logged_at")
        .values(
            "patient_id",
            "prescription__version__plan_id",
            "prescription__lineage",
            "logged_at",
            "performed_on",
            "outcome",
            "skip_reason",
            "pain_during",
            "difficulty",
            "duration_min_done",
            "previous_next_morning",
            "claudication_onset_min",
        )
    ):
        plan_id = row.pop("prescription__version__plan_id")
        key = (plan_id, row.pop("prescription__lineage"))
        logged_at = row.pop("logged_at")
        if row.pop("patient_id") != patient_of[plan_id] or key not in logs:
            continue
        if key in since and logged_at <= since[key]:
            continue
        logs[key].append(LogFact(**row))
    return logs


def _plan_proposals(
    plan: TreatmentPlan,
    rows: list[Prescription],
    logs: dict[tuple[UUID, UUID], list[LogFact]],
    baseline: float | None,
) -> list[Proposal]:
    template_slug = plan.template.slug if plan.template_id and plan.template else None
    rule = pain_rule_for(template_slug)
    thresholds = Thresholds.for_clinic(plan.patient.clinic)
    proposals = []
    for p in rows:
        verdict = judge(
            logs[(plan.pk, p.lineage)],
            rule=rule,
            thresholds=thresholds,
            baseline=baseline,
            prescribed_minutes=p.duration_min,
        )
        exercise: Exercise | None = None
        changes: dict[str, int] = {}
        change = ""
        reason = verdict.reason
        if verdict.kind != ProgressionKind.HOLD:
            exercise, changes, change = _step(p, verdict.kind, rule)
            if not change:
                reason += " No next step to apply: adjust the exercise by hand."
        proposals.append(
            Proposal(p, verdict.kind, reason, verdict.data, thresholds, exercise, changes, change)
        )
    return proposals


def proposals_for_plans(plans: Sequence[TreatmentPlan]) -> dict[UUID, list[Proposal]]:
    """Plan id -> one proposal per exercise of its current version (active plans only;
    the others get none). Four queries whatever the number of plans and exercises:
    prescriptions, decisions, logs, baselines (the plans' template and clinic are read
    from the plans: select them with the plans)."""
    active = [plan for plan in plans if plan.status == PlanStatus.ACTIVE]
    found: dict[UUID, list[Proposal]] = {plan.pk: [] for plan in plans}
    if not active:
        return found
    rows = _current_prescriptions(active)
    if not rows:
        return found
    logs = _logs_since_decisions(active, rows)
    baselines = baseline_pains({plan.patient_id for plan in active})
    for plan in active:
        found[plan.pk] = _plan_proposals(
            plan, rows.get(plan.pk, []), logs, baselines.get(plan.patient_id)
        )
    return found


def proposals_for_plan(plan: TreatmentPlan) -> list[Proposal]:
    """One proposal per exercise of the plan's current version (active plans only)."""
    return proposals_for_plans([plan])[plan.pk]


def proposals_refresh_many(plans: Sequence[TreatmentPlan]) -> int:
    """Store the plans' actionable proposals for the caseload (``PendingProposal``),
    replacing the previous ones; none for a plan that is not active. Returns the count.
    Six queries at most whatever the number of plans: the four reads, a delete, an insert."""
    if not plans:
        return 0
    found = proposals_for_plans(plans)
    fresh = [(plan, p) for plan in plans for p in found[plan.pk] if p.kind != ProgressionKind.HOLD]
    PendingProposal.objects.filter(plan__in=[plan.pk for plan in plans]).delete()
    PendingProposal.objects.bulk_create(
        PendingProposal(
            patient_id=plan.patient_id,
            plan=plan,
            lineage=p.lineage,
            prescription=p.prescription,
            kind=p.kind,
            reason=p.reason[:300],
            change=p.change[:300],
        )
        for plan, p in fresh
    )
    return len(fresh)


def proposals_refresh(plan: TreatmentPlan) -> int:
    return proposals_refresh_many([plan])


def proposals_refresh_patients(patients: Sequence[Patient]) -> int:
    """Every plan of the patients (the nightly pass): active plans' proposals afresh,
    and the stale rows of ended plans go. Seven queries at most, whatever the number of
    patients: the plans, then ``proposals_refresh_many``."""
    plans = (
        TreatmentPlan.objects.filter(patient__in=[patient.pk for patient in patients])
        .filter(
            Q(status=PlanStatus.ACTIVE)
            | Exists(PendingProposal.objects.filter(plan=OuterRef("pk")))
        )
        .select_related("template", "patient__clinic")
        .order_by("pk")
    )
    return proposals_refresh_many(list(plans))


def proposals_refresh_patient(patient: Patient) -> int:
    return proposals_refresh_patients([patient])


def _current(plan: TreatmentPlan, lineage: UUID) -> Proposal:
    found = next((p for p in proposals_for_plan(plan) if p.lineage == lineage), None)
    if found is None or not found.actionable:
        raise ProgressionError("This proposal is no longer current: the page has been updated.")
    return found


def _decide(
    proposal: Proposal, plan: TreatmentPlan, status: str, by: User, result_version=None
) -> ProgressionDecision:
    return ProgressionDecision.objects.create(
        patient_id=plan.patient_id,
        plan=plan,
        lineage=proposal.lineage,
        prescription=proposal.prescription,
        kind=proposal.kind,
        status=status,
        reason=proposal.reason[:300],
        change=proposal.change[:300],
        data={
            **proposal.data,
            "thresholds": proposal.thresholds.as_dict(),
            "change_parts": change_parts(
                proposal.prescription, proposal.exercise, proposal.changes
            ),
        },
        rule_version=RULE_VERSION,
        result_version=result_version,
        decided_by=by,
    )


def proposal_accept(
    *, plan: TreatmentPlan, lineage: UUID, by: User, request: HttpRequest | None = None
) -> ProgressionDecision:
    """Apply the current proposal for one exercise: a new programme version."""
    with transaction.atomic():
        # Serialise decisions on this plan: a double click applies once.
        TreatmentPlan.objects.select_for_update().filter(pk=plan.pk).first()
        proposal = _current(plan, lineage)
        step = programme_services.prescription_step(
            plan=plan,
            prescription=proposal.prescription,
            by=by,
            exercise=proposal.exercise,
            changes=proposal.changes,
            note=f"{proposal.kind.capitalize()}: {proposal.change}"[:200],
            request=request,
        )
        decision = _decide(proposal, plan, DecisionStatus.ACCEPTED, by, step.version)
        proposals_refresh(plan)
        return decision


def proposal_dismiss(*, plan: TreatmentPlan, lineage: UUID, by: User) -> ProgressionDecision:
    with transaction.atomic():
        TreatmentPlan.objects.select_for_update().filter(pk=plan.pk).first()
        proposal = _current(plan, lineage)
        decision = _decide(proposal, plan, DecisionStatus.DISMISSED, by)
        proposals_refresh(plan)
        return decision


def recent_changes_for_patient(patient: Patient, today: date) -> list[ProgressionDecision]:
    """Accepted decisions of the last ``NOTICE_DAYS`` days, for the patient's portal."""
    return list(
        ProgressionDecision.objects.filter(
            patient=patient,
            status=DecisionStatus.ACCEPTED,
            decided_at__date__gte=today - timedelta(days=NOTICE_DAYS),
        ).order_by("-decided_at")[:5]
    )
