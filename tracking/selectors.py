"""What the patient does at home, for the clinician (issue 13): the record's
progress section, the plan page's headline figures, the session log and the
caseload. Every adherence figure comes from the one rule (``tracking.adherence``).

Query budgets are constant in the amount of history (years of daily logs): the
rule reads the programme's logs as tuples once; pain and walking are
aggregated in the database; lists are bounded.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.utils import translation

from alerts.models import OPEN_ALERT_STATUSES, Alert, AlertKind, AttentionSignal
from assessments.selectors import Trend, patient_outcome_trends
from clinic.models import StaffMember
from patients.models import Patient
from programmes.models import PlanStatus, TreatmentPlan
from tracking import self_screen
from tracking.adherence import AdherenceOverview, adherence_overview, adherence_ranges_many
from tracking.alert_rules import PAIN_RISE
from tracking.models import CheckIn, PendingProposal, SessionLog, SkipReason
from tracking.progress import pain_progress, walking_progress

SESSION_LOG_PREVIEW = 10
SESSION_LOG_PAGE = 25
CHECK_INS_SHOWN = 5
ALERTS_SHOWN = 20


def session_logs(patient: Patient) -> QuerySet[SessionLog]:
    """The patient's logs, newest first, with what a row shows (one query a page)."""
    return (
        SessionLog.objects.filter(patient=patient)
        .select_related("prescription__exercise", "entered_by__user")
        .order_by("-performed_on", "-session_number", "-logged_at")
    )


@dataclass(frozen=True)
class CheckInRow:
    check_in: CheckIn
    answered_yes: list[str]

    @property
    def urgency_label(self) -> str:
        return self.check_in.get_urgency_display()

    @property
    def sciatica(self) -> str:
        """The sciatica self-tracking answers in words (issue 14), "" when not asked."""
        c = self.check_in
        if c.leg_extent is None:
            return ""
        with translation.override("en"):
            reach = str(c.get_leg_extent_display()).lower()
            weakness = str(c.get_leg_weakness_display()).lower()
        parts = [f"back {c.back_pain}/10, leg {c.leg_pain}/10", f"reaches: {reach}"]
        parts.append("numbness" if c.leg_numbness else "no numbness")
        parts.append(f"weakness: {weakness}")
        return "; ".join(parts)


def sciatica_summary(rows: list[CheckInRow]) -> str:
    """Centralising or peripheralising over the check-ins shown (newest first), from the
    trend stored with each one (``tracking.sciatica``); "" when none was asked."""
    answered = [r.check_in for r in reversed(rows) if r.check_in.leg_extent is not None]
    if not answered:
        return ""
    with translation.override("en"):
        reaches = [str(c.get_leg_extent_display()).lower() for c in answered]
    first, last = answered[0].leg_extent or 0, answered[-1].leg_extent or 0
    if len(answered) == 1:
        overall = "one report so far"
    elif last < first:
        overall = "centralising"
    elif last > first:
        overall = "peripheralising"
    else:
        overall = "no change in extent"
    return (
        f"Sciatica: leg pain reaches {' → '.join(reaches)} ({overall}; leg pain "
        f"{answered[0].leg_pain}/10 → {answered[-1].leg_pain}/10, back pain "
        f"{answered[0].back_pain}/10 → {answered[-1].back_pain}/10)."
    )


def _date(d: date) -> str:
    return f"{d.day} {d:%b %Y}"


def staff_pain_summary(pain: dict[str, Any]) -> str:
    """The pain chart's text for the clinician (the portal's is for the patient)."""
    parts = []
    checkins = pain["checkins"]
    if checkins["values"]:
        first, last = checkins["values"][0], checkins["values"][-1]
        first_on = date.fromisoformat(checkins["labels"][0])
        last_on = date.fromisoformat(checkins["labels"][-1])
        if len(checkins["values"]) == 1:
            parts.append(f"Check-in pain {first}/10 on {_date(first_on)}.")
        else:
            change = last - first
            trend = f"{'+' if change > 0 else ''}{change}" if change else "no change"
            parts.append(
                f"Check-in pain {first}/10 on {_date(first_on)}, {last}/10 on "
                f"{_date(last_on)} ({trend}; {len(checkins['values'])} check-ins)."
            )
    else:
        parts.append("No check-ins yet.")
    exercise = pain["exercise"]
    if exercise["values"]:
        week = date.fromisoformat(exercise["labels"][-1])
        parts.append(
            f"Pain during exercise averaged {exercise['values'][-1]:.1f}/10 in the week of "
            f"{_date(week)}."
        )
    else:
        parts.append("No pain during exercise logged.")
    return " ".join(parts)


@dataclass
class RecordProgress:
    overview: AdherenceOverview
    missed: list[tuple[str, int]]
    logs: list[SessionLog]
    more_logs: bool
    pain: dict[str, Any]
    walking: dict[str, Any]
    trends: list[Trend]
    check_ins: list[CheckInRow]
    alerts: list[Alert]
    sciatica: str = ""
    charts: dict[str, Any] = field(default_factory=dict)


