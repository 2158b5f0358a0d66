"""Generator steps for the programmes and what patients do with them: plans,
versions, prescriptions, session logs, adherence snapshots, reminders, alerts
and the audit trail (see ``devtools.loaddata.base``)."""

from __future__ import annotations

from alerts.models import Alert
from clinic.models import AuditEvent, Clinic
from devtools.loaddata.base import LoadContext, insert_select
from devtools.loaddata.people import _array, _table
from exercises.models import Exercise
from patients.models import Patient
from programmes.models import Prescription, ProgrammeVersion, TreatmentPlan
from reminders.models import ReminderOccurrence, ReminderPreference
from tracking.adherence import RULE_VERSION
from tracking.models import AdherenceSnapshot, SessionLog


def treatment_plans(ctx: LoadContext) -> int:
    completed = f"(p.status <> 'active' AND {ctx.rnd('plan', 'p.id')} < 0.5)"
    start = "(p.created_at::date + 1)"
    return insert_select(
        ctx,
        TreatmentPlan,
        {
            "id": ctx.uuid("plan", "p.id"),
            "patient_id": "p.id",
            "assessment_id": ctx.uuid("assessment", "p.id", "0"),
            "clinician_id": "p.assigned_clinician_id",
            "title": "'Home programme: ' || replace(p.referral_reason, '_', ' ')",
            "status": "CASE WHEN p.status = 'active' THEN 'active' ELSE 'completed' END",
            "start_on": f"least({start}, current_date)",
            "review_on": f"least({start}, current_date) + 42",
            "activated_at": f"least({start}, current_date)::timestamptz + interval '9 hours'",
            "ended_at": (
                f"CASE WHEN p.status <> 'active' THEN {start}::timestamptz + interval '42 days' END"
            ),
            "created_at": "p.created_at",
            "updated_at": "p.created_at",
        },
        f"FROM {_table(Patient)} p WHERE p.status = 'active' OR {completed}",
    )


def programme_versions(ctx: LoadContext) -> int:
    return insert_select(
        ctx,
        ProgrammeVersion,
        {
            "id": ctx.uuid("version", "t.id"),
            "plan_id": "t.id",
            "number": "1",
            "valid_from": "t.start_on",
            "valid_until": "CASE WHEN t.status = 'completed' THEN t.start_on + 42 END",
            "created_at": "t.created_at",
        },
        f"FROM {_table(TreatmentPlan)} t",
    )


def prescriptions(ctx: LoadContext) -> int:
    exercises = list(
        Exercise.objects.shipped()
        .order_by("slug")
        .values_list("id", "default_sets", "default_reps", "default_hold_s", "default_duration_min")
    )
    if not exercises:
        raise RuntimeError("No shipped exercises: run manage.py load_exercise_library first.")
    ctx.execute("DROP TABLE IF EXISTS ld_exercise")
    ctx.execute(
        "CREATE TEMP TABLE ld_exercise (i int, id uuid, sets int, reps int, hold_s int,"
        " duration_min int)"
    )
    for i, row in enumerate(exercises):
        ctx.execute("INSERT INTO ld_exercise VALUES (%s, %s, %s, %s, %s, %s)", [i, *row])
    e = len(exercises)
    # The same dose rules as the builder: minutes alone, else reps and/or a hold.
    return insert_select(
        ctx,
        Prescription,
        {
            "id": ctx.uuid("rx", "v.id", "k"),
            "version_id": "v.id",
            "lineage": ctx.uuid("lineage", "v.id", "k"),
            "exercise_id": "x.id",
            "order": "k",
            "sets": "greatest(1, least(x.sets, 10))",
            "reps": (
                "CASE WHEN x.duration_min IS NOT NULL THEN NULL"
                " WHEN x.reps IS NULL AND x.hold_s IS NULL THEN 10 ELSE x.reps END"
            ),
            "hold_s": "CASE WHEN x.duration_min IS NULL THEN x.hold_s END",
            "duration_min": "x.duration_min",
            "sessions_per_day": f"CASE WHEN {ctx.rnd('spd', 'v.id')} < 0.1 THEN 2 ELSE 1 END",
            # Every day mostly; Monday, Wednesday and Friday for the rest.
            "days_of_week": f"CASE WHEN {ctx.rnd('dow', 'v.id', 'k')} < 0.7 THEN 127 ELSE 21 END",
            "start_on": "v.valid_from",
        },
        f"FROM {_table(ProgrammeVersion)} v"
        f" CROSS JOIN LATERAL generate_series(0, 5 + {ctx.pick('count', 'v.id', 5)}) k"
        f" JOIN ld_exercise x ON x.i = mod({ctx.pick('first', 'v.id', e)} + k * 7, {e})",
    )


