"""Adherence from session logs (SPEC 5 [S95, S96]; SPEC [D] "Adherence").

Session adherence % = sessions completed / sessions prescribed x 100; adherent
at the clinic's threshold or more (``Clinic.adherence_threshold_percent``,
default 80 %).

**Sessions prescribed** on a patient-local day are ``ProgrammeVersion.sessions_on``
(the largest ``sessions_per_day`` among the exercises due that day: exercises
due together are done in one sitting), summed over the versions in force.

**A session completed**: session number *n* of day *d* counts as completed
when every prescription due on *d* whose ``sessions_per_day`` is at least *n*
has a log for (*d*, *n*) that is *done*. A *partly done* exercise makes the
session **attempted**, not completed; a skipped exercise, or one not logged,
leaves it incomplete. So a patient who does one of two exercises has not
completed the session (SPEC 5 [S95]).

**Secondary figure** (shown beside the primary one, SPEC 5 [S95]): exercises
done / exercises prescribed, counting each exercise of each session.

**Per exercise**: logs done / sessions prescribed for that prescription
(``Prescription.sessions_prescribed``, bounded by the days its version was in
force).

**Paused days** (issue 13): a day on which the version's plan was paused
(``programmes.PlanPause``: a red flag at a home check-in, or a clinician by
hand) prescribes nothing, so it is neither completed nor missed, and the
history stays right after the plan is resumed.

This is the only adherence rule: the portal's calendar, the clinician's pages,
the weekly snapshots and the alert rules all call it.

Missed-session reasons are the skip reasons of skipped logs, counted per
(day, session, reason) so that skipping three exercises for one reason in one
sitting counts once.

Everything is computed with a constant number of queries per call (versions
with prescriptions, then logs for the range), whatever the range.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch, Q
from django.utils import timezone

from patients.models import Patient
from programmes.models import PlanPause, PlanStatus, Prescription, ProgrammeVersion
from tracking.models import AdherenceSnapshot, SessionLog, SessionOutcome

# Stored with every snapshot; bump when the rule changes. v2: a partly done
# exercise makes a session attempted, no longer completed (SPEC 5).
RULE_VERSION = "sessions-v2"
COMPLETED_OUTCOMES = (SessionOutcome.DONE,)
ATTEMPTED_OUTCOMES = (SessionOutcome.DONE, SessionOutcome.PARTIAL)

__all__ = [
    "RULE_VERSION",
    "Adherence",
    "AdherenceOverview",
    "DayAdherence",
    "ExerciseAdherence",
    "adherence_days",
    "adherence_overview",
    "adherence_programme",
    "adherence_range",
    "adherence_ranges_for",
    "adherence_ranges_many",
    "adherence_snapshot_all",
    "adherence_snapshot_week",
    "adherence_snapshot_weeks_many",
    "adherence_week",
    "exercise_adherence",
    "snapshot_weeks",
    "week_start_of",
]


def percent_of(completed: int, prescribed: int) -> Decimal | None:
    if prescribed <= 0:
        return None
    value = Decimal(completed * 100) / Decimal(prescribed)
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def week_start_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class DayAdherence:
    day: date
    prescribed: int
    completed: int
    attempted: int = 0
    exercises_prescribed: int = 0
    exercises_done: int = 0

    @property
    def percent(self) -> Decimal | None:
        return percent_of(self.completed, self.prescribed)


@dataclass(frozen=True)
class Adherence:
    start: date
    end: date
    prescribed: int
    completed: int
    threshold_percent: int
    missed_reasons: dict[str, int] = field(default_factory=dict)
    attempted: int = 0
    exercises_prescribed: int = 0
    exercises_done: int = 0

    @property
    def percent(self) -> Decimal | None:
        return percent_of(self.completed, self.prescribed)

    @property
    def exercises_percent(self) -> Decimal | None:
        """The secondary figure: exercises done / exercises prescribed."""
        return percent_of(self.exercises_done, self.exercises_prescribed)

    @property
    def adherent(self) -> bool | None:
        """None when nothing was prescribed (no judgement to make)."""
        percent = self.percent
        return None if percent is None else percent >= self.threshold_percent


@dataclass(frozen=True)
class ExerciseAdherence:
    lineage: str
    name: str
    prescribed: int
    completed: int

    @property
    def percent(self) -> Decimal | None:
        return percent_of(self.completed, self.prescribed)


def _versions(patient) -> list[ProgrammeVersion]:
    """Published versions of every activated plan, prescriptions prefetched,
    each with its plan's pauses as ``paused_ranges`` (``_versions_many`` for one)."""
    return _versions_many([patient.pk]).get(patient.pk, [])


