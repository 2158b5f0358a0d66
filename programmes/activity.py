"""What the patient does at home, through the portal (issue 6): logging
exercise sessions, check-ins with the red-flag self-screen, progress figures,
reminder preferences and the private calendar feed.

Typed keyword-only services (``<entity>_<action>``) and read helpers that
aggregate in the database, so pages stay fast with years of daily logs.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, F, Max, Q, Sum
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import timezone

from programmes import api, self_screen
from programmes.alerts import alert_raise
from programmes.models import (
    AlertKind,
    AlertUrgency,
    CalendarFeed,
    Category,
    CheckIn,
    PlanStatus,
    Prescription,
    ProgrammeVersion,
    ReminderPreference,
    SessionLog,
    SessionOutcome,
)

ADHERENT_PERCENT = 80  # SPEC 5: adherent at 80 % or more [S96] (default; clinics may change)
CALENDAR_WEEKS = 8
FEED_DAYS_BACK, FEED_DAYS_AHEAD = 7, 56


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


def today_cards(patient, day: date) -> list[TodayCard]:
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


def today_card(patient, day: date, prescription_id) -> TodayCard | None:
    """One card of today's list, or None when that prescription is not the
    patient's or not due that day (the view answers 404)."""
    for card in today_cards(patient, day):
        if card.prescription.pk == prescription_id:
            return card
    return None


@transaction.atomic
def session_log_save(
    *,
    patient,
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
) -> SessionLog:
    """Log one exercise of one session; logging it again that day updates the
    same row (one per prescription, day and session: the database decides)."""
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
    if outcome == SessionOutcome.SKIPPED and not skip_reason:
        raise ActivityError("Tell us why you skipped it.")
    if outcome == SessionOutcome.PARTIAL and not (sets_done or reps_done or duration_min_done):
        raise ActivityError("Tell us how much you did: sets and reps, or minutes.")
    values = {
        "patient": patient,
        "version": prescription.version,
        "outcome": outcome,
        "skip_reason": skip_reason if outcome == SessionOutcome.SKIPPED else "",
        "sets_done": sets_done if outcome == SessionOutcome.PARTIAL else None,
        "reps_done": reps_done if outcome == SessionOutcome.PARTIAL else None,
        "duration_min_done": duration_min_done if outcome != SessionOutcome.SKIPPED else None,
        "pain_during": pain_during,
        "difficulty": difficulty if outcome != SessionOutcome.SKIPPED else None,
    }
    key = {
        "prescription": prescription,
        "performed_on": performed_on,
        "session_number": session_number,
    }
    try:
        with transaction.atomic():
            log, _ = SessionLog.objects.update_or_create(**key, defaults=values)
    except IntegrityError:  # a double tap raced us: update the winner's row
        log, _ = SessionLog.objects.update_or_create(**key, defaults=values)
    return log


# ---------------------------------------------------------------------------
# Check-in: pain now and the red-flag self-screen
# ---------------------------------------------------------------------------


@transaction.atomic
def check_in_submit(*, patient, pain_now: int, answers: dict[str, bool]) -> CheckIn:
    """Store the check-in; any "yes" on the self-screen raises an urgent
    clinician alert at once (one unresolved per patient, ``alert_raise``)."""
    if not 0 <= pain_now <= 10:
        raise ActivityError("Choose a number from 0 to 10.")
    clean = {q.code: bool(answers.get(q.code)) for q in self_screen.QUESTIONS}
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
    return CheckIn.objects.create(
        patient=patient,
        checked_on=api.patient_today(patient),
        pain_now=pain_now,
        answers=clean,
        red_flags=flags,
        urgency=urgency,
        alert=alert,
    )


def last_check_in(patient) -> CheckIn | None:
    return CheckIn.objects.for_patient(patient).order_by("-created_at").first()


# ---------------------------------------------------------------------------
# Questionnaires due by the plan's outcome schedule
# ---------------------------------------------------------------------------

DEFAULT_PROGRAMME_WEEKS = 12
# A clinician's score a few days before a due date (the review visit) counts.
DUE_GRACE_DAYS = 3


def instrument_code_for(schedule_code: str) -> str:
    """Registry code of a schedule's instrument ("VISA-A" -> "visa_a")."""
    return schedule_code.strip().lower().replace("-", "_")


@dataclass
class DueQuestionnaire:
    code: str
    due_on: date
    answered_on: date | None