def session_logs(ctx: LoadContext) -> int:
    # Portal users log their active programme; each patient keeps their own
    # adherence (45-95 %, about 70 % on average) and a day is done or not as a
    # whole, as patients do.
    adherence = f"(0.45 + 0.5 * {ctx.rnd('adh', 'p.id')})"
    roll = "r.roll"  # one hash per row, used by several columns
    outcome = (
        f"CASE WHEN {roll} < 0.85 THEN 'done' WHEN {roll} < 0.95 THEN 'partial' ELSE 'skipped' END"
    )
    return insert_select(
        ctx,
        SessionLog,
        {
            "id": ctx.uuid("log", "rx.id", "d::date", "s"),
            "patient_id": "p.id",
            "version_id": "v.id",
            "prescription_id": "rx.id",
            "performed_on": "d::date",
            "session_number": "s",
            "outcome": outcome,
            "skip_reason": f"CASE WHEN {roll} >= 0.95 THEN 'no_time' ELSE '' END",
            "sets_done": f"CASE WHEN {roll} < 0.85 THEN rx.sets END",
            "reps_done": f"CASE WHEN {roll} < 0.85 THEN rx.reps END",
            "pain_during": f"CASE WHEN {roll} < 0.95 THEN {ctx.pick('pain', 'rx.id', 'd', 6)} END",
            "difficulty": f"CASE WHEN {roll} < 0.95 THEN 2 + {ctx.pick('diff', 'p.id', 'd', 3)} END",
            "logged_at": "d + interval '18 hours'",
            "updated_at": "d + interval '18 hours'",
        },
        f"FROM {_table(Patient)} p"  # nosec B608
        f" JOIN {_table(TreatmentPlan)} t ON t.patient_id = p.id AND t.status = 'active'"
        f" JOIN {_table(ProgrammeVersion)} v ON v.plan_id = t.id AND v.valid_until IS NULL"
        f" JOIN {_table(Prescription)} rx ON rx.version_id = v.id"
        " CROSS JOIN LATERAL generate_series("
        f"greatest(v.valid_from, %s::date - {int(ctx.log_days)}), %s::date - 1, interval '1 day') d"
        " CROSS JOIN LATERAL generate_series(1, rx.sessions_per_day) s"
        f" CROSS JOIN LATERAL (SELECT {ctx.rnd('out', 'rx.id', 'd::date', 's')} AS roll) r"
        f" WHERE p.status = 'active' AND p.consent_portal"
        f" AND {ctx.rnd('day', 'p.id', 'd::date')} < {adherence}"
        " AND rx.days_of_week & (1 << (extract(isodow FROM d)::int - 1)) <> 0",
        [ctx.today, ctx.today],
    )