def _paused(version: ProgrammeVersion, day: date) -> bool:
    return any(
        started <= day and (ended is None or day < ended)
        for started, ended in getattr(version, "paused_ranges", ())
    )


def _due(versions, day: date) -> list[Prescription]:
    """Prescriptions due on ``day`` over the versions in force, none while paused."""
    return [p for v in versions if not _paused(v, day) for p in v.due_on(day)]


def _logs(patient, start: date, end: date) -> list[tuple]:
    return list(
        SessionLog.objects.filter(patient=patient, performed_on__range=(start, end)).values_list(
            "prescription_id", "performed_on", "session_number", "outcome", "skip_reason"
        )
    )


def _days(versions, logs, start: date, end: date) -> list[DayAdherence]:
    done = defaultdict(set)  # (day, session) -> prescription ids done
    tried = defaultdict(set)  # (day, session) -> prescription ids done or partly done
    for prescription_id, day, number, outcome, _reason in logs:
        if outcome in COMPLETED_OUTCOMES:
            done[(day, number)].add(prescription_id)
        if outcome in ATTEMPTED_OUTCOMES:
            tried[(day, number)].add(prescription_id)
    days = []
    day = start
    while day <= end:
        due = _due(versions, day)
        sessions = max((p.sessions_per_day for p in due), default=0)
        completed = attempted = exercises = exercises_done = 0
        for number in range(1, sessions + 1):
            required = {p.pk for p in due if p.sessions_per_day >= number}
            exercises += len(required)
            exercises_done += len(required & done[(day, number)])
            if required <= done[(day, number)]:
                completed += 1
            elif required & tried[(day, number)]:
                attempted += 1
        days.append(
            DayAdherence(
                day=day,
                prescribed=sessions,
                completed=completed,
                attempted=attempted,
                exercises_prescribed=exercises,
                exercises_done=exercises_done,
            )
        )
        day += timedelta(days=1)
    return days


def _reasons(logs) -> dict[str, int]:
    seen = {
        (day, number, reason)
        for _p, day, number, outcome, reason in logs
        if outcome == SessionOutcome.SKIPPED
    }
    return dict(Counter(reason for _d, _n, reason in seen))


def adherence_days(patient: Patient, start: date, end: date) -> list[DayAdherence]:
    """Per patient-local day in [start, end]: sessions prescribed and completed
    (for the portal's calendar)."""
    return _days(_versions(patient), _logs(patient, start, end), start, end)


def adherence_range(patient: Patient, start: date, end: date) -> Adherence:
    """Sessions completed / prescribed over [start, end] inclusive, with the
    clinic's threshold, the secondary figure and the missed-session reasons."""
    logs = _logs(patient, start, end)
    days = _days(_versions(patient), logs, start, end)
    return _summarise(days, logs, start, end, patient.clinic.adherence_threshold_percent)


def adherence_week(patient: Patient, week_start: date) -> Adherence:
    return adherence_range(patient, week_start, week_start + timedelta(days=6))


def adherence_programme(patient: Patient, *, today: date | None = None) -> Adherence:
    """From the first day of the patient's first activated programme to today."""
    today = today or patient.local_today()
    # _versions() returns published versions only: valid_from is always set.
    firsts = [v.valid_from for v in _versions(patient) if v.valid_from is not None]
    start = min(firsts) if firsts else today
    return adherence_range(patient, min(start, today), today)


