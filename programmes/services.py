"""Plan and programme workflows (STYLE.md 1): each one checks its rule, writes
the rows, records history and an audit event (ids only, no clinical content)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from assessments import api as assessments_api
from assessments.models import Assessment
from clinic.audit import audit_record
from clinic.models import AuditAction
from exercises.models import Exercise
from patients.models import Patient
from programmes.models import (
    OutcomeSchedule,
    PauseSource,
    PlanGoal,
    PlanIntervention,
    PlanPause,
    PlanStatus,
    Prescription,
    ProgrammeTemplate,
    ProgrammeVersion,
    TreatmentPlan,
)
from programmes.models.plans import PAUSE_TEXT_MAX

# Audit actions (plain strings: the AuditAction choices live in the clinic app).

DOSE_FIELDS = (
    "sets",
    "reps",
    "hold_s",
    "duration_min",
    "load",
    "side",
    "sessions_per_day",
    "days_of_week",
    "start_on",
    "end_on",
    "phase",
    "phase_name",
    "pain_rule",
    "notes",
)


class PlanError(Exception):
    """A plan rule refused the change; the message is for the user."""


class RedFlagGateError(PlanError):
    pass


def _audit(
    action: AuditAction, *, plan: TreatmentPlan, by: User, request: HttpRequest | None
) -> None:
    audit_record(
        action=action,
        request=request,
        actor=by,
        obj=plan,
        patient=plan.patient,
    )


# --- creating a plan --------------------------------------------------------


def _instantiate_template(
    *, template: ProgrammeTemplate, version: ProgrammeVersion, start_on: date, by: User
) -> list[Prescription]:
    """Prescriptions from the template's phases, dated from ``start_on``: a phase
    starting in week w runs from day 7(w-1) for its number of weeks."""
    rows = []
    order = 0
    for phase in template.phases.prefetch_related("items__exercise").order_by("number"):
        phase_start = start_on + timedelta(weeks=phase.start_week - 1)
        phase_end = phase_start + timedelta(weeks=phase.duration_weeks) - timedelta(days=1)
        for item in phase.items.all():
            rows.append(
                Prescription(
                    version=version,
                    exercise=item.exercise,
                    order=order,
                    phase=phase.number,
                    phase_name=phase.name,
                    sets=item.sets,
                    reps=item.reps,
                    hold_s=item.hold_s,
                    duration_min=item.duration_min,
                    load=item.load,
                    side=item.side,
                    sessions_per_day=item.sessions_per_day,
                    days_of_week=item.days_of_week,
                    start_on=phase_start,
                    end_on=phase_end,
                    pain_rule="",
                    notes=item.notes,
                )
            )
            order += 1
    return bulk_create_with_history(rows, Prescription, default_user=by)


@transaction.atomic
def plan_create(
    *,
    patient: Patient,
    by: User,
    start_on: date,
    template: ProgrammeTemplate | None = None,
    assessment: Assessment | None = None,
    title: str = "",
    working_diagnosis: str = "",
    review_on: date | None = None,
    request: HttpRequest | None = None,
) -> TreatmentPlan:
    """A draft plan with an unpublished version 1, filled from the template."""
    member = getattr(by, "staff_member", None)
    plan = TreatmentPlan.objects.create(
        patient=patient,
        assessment=assessment,
        template=template,
        clinician=member,
        title=title or (template.name if template else "Treatment plan"),
        working_diagnosis=working_diagnosis,
        start_on=start_on,
        review_on=review_on,
        pain_rule=template.pain_rule if template else "",
        progression_criteria=template.progression_criteria if template else "",
    )
    version = ProgrammeVersion.objects.create(plan=plan, number=1, created_by=by)
    if template is not None:
        _instantiate_template(template=template, version=version, start_on=start_on, by=by)
        bulk_create_with_history(
            [
                OutcomeSchedule(
                    plan=plan,
                    instrument_code=o.instrument_code,
                    at_weeks=o.at_weeks,
                    every_weeks=o.every_weeks,
                )
                for o in template.outcomes.all()
            ],
            OutcomeSchedule,
            default_user=by,
        )
    _audit(AuditAction.PLAN_CREATE, plan=plan, by=by, request=request)
    return plan


@transaction.atomic
def plan_update(
    *, plan: TreatmentPlan, by: User, request: HttpRequest | None = None
) -> TreatmentPlan:
    """Save the plan's details (diagnosis, review date, links) from a bound form."""
    if not plan.is_editable:
        raise PlanError("A completed or discontinued plan cannot be changed.")
    plan.save()
    _audit(AuditAction.PLAN_CHANGE, plan=plan, by=by, request=request)
    return plan


# --- versions ---------------------------------------------------------------