def adherence_snapshots(ctx: LoadContext) -> int:
    """The nightly task's weekly snapshots (tracking.adherence) for every
    active plan and every complete week inside the logging window. A day
    prescribes the largest ``sessions_per_day`` of the prescriptions due on its
    weekday; session *n* is complete when every one of them has a done log (a generated version gives all its prescriptions the same
    sessions per day, so "every one due that day" is the whole rule)."""
    due = (  # per version and ISO weekday: prescriptions due, sessions that day
        "(SELECT rx.version_id, w.dow, count(*) AS n, max(rx.sessions_per_day) AS spd"  # nosec B608
        f" FROM {_table(Prescription)} rx CROSS JOIN generate_series(1, 7) w(dow)"
        " WHERE rx.days_of_week & (1 << (w.dow - 1)) <> 0 GROUP BY 1, 2)"
    )
    first_monday = f"date_trunc('week', %s::date - {int(ctx.log_days)} + 6)::date"
    percent = "round(100.0 * coalesce(c.completed, 0) / w.prescribed, 1)"
    return insert_select(
        ctx,
        AdherenceSnapshot,
        {
            "patient_id": "w.patient_id",
            "week_start": "w.week_start",
            "prescribed": "w.prescribed",
            "completed": "coalesce(c.completed, 0)",
            "percent": percent,
            "threshold_percent": "w.threshold",
            "adherent": f"{percent} >= w.threshold",
            "rule_version": f"'{RULE_VERSION}'",
        },
        "FROM (SELECT t.patient_id, v.id AS version_id, date_trunc('week', d)::date AS week_start,"  # nosec B608
        " c.adherence_threshold_percent AS threshold, sum(due.spd) AS prescribed"
        f" FROM {_table(TreatmentPlan)} t"
        f" JOIN {_table(ProgrammeVersion)} v ON v.plan_id = t.id AND v.valid_until IS NULL"
        f" JOIN {_table(Patient)} p ON p.id = t.patient_id"
        f" JOIN {_table(Clinic)} c ON c.id = p.clinic_id"
        f" CROSS JOIN LATERAL generate_series(greatest(v.valid_from, {first_monday}),"
        " date_trunc('week', %s::date)::date - 1, interval '1 day') d"
        f" JOIN {due} due ON due.version_id = v.id AND due.dow = extract(isodow FROM d)"
        " WHERE t.status = 'active' AND p.status = 'active' GROUP BY 1, 2, 3, 4) w"
        " LEFT JOIN (SELECT s.version_id, date_trunc('week', s.performed_on)::date AS week_start,"
        " count(*) AS completed"
        " FROM (SELECT version_id, performed_on, session_number,"
        " count(*) FILTER (WHERE outcome = 'done') AS ok"
        f" FROM {_table(SessionLog)} GROUP BY 1, 2, 3) s"
        f" JOIN {due} due ON due.version_id = s.version_id"
        " AND due.dow = extract(isodow FROM s.performed_on)"
        " WHERE s.ok = due.n GROUP BY 1, 2) c"
        " ON c.version_id = w.version_id AND c.week_start = w.week_start",
        [ctx.today, ctx.today],
    )


def reminder_preferences(
    ctx: LoadContext, where: str = "p.status = 'active' AND p.consent_reminders"
) -> int:
    times = ['["08:00"]', '["07:30"]', '["18:00"]', '["08:00", "19:00"]']
    return insert_select(
        ctx,
        ReminderPreference,
        {
            "patient_id": "p.id",
            "channel": f"CASE WHEN {ctx.rnd('chan', 'p.id')} < 0.8 THEN 'email' ELSE 'sms' END",
            "local_times": f"({_array(times)})[1 + {ctx.pick('times', 'p.id', 4)}]::jsonb",
            "updated_at": "p.created_at",
        },
        f"FROM {_table(Patient)} p WHERE {where}",
    )


def reminders_for_every_active_patient(ctx: LoadContext) -> int:
    """For the planning benchmark of issue 20 (100,000 patients *with* reminders):
    every active patient consents and gets a preference like the generated ones
    (same mix of channels and times). Returns the preferences added."""
    ctx.execute(
        f"UPDATE {_table(Patient)} SET consent_reminders = true"  # nosec B608 (a table name)
        " WHERE status = 'active' AND NOT consent_reminders"
    )
    return reminder_preferences(
        ctx,
        where="p.status = 'active' AND NOT EXISTS (SELECT 1 FROM "  # nosec B608 (a table name)
        f"{_table(ReminderPreference)} r WHERE r.patient_id = p.id)",
    )


REMINDER_PAST_DAYS = 14
REMINDER_AHEAD_DAYS = 2