def _exercise_rows(versions, logs, start: date, end: date) -> list[ExerciseAdherence]:
    completed = Counter(
        prescription_id
        for prescription_id, day, _n, outcome, _r in logs
        if outcome in COMPLETED_OUTCOMES and start <= day <= end
    )
    rows: dict[str, list] = {}
    for version in versions:
        assert version.valid_from is not None  # published versions only (_versions)
        first = max(start, version.valid_from)
        last = end if version.valid_until is None else min(end, version.valid_until - timedelta(1))
        days = []
        day = first
        while day <= last:
            if not _paused(version, day):
                days.append(day)
            day += timedelta(days=1)
        for p in version.prescriptions.all():
            row = rows.setdefault(str(p.lineage), [p.exercise.name, 0, 0])
            row[1] += sum(p.sessions_per_day for d in days if p.is_due_on(d))
            row[2] += completed.get(p.pk, 0)
    return [
        ExerciseAdherence(lineage=k, name=v[0], prescribed=v[1], completed=v[2])
        for k, v in rows.items()
        if v[1] or v[2]
    ]


def exercise_adherence(patient: Patient, start: date, end: date) -> list[ExerciseAdherence]:
    """Per exercise (a prescription and its copies in later versions, by lineage)."""
    return _exercise_rows(_versions(patient), _logs(patient, start, end), start, end)


@dataclass(frozen=True)
class AdherenceOverview:
    """The clinician's headline figures (issue 13), all from this one rule:
    this week (Monday to today), the last four weeks (28 days to today), the
    programme (first published day to today), and per exercise over the
    programme. Four queries, whatever the programme's length."""

    week: Adherence
    four_weeks: Adherence
    programme: Adherence
    exercises: list[ExerciseAdherence]
    threshold_percent: int


def _summarise(days, logs, start: date, end: date, threshold: int) -> Adherence:
    days = [d for d in days if start <= d.day <= end]
    return Adherence(
        start=start,
        end=end,
        prescribed=sum(d.prescribed for d in days),
        completed=sum(d.completed for d in days),
        threshold_percent=threshold,
        missed_reasons=_reasons([row for row in logs if start <= row[1] <= end]),
        attempted=sum(d.attempted for d in days),
        exercises_prescribed=sum(d.exercises_prescribed for d in days),
        exercises_done=sum(d.exercises_done for d in days),
    )


def adherence_overview(patient: Patient, *, today: date | None = None) -> AdherenceOverview:
    today = today or patient.local_today()
    versions = _versions(patient)
    firsts = [v.valid_from for v in versions if v.valid_from is not None]
    start = min(min(firsts) if firsts else today, today)
    four_weeks_start = today - timedelta(days=27)
    first_day = min(start, four_weeks_start)
    logs = _logs(patient, first_day, today)
    days = _days(versions, logs, first_day, today)
    threshold = patient.clinic.adherence_threshold_percent
    return AdherenceOverview(
        week=_summarise(days, logs, week_start_of(today), today, threshold),
        four_weeks=_summarise(days, logs, four_weeks_start, today, threshold),
        programme=_summarise(days, logs, start, today, threshold),
        exercises=_exercise_rows(versions, logs, start, today),
        threshold_percent=threshold,
    )


class _ScheduledPrescription:
    """What ``_days`` reads of a prescription, without a model instance: the
    ranges' fast path loads thousands of them (the caseload on every request,
    the nightly passes), and building model instances was most of its cost.
    The schedule rule is the model's own method, not a copy."""

    __slots__ = ("days_of_week", "end_on", "pk", "sessions_per_day", "start_on")
    is_due_on = Prescription.is_due_on

    def __init__(self, pk, start_on, end_on, days_of_week, sessions_per_day) -> None:
        # The id as an int, as ``adherence_ranges_for`` reads the logs: ``_days``
        # hashes it tens of thousands of times a page, and ``UUID.__hash__``
        # is Python code.
        self.pk = pk.int
        self.start_on = start_on
        self.end_on = end_on
        self.days_of_week = days_of_week
        self.sessions_per_day = sessions_per_day


class _ScheduledVersion:
    """What ``_days`` reads of a published version (its range, its
    prescriptions, its plan's pauses), with the model's own ``in_force_on``
    and ``due_on``."""

    __slots__ = ("paused_ranges", "plan_id", "prescriptions_due", "valid_from", "valid_until")
    in_force_on = ProgrammeVersion.in_force_on
    due_on = ProgrammeVersion.due_on

    def __init__(self, plan_id, valid_from, valid_until) -> None:
        self.plan_id = plan_id
        self.valid_from = valid_from
        self.valid_until = valid_until
        self.prescriptions_due: list[_ScheduledPrescription] = []
        self.paused_ranges: list = []

    def _prescriptions(self) -> list[_ScheduledPrescription]:
        return self.prescriptions_due


