"""Progress figures for the patient and the clinician, aggregated in the
database with bounded rows, so pages stay fast with years of daily logs:
questionnaires due, pain over time, the adherence calendar and PAD walking."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Avg, F, Max, Sum
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import dateformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments.models import OutcomeResponse
from assessments.services import PATIENT_QUESTIONNAIRES
from exercises.models import Category
from patients.models import Patient
from programmes import api
from tracking.adherence import adherence_days
from tracking.models import CheckIn, SessionLog

CALENDAR_WEEKS = 8

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


def _day(d: date) -> str:
    # "E": the month's name as a date needs it (Polish genitive); "F" in English.
    return dateformat.format(d, "j E Y")


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
            summary = _("Your pain at check-in on %(day)s was %(pain)s out of 10.") % {
                "day": _day(first["checked_on"]),
                "pain": first["pain"],
            }
        else:
            summary = _(
                "Your pain at check-in went from %(first)s out of 10 on %(first_day)s "
                "to %(last)s out of 10 on %(last_day)s."
            ) % {
                "first": first["pain"],
                "first_day": _day(first["checked_on"]),
                "last": last["pain"],
                "last_day": _day(last["checked_on"]),
            }
    else:
        summary = _("You have not done a check-in yet.")
    if weekly:
        summary += " " + _(
            "During your exercises your pain averaged %(pain)s out of 10 in the week of %(day)s."
        ) % {
            "pain": number_format(round(weekly[-1]["pain"], 1), 1),
            "day": _day(_as_date(weekly[-1]["week"])),
        }
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
    status: str  # done, partial, missed, rest, today, future, before

    @property
    def label(self) -> str:
        words = {
            "done": _("all sessions done"),
            "partial": _("%(done)s of %(prescribed)s sessions done")
            % {"done": self.done, "prescribed": self.prescribed},
            "missed": _("missed"),
            "rest": _("rest day"),
            "before": _("before your programme started"),
            "today": _("today, %(done)s of %(prescribed)s done so far")
            % {"done": self.done, "prescribed": self.prescribed},
            "future": _("to come"),
        }
        return _("%(day)s: %(status)s") % {"day": _day(self.day), "status": words[self.status]}


def adherence_calendar(patient: Patient, today: date, weeks: int = CALENDAR_WEEKS) -> dict:
    """Done and missed days over the last ``weeks`` weeks (Monday-first rows),
    from the one adherence rule (``tracking.adherence``) and the clinic's
    threshold: a day's session counts as done when every exercise of it was
    logged done (SPEC 5). The calendar starts at the programme's first day."""
    start = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    end = start + timedelta(weeks=weeks) - timedelta(days=1)
    by_day = {d.day: d for d in adherence_days(patient, start, end)}
    first_day = min((d.day for d in by_day.values() if d.prescribed), default=None)
    aim = patient.clinic.adherence_threshold_percent
    rows, prescribed_total, done_total = [], 0, 0
    day = start
    while day <= end:
        week = []
        for _weekday in range(7):
            counted = by_day[day]
            prescribed, done = counted.prescribed, counted.completed
            if day > today:
                status = "future"
            elif first_day is None or day < first_day:
                status = "before"
            elif prescribed == 0:
                status = "rest"
            elif done >= prescribed:
                status = "done"
            elif day == today:
                status = "today"
            elif done or counted.attempted:
                status = "partial"
            else:
                status = "missed"
            if day < today or (day == today and status == "done"):
                prescribed_total += prescribed
                done_total += done
            week.append(CalendarDay(day, prescribed, done, status))
            day += timedelta(days=1)
        rows.append(week)
    # Issue 18: the calendar starts in the programme's first week; the weeks
    # before it are not shown (they are not rest days). No programme day in the
    # window: the current week only.
    rows = rows[-1:] if first_day is None else [w for w in rows if w[-1].day >= first_day]
    percent = round(done_total / prescribed_total * 100) if prescribed_total else None
    due_today = by_day[today].prescribed if today in by_day else 0
    if percent is None and due_today:
        summary = ngettext(
            "You have %(count)s exercise session today; this calendar fills in as you log them.",
            "You have %(count)s exercise sessions today; this calendar fills in as you log them.",
            due_today,
        ) % {"count": due_today}
    elif percent is None:
        summary = _("No exercise sessions were due in the last %(weeks)s weeks.") % {"weeks": weeks}
    else:
        verdict = (
            _("well done, that meets the aim")
            if percent >= aim
            else _("the aim is %(aim)s%% or more") % {"aim": aim}
        )
        summary = _(
            "In the last %(weeks)s weeks you completed %(done)s of %(prescribed)s "
            "exercise sessions (%(percent)s%%); %(verdict)s."
        ) % {
            "weeks": weeks,
            "done": done_total,
            "prescribed": prescribed_total,
            "percent": percent,
            "verdict": verdict,
        }
    has_before = any(d.status == "before" for week in rows for d in week)
    return {
        "weeks": rows,
        "percent": percent,
        "summary": summary,
        "aim": aim,
        "has_before": has_before,
    }


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
        .attempted()
        .annotate(week=TruncWeek("performed_on"))
        .values("week")
        .annotate(minutes=Sum(Coalesce("duration_min_done", F("prescription__duration_min"))))
        .order_by("week")
    )
    weekly = [w for w in weekly if w["minutes"]]
    if not weekly:
        return {"has_data": False, "labels": [], "values": [], "summary": ""}
    first, last = weekly[0], weekly[-1]
    if len(weekly) > 1:
        summary = _(
            "In the week of %(day)s you walked %(minutes)s minutes; in your first week, "
            "the week of %(first_day)s, you walked %(first_minutes)s minutes."
        ) % {
            "day": _day(_as_date(last["week"])),
            "minutes": last["minutes"],
            "first_day": _day(_as_date(first["week"])),
            "first_minutes": first["minutes"],
        }
    else:
        summary = _("In the week of %(day)s you walked %(minutes)s minutes.") % {
            "day": _day(_as_date(last["week"])),
            "minutes": last["minutes"],
        }
    return {
        "has_data": True,
        "labels": [_as_date(w["week"]).isoformat() for w in weekly],
        "values": [w["minutes"] for w in weekly],
        "summary": summary,
    }