def missed_reasons(overview: AdherenceOverview) -> list[tuple[str, int]]:
    """Skipped sessions by reason over the programme, most frequent first."""
    labels = dict(SkipReason.choices)
    return sorted(
        (
            (str(labels.get(reason, reason)), count)
            for reason, count in overview.programme.missed_reasons.items()
        ),
        key=lambda row: (-row[1], row[0]),
    )


def open_alerts(patient: Patient) -> list[Alert]:
    return list(
        Alert.objects.filter(patient=patient, status__in=OPEN_ALERT_STATUSES).order_by(
            "urgency", "-raised_at"
        )[:ALERTS_SHOWN]
    )


def record_progress(patient: Patient, *, today: date | None = None) -> RecordProgress:
    """Everything the record's "At home" section shows. ``patient.clinic``
    should be loaded (the threshold)."""
    today = today or patient.local_today()
    overview = adherence_overview(patient, today=today)
    logs = list(session_logs(patient)[: SESSION_LOG_PREVIEW + 1])
    pain = pain_progress(patient, today)
    pain["summary"] = staff_pain_summary(pain)
    walking = walking_progress(patient, today)
    trends = patient_outcome_trends(patient)
    for trend in trends:  # the portal's sentences, told to the clinician
        trend.summary = (
            trend.summary.replace("Your first", "The patient's first", 1)
            .replace("Your ", "The patient's ", 1)
            .replace(" Your latest", " The latest")
        )
    check_ins = [
        CheckInRow(
            check_in=c,
            answered_yes=[
                str(self_screen.BY_CODE[code].text)
                for code in c.red_flags
                if code in self_screen.BY_CODE
            ],
        )
        for c in CheckIn.objects.filter(patient=patient).order_by("-created_at")[:CHECK_INS_SHOWN]
    ]
    return RecordProgress(
        overview=overview,
        missed=missed_reasons(overview),
        logs=logs[:SESSION_LOG_PREVIEW],
        more_logs=len(logs) > SESSION_LOG_PREVIEW,
        pain=pain,
        walking=walking,
        trends=trends,
        check_ins=check_ins,
        alerts=open_alerts(patient),
        sciatica=sciatica_summary(check_ins),
        charts={"trends": [t.chart for t in trends]},
    )


# ---------------------------------------------------------------------------
# Caseload: who needs attention
# ---------------------------------------------------------------------------

CASELOAD_ADHERENCE_DAYS = 7
# "Needs attention" (issue 22: one rule per fact): an open urgent alert, a
# paused programme, check-in pain up by PAIN_RISE (the NPRS MCID,
# tracking.alert_rules) or more from the check-in before, or what the nightly
# alert rules found: low adherence or no recent logs (``AttentionSignal``, or
# the alert of that kind where the clinic raises these as alerts).
CASELOAD_SORTS = ("attention", "name", "adherence", "last_log", "pain")
SIGNAL_REASONS = {
    AlertKind.LOW_ADHERENCE: "adherence below threshold",
    AlertKind.NO_LOGS: "no recent log",
}


@dataclass
class CaseloadRow:
    patient: Patient
    plan_status: str
    adherence: Any  # tracking.adherence.Adherence
    last_log_on: date | None
    days_since_log: int | None
    pain_now: int | None
    pain_before: int | None
    alerts: dict[int, int]
    proposals: int = 0
    plan_id: Any = None
    # kind -> (how far below the threshold, days since first seen)
    signals: dict[str, tuple[Decimal, int]] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)

    @property
    def pain_change(self) -> int | None:
        if self.pain_now is None or self.pain_before is None:
            return None
        return self.pain_now - self.pain_before

    @property
    def score(self) -> int:
        """Higher first: urgent alerts, a pause, then how far and how long."""
        score = 100 * self.alerts.get(1, 0) + 10 * self.alerts.get(2, 0)
        if self.plan_status == "paused":
            score += 50
        for how_far, days in self.signals.values():
            score += int(how_far) // 5 + min(days, 30)
        if (self.pain_change or 0) >= PAIN_RISE:
            score += 20
        return score

    @property
    def needs_attention(self) -> bool:
        return bool(self.reasons)


CASELOAD_PATIENT_FIELDS = (
    "id",
    "first_name",
    "last_name",
    "record_number",
    "time_zone",  # the patient's today
    "clinic__id",
    "clinic__adherence_threshold_percent",
    "assigned_clinician__id",
    "assigned_clinician__user__id",
    "assigned_clinician__user__username",
    "assigned_clinician__user__first_name",
    "assigned_clinician__user__last_name",
)