def _pauses_of(versions: dict) -> None:
    """Each version's plan's pauses as ``paused_ranges`` (one query)."""
    if not versions:
        return
    pauses: dict = defaultdict(list)
    for plan_id, started, ended in PlanPause.objects.filter(
        plan__patient__in=list(versions)
    ).values_list("plan_id", "started_on", "ended_on"):
        pauses[plan_id].append((started, ended))
    for patient_versions in versions.values():
        for version in patient_versions:
            version.paused_ranges = pauses.get(version.plan_id, [])


def _versions_many(patient_ids: list, *, within: tuple[date, date] | None = None) -> dict:
    """Patient id -> published versions of every activated plan, with their
    prescriptions (and exercise names) and each plan's pauses as
    ``paused_ranges``. Three queries, whatever the number of patients:
    versions, prescriptions, pauses.

    ``within`` (first, last day): ``_schedules_many`` instead."""
    if within is not None:
        return _schedules_many(patient_ids, within=within)
    # The exercise's name for the per-exercise rows (one join, no query).
    prescriptions = Prescription.objects.select_related("exercise").only(
        "id",
        "version_id",
        "lineage",
        "start_on",
        "end_on",
        "days_of_week",
        "sessions_per_day",
        "exercise__id",
        "exercise__name",
    )
    versions: dict = defaultdict(list)
    for version in (
        ProgrammeVersion.objects.published()
        .filter(plan__patient__in=patient_ids)
        .exclude(plan__status=PlanStatus.DRAFT)
        .select_related("plan")
        .only("id", "plan_id", "number", "valid_from", "valid_until", "plan__patient_id")
        .prefetch_related(Prefetch("prescriptions", queryset=prescriptions))
    ):
        versions[version.plan.patient_id].append(version)
    _pauses_of(versions)
    return versions


def _schedules_many(patient_ids: list, *, within: tuple[date, date]) -> dict:
    """Patient id -> the versions in force on some day of ``within`` (first,
    last day), each with the prescriptions running on some day of it, as
    plain rows (``_ScheduledVersion``): enough for ``_days`` on days inside
    it (``in_force_on`` and ``is_due_on`` are false on every other version
    and prescription). Three queries, whatever the number of patients."""
    first, last = within
    by_id: dict = {}
    versions: dict = defaultdict(list)
    for pk, patient_id, plan_id, valid_from, valid_until in (
        ProgrammeVersion.objects.published()
        .filter(plan__patient__in=patient_ids, valid_from__lte=last)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=first))
        .exclude(plan__status=PlanStatus.DRAFT)
        .order_by()
        .values_list("pk", "plan__patient_id", "plan_id", "valid_from", "valid_until")
    ):
        version = by_id[pk] = _ScheduledVersion(plan_id, valid_from, valid_until)
        versions[patient_id].append(version)
    if by_id:
        for version_id, *schedule in (
            Prescription.objects.filter(version_id__in=list(by_id), start_on__lte=last)
            .filter(Q(end_on__isnull=True) | Q(end_on__gte=first))
            .order_by()  # ``_days`` needs no order
            .values_list(
                "version_id", "pk", "start_on", "end_on", "days_of_week", "sessions_per_day"
            )
        ):
            by_id[version_id].prescriptions_due.append(_ScheduledPrescription(*schedule))
    _pauses_of(versions)
    return versions


