"""Clinician alert rules on what the patient reports (issue 5). Each rule raises
through ``alerts.services.alert_raise``, which keeps at most one unresolved alert per
kind and patient, so evaluating twice raises nothing new.

- Low adherence: sessions completed / prescribed over the last 7 complete
  local days below the clinic's threshold (SPEC 5, [D] default 80 %) [S96].
- No logs: an active programme with sessions prescribed and no log at all for
  ``Clinic.no_log_alert_days`` local days (default 5).
- Pain: 7/10 or more, or 2 points or more above baseline (NPRS MCID 2 [S37, S38]).
  Baseline: the first NPRS response (the initial assessment); current: the
  worst of the last 7 days' logged pain during exercise, the latest NPRS
  response, and the latest check-in pain of the last 7 days. The portal runs
  this rule right after a check-in; the nightly pass runs it again.
- Outcome worse: the latest score of an instrument worse than the first by at
  least its MCID (``Instrument.change``; instruments whose MCID is context
  only, such as VISA-A, raise nothing).

Red-flag symptoms reported by the patient are raised at once by the portal
(``alert_raise(kind=RED_FLAG_REPORTED, urgency=URGENT, ...)``), not here.
Summaries are for clinicians in the staff UI only; they are never emailed.

Issue 22: urgency decides the channel. Pain and a worse outcome stay alerts.
Low adherence and no logs (30-50 % home-exercise adherence is usual, SPEC 5)
are "needs attention" signals (``alerts.services.attention_signal``) unless the
clinic's ``attention_as_alerts`` turns them back into alerts. A rule that finds
its condition gone says so (``alert_condition_cleared``): only then is a
resolved alert of that kind raised again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Max

from alerts.models import Alert, AlertKind, AlertUrgency
from alerts.services import alert_condition_cleared, alert_raise, attention_signal
from assessments.instruments import get_instrument
from assessments.models import OutcomeResponse
from patients.models import Patient, Status
from programmes.models import PlanStatus, TreatmentPlan
from tracking.adherence import adherence_range
from tracking.models import CheckIn, SessionLog

PAIN_HIGH = 7  # SPEC 2.2 severe band starts at 7 (a convention [M])
PAIN_RISE = 2  # NPRS MCID / MDC: 2 points [S37, S38]
ADHERENCE_WINDOW_DAYS = 7


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
        f"in the last {ADHERENCE_WINDOW_DAYS} days: the worst pain logged during exercise, "
        "the latest NPRS response, or the latest check-in pain.",
        AlertUrgency.SOON,
        "2.2",
        ("S37", "S38"),
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


def _active_plan_start(patient) -> date | None:
    plan = (
        TreatmentPlan.objects.filter(patient=patient, status=PlanStatus.ACTIVE)
        .order_by("start_on")
        .only("start_on")
        .first()
    )
    return plan.start_on if plan else None


def _signal_or_alert(
    patient, *, kind: AlertKind, urgency: AlertUrgency, summary: str, how_far, today: date
) -> Alert | None:
    """A signal on the caseload, or an alert where the clinic wants one."""
    if patient.clinic.attention_as_alerts:
        return alert_raise(patient=patient, kind=kind, urgency=urgency, summary=summary)
    attention_signal(
        patient=patient, kind=kind, how_far=Decimal(how_far), summary=summary, today=today
    )
    return None


def _check_adherence(patient, today: date, start_on: date) -> Alert | None:
    start = max(start_on, today - timedelta(days=ADHERENCE_WINDOW_DAYS))
    end = today - timedelta(days=1)
    if end < start:
        return None
    result = adherence_range(patient, start, end)
    if result.adherent is False:
        return _signal_or_alert(
            patient,
            kind=AlertKind.LOW_ADHERENCE,
            urgency=AlertUrgency.SOON,
            summary=(
                f"Adherence {result.percent}% ({result.completed}/{result.prescribed} sessions) "
                f"from {start:%d %b} to {end:%d %b}; threshold {result.threshold_percent}%."
            ),
            how_far=result.threshold_percent - (result.percent or 0),
            today=today,
        )
    if result.adherent is True:
        alert_condition_cleared(patient=patient, kind=AlertKind.LOW_ADHERENCE)
    return None


def _check_no_logs(patient, today: date, start_on: date) -> Alert | None:
    days = patient.clinic.no_log_alert_days
    since = today - timedelta(days=days)
    if start_on > since:
        return None  # the programme is younger than the window
    last = SessionLog.objects.filter(patient=patient).aggregate(last=Max("performed_on"))["last"]
    if last is not None and last > since:
        alert_condition_cleared(patient=patient, kind=AlertKind.NO_LOGS)
        return None
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


def _nprs_totals(patient) -> list[float]:
    return list(
        OutcomeResponse.objects.filter(patient=patient, instrument_code="nprs", total__isnull=False)
        .order_by("assessed_on", "created_at")
        .values_list("total", flat=True)
    )


def _latest_check_in_pain(patient, since: date) -> int | None:
    latest = (
        CheckIn.objects.filter(patient=patient, checked_on__gte=since)
        .order_by("-created_at")
        .values_list("pain_now", flat=True)
        .first()
    )
    return latest


def pain_check(patient: Patient, *, today: date) -> Alert | None:
    """The pain rule alone (the portal runs it after each check-in)."""
    since = today - timedelta(days=ADHERENCE_WINDOW_DAYS)
    nprs = _nprs_totals(patient)
    baseline = nprs[0] if nprs else None
    candidates = []
    logged = SessionLog.objects.filter(
        patient=patient, performed_on__gte=since, pain_during__isnull=False
    ).aggregate(worst=Max("pain_during"))["worst"]
    if logged is not None:
        candidates.append(("logged during exercise", logged))
    if len(nprs) > 1:
        candidates.append(("latest NPRS", nprs[-1]))
    checked_in = _latest_check_in_pain(patient, since)
    if checked_in is not None:
        candidates.append(("reported at check-in", checked_in))
    for source, value in candidates:
        high = value >= PAIN_HIGH
        rise = baseline is not None and value - baseline >= PAIN_RISE
        if high or rise:
            detail = f"Pain {value:g}/10 {source}"
            if baseline is not None:
                detail += f"; baseline {baseline:g}/10"
            return alert_raise(
                patient=patient, kind=AlertKind.PAIN_HIGH, urgency=AlertUrgency.SOON, summary=detail
            )
    alert_condition_cleared(patient=patient, kind=AlertKind.PAIN_HIGH)
    return None


def _check_outcomes(patient) -> Alert | None:
    series: dict[tuple[str, str], list[float]] = {}
    for code, version, total in (
        OutcomeResponse.objects.filter(patient=patient, total__isnull=False, complete=True)
        .order_by("assessed_on", "created_at")
        .values_list("instrument_code", "instrument_version", "total")
    ):
        # Versions are never mixed in one trend (SPEC 6.1).
        series.setdefault((code, version), []).append(total)
    worse = []
    for (code, _version), totals in series.items():
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
        alert_condition_cleared(patient=patient, kind=AlertKind.OUTCOME_WORSE)
        return None
    return alert_raise(
        patient=patient,
        kind=AlertKind.OUTCOME_WORSE,
        urgency=AlertUrgency.ROUTINE,
        summary="Worse since baseline: " + "; ".join(worse),
    )


def alerts_evaluate_patient(patient: Patient, *, today: date | None = None) -> list[Alert]:
    """Run every rule for one patient; the alerts raised (or already open).
    The nightly task calls it for every patient with an active plan."""
    today = today or patient.local_today()
    raised = [pain_check(patient, today=today), _check_outcomes(patient)]
    start_on = _active_plan_start(patient)
    if start_on is not None:
        raised += [
            _check_adherence(patient, today, start_on),
            _check_no_logs(patient, today, start_on),
        ]
    return [alert for alert in raised if alert is not None]


def alerts_evaluate_all() -> int:
    count = 0
    patients = (
        Patient.objects.filter(status=Status.ACTIVE, treatment_plans__status=PlanStatus.ACTIVE)
        .select_related("clinic")
        .distinct()
        .order_by("pk")
    )
    for patient in patients.iterator(chunk_size=500):
        count += len(alerts_evaluate_patient(patient))
    return count
