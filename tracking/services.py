"""What the patient does at home, through the portal or reported by phone:
exercise sessions due today and their logs, and check-ins with the red-flag
self-screen.

Typed keyword-only services (``<entity>_<action>``); pages read through
``tracking.progress`` and ``tracking.adherence``.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext

from alerts.models import AlertKind, AlertUrgency
from alerts.services import alert_raise
from clinic.audit import audit_record
from clinic.models import AuditAction, StaffMember
from patients.models import Patient
from programmes import api
from programmes.models import PauseSource, Prescription
from programmes.progression import CLAUDICATION_EXERCISES
from programmes.services import plan_pause
from tracking import sciatica, self_screen, tasks
from tracking.alert_rules import pain_check
from tracking.models import (
    CLAUDICATION_ONSET_MAX_MIN,
    SESSION_NOTE_MAX,
    CheckIn,
    MorningPain,
    SessionLog,
    SessionOutcome,
)

logger = logging.getLogger(__name__)


class ActivityError(Exception):
    """A domain rule said no; the view shows the message next to the form."""


# ---------------------------------------------------------------------------
# Today: exercises due and their logs
# ---------------------------------------------------------------------------


@dataclass
class TodayCard:
    prescription: Prescription
    logs: dict[int, SessionLog] = field(default_factory=dict)

    @property
    def sessions(self) -> list[tuple[int, SessionLog | None]]:
        return [(n, self.logs.get(n)) for n in range(1, self.prescription.sessions_per_day + 1)]

    @property
    def next_session(self) -> int:
        for number, log in self.sessions:
            if log is None:
                return number
        return 1

    @property
    def all_logged(self) -> bool:
        return len(self.logs) >= self.prescription.sessions_per_day


def today_cards(patient: Patient, day: date) -> list[TodayCard]:
    """The exercises due on ``day`` with the logs already made that day.
    Queries: active plan, version in force, version + prescriptions with
    exercises (prefetch), that day's logs: constant in the number of exercises."""
    due = api.exercises_due(patient, day)
    if not due:
        return []
    cards = {p.pk: TodayCard(p) for p in due}
    for log in SessionLog.objects.filter(
        patient=patient, performed_on=day, prescription_id__in=list(cards)
    ):
        cards[log.prescription_id].logs[log.session_number] = log
    return list(cards.values())


def today_card(patient: Patient, day: date, prescription_id: uuid.UUID) -> TodayCard | None:
    """One card of today's list, or None when that prescription is not the
    patient's or not due that day (the view answers 404)."""
    for card in today_cards(patient, day):
        if card.prescription.pk == prescription_id:
            return card
    return None


@transaction.atomic
def session_log_save(
    *,
    patient: Patient,
    prescription: Prescription,
    performed_on: date,
    session_number: int,
    outcome: str,
    skip_reason: str = "",
    sets_done: int | None = None,
    reps_done: int | None = None,
    duration_min_done: int | None = None,
    pain_during: int | None = None,
    difficulty: int | None = None,
    entered_by: StaffMember | None = None,
    note: str = "",
    previous_next_morning: str = "",
    claudication_onset_min: int | None = None,
) -> SessionLog:
    """Log one exercise of one session; logging it again that day updates the
    same row (one per prescription, day and session: the database decides).
    ``entered_by``: the staff member who took it by phone (it counts the same)."""
    if prescription.version.plan.patient_id != patient.pk:
        raise ActivityError("This exercise is not in your programme.")
    if not prescription.version.in_force_on(performed_on) or not prescription.is_due_on(
        performed_on
    ):
        raise ActivityError("This exercise is not due on that day.")
    if not 1 <= session_number <= prescription.sessions_per_day:
        raise ActivityError(
            f"Choose a session from 1 to {prescription.sessions_per_day} for this exercise."
        )
    if len(note) > SESSION_NOTE_MAX:
        raise ActivityError(f"The note can be at most {SESSION_NOTE_MAX:,} characters.")
    if previous_next_morning not in ("", *MorningPain.values):
        raise ActivityError("Choose one of the answers shown.")
    if claudication_onset_min is not None and not (
        0 <= claudication_onset_min <= CLAUDICATION_ONSET_MAX_MIN
    ):
        raise ActivityError(f"Give the minutes from 0 to {CLAUDICATION_ONSET_MAX_MIN}.")
    if outcome == SessionOutcome.SKIPPED and not skip_reason:
        raise ActivityError("Tell us why you skipped it.")
    if outcome == SessionOutcome.PARTIAL and not (sets_done or reps_done or duration_min_done):
        raise ActivityError("Tell us how much you did: sets and reps, or minutes.")
    values: dict[str, Any] = {
        "patient": patient,
        "version": prescription.version,
        "outcome": outcome,
        "skip_reason": skip_reason if outcome == SessionOutcome.SKIPPED else "",
        "sets_done": sets_done if outcome == SessionOutcome.PARTIAL else None,
        "reps_done": reps_done if outcome == SessionOutcome.PARTIAL else None,
        "duration_min_done": duration_min_done if outcome != SessionOutcome.SKIPPED else None,
        "pain_during": pain_during,
        "difficulty": difficulty if outcome != SessionOutcome.SKIPPED else None,
        "previous_next_morning": previous_next_morning,
        "claudication_onset_min": (
            claudication_onset_min if outcome != SessionOutcome.SKIPPED else None
        ),
        "entered_by": entered_by,
        "note": note,
    }
    key: dict[str, Any] = {
        "prescription": prescription,
        "performed_on": performed_on,
        "session_number": session_number,
    }
    # update_or_create runs in its own savepoint, so a lost race leaves the
    # transaction usable for the retry.
    try:
        log, _ = SessionLog.objects.update_or_create(**key, defaults=values)
    except IntegrityError:  # a double tap raced us: update the winner's row
        log, _ = SessionLog.objects.update_or_create(**key, defaults=values)
    # The caseload lists proposals as stored: refreshed after each log (issue 14), off
    # the patient's request.
    plan_id = str(prescription.version.plan_id)
    transaction.on_commit(lambda: _queue_proposals_refresh(plan_id))
    return log