def _lock(plan: TreatmentPlan) -> TreatmentPlan:
    """Re-read the plan under a row lock so two edits cannot both make version n + 1."""
    locked = TreatmentPlan.objects.select_for_update().select_related("patient").get(pk=plan.pk)
    plan.status = locked.status
    return locked


def _current_version(plan: TreatmentPlan) -> ProgrammeVersion:
    """The plan's latest version; every plan is created with version 1."""
    version = plan.current_version()
    if version is None:
        raise PlanError("This plan has no programme version.")
    return version


def _editable_version(*, plan: TreatmentPlan, by: User, note: str) -> ProgrammeVersion:
    """The version an edit goes into: version 1 in place while the plan is a
    draft; for an active plan, a copy that is in force from today (the old one
    ends today and is left untouched)."""
    locked = _lock(plan)
    if locked.status == PlanStatus.DRAFT:
        return _current_version(locked)
    if locked.status != PlanStatus.ACTIVE:
        raise PlanError("A completed or discontinued plan cannot be changed.")
    current = _current_version(locked)
    # An active plan's versions are published: valid_from is set.
    assert current.valid_from is not None
    today = locked.patient.local_today()
    starts = max(today, current.valid_from)
    current.valid_until = starts
    current.save(update_fields=["valid_until"])
    new = ProgrammeVersion.objects.create(
        plan=locked,
        number=current.number + 1,
        valid_from=starts,
        change_note=note[:200],
        created_by=by,
    )
    copies = []
    for p in current.prescriptions.all():
        fields = p.copy_fields()
        copies.append(Prescription(version=new, **fields))
    bulk_create_with_history(copies, Prescription, default_user=by)
    return new


def _in_version(version: ProgrammeVersion, prescription: Prescription) -> Prescription:
    """The row of ``prescription``'s lineage in ``version``."""
    found = version.prescriptions.filter(lineage=prescription.lineage).first()
    if found is None:
        raise PlanError("That exercise is no longer in the programme.")
    return found


def _check_current(plan: TreatmentPlan, prescription: Prescription) -> None:
    """Only the current version is edited: an old version is a record."""
    if prescription.version.plan_id != plan.pk:
        raise PlanError("That exercise is not in this plan.")
    latest = plan.versions.aggregate(n=Max("number"))["n"]
    if prescription.version.number != latest:
        raise PlanError("That version has been replaced; edit the current one.")


@transaction.atomic
def prescription_add(
    *,
    plan: TreatmentPlan,
    exercise: Exercise,
    by: User,
    dose: dict,
    request: HttpRequest | None = None,
) -> Prescription:
    version = _editable_version(plan=plan, by=by, note=f"Added {exercise.name}")
    last = version.prescriptions.aggregate(n=Max("order"))["n"]
    if not dose.get("phase_name"):
        same_phase = version.prescriptions.filter(phase=dose.get("phase", 1)).first()
        dose = {**dose, "phase_name": same_phase.phase_name if same_phase else ""}
    prescription = Prescription(
        version=version,
        exercise=exercise,
        order=0 if last is None else last + 1,
        **{k: v for k, v in dose.items() if k in DOSE_FIELDS},
    )
    prescription.full_clean(exclude=["version", "lineage"])
    prescription.save()
    _audit(AuditAction.PLAN_CHANGE, plan=plan, by=by, request=request)
    return prescription


def _prescription_revise(
    *,
    plan: TreatmentPlan,
    prescription: Prescription,
    by: User,
    note: str,
    exercise: Exercise | None,
    changes: dict,
    request: HttpRequest | None,
) -> Prescription:
    """The prescription's row in the editable version (a new version of an
    active programme), with another exercise and/or dose; validated, audited."""
    _check_current(plan, prescription)
    version = _editable_version(plan=plan, by=by, note=note)
    target = _in_version(version, prescription)
    if exercise is not None:
        target.exercise = exercise
    for key, value in changes.items():
        if key in DOSE_FIELDS:
            setattr(target, key, value)
    target.full_clean(exclude=["version", "lineage"])
    target.save()
    _audit(AuditAction.PLAN_CHANGE, plan=plan, by=by, request=request)
    return target


@transaction.atomic
def prescription_change(
    *,
    plan: TreatmentPlan,
    prescription: Prescription,
    by: User,
    changes: dict,
    request: HttpRequest | None = None,
) -> Prescription:
    return _prescription_revise(
        plan=plan,
        prescription=prescription,
        by=by,
        note=f"Changed {prescription.exercise.name}",
        exercise=None,
        changes=changes,
        request=request,
    )