def adherence_ranges_for(patients, ranges: dict) -> dict:
    """Many patients, each with its own date ranges (``ranges``: patient id ->
    list of (start, end)), by this same rule: patient id -> one ``Adherence``
    per range, in order. Four queries, whatever the number of patients and
    ranges (the nightly snapshots, the alert rules and the caseload)."""
    patients = [p for p in patients if ranges.get(p.pk)]
    if not patients:
        return {}
    ids = [p.pk for p in patients]
    first = min(start for p in patients for start, _end in ranges[p.pk])
    last = max(end for p in patients for _start, end in ranges[p.pk])
    versions = _versions_many(ids, within=(first, last))
    logs: dict = defaultdict(list)
    for row in SessionLog.objects.filter(
        patient__in=ids, performed_on__range=(first, last)
    ).values_list(
        "patient_id", "prescription_id", "performed_on", "session_number", "outcome", "skip_reason"
    ):
        logs[row[0]].append((row[1].int, *row[2:]))  # as ``_ScheduledPrescription.pk``
    result: dict = {}
    for patient in patients:
        threshold = patient.clinic.adherence_threshold_percent
        mine = logs[patient.pk]
        result[patient.pk] = []
        for start, end in ranges[patient.pk]:
            within = [row for row in mine if start <= row[1] <= end]
            days = _days(versions[patient.pk], within, start, end)
            result[patient.pk].append(_summarise(days, within, start, end, threshold))
    return result


def adherence_ranges_many(patients, *, days: int = 7) -> dict:
    """For many patients at once (the caseload): the ``days`` complete
    patient-local days before each patient's today, by this same rule. Four
    queries, whatever the number of patients."""
    ranges = {}
    for patient in patients:
        end = patient.local_today() - timedelta(days=1)
        ranges[patient.pk] = [(end - timedelta(days=days - 1), end)]
    found = adherence_ranges_for(patients, ranges)
    return {pk: results[0] for pk, results in found.items()}


# What a snapshot stores of an ``Adherence`` (attribute names = column names).
_SNAPSHOT_FIELDS = ("prescribed", "completed", "percent", "threshold_percent", "adherent")


def _snapshot_fields(result: Adherence) -> dict:
    return {
        **{name: getattr(result, name) for name in _SNAPSHOT_FIELDS},
        "rule_version": RULE_VERSION,
    }


def adherence_snapshot_week(*, patient: Patient, week_start: date) -> AdherenceSnapshot:
    """Store (or refresh) one week's snapshot; idempotent per (patient, week)."""
    result = adherence_week(patient, week_start)
    snapshot, _ = AdherenceSnapshot.objects.update_or_create(
        patient=patient, week_start=week_start, defaults=_snapshot_fields(result)
    )
    return snapshot


def adherence_snapshot_weeks_many(patients, weeks: dict) -> int:
    """Store (or refresh) the snapshots of many patients at once (``weeks``:
    patient id -> week starts): the nightly pass's fast path. Five queries
    per call whatever the number of patients (four reads, one upsert per 1,000
    rows); idempotent per (patient, week) like ``adherence_snapshot_week``."""
    ranges = {pk: [(w, w + timedelta(days=6)) for w in starts] for pk, starts in weeks.items()}
    rows = [
        AdherenceSnapshot(
            patient_id=pk,
            week_start=result.start,
            computed_at=timezone.now(),
            **_snapshot_fields(result),
        )
        for pk, results in adherence_ranges_for(patients, ranges).items()
        for result in results
    ]
    AdherenceSnapshot.objects.bulk_create(
        rows,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["patient", "week_start"],
        update_fields=[*_SNAPSHOT_FIELDS, "rule_version", "computed_at"],
    )
    return len(rows)


SNAPSHOT_WEEKS_BACK = 2  # late logs (a patient logging yesterday's session) are caught


def snapshot_weeks(local_today: date) -> list[date]:
    """The weeks the nightly snapshots refresh: the last complete ones."""
    this_week = week_start_of(local_today)
    return [this_week - timedelta(weeks=back) for back in range(1, SNAPSHOT_WEEKS_BACK + 1)]


def adherence_snapshot_all(*, today: date | None = None) -> int:
    """Every patient with an active or paused plan at once, 500 at a time (the
    demo data; the nightly pass is ``tracking.passes``)."""
    count = 0
    patients = (
        Patient.objects.filter(treatment_plans__status__in=(PlanStatus.ACTIVE, PlanStatus.PAUSED))
        .select_related("clinic")
        .distinct()
        .order_by("pk")
    )
    batch: list[Patient] = []
    for patient in [*patients.iterator(chunk_size=500), None]:
        if patient is not None:
            batch.append(patient)
        if batch and (patient is None or len(batch) == 500):
            weeks = {m.pk: snapshot_weeks(today or m.local_today()) for m in batch}
            count += adherence_snapshot_weeks_many(batch, weeks)
            batch = []
    return count