def questionnaires_due(patient, today: date) -> list[DueQuestionnaire]:
    """Per questionnaire in the active plan's outcome schedule (that a patient
    can answer alone): the latest due date on or before today and whether it
    has been answered since (by the patient or in an assessment). Three queries."""
    from assessments.models import OutcomeResponse
    from assessments.services import PATIENT_QUESTIONNAIRES

    plan = api.active_plan(patient)
    if plan is None:
        return []
    weeks = DEFAULT_PROGRAMME_WEEKS
    if plan.review_on:
        weeks = max(1, (plan.review_on - plan.start_on).days // 7)
    due: dict[str, date] = {}
    for schedule in plan.outcomes.all():
        code = instrument_code_for(schedule.instrument_code)
        if code not in PATIENT_QUESTIONNAIRES:
            continue
        dates = [d for d in schedule.due_dates(plan.start_on, weeks) if d <= today]
        if dates:
            due[code] = max(dates[-1], due.get(code, dates[-1]))
    if not due:
        return []
    latest = dict(
        OutcomeResponse.objects.filter(patient=patient, instrument_code__in=list(due))
        .values("instrument_code")
        .annotate(last=Max("assessed_on"))
        .values_list("instrument_code", "last")
    )
    result = []
    for code, due_on in sorted(due.items()):
        last = latest.get(code)
        answered = last if last and last >= due_on - timedelta(days=DUE_GRACE_DAYS) else None
        result.append(DueQuestionnaire(code=code, due_on=due_on, answered_on=answered))
    return result


# ---------------------------------------------------------------------------
# Progress: aggregated in the database, bounded rows
# ---------------------------------------------------------------------------


def _day(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


@dataclass
class Series:
    labels: list[str]
    values: list[float | None]
    summary: str


def pain_progress(patient, today: date) -> dict:
    """Check-in pain (latest per day) and weekly average pain during exercise,
    over the last year. At most 366 + 53 rows."""
    since = today - timedelta(days=365)
    checkins = list(
        CheckIn.objects.filter(patient=patient, checked_on__gte=since)
        .values("checked_on")
        .annotate(pain=Max("pain_now"))
        .order_by("checked_on")
    )
    weekly = list(
        SessionLog.objects.filter(
            patient=patient, performed_on__gte=since, pain_during__isnull=False
        )
        .annotate(week=TruncWeek("performed_on"))
        .values("week")
        .annotate(pain=Avg("pain_during"))
        .order_by("week")
    )
    if checkins:
        first, last = checkins[0], checkins[-1]
        if len(checkins) == 1:
            summary = f"Your pain at check-in on {_day(first['checked_on'])} was {first['pain']} out of 10."
        else:
            summary = (
                f"Your pain at check-in went from {first['pain']} out of 10 on "
                f"{_day(first['checked_on'])} to {last['pain']} out of 10 on "
                f"{_day(last['checked_on'])}."
            )
    else:
        summary = "You have not done a check-in yet."
    if weekly:
        summary += (
            f" During your exercises your pain averaged {weekly[-1]['pain']:.1f} out of 10 "
            f"in the week of {_day(_as_date(weekly[-1]['week']))}."
        )
    return {
        "checkins": {
            "labels": [c["checked_on"].isoformat() for c in checkins],
            "values": [c["pain"] for c in checkins],
        },
        "exercise": {
            "labels": [_as_date(w["week"]).isoformat() for w in weekly],
            "values": [round(float(w["pain"]), 1) for w in weekly],
        },
        "summary": summary,
        "has_data": bool(checkins or weekly),
    }


def _as_date(value) -> date:
    return value.date() if isinstance(value, datetime) else value


@dataclass
class CalendarDay:
    day: date
    prescribed: int
    done: int
    status: str  # done, partial, missed, rest, today, future

    @property
    def label(self) -> str:
        words = {
            "done": "all sessions done",
            "partial": f"{self.done} of {self.prescribed} sessions done",
            "missed": "missed",
            "rest": "rest day",
            "today": f"today, {self.done} of {self.prescribed} done so far",
            "future": "to come",
        }
        return f"{_day(self.day)}: {words[self.status]}"


def adherence_calendar(patient, today: date, weeks: int = CALENDAR_WEEKS) -> dict:
    """Done and missed days over the last ``weeks`` weeks (Monday-first rows).
    Sessions prescribed come from the versions in force each day; sessions done
    are distinct sessions with an exercise done or partly done (SPEC 5:
    sessions completed / prescribed). Three queries, whatever the history."""
    start = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    end = start + timedelta(weeks=weeks) - timedelta(days=1)
    versions = list(
        ProgrammeVersion.objects.filter(plan__patient=patient)
        .exclude(plan__status=PlanStatus.DRAFT)
        .published()
        .filter(valid_from__lte=end)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=start))
        .prefetch_related("prescriptions")
    )
    done_by_day = dict(
        SessionLog.objects.filter(patient=patient, performed_on__range=(start, end))
        .completed()
        .values("performed_on")
        .annotate(n=Count("session_number", distinct=True))
        .values_list("performed_on", "n")
    )
    rows, prescribed_total, done_total = [], 0, 0
    day = start
    while day <= end:
        week = []
        for _ in range(7):
            prescribed = sum(v.sessions_on(day) for v in versions)
            done = min(done_by_day.get(day, 0), prescribed) if prescribed else 0
            if day > today:
                status = "future"
            elif prescribed == 0:
                status = "rest"
            elif done >= prescribed:
                status = "done"
            elif day == today:
                status = "today"
            elif done:
                status = "partial"
            else:
                status = "missed"
            if day < today or (day == today and status == "done"):
                prescribed_total += prescribed
                done_total += done
            week.append(CalendarDay(day, prescribed, done, status))
            day += timedelta(days=1)
        rows.append(week)
    percent = round(done_total / prescribed_total * 100) if prescribed_total else None
    due_today = sum(v.sessions_on(today) for v in versions)
    if percent is None and due_today:
        summary = (
            f"You have {due_today} exercise session{'s' if due_today != 1 else ''} today; "
            "this calendar fills in as you log them."
        )
    elif percent is None:
        summary = f"No exercise sessions were due in the last {weeks} weeks."
    else:
        verdict = (
            "well done, that meets the aim"
            if percent >= ADHERENT_PERCENT
            else f"the aim is {ADHERENT_PERCENT}% or more"
        )
        summary = (
            f"In the last {weeks} weeks you did {done_total} of {prescribed_total} exercise "
            f"sessions ({percent}%); {verdict}."
        )
    return {"weeks": rows, "percent": percent, "summary": summary, "aim": ADHERENT_PERCENT}