@transaction.atomic
def prescription_step(
    *,
    plan: TreatmentPlan,
    prescription: Prescription,
    by: User,
    exercise: Exercise | None = None,
    changes: dict | None = None,
    note: str,
    request: HttpRequest | None = None,
) -> Prescription:
    """Apply an accepted progression proposal: a new programme version in which the
    prescription's lineage moves to ``exercise`` (the next along the progression link)
    or takes the dose ``changes``. Only a clinician's accept calls this (issue 14)."""
    return _prescription_revise(
        plan=plan,
        prescription=prescription,
        by=by,
        note=note,
        exercise=exercise,
        changes=changes or {},
        request=request,
    )


@transaction.atomic
def prescription_remove(
    *, plan: TreatmentPlan, prescription: Prescription, by: User, request: HttpRequest | None = None
) -> ProgrammeVersion:
    _check_current(plan, prescription)
    version = _editable_version(plan=plan, by=by, note=f"Removed {prescription.exercise.name}")
    _in_version(version, prescription).delete()
    _audit(AuditAction.PLAN_CHANGE, plan=plan, by=by, request=request)
    return version


@transaction.atomic
def prescription_move(
    *,
    plan: TreatmentPlan,
    prescription: Prescription,
    by: User,
    direction: str,
    request: HttpRequest | None = None,
) -> ProgrammeVersion:
    """Move an exercise up or down within its phase."""
    _check_current(plan, prescription)
    version = _editable_version(plan=plan, by=by, note=f"Reordered {prescription.exercise.name}")
    target = _in_version(version, prescription)
    rows = list(version.prescriptions.filter(phase=target.phase).order_by("order", "id"))
    i = next(n for n, row in enumerate(rows) if row.pk == target.pk)
    j = i - 1 if direction == "up" else i + 1
    if 0 <= j < len(rows):
        rows[i], rows[j] = rows[j], rows[i]
        base = min(row.order for row in rows)
        for n, row in enumerate(rows):
            row.order = base + n
        bulk_update_with_history(rows, Prescription, ["order"], default_user=by)
    _audit(AuditAction.PLAN_CHANGE, plan=plan, by=by, request=request)
    return version


# --- status -----------------------------------------------------------------


@transaction.atomic
def plan_activate(
    *, plan: TreatmentPlan, by: User, request: HttpRequest | None = None
) -> ProgrammeVersion:
    """Publish version 1 from the later of the start date and today.

    Refused while the patient has a red-flag event without a recorded action
    (SPEC 6.3: red flags are dealt with before a plan goes live)."""
    locked = _lock(plan)
    if locked.status != PlanStatus.DRAFT:
        raise PlanError("Only a draft plan can be activated.")
    if assessments_api.patient_has_unactioned_red_flags(locked.patient):
        raise RedFlagGateError(
            "This patient has a red flag without a recorded action. Record the action "
            "(or an override with a reason) before activating the plan."
        )
    version = _current_version(locked)
    if not version.prescriptions.exists():
        raise PlanError("Add at least one exercise before activating the plan.")
    version.valid_from = max(locked.start_on, locked.patient.local_today())
    version.save(update_fields=["valid_from"])
    plan.status = locked.status = PlanStatus.ACTIVE
    plan.activated_at = locked.activated_at = timezone.now()
    locked.save(update_fields=["status", "activated_at", "updated_at"])
    _audit(AuditAction.PLAN_ACTIVATE, plan=locked, by=by, request=request)
    return version


@transaction.atomic
def plan_close(
    *, plan: TreatmentPlan, by: User, status: str, request: HttpRequest | None = None
) -> TreatmentPlan:
    """Complete or discontinue a plan: the programme stops from today."""
    if status not in (PlanStatus.COMPLETED, PlanStatus.DISCONTINUED):
        raise PlanError("Choose completed or discontinued.")
    locked = _lock(plan)
    if locked.status not in (PlanStatus.DRAFT, PlanStatus.ACTIVE, PlanStatus.PAUSED):
        raise PlanError("This plan is already closed.")
    today = locked.patient.local_today()
    for pause in locked.pauses.filter(ended_on__isnull=True):
        pause.ended_on = max(today, pause.started_on)
        pause.save(update_fields=["ended_on"])
    current = locked.versions.order_by("-number").first()
    if current is not None and current.is_published:
        current.valid_until = max(locked.patient.local_today(), current.valid_from)
        current.save(update_fields=["valid_until"])
    locked.status = status
    locked.ended_at = timezone.now()
    locked.save(update_fields=["status", "ended_at", "updated_at"])
    plan.status = status
    _audit(AuditAction.PLAN_CHANGE, plan=locked, by=by, request=request)
    return locked


