"""Clinician alert rules on what the patient reports (issue 5). Each rule is a
pure function of the patient's facts and returns a ``Finding``;
``alerts.services.findings_apply`` raises them with the same decision as
``alert_raise`` (at most one unresolved alert per kind and patient), so
evaluating twice raises nothing new. The facts and the findings are loaded and
applied for a whole chunk of patients at once (issue 20: a constant number of
queries per chunk); one patient's evaluation is the same code with one patient.

- Low adherence: sessions completed / prescribed over the last 7 complete
  local days below the clinic's threshold (SPEC 5, [D] default 80 %) [S96].
- No logs: an active programme with sessions prescribed and no log at all for
  ``Clinic.no_log_alert_days`` local days (default 5).
- Pain: 7/10 or more, or 2 points or more above baseline (NPRS MCID 2 [S37, S38]).
  Baseline: the first NPRS response (the initial assessment); current: the
  latest NPRS response and the latest check-in pain of the last 7 days (the
  same measure as the baseline: the patient's pain, not pain while loading).
  Pain logged during exercise raises the alert only at 7/10 or more: below
  that, the plan's own pain rule judges it (``programmes.progression``; a
  session over it proposes a regression on the plan, SPEC 4), because most
  programmes allow some pain during exercise (SPEC 4.2 soreness expected,
  4.4/4.8 up to 3/10, 4.5 two points above baseline). Claudication walking is
  left out: walking to moderate-to-maximum claudication pain is the dose
  (SPEC 4.1 [S78]). The portal runs this rule right after a check-in; the
  nightly pass runs it again.
- Outcome worse: the latest score of an instrument worse than the first by at
  least its MCID (``Instrument.change``; instruments whose MCID is context
  only, such as VISA-A, raise nothing).

Red-flag symptoms reported by the patient are raised at once by the portal
(``alert_raise(kind=RED_FLAG_REPORTED, urgency=URGENT, ...)``), not here.
Summaries are for clinicians in the staff UI only; they are never emailed.

Issue 22: urgency decides the channel. Pain and a worse outcome stay alerts.
Low adherence and no logs (30-50 % home-exercise adherence is usual, SPEC 5)
are "needs attention" signals (``alerts.models.AttentionSignal``) unless the
clinic's ``attention_as_alerts`` turns them back into alerts. A rule that finds
its condition gone says so (a ``cleared`` finding): only then is a resolved
alert of that kind raised again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

from django.db.models import Max, Min

from alerts.models import Alert, AlertKind, AlertUrgency
from alerts.services import Finding, findings_apply
from assessments.instruments import get_instrument
from assessments.models import OutcomeResponse
from patients.models import Patient
from programmes.models import PlanStatus, TreatmentPlan
from programmes.progression import CLAUDICATION_EXERCISES
from tracking.adherence import Adherence, adherence_ranges_for
from tracking.models import CheckIn, SessionLog

PAIN_HIGH = 7  # SPEC 2.2 severe band starts at 7 (a convention [M])
PAIN_RISE = 2  # NPRS MCID / MDC: 2 points [S37, S38]
ADHERENCE_WINDOW_DAYS = 7
LOGGED_DURING_EXERCISE = "logged during exercise"


@dataclass(frozen=True)
class AlertRuleDoc:
    """One alert rule in words, for the generated docs/clinical-rules.md."""

    kind: str
    trigger: str
    urgency: int
    spec: str
    sources: tuple[str, ...]


# Kept next to the rules they describe; the thresholds are the constants above.
ALERT_RULE_DOCS: tuple[AlertRuleDoc, ...] = (
    AlertRuleDoc(
        AlertKind.RED_FLAG_REPORTED,
        "Any self-screen question answered yes at a portal check-in (raised at once).",
        AlertUrgency.URGENT,
        "1.0",
        (),
    ),
    AlertRuleDoc(
        AlertKind.SCIATICA_WORSE,
        "Sciatica self-tracking at a portal check-in (back-related leg pain): the leg pain "
        "reaches further down the leg than at the previous sciatica check-in "
        "(peripheralising; soon [D]), or weakness in one leg not reported before (urgent: a "
        "new deficit needs same-day action). Weakness in both legs is routed as the "
        "self-screen's 'both legs' answer instead (red-flag alert, level E, plan paused).",
        AlertUrgency.SOON,
        "1.9, 1.4, 3 PP7",
        ("S22", "S13", "S14", "S15", "S26", "S70"),
    ),
    AlertRuleDoc(
        AlertKind.PAIN_HIGH,
        f"Pain {PAIN_HIGH}/10 or more, or {PAIN_RISE} points or more above the baseline NPRS, "
        f"in the last {ADHERENCE_WINDOW_DAYS} days: the latest NPRS response or the latest "
        f"check-in pain. Pain logged during exercise only at {PAIN_HIGH}/10 or more (below "
        "that the plan's pain rule proposes a regression; claudication walking, where pain "
        "is the dose, is left out).",
        AlertUrgency.SOON,
        "2.2, 4, 4.1",
        ("S37", "S38", "S78"),
    ),
    AlertRuleDoc(
        AlertKind.OUTCOME_WORSE,
        "The latest complete score of an instrument worse than the first (same version) by "
        "at least its MCID; instruments whose MCID is context only (VISA-A) raise nothing.",
        AlertUrgency.ROUTINE,
        "2, 6.1",
        ("S39", "S43", "S44", "S63"),
    ),
    AlertRuleDoc(
        AlertKind.LOW_ADHERENCE,
        f"Sessions completed / prescribed over the last {ADHERENCE_WINDOW_DAYS} complete days "
        "below the clinic's threshold (clinic setting; SPEC default 80 % [D]). A 'needs "
        "attention' signal on the dashboard and in the digest, not an alert, unless the "
        "clinic raises these as alerts (issue 22).",
        AlertUrgency.SOON,
        "5",
        ("S96",),
    ),
    AlertRuleDoc(
        AlertKind.NO_LOGS,
        "An active programme and no exercise logged for the clinic's number of days (clinic "
        "setting; default 5, a product choice). A 'needs attention' signal unless the clinic "
        "raises these as alerts (issue 22).",
        AlertUrgency.ROUTINE,
        "5",
        (),
    ),
)


@dataclass
class _Facts:
    """What the rules read of one patient, loaded for a whole chunk at once."""

    nprs: list[float] = field(default_factory=list)
    # Complete scores per (instrument, version), oldest first (SPEC 6.1).
    series: dict[tuple[str, str], list[float]] = field(default_factory=dict)
    worst_logged_pain: int | None = None
    check_in_pain: int | None = None
    plan_start: date | None = None
    adherence: Adherence | None = None
    last_log: date | None = None


def _facts(patients: list[Patient], todays: dict, *, pain_only: bool = False) -> dict:
    """The rules' facts of many patients in a constant number of queries (at
    most ten: scores, logged pain, check-ins, plans, last logs and the four of
    the adherence rule), whatever the number of patients."""
    ids = [p.pk for p in patients]
    facts = {pk: _Facts() for pk in ids}
    earliest = min(todays.values()) - timedelta(days=ADHERENCE_WINDOW_DAYS)
    for pk, code, version, total, complete in (
        OutcomeResponse.objects.filter(patient__in=ids, total__isnull=False)
        .order_by("assessed_on", "created_at")
        .values_list("patient_id", "instrument_code", "instrument_version", "total", "complete")
    ):
        if code == "nprs":
            facts[pk].nprs.append(total)
        if complete:
            # Versions are never mixed in one trend (SPEC 6.1).
            facts[pk].series.setdefault((code, version), []).append(total)
    for pk, day, pain in (
        SessionLog.objects.filter(
            patient__in=ids, performed_on__gte=earliest, pain_during__isnull=False
        )
        # SPEC 4.1 [S78]: walking to moderate-to-maximum claudication is the dose.
        .exclude(prescription__exercise__slug__in=CLAUDICATION_EXERCISES)
        .values_list("patient_id", "performed_on", "pain_during")
    ):
        if day >= todays[pk] - timedelta(days=ADHERENCE_WINDOW_DAYS):
            worst = facts[pk].worst_logged_pain
            facts[pk].worst_logged_pain = pain if worst is None else max(worst, pain)
    seen: set = set()
    for pk, day, pain in (
        CheckIn.objects.filter(patient__in=ids, checked_on__gte=earliest)
        .order_by("-created_at")
        .values_list("patient_id", "checked_on", "pain_now")
    ):
        if pk not in seen and day >= todays[pk] - timedelta(days=ADHERENCE_WINDOW_DAYS):
            seen.add(pk)
            facts[pk].check_in_pain = pain
    if pain_only:
        return facts
    for pk, start_on in (
        TreatmentPlan.objects.filter(patient__in=ids, status=PlanStatus.ACTIVE)
        .values("patient_id")
        .annotate(first=Min("start_on"))
        .values_list("patient_id", "first")
    ):
        facts[pk].plan_start = start_on
    for pk, last in (
        SessionLog.objects.filter(patient__in=ids)
        .values("patient_id")
        .annotate(last=Max("performed_on"))
        .values_list("patient_id", "last")
    ):
        facts[pk].last_log = last
    windows = {}
    for patient in patients:
        window = _adherence_window(todays[patient.pk], facts[patient.pk].plan_start)
        if window is not None:
            windows[patient.pk] = [window]
    for pk, (result,) in adherence_ranges_for(patients, windows).items():
        facts[pk].adherence = result
    return facts


def _adherence_window(today: date, start_on: date | None) -> tuple[date, date] | None:
    if start_on is None:
        return None
    start = max(start_on, today - timedelta(days=ADHERENCE_WINDOW_DAYS))
    end = today - timedelta(days=1)
    return None if end < start else (start, end)


def _signal_or_alert(
    patient, *, kind: AlertKind, urgency: AlertUrgency, summary: str, how_far, today: date
) -> Finding:
    """A signal on the caseload, or an alert where the clinic wants one."""
    if patient.clinic.attention_as_alerts:
        return Finding(patient=patient, kind=kind, today=today, urgency=urgency, summary=summary)
    return Finding(
        patient=patient, kind=kind, today=today, summary=summary, how_far=Decimal(how_far)
    )


def _cleared(patient, kind: AlertKind, today: date) -> Finding:
    return Finding(patient=patient, kind=kind, today=today, cleared=True)


def _check_adherence(patient, today: date, facts: _Facts) -> Finding | None:
    result = facts.adherence
    if result is None:
        return None
    if result.adherent is False:
        return _signal_or_alert(
            patient,
            kind=AlertKind.LOW_ADHERENCE,
            urgency=AlertUrgency.SOON,
            summary=(
                f"Adherence {result.percent}% ({result.completed}/{result.prescribed} sessions) "
                f"from {result.start:%d %b} to {result.end:%d %b}; "
                f"threshold {result.threshold_percent}%."
            ),
            how_far=result.threshold_percent - (result.percent or 0),
            today=today,
        )
    if result.adherent is True:
        return _cleared(patient, AlertKind.LOW_ADHERENCE, today)
    return None


def _check_no_logs(patient, today: date, facts: _Facts) -> Finding | None:
    days = patient.clinic.no_log_alert_days
    since = today - timedelta(days=days)
    if facts.plan_start is None or facts.plan_start > since:
        return None  # no active programme, or one younger than the window
    last = facts.last_log
    if last is not None and last > since:
        return _cleared(patient, AlertKind.NO_LOGS, today)
    return _signal_or_alert(
        patient,
        kind=AlertKind.NO_LOGS,
        urgency=AlertUrgency.ROUTINE,
        summary=(
            f"No exercise logged for {days} days or more"
            + (f" (last log {last:%d %b %Y})." if last else " (never logged).")
        ),
        # No log at all is 0 % adherence: the whole threshold below it.
        how_far=patient.clinic.adherence_threshold_percent,
        today=today,
    )


def _check_pain(patient, today: date, facts: _Facts) -> Finding:
    nprs = facts.nprs
    baseline = nprs[0] if nprs else None
    candidates: list[tuple[str, float]] = []
    if facts.worst_logged_pain is not None:
        candidates.append((LOGGED_DURING_EXERCISE, facts.worst_logged_pain))
    if len(nprs) > 1:
        candidates.append(("latest NPRS", nprs[-1]))
    if facts.check_in_pain is not None:
        candidates.append(("reported at check-in", facts.check_in_pain))
    for source, value in candidates:
        high = value >= PAIN_HIGH
        # Exercise pain against the baseline is the plan's pain rule's to judge (SPEC 4).
        rise = (
            baseline is not None
            and source != LOGGED_DURING_EXERCISE
            and value - baseline >= PAIN_RISE
        )
        if high or rise:
            detail = f"Pain {value:g}/10 {source}"
            if baseline is not None:
                detail += f"; baseline {baseline:g}/10"
            return Finding(
                patient=patient,
                kind=AlertKind.PAIN_HIGH,
                today=today,
                urgency=AlertUrgency.SOON,
                summary=detail,
            )
    return _cleared(patient, AlertKind.PAIN_HIGH, today)


def _check_outcomes(patient, today: date, facts: _Facts) -> Finding:
    worse = []
    for (code, _version), totals in facts.series.items():
        if len(totals) < 2:
            continue
        try:
            instrument = get_instrument(code)
        except KeyError:
            continue
        change = instrument.change(totals[0], totals[-1])
        if change is not None and change.mcid_met and change.improvement < 0:
            worse.append(
                f"{instrument.name}: {totals[0]:g} to {totals[-1]:g} (MCID {change.mcid:g})"
            )
    if not worse:
        return _cleared(patient, AlertKind.OUTCOME_WORSE, today)
    return Finding(
        patient=patient,
        kind=AlertKind.OUTCOME_WORSE,
        today=today,
        urgency=AlertUrgency.ROUTINE,
        summary="Worse since baseline: " + "; ".join(worse),
    )


def pain_check(patient: Patient, *, today: date) -> Alert | None:
    """The pain rule alone (the portal runs it after each check-in)."""
    facts = _facts([patient], {patient.pk: today}, pain_only=True)[patient.pk]
    found = findings_apply([_check_pain(patient, today, facts)])
    return next(iter(found.get(patient.pk, [])), None)


def alerts_evaluate_many(patients: list[Patient], todays: dict) -> dict[UUID, list[Alert]]:
    """Every rule for many patients (``todays``: patient id -> the patient's
    local today) in a constant number of queries: the nightly pass's chunk.
    Patient id -> the alerts raised (or already open)."""
    if not patients:
        return {}
    facts = _facts(patients, todays)
    findings = []
    for patient in patients:
        today, mine = todays[patient.pk], facts[patient.pk]
        findings += [
            _check_pain(patient, today, mine),
            _check_outcomes(patient, today, mine),
            _check_adherence(patient, today, mine),
            _check_no_logs(patient, today, mine),
        ]
    return findings_apply([f for f in findings if f is not None])


def alerts_evaluate_patient(patient: Patient, *, today: date | None = None) -> list[Alert]:
    """Run every rule for one patient; the alerts raised (or already open)."""
    today = today or patient.local_today()
    return alerts_evaluate_many([patient], {patient.pk: today}).get(patient.pk, [])