def _queue_proposals_refresh(plan_id: str) -> None:
    try:
        tasks.plan_proposals_refresh.delay(plan_id)
    except Exception as error:  # broker down: the nightly pass stores them
        logger.warning("proposals not queued for plan %s: %s", plan_id, type(error).__name__)


# How far back a session reported by phone may be dated (a bounded date: the
# form refuses older ones with a message).
PHONE_LOG_DAYS_BACK = 28


def phone_log_prescriptions(patient: Patient) -> list[Prescription]:
    """The exercises of the programme in force today (for the phone form)."""
    version = api.version_on(patient, patient.local_today())
    return list(version.prescriptions.all()) if version else []


@transaction.atomic
def session_log_by_phone(
    *,
    patient: Patient,
    lineage: uuid.UUID,
    performed_on: date,
    session_number: int,
    outcome: str,
    by: User,
    staff_member: StaffMember,
    skip_reason: str = "",
    pain_during: int | None = None,
    difficulty: int | None = None,
    sets_done: int | None = None,
    reps_done: int | None = None,
    duration_min_done: int | None = None,
    note: str = "",
    previous_next_morning: str = "",
    claudication_onset_min: int | None = None,
    request: HttpRequest | None = None,
) -> SessionLog:
    """A session the patient reported by phone, logged by a clinician on their
    behalf (issue 13): it counts like any other log, marked as entered by
    staff, audited. ``lineage`` names the exercise across programme versions;
    the log points at the version in force on ``performed_on``. The progression
    rules' answers (issue 14) can be given too, as in the portal."""
    today = patient.local_today()
    if performed_on > today:
        raise ActivityError("A session cannot be logged for a day that has not come yet.")
    if performed_on < today - timedelta(days=PHONE_LOG_DAYS_BACK):
        raise ActivityError(
            f"Sessions can be logged by phone up to {PHONE_LOG_DAYS_BACK} days back."
        )
    version = api.version_on(patient, performed_on)
    prescription = next(
        (p for p in (version.prescriptions.all() if version else []) if p.lineage == lineage),
        None,
    )
    if prescription is None:
        raise ActivityError("That exercise was not in the programme on that day.")
    if claudication_onset_min is not None and (
        prescription.exercise.slug not in CLAUDICATION_EXERCISES
    ):
        raise ActivityError("Minutes before the leg pain started apply to walking exercises only.")
    log = session_log_save(
        patient=patient,
        prescription=prescription,
        performed_on=performed_on,
        session_number=session_number,
        outcome=outcome,
        skip_reason=skip_reason,
        sets_done=sets_done,
        reps_done=reps_done,
        duration_min_done=duration_min_done,
        pain_during=pain_during,
        difficulty=difficulty,
        entered_by=staff_member,
        note=note,
        previous_next_morning=previous_next_morning,
        claudication_onset_min=claudication_onset_min,
    )
    audit_record(
        action=AuditAction.SESSION_BY_PHONE, request=request, actor=by, obj=log, patient=patient
    )
    return log


# ---------------------------------------------------------------------------
# Check-in: pain now and the red-flag self-screen
# ---------------------------------------------------------------------------