def walking_progress(patient, today: date) -> dict:
    """Minutes of walking (aerobic exercises) per week over the last two years,
    for the PAD programme: the minutes logged, or the prescribed minutes when a
    walk was logged as done without a time. At most 105 rows."""
    since = today - timedelta(weeks=104)
    weekly = list(
        SessionLog.objects.filter(
            patient=patient,
            performed_on__gte=since,
            prescription__exercise__category=Category.AEROBIC,
        )
        .completed()
        .annotate(week=TruncWeek("performed_on"))
        .values("week")
        .annotate(minutes=Sum(Coalesce("duration_min_done", F("prescription__duration_min"))))
        .order_by("week")
    )
    weekly = [w for w in weekly if w["minutes"]]
    if not weekly:
        return {"has_data": False, "labels": [], "values": [], "summary": ""}
    first, last = weekly[0], weekly[-1]
    summary = f"In the week of {_day(_as_date(last['week']))} you walked {last['minutes']} minutes"
    if len(weekly) > 1:
        summary += (
            f"; in your first week, the week of {_day(_as_date(first['week']))}, "
            f"you walked {first['minutes']} minutes."
        )
    else:
        summary += "."
    return {
        "has_data": True,
        "labels": [_as_date(w["week"]).isoformat() for w in weekly],
        "values": [w["minutes"] for w in weekly],
        "summary": summary,
    }


# ---------------------------------------------------------------------------
# Reminder preferences (patient side) and the calendar feed
# ---------------------------------------------------------------------------


def reminder_preference_for(patient) -> ReminderPreference:
    """The patient's preferences, unsaved defaults when there are none yet."""
    try:
        return ReminderPreference.objects.get(patient=patient)
    except ReminderPreference.DoesNotExist:
        return ReminderPreference(patient=patient)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_feed_create(*, patient) -> str:
    """A new private feed token (the old link stops working). Only its hash is stored."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.filter(patient=patient).delete()
    CalendarFeed.objects.create(patient=patient, token_hash=_token_hash(token))
    return token


def calendar_feed_revoke(*, patient) -> None:
    CalendarFeed.objects.filter(patient=patient).delete()


def calendar_feed_for_token(token: str) -> CalendarFeed | None:
    if not token or len(token) > 100:
        return None
    return (
        CalendarFeed.objects.select_related("patient").filter(token_hash=_token_hash(token)).first()
    )


def calendar_feed_ics(*, feed: CalendarFeed) -> bytes:
    """The feed: one "Exercise session" event per prescribed session, at the
    patient's reminder times (local, with the time zone) or all day. No
    clinical detail: no exercise names, no condition, no clinic notes."""
    from icalendar import Calendar, Event

    patient = feed.patient
    zone = ZoneInfo(patient.time_zone)
    today = api.patient_today(patient)
    start, end = today - timedelta(days=FEED_DAYS_BACK), today + timedelta(days=FEED_DAYS_AHEAD)
    versions = list(
        ProgrammeVersion.objects.filter(plan__patient=patient, plan__status=PlanStatus.ACTIVE)
        .published()
        .filter(valid_from__lte=end)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=start))
        .prefetch_related("prescriptions")
    )
    preference = reminder_preference_for(patient)
    times = sorted(preference.local_times or [])
    calendar = Calendar()
    calendar.add("prodid", "-//Clinic patient portal//Exercise sessions//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Exercise sessions")
    stamp = timezone.now()
    day = start
    while day <= end:
        sessions = sum(v.sessions_on(day) for v in versions)
        for number in range(1, sessions + 1):
            event = Event()
            event.add("uid", f"{day.isoformat()}-{number}-{feed.pk}@clinic-portal")
            event.add("summary", "Exercise session")
            event.add("dtstamp", stamp)
            if number <= len(times):
                hour, minute = (int(x) for x in times[number - 1].split(":"))
                begins = datetime.combine(day, time(hour, minute), tzinfo=zone)
                event.add("dtstart", begins)
                event.add("dtend", begins + timedelta(minutes=30))
            else:
                event.add("dtstart", day)
                event.add("dtend", day + timedelta(days=1))
            calendar.add_component(event)
        day += timedelta(days=1)
    CalendarFeed.objects.filter(pk=feed.pk).update(last_fetched_at=stamp)
    return calendar.to_ical()