def _pause_text(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise PlanError(f"Give a {what}.")
    if len(text) > PAUSE_TEXT_MAX:
        raise PlanError(f"The {what} can be at most {PAUSE_TEXT_MAX:,} characters.")
    return text


@transaction.atomic
def plan_pause(
    *,
    plan: TreatmentPlan,
    by: User | None,
    reason: str,
    source: str = PauseSource.BY_HAND,
    check_in_id: uuid.UUID | None = None,
    request: HttpRequest | None = None,
) -> PlanPause | None:
    """Pause an active plan from the patient's today (issue 13): a red flag at
    a home check-in (``source=CHECK_IN``) or a clinician by hand (holiday,
    awaiting investigation). Returns None when the plan is already paused
    (a second red-flag check-in keeps the first pause and its reason)."""
    locked = _lock(plan)
    if locked.status == PlanStatus.PAUSED:
        return None
    if locked.status != PlanStatus.ACTIVE:
        raise PlanError("Only an active plan can be paused.")
    if source not in PauseSource.values:
        raise PlanError("Unknown reason for the pause.")
    pause = PlanPause.objects.create(
        plan=locked,
        source=source,
        reason=_pause_text(reason, "reason for the pause"),
        started_on=locked.patient.local_today(),
        paused_at=timezone.now(),
        paused_by=by,
        check_in_id=check_in_id,
    )
    plan.status = locked.status = PlanStatus.PAUSED
    locked.save(update_fields=["status", "updated_at"])
    audit_record(
        action=AuditAction.PLAN_PAUSE,
        request=request,
        actor=by,
        obj=locked,
        patient=locked.patient,
    )
    return pause


@transaction.atomic
def plan_resume(
    *, plan: TreatmentPlan, by: User, note: str, request: HttpRequest | None = None
) -> PlanPause | None:
    """A clinician resumes a paused plan with a note (why it is safe to go on):
    the programme runs again from the patient's today."""
    locked = _lock(plan)
    if locked.status != PlanStatus.PAUSED:
        raise PlanError("Only a paused plan can be resumed.")
    note = _pause_text(note, "note on why the programme can go on")
    pause = locked.pauses.filter(ended_on__isnull=True).order_by("-paused_at").first()
    if pause is not None:
        pause.ended_on = max(locked.patient.local_today(), pause.started_on)
        pause.resumed_at = timezone.now()
        pause.resumed_by = by
        pause.resume_note = note
        pause.save(update_fields=["ended_on", "resumed_at", "resumed_by", "resume_note"])
    plan.status = locked.status = PlanStatus.ACTIVE
    locked.save(update_fields=["status", "updated_at"])
    _audit(AuditAction.PLAN_RESUME, plan=locked, by=by, request=request)
    return pause


# --- goals and in-clinic interventions ---------------------------------------


@transaction.atomic
def goal_add(
    *, plan: TreatmentPlan, goal: PlanGoal, by: User, request: HttpRequest | None = None
) -> PlanGoal:
    if not plan.is_editable:
        raise PlanError("A completed or discontinued plan cannot be changed.")
    goal.plan = plan
    goal.save()
    _audit(AuditAction.PLAN_CHANGE, plan=plan, by=by, request=request)
    return goal


@transaction.atomic
def goal_remove(
    *, plan: TreatmentPlan, goal: PlanGoal, by: User, request: HttpRequest | None = None
) -> None:
    if not plan.is_editable:
        raise PlanError("A completed or discontinued plan cannot be changed.")
    goal.delete()
    _audit(AuditAction.PLAN_CHANGE, plan=plan, by=by, request=request)


@transaction.atomic
def intervention_add(
    *,
    plan: TreatmentPlan,
    intervention: PlanIntervention,
    by: User,
    request: HttpRequest | None = None,
) -> PlanIntervention:
    if not plan.is_editable:
        raise PlanError("A completed or discontinued plan cannot be changed.")
    intervention.plan = plan
    intervention.save()
    _audit(AuditAction.PLAN_CHANGE, plan=plan, by=by, request=request)
    return intervention


@transaction.atomic
def intervention_remove(
    *,
    plan: TreatmentPlan,
    intervention: PlanIntervention,
    by: User,
    request: HttpRequest | None = None,
) -> None:
    if not plan.is_editable:
        raise PlanError("A completed or discontinued plan cannot be changed.")
    intervention.delete()
    _audit(AuditAction.PLAN_CHANGE, plan=plan, by=by, request=request)


def plan_viewed(*, plan: TreatmentPlan, request: HttpRequest) -> None:
    # Plan pages are for signed-in staff only (the views require a login).
    assert isinstance(request.user, User)
    _audit(AuditAction.PLAN_VIEW, plan=plan, by=request.user, request=request)