def reminder_occurrences(ctx: LoadContext) -> int:
    """The first slot of each preference: two weeks sent, the next two days
    planned (what the planner keeps ahead), at the patient's local time."""
    local_date = f"(DATE '{ctx.today.isoformat()}' + d.n)"
    due_at = f"(({local_date} + (r.local_times->>0)::time) AT TIME ZONE p.time_zone)"
    return insert_select(
        ctx,
        ReminderOccurrence,
        {
            "id": ctx.uuid("occurrence", "r.patient_id", "d.n::text"),
            "patient_id": "r.patient_id",
            "channel": "r.channel",
            "local_date": local_date,
            "slot": "r.local_times->>0",
            "due_at": due_at,
            "state": "CASE WHEN d.n < 0 THEN 'sent' ELSE 'planned' END",
            "attempts": "CASE WHEN d.n < 0 THEN 1 ELSE 0 END",
            "sent_at": f"CASE WHEN d.n < 0 THEN {due_at} + interval '1 minute' END",
            "created_at": f"{due_at} - interval '2 days'",
        },
        f"FROM {_table(ReminderPreference)} r JOIN {_table(Patient)} p ON p.id = r.patient_id "
        f"CROSS JOIN generate_series(-{REMINDER_PAST_DAYS}, {REMINDER_AHEAD_DAYS - 1}) AS d(n)",
    )


ALERT_KINDS = [
    # kind, urgency, status, share of active patients
    ("low_adherence", 3, "open", 0.04),
    ("pain_high", 2, "open", 0.01),
    ("red_flag_reported", 1, "acknowledged", 0.002),
    ("no_logs", 3, "resolved", 0.05),
]


def alerts(ctx: LoadContext) -> int:
    kinds = ", ".join(f"('{k}', {u}, '{s}', {share})" for k, u, s, share in ALERT_KINDS)
    raised = f"(now() - make_interval(hours => {ctx.pick('raised', 'p.id', 'a.kind', 24 * 30)}))"
    return insert_select(
        ctx,
        Alert,
        {
            "id": ctx.uuid("alert", "p.id", "a.kind"),
            "patient_id": "p.id",
            "clinic_id": "p.clinic_id",
            "kind": "a.kind",
            "urgency": "a.urgency",
            "status": "a.status",
            "summary": "'Generated alert (' || a.kind || ')'",
            "raised_at": raised,
            "acknowledged_at": f"CASE WHEN a.status <> 'open' THEN {raised} + interval '2 hours' END",
            "resolved_at": f"CASE WHEN a.status = 'resolved' THEN {raised} + interval '1 day' END",
        },
        f"FROM {_table(Patient)} p CROSS JOIN (VALUES {kinds}) a(kind, urgency, status, share)"
        f" WHERE p.status = 'active' AND {ctx.rnd('alert', 'p.id', 'a.kind')} < a.share",
    )


def audit_events(ctx: LoadContext) -> int:
    # Each record: its creation; active ones also eight views by their clinician
    # over the last 90 days, the others one. Each staff member: 60 logins.
    views = "CASE WHEN p.status = 'active' THEN 8 ELSE 1 END"
    at = (
        f"CASE WHEN e.k = 0 THEN p.created_at"
        f" ELSE greatest(p.created_at, now() - make_interval("
        f"mins => {ctx.pick('seen', 'p.id', 'e.k', 90 * 24 * 60)})) END"
    )
    rows = insert_select(
        ctx,
        AuditEvent,
        {
            "at": at,
            "actor_id": "st.user_id",
            "actor_username": "st.username",
            "action": "CASE WHEN e.k = 0 THEN 'patient_create' ELSE 'patient_view' END",
            "object_type": "'patients.patient'",
            "object_id": "p.id::text",
            "patient_id": "p.id",
            "clinic_id": "p.clinic_id",
            "ip": "('10.0.0.' || (1 + mod(st.staff_id, 250)))::inet",
        },
        f"FROM {_table(Patient)} p JOIN ld_staff st ON st.staff_id = p.assigned_clinician_id"
        f" CROSS JOIN LATERAL generate_series(0, {views}) e(k)",
    )
    rows += insert_select(
        ctx,
        AuditEvent,
        {
            "at": f"now() - make_interval(mins => {ctx.pick('login', 'st.user_id', 'e.k', 90 * 24 * 60)})",
            "actor_id": "st.user_id",
            "actor_username": "st.username",
            "action": "'login'",
            "object_type": "'auth.user'",
            "object_id": "st.user_id::text",
            "clinic_id": ctx.uuid("clinic", "st.clinic_idx"),
            "ip": "('10.0.0.' || (1 + mod(st.staff_id, 250)))::inet",
        },
        "FROM ld_staff st CROSS JOIN generate_series(1, 60) e(k)",
    )
    return rows
