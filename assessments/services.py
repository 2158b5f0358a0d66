"""Assessment workflows (STYLE.md 1): typed keyword-only services.

Every save of an assessment runs the red-flag engine; a fired rule creates an
immutable RedFlagEvent. Signing is blocked while an event has no resolution.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import update_change_reason

from assessments import red_flags
from assessments.instruments import get_instrument, wording_for
from assessments.models import (
    ONSET_EARLIEST,
    Amendment,
    Assessment,
    AssessmentKind,
    AssessmentStatus,
    EnteredBy,
    OutcomeResponse,
    QuestionnaireDraft,
    RedFlagEvent,
    RedFlagResolution,
    ResolutionKind,
)
from clinic.audit import audit_record
from clinic.history import set_history_user
from clinic.models import AuditAction, StaffMember
from patients.models import Patient


class AssessmentError(Exception):
    """A domain rule said no; the view shows the message next to the form."""


class AssessmentLockedError(AssessmentError):
    pass


class UnactionedRedFlagsError(AssessmentError):
    pass


def assessment_create(
    *,
    patient: Patient,
    clinician: StaffMember,
    kind: str = AssessmentKind.INITIAL,
    assessed_on: date,
    by: User,
) -> Assessment:
    assessment = Assessment.objects.create(
        patient=patient, clinician=clinician, kind=kind, assessed_on=assessed_on
    )
    _audit(assessment, by)
    return assessment


def assessment_save_section(
    *, assessment: Assessment, changes: Mapping[str, Any], section: str, by: User, reason: str = ""
) -> list[RedFlagEvent]:
    """Save one section's fields. A signed assessment needs an amendment reason.

    Returns the red-flag events newly fired by this save."""
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if locked.is_locked and not reason.strip():
            raise AssessmentLockedError(
                "This assessment is signed: give a reason for the amendment."
            )
        onset = changes.get("onset_on", assessment.onset_on)
        if onset and onset > assessment.assessed_on:
            # SPEC 1.2: an onset after the assessment date is refused (whatever the write path).
            raise AssessmentError("The onset date cannot be after the assessment date.")
        if onset and onset < ONSET_EARLIEST:
            raise AssessmentError("Enter an onset date from 1900 on.")
        for name, value in changes.items():
            setattr(assessment, name, value)
        if locked.is_locked:
            assessment.status = AssessmentStatus.AMENDED
            assessment.signed_at = locked.signed_at
            assessment.signed_by_id = locked.signed_by_id
            Amendment.objects.create(
                assessment=assessment, section=section, reason=reason.strip(), by=by
            )
        set_history_user(assessment, by)
        assessment.save()
        if locked.is_locked:
            update_change_reason(assessment, f"Amendment: {reason.strip()}"[:100])
        fired = assessment_run_red_flags(assessment=assessment)
    _audit(assessment, by)
    return fired


def assessment_run_red_flags(*, assessment: Assessment) -> list[RedFlagEvent]:
    """Evaluate the rules and record each newly fired one once per assessment."""
    facts = assessment.facts(previous=assessment.previous())
    existing = set(assessment.red_flags.values_list("rule_id", flat=True))
    created = []
    for fired in red_flags.evaluate(facts):
        if fired.rule_id in existing:
            continue
        try:
            with transaction.atomic():
                created.append(
                    RedFlagEvent.objects.create(
                        assessment=assessment,
                        patient_id=assessment.patient_id,
                        rule_id=fired.rule_id,
                        ruleset_version=red_flags.RULESET_VERSION,
                        title=fired.title,
                        urgency=fired.urgency,
                        action_text=fired.action,
                        sources=", ".join(fired.sources),
                        detail=fired.detail[:300],
                    )
                )
        except IntegrityError:  # a concurrent save recorded it first
            continue
    return created


def red_flag_resolve(
    *, event: RedFlagEvent, kind: str, action: str = "", note: str = "", by: User
) -> RedFlagResolution:
    if kind == ResolutionKind.OVERRIDE and not note.strip():
        raise AssessmentError("An override needs a documented reason.")
    if kind == ResolutionKind.ACTION and not action:
        raise AssessmentError("Choose what was done.")
    try:
        with transaction.atomic():
            resolution = RedFlagResolution(
                event=event, kind=kind, action=action if kind == "action" else "", note=note, by=by
            )
            set_history_user(resolution, by)
            resolution.save()
    except IntegrityError:
        raise AssessmentError("This red flag already has a recorded action.") from None
    _audit(event.assessment, by)
    return resolution


def assessment_sign(*, assessment: Assessment, by: User) -> Assessment:
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if locked.is_locked:
            raise AssessmentLockedError("This assessment is already signed.")
        if RedFlagEvent.objects.filter(assessment=locked).unactioned().exists():
            raise UnactionedRedFlagsError(
                "Record an action (or an override with a reason) for every red flag before signing."
            )
        assessment.status = AssessmentStatus.SIGNED
        assessment.signed_at = timezone.now()
        assessment.signed_by = by
        set_history_user(assessment, by)
        assessment.save(update_fields=["status", "signed_at", "signed_by", "updated_at"])
    _audit(assessment, by)
    return assessment


def outcome_response_save(
    *,
    assessment: Assessment,
    instrument_code: str,
    answers: Mapping[str, Any],
    labels: Mapping[str, str] | None = None,
    by: User,
    reason: str = "",
) -> OutcomeResponse:
    """Score and store one instrument; the score is frozen with its versions."""
    if assessment.is_locked and not reason.strip():
        raise AssessmentLockedError("This assessment is signed: give a reason for the amendment.")
    instrument = get_instrument(instrument_code)
    result = instrument.score(dict(answers))
    if result.errors:
        raise AssessmentError(" ".join(result.errors))
    with transaction.atomic():
        response, _ = OutcomeResponse.objects.select_for_update().get_or_create(
            assessment=assessment,
            instrument_code=instrument.code,
            defaults={
                "patient_id": assessment.patient_id,
                "assessed_on": assessment.assessed_on,
                "instrument_version": instrument.version,
                "scoring_rule_version": instrument.scoring_rule_version,
            },
        )
        response.instrument_version = instrument.version
        response.scoring_rule_version = instrument.scoring_rule_version
        response.answers = {k: v for k, v in answers.items() if v is not None}
        response.labels = dict(labels or {})
        response.total = result.total
        response.complete = result.complete
        response.band = result.band or ""
        response.result = result.as_dict()
        response.assessed_on = assessment.assessed_on
        set_history_user(response, by)
        response.save()
        if assessment.is_locked:
            Amendment.objects.create(
                assessment=assessment,
                section=f"measure:{instrument.code}",
                reason=reason.strip(),
                by=by,
            )
            assessment.status = AssessmentStatus.AMENDED
            set_history_user(assessment, by)
            assessment.save(update_fields=["status", "updated_at"])
        assessment_run_red_flags(assessment=assessment)
    _audit(assessment, by)
    return response


# Questionnaires a patient can answer alone in the portal. PSFS is left out: its
# activities are chosen with the clinician in an assessment (SPEC 2.4).
PATIENT_QUESTIONNAIRES = ("lefs", "nprs", "odi", "akps", "visa_a", "wiq", "ears")


def patient_questionnaire_save(
    *, patient: Patient, code: str, answers: Mapping[str, Any], on: date | None = None
) -> OutcomeResponse:
    """Score a questionnaire the patient answered in the portal through the
    instrument registry and store it with the instrument version, scoring-rule
    version and the frozen result. A second answer on the same local day
    replaces the first. It joins the same trend as clinician-entered responses
    of that instrument and version (``OutcomeResponse.objects.series``)."""
    if code not in PATIENT_QUESTIONNAIRES:
        raise AssessmentError("This questionnaire is not available in the portal.")
    instrument = get_instrument(code)
    clean = {k: v for k, v in dict(answers).items() if v is not None}
    result = instrument.score(clean)
    if result.errors:
        raise AssessmentError(" ".join(result.errors))
    if not result.complete or result.total is None:
        raise AssessmentError("Please answer every question so that we can work out your score.")
    if on is None:
        from zoneinfo import ZoneInfo

        on = timezone.localdate(timezone=ZoneInfo(patient.time_zone))
    with transaction.atomic():
        response, _ = OutcomeResponse.objects.select_for_update().get_or_create(
            assessment=None,
            patient=patient,
            instrument_code=instrument.code,
            assessed_on=on,
            defaults={
                "entered_by": EnteredBy.PATIENT,
                "instrument_version": instrument.version,
                "scoring_rule_version": instrument.scoring_rule_version,
            },
        )
        response.entered_by = EnteredBy.PATIENT
        response.instrument_version = instrument.version
        response.scoring_rule_version = instrument.scoring_rule_version
        response.answers = clean
        response.total = result.total
        response.complete = result.complete
        response.band = result.band or ""
        response.result = result.as_dict()
        set_history_user(response, patient.user)
        response.save()
    audit_record(
        action=AuditAction.PATIENT_CHANGE,
        actor=patient.user,
        obj=response,
        patient_id=patient.pk,
        clinic_id=patient.clinic_id,
    )
    return response


def _audit(assessment: Assessment, by: User) -> None:
    audit_record(
        action=AuditAction.PATIENT_CHANGE,
        actor=by,
        obj=assessment,
        patient=assessment.patient,
    )


# --- Questionnaires one screen at a time, with a draft (issue 18) ---------------

# VISA-A question 8: the patient first says which case applies, then answers only
# that branch; exactly one branch is scored [S53] (SPEC [D] VISA-A).
VISA_Q8_CHOICE: tuple[tuple[str, str], ...] = (
    ("q8a", "I have no pain while doing sport that loads the Achilles tendon"),
    (
        "q8b",
        "I have some pain while doing that sport, but it does not stop me completing "
        "my training or practice",
    ),
    ("q8c", "I have pain that stops me completing my training or practice in that sport"),
)
VISA_Q8_QUESTION = "Question 8: which of these applies to you? Choose one."
BRANCH_CHOICE_CODE = "q8"


@dataclass(frozen=True)
class QuestionnaireStep:
    number: int  # 1-based screen number
    code: str  # item code, or "q8" for the VISA-A branch choice
    label: str
    options: tuple[tuple[str, str], ...]  # (value, label)


def _option_value(value: Any) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def questionnaire_steps(
    code: str, answers: Mapping[str, Any], language: str | None = None
) -> list[QuestionnaireStep]:
    """The screens of a portal questionnaire: one item each; for the VISA-A the
    question 8 choice and then only the branch chosen (8A until one is). The
    wording is the instrument's in ``language`` where one is shipped, else
    English (issue 18: ``instruments.translations``)."""
    instrument = get_instrument(code)
    wording = wording_for(instrument, language)

    def step(item: Any) -> QuestionnaireStep:
        labels = wording.options.get(item.code, {})
        options = tuple(
            (_option_value(o.value), labels.get(o.value, o.label)) for o in item.options
        )
        label = wording.items.get(item.code, item.label)
        return QuestionnaireStep(len(steps) + 1, item.code, label, options)

    steps: list[QuestionnaireStep] = []
    for item in instrument.item_defs:
        if code == "visa_a" and item.code in ("q8a", "q8b", "q8c"):
            continue
        steps.append(step(item))
    if code == "visa_a":
        steps.append(
            QuestionnaireStep(len(steps) + 1, BRANCH_CHOICE_CODE, VISA_Q8_QUESTION, VISA_Q8_CHOICE)
        )
        steps.append(step(instrument.item(str(answers.get(BRANCH_CHOICE_CODE) or "q8a"))))
    return steps


def questionnaire_first_unanswered(code: str, answers: Mapping[str, Any]) -> int:
    """The number of the first screen without an answer (the last one + 1 when
    every screen has one)."""
    steps = questionnaire_steps(code, answers)
    for step in steps:
        if step.code not in answers:
            return step.number
    return len(steps) + 1


def questionnaire_draft_get(*, patient: Patient, code: str) -> QuestionnaireDraft | None:
    return QuestionnaireDraft.objects.filter(patient=patient, instrument_code=code).first()


def questionnaire_draft_answer(
    *, patient: Patient, code: str, item: str, value: Any, step: int
) -> QuestionnaireDraft:
    """Keep one answer in the patient's draft and the screen to show next.
    Choosing another VISA-A question 8 case drops the old branch's answer, so it
    is never scored."""
    instrument = get_instrument(code)
    with transaction.atomic():
        draft, _ = QuestionnaireDraft.objects.select_for_update().get_or_create(
            patient=patient,
            instrument_code=code,
            defaults={"instrument_version": instrument.version},
        )
        if draft.instrument_version != instrument.version:
            draft.answers = {}
            draft.instrument_version = instrument.version
        answers = dict(draft.answers)
        if value is not None:
            if item == BRANCH_CHOICE_CODE and answers.get(item) != value:
                for branch, _label in VISA_Q8_CHOICE:
                    answers.pop(branch, None)
            answers[item] = value
        draft.answers = answers
        draft.step = max(1, step)
        draft.save()
    return draft


def questionnaire_draft_discard(*, patient: Patient, code: str) -> None:
    QuestionnaireDraft.objects.filter(patient=patient, instrument_code=code).delete()


def questionnaire_draft_send(*, patient: Patient, code: str) -> OutcomeResponse:
    """Score and store the draft's answers (only the instrument's items: the
    VISA-A choice itself is not an answer), then delete the draft."""
    draft = questionnaire_draft_get(patient=patient, code=code)
    if draft is None:
        raise AssessmentError("Please answer every question so that we can work out your score.")
    items = set(get_instrument(code).items)
    answers = {k: v for k, v in draft.answers.items() if k in items}
    response = patient_questionnaire_save(patient=patient, code=code, answers=answers)
    draft.delete()
    return response