def caseload(
    user: User,
    *,
    mine_of: StaffMember | None = None,
    attention_only: bool = False,
    sort: str = "attention",
) -> list[CaseloadRow]:
    """Patients with an active or paused plan that ``user`` may see
    clinically (``mine_of``: only those assigned to that staff member), with
    7-day adherence (the complete days before the patient's today, the one
    rule), days since the last log, the latest check-in pain and its change
    from the one before, open alerts by urgency, and the "needs attention"
    signals of the nightly alert rules. Nine queries whatever the caseload's
    size."""
    latest = CheckIn.objects.filter(patient=OuterRef("pk")).order_by("-created_at")
    patients = (
        Patient.objects.for_user(user)
        .filter(treatment_plans__status__in=(PlanStatus.ACTIVE, PlanStatus.PAUSED))
        .select_related("clinic", "assigned_clinician__user")
        # What a row shows and the rule reads, no more: loading every column
        # (contact details, a phone number parsed per patient, timestamps)
        # was a fifth of the page's time at 125 patients.
        .only(*CASELOAD_PATIENT_FIELDS)
        .annotate(
            plan_status=Subquery(
                TreatmentPlan.objects.filter(
                    patient=OuterRef("pk"), status__in=(PlanStatus.ACTIVE, PlanStatus.PAUSED)
                )
                .order_by("status")  # "active" before "paused"
                .values("status")[:1]
            ),
            last_log_on=Subquery(
                SessionLog.objects.filter(patient=OuterRef("pk"))
                .order_by("-performed_on")
                .values("performed_on")[:1]
            ),
            pain_now=Subquery(latest.values("pain_now")[:1]),
            pain_before=Subquery(latest.values("pain_now")[1:2]),
            # Stored progression proposals (issue 14, ``tracking.progression``) of the
            # active plan, and that plan (the link): no query per patient.
            proposals=Subquery(
                PendingProposal.objects.filter(
                    patient=OuterRef("pk"), plan__status=PlanStatus.ACTIVE
                )
                .values("patient")
                .annotate(n=Count("id"))
                .values("n")[:1]
            ),
            active_plan_id=Subquery(
                TreatmentPlan.objects.filter(patient=OuterRef("pk"), status=PlanStatus.ACTIVE)
                .order_by("-activated_at")
                .values("pk")[:1]
            ),
        )
        .distinct()
    )
    if mine_of is not None:
        patients = patients.filter(assigned_clinician=mine_of)
    rows_by_id = {p.pk: p for p in patients}
    adherence = adherence_ranges_many(rows_by_id.values(), days=CASELOAD_ADHERENCE_DAYS)
    alerts: dict = defaultdict(dict)
    alert_kinds: dict = defaultdict(set)
    for patient_id, urgency, kind, count in (
        Alert.objects.filter(patient_id__in=list(rows_by_id), status__in=OPEN_ALERT_STATUSES)
        .values("patient_id", "urgency", "kind")
        .annotate(n=Count("id"))
        .values_list("patient_id", "urgency", "kind", "n")
        .order_by("urgency")
    ):
        alerts[patient_id][urgency] = alerts[patient_id].get(urgency, 0) + count
        alert_kinds[patient_id].add(kind)
    signals: dict = defaultdict(dict)
    for patient_id, kind, how_far, since in AttentionSignal.objects.filter(
        patient_id__in=list(rows_by_id)
    ).values_list("patient_id", "kind", "how_far", "since"):
        signals[patient_id][kind] = (how_far, since)
    rows = []
    for patient in rows_by_id.values():
        today = patient.local_today()
        last = patient.last_log_on
        row = CaseloadRow(
            patient=patient,
            plan_status=patient.plan_status,
            adherence=adherence[patient.pk],
            last_log_on=last,
            days_since_log=(today - last).days if last else None,
            pain_now=patient.pain_now,
            pain_before=patient.pain_before,
            alerts=alerts.get(patient.pk, {}),
            proposals=patient.proposals or 0,
            plan_id=patient.active_plan_id,
            signals={
                kind: (how_far, (today - since).days)
                for kind, (how_far, since) in signals[patient.pk].items()
            },
        )
        if row.alerts.get(1):
            row.reasons.append("urgent alert")
        if row.plan_status == PlanStatus.PAUSED:
            row.reasons.append("programme paused")
        for kind, reason in SIGNAL_REASONS.items():
            if kind in row.signals or kind in alert_kinds[patient.pk]:
                row.reasons.append(reason)
        if (row.pain_change or 0) >= PAIN_RISE:
            row.reasons.append("pain rising")
        rows.append(row)
    if attention_only:
        rows = [r for r in rows if r.needs_attention]
    never = date.min
    keys = {
        "attention": lambda r: (-r.score, r.patient.last_name, r.patient.first_name),
        "name": lambda r: (r.patient.last_name, r.patient.first_name),
        "adherence": lambda r: (
            r.adherence.percent is None,
            r.adherence.percent if r.adherence.percent is not None else 0,
            r.patient.last_name,
        ),
        "last_log": lambda r: (r.last_log_on or never, r.patient.last_name),
        "pain": lambda r: (-(r.pain_now if r.pain_now is not None else -1), r.patient.last_name),
    }
    return sorted(rows, key=keys.get(sort, keys["attention"]))