@transaction.atomic
def check_in_submit(
    *,
    patient: Patient,
    pain_now: int,
    answers: dict[str, bool],
    sciatica_answers: sciatica.SciaticaAnswers | None = None,
) -> CheckIn:
    """Store the check-in; any "yes" on the self-screen raises an urgent
    clinician alert at once (one unresolved per patient, ``alert_raise``), and
    the pain rule runs on the pain reported (one pain alert at most).
    ``sciatica_answers`` (back-related leg pain, ``tracking.sciatica``): weakness in both
    legs counts as the self-screen's "both legs" answer; the trend and its alert follow."""
    if not 0 <= pain_now <= 10:
        raise ActivityError("Choose a number from 0 to 10.")
    routed = sciatica.self_screen_codes(sciatica_answers) if sciatica_answers else []
    clean = {q.code: bool(answers.get(q.code)) or q.code in routed for q in self_screen.QUESTIONS}
    flags = [code for code, yes in clean.items() if yes]
    urgency = self_screen.urgency_of(flags)
    alert = None
    if flags:
        level = "E (emergency now)" if urgency == self_screen.EMERGENCY else "U (same day)"
        alert = alert_raise(
            patient=patient,
            kind=AlertKind.RED_FLAG_REPORTED,
            urgency=AlertUrgency.URGENT,
            summary=(
                f"Portal check-in: red-flag symptoms reported ({', '.join(flags)}); "
                f"level {level}. Patient advised accordingly."
            ),
        )
    check_in = CheckIn.objects.create(
        patient=patient,
        checked_on=patient.local_today(),
        pain_now=pain_now,
        answers=clean,
        red_flags=flags,
        urgency=urgency,
        alert=alert,
    )
    if sciatica_answers is not None:
        sciatica.sciatica_record(patient=patient, check_in=check_in, answers=sciatica_answers)
    pain_check(patient, today=check_in.checked_on)
    if urgency in (self_screen.EMERGENCY, self_screen.SAME_DAY):
        _pause_for_red_flag(patient, check_in)
    return check_in


def _pause_for_red_flag(patient: Patient, check_in: CheckIn) -> None:
    """A check-in answer that maps to an E or U rule (SPEC 1.0 levels, the
    self-screen's questions) pauses the active plan until a clinician has
    seen why and resumes it (issue 13): the advice says stop the exercises,
    so Today, the reminders and the calendar must stop too."""
    plan = api.active_plan(patient)
    if plan is None:
        return
    level = "E (emergency now)" if check_in.urgency == self_screen.EMERGENCY else "U (same day)"
    # The reason is part of the staff record: in English whatever the
    # patient's portal language (the questions are lazy translations).
    with translation.override("en"):
        questions = "; ".join(
            str(self_screen.BY_CODE[c].text) for c in check_in.red_flags if c in self_screen.BY_CODE
        )
    plan_pause(
        plan=plan,
        by=patient.user,
        source=PauseSource.CHECK_IN,
        reason=f"Home check-in on {check_in.checked_on:%d %b %Y}, level {level}: {questions}.",
        check_in_id=check_in.pk,
    )


def last_check_in(patient: Patient) -> CheckIn | None:
    return CheckIn.objects.for_patient(patient).order_by("-created_at").first()


# ---------------------------------------------------------------------------
# A paused programme: what Today shows instead of the exercises
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PausedNotice:
    title: str
    text: str
    urgent: bool
    clinic_phone: str


def paused_notice(patient: Patient) -> PausedNotice | None:
    """When the patient's programme is paused: the advice for the red flag
    that paused it (the self-screen's own words, SPEC 1.0 levels) or, for a
    pause by hand, that the physiotherapist paused it; with the clinic's phone.
    None when no plan is paused. Two or three queries."""
    plan = api.paused_plan(patient)
    if plan is None:
        return None
    pause = plan.open_pause()
    phone = patient.clinic.phone.as_national if patient.clinic.phone else ""
    urgency = ""
    if pause is not None and pause.check_in_id is not None:
        urgency = (
            CheckIn.objects.filter(pk=pause.check_in_id, patient=patient)
            .values_list("urgency", flat=True)
            .first()
            or ""
        )
    advice = self_screen.ADVICE.get(urgency)
    if advice is not None:
        return PausedNotice(
            title=str(advice["title"]),
            text=str(advice["text"])
            + " "
            + gettext("Your exercises are paused until your physiotherapist has reviewed this."),
            urgent=True,
            clinic_phone=phone,
        )
    return PausedNotice(
        title=gettext("Your programme is paused"),
        text=gettext(
            "Your physiotherapist has paused your exercise programme. Please do not do the "
            "exercises until they tell you to start again. If you are not sure why, call the clinic."
        ),
        urgent=False,
        clinic_phone=phone,
    )
