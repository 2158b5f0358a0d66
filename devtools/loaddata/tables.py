"""One step per table for ``generate_load_data`` (see ``devtools.loaddata``).

Proportions, per 100,000 active patients (the issue's chain of 200 clinics):
200 clinics with 4 clinicians, 2 receptionists and 1 clinic admin each;
500,000 patient records (the rest discharged 70 % / archived 30 %); an initial
assessment for every record and a review for half the active patients, with
NPRS and LEFS on each initial one; an active plan (one published version, 6-10
exercises of the shipped library) per active patient and a completed one for
half the others; session logs for the active patients who use the portal
(60 %) over the last ``log_days`` days at about 70 % adherence, with the weekly
adherence snapshots of the complete weeks; reminder
preferences for those who consented (80 % of portal users); a few per cent
with an alert; audit events for record creation, record views and logins.

SQL here is built from constants, integers and model metadata, never from
input (hence the `nosec B608` marks). Names and numbers are fictional (``example.test`` addresses, +447 numbers).
"""

from __future__ import annotations

import json

from django.contrib.auth import get_user_model
from django.db import connection

from alerts.models import Alert
from assessments.instruments import get_instrument
from assessments.models import Assessment, OutcomeResponse
from clinic.models import AuditEvent, Clinic, StaffMember
from devtools.loaddata.base import LoadContext, insert_select
from exercises.models import Exercise
from patients.models import Patient
from programmes.models import Prescription, ProgrammeVersion, TreatmentPlan
from reminders.models import ReminderOccurrence, ReminderPreference
from tracking.adherence import RULE_VERSION
from tracking.models import AdherenceSnapshot, SessionLog

FIRST_NAMES = [
    "Aisha",
    "Alex",
    "Alice",
    "Amara",
    "Amir",
    "Anna",
    "Ben",
    "Bethan",
    "Carlos",
    "Chloe",
    "Chen",
    "Daniel",
    "Dev",
    "Diego",
    "Ella",
    "Emma",
    "Ewan",
    "Fatima",
    "Finn",
    "Grace",
    "Hannah",
    "Harry",
    "Isla",
    "Jack",
    "James",
    "Jess",
    "Joy",
    "Kai",
    "Kate",
    "Leo",
    "Lily",
    "Luca",
    "Maya",
    "Mia",
    "Mohammed",
    "Nia",
    "Noah",
    "Olivia",
    "Omar",
    "Priya",
    "Rhys",
    "Rosa",
    "Ruth",
    "Sam",
    "Sara",
    "Sofia",
    "Tom",
    "Una",
    "Zara",
]
LAST_NAMES = [
    "Abbott",
    "Adams",
    "Ahmed",
    "Bailey",
    "Baker",
    "Bell",
    "Brown",
    "Campbell",
    "Carter",
    "Chen",
    "Clark",
    "Cole",
    "Davies",
    "Dixon",
    "Edwards",
    "Evans",
    "Fisher",
    "Foster",
    "Green",
    "Hall",
    "Harris",
    "Hughes",
    "Hussain",
    "Jones",
    "Kaur",
    "Khan",
    "King",
    "Lee",
    "Lewis",
    "Marsh",
    "Martin",
    "Mason",
    "Morgan",
    "Murphy",
    "Nguyen",
    "Novak",
    "Okafor",
    "Owen",
    "Patel",
    "Price",
    "Quigley",
    "Ramirez",
    "Reid",
    "Roberts",
    "Rossi",
    "Shah",
    "Singh",
    "Smith",
    "Taylor",
    "Thomas",
    "Turner",
    "Walker",
    "Ward",
    "Watson",
    "White",
    "Williams",
    "Wilson",
    "Wood",
    "Wright",
    "Young",
]
CONDITIONS = [
    "lumbar_radicular_pain",
    "midportion_achilles",
    "plantar_heel_pain",
    "mtss",
    "pad_claudication",
    "neurogenic_claudication",
    "bone_stress_injury",
]
STAFF_ROLES = [("clinician", 4), ("reception", 2), ("clinic_admin", 1)]
PORTAL_SHARE = 0.6
REMINDER_SHARE = 0.8  # of portal users


def _array(values) -> str:
    return "ARRAY[" + ", ".join(f"'{v}'" for v in values) + "]"


def _choose(ctx: LoadContext, key: tuple[str, ...], values) -> str:
    return f"({_array(values)})[1 + {ctx.pick(*key, n=len(values))}]"


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def clinics(ctx: LoadContext) -> int:
    return insert_select(
        ctx,
        Clinic,
        {
            "id": ctx.uuid("clinic", "c"),
            "name": "'Load Clinic ' || lpad(c::text, 3, '0')",
            "email": "'clinic' || c || '@example.test'",
        },
        f"FROM generate_series(0, {ctx.clinics - 1}) c",
    )


def _staff_series(ctx: LoadContext) -> str:
    roles = ", ".join(f"('{role}', {k})" for role, count in STAFF_ROLES for k in range(count))
    return f"FROM generate_series(0, {ctx.clinics - 1}) c CROSS JOIN (VALUES {roles}) r(role, k)"


def staff_users(ctx: LoadContext) -> int:
    # Unusable passwords: the benchmark logs in by writing sessions directly.
    return insert_select(
        ctx,
        get_user_model(),
        {
            "username": "'ld-c' || c || '-' || r.role || r.k",
            "password": "'!load-data'",
            "is_staff": "r.role = 'clinic_admin'",  # clinic admins use the Django admin
            "first_name": _choose(ctx, ("sfn", "c", "r.role", "r.k"), FIRST_NAMES),
            "last_name": _choose(ctx, ("sln", "c", "r.role", "r.k"), LAST_NAMES),
            "email": "'ld-c' || c || '-' || r.role || r.k || '@example.test'",
            "date_joined": "now()",
        },
        _staff_series(ctx),
    )


def staff_members(ctx: LoadContext) -> int:
    rows = insert_select(
        ctx,
        StaffMember,
        {"user_id": "u.id", "role": "r.role"},
        _staff_series(ctx)
        + " JOIN auth_user u ON u.username = 'ld-c' || c || '-' || r.role || r.k",
    )
    # Later steps look staff up by (clinic number, role, k) in this table.
    ctx.execute("DROP TABLE IF EXISTS ld_staff")
    ctx.execute(
        "CREATE TEMP TABLE ld_staff AS SELECT c AS clinic_idx, r.role, r.k, s.id AS staff_id,"
        " u.id AS user_id, u.username "
        + _staff_series(ctx)
        + " JOIN auth_user u ON u.username = 'ld-c' || c || '-' || r.role || r.k"
        " JOIN clinic_staffmember s ON s.user_id = u.id"
    )
    ctx.execute("CREATE INDEX ON ld_staff (clinic_idx, role, k)")
    ctx.execute("CREATE INDEX ON ld_staff (staff_id)")
    return rows


def staff_clinic_links(ctx: LoadContext) -> int:
    return insert_select(
        ctx,
        StaffMember.clinics.through,
        {"staffmember_id": "st.staff_id", "clinic_id": ctx.uuid("clinic", "st.clinic_idx")},
        "FROM ld_staff st",
    )


def patients(ctx: LoadContext) -> int:
    c, n_active = ctx.clinics, ctx.active_patients
    active = f"s.n < {n_active}"
    portal = f"({active} AND {ctx.rnd('portal', 's.n')} < {PORTAL_SHARE})"
    reminders = f"({portal} AND {ctx.rnd('remind', 's.n')} < {REMINDER_SHARE})"
    # Active patients came in the last 150 days; the others up to 10 years ago.
    created = (
        f"(now() - make_interval(days => CASE WHEN {active} THEN {ctx.pick('age', 's.n', 150)}"
        f" ELSE 150 + {ctx.pick('age', 's.n', 3500)} END))"
    )
    return insert_select(
        ctx,
        Patient,
        {
            "id": ctx.uuid("patient", "s.n"),
            "clinic_id": ctx.uuid("clinic", f"mod(s.n, {c})"),
            "record_number": f"lpad((s.n / {c} + 1)::text, 6, '0')",
            "first_name": "s.fn",
            "last_name": "s.ln",
            "date_of_birth": f"date '1940-01-01' + {ctx.pick('dob', 's.n', 65 * 365)}",
            "sex": _choose(ctx, ("sex", "s.n"), ["female", "male", "female", "male", "not_stated"]),
            "email": "lower(s.fn || '.' || s.ln || '.' || s.n || '@example.test')",
            "mobile_phone": f"'+447' || lpad({ctx.pick('tel', 's.n', 10**9)}::text, 9, '0')",
            "city": _choose(
                ctx, ("city", "s.n"), ["London", "Leeds", "Bristol", "Cardiff", "York"]
            ),
            "postcode": "'ZZ9 9ZZ'",
            "referral_source": _choose(ctx, ("ref", "s.n"), ["self", "gp", "gp", "consultant"]),
            "referral_reason": _choose(ctx, ("why", "s.n"), CONDITIONS),
            "consent_treatment": "true",
            "consent_treatment_at": created,
            "consent_portal": portal,
            "consent_portal_at": f"CASE WHEN {portal} THEN {created} END",
            "consent_reminders": reminders,
            "consent_reminders_at": f"CASE WHEN {reminders} THEN {created} END",
            "status": (
                f"CASE WHEN {active} THEN 'active' WHEN {ctx.rnd('status', 's.n')} < 0.7"
                " THEN 'discharged' ELSE 'archived' END"
            ),
            "assigned_clinician_id": "st.staff_id",
            "created_at": created,
            "updated_at": created,
        },
        f"FROM (SELECT n, {_choose(ctx, ('fn', 'n'), FIRST_NAMES)} AS fn,"  # nosec B608
        f" {_choose(ctx, ('ln', 'n'), LAST_NAMES)} AS ln"
        f" FROM generate_series(0, {ctx.total_patients - 1}) n) s"
        f" JOIN ld_staff st ON st.clinic_idx = mod(s.n, {c}) AND st.role = 'clinician'"
        f" AND st.k = mod(s.n / {c}, 4)",
    )


def patient_history(ctx: LoadContext) -> int:
    """The "created" history row each record gets when made in the app."""
    values = {f.attname: f"p.{f.column}" for f in Patient._meta.concrete_fields}
    values.update(history_date="p.created_at", history_type="'+'", history_user_id="st.user_id")
    return insert_select(
        ctx,
        Patient.history.model,
        values,
        f"FROM {_table(Patient)} p JOIN ld_staff st ON st.staff_id = p.assigned_clinician_id",
    )


def clinic_record_counters(ctx: LoadContext) -> int:
    # Clinic.issue_record_number carries on after the generated records.
    return ctx.execute(
        f"UPDATE {_table(Clinic)} c SET last_record_number = m.top"  # nosec B608
        f" FROM (SELECT clinic_id, max(record_number::int) AS top FROM {_table(Patient)}"
        " GROUP BY clinic_id) m WHERE m.clinic_id = c.id"
    )


def portal_users(ctx: LoadContext) -> int:
    rows = insert_select(
        ctx,
        get_user_model(),
        {
            "username": "p.email",
            "password": "'!load-data'",
            "first_name": "p.first_name",
            "last_name": "p.last_name",
            "email": "p.email",
            "date_joined": "p.created_at",
        },
        f"FROM {_table(Patient)} p WHERE p.consent_portal",
    )
    ctx.execute(
        f"UPDATE {_table(Patient)} p SET user_id = u.id FROM auth_user u"  # nosec B608
        " WHERE p.consent_portal AND u.username = p.email"
    )
    return rows


def assessments(ctx: LoadContext) -> int:
    # An initial assessment for every record; a review four weeks later for half
    # of the active patients.
    review = f"(p.status = 'active' AND {ctx.rnd('review', 'p.id')} < 0.5)"
    day = "(p.created_at::date + a.k * 28)"
    return insert_select(
        ctx,
        Assessment,
        {
            "id": ctx.uuid("assessment", "p.id", "a.k"),
            "patient_id": "p.id",
            "clinician_id": "p.assigned_clinician_id",
            "kind": "CASE WHEN a.k = 0 THEN 'initial' ELSE 'review' END",
            "status": "'signed'",
            "assessed_on": f"least({day}, current_date)",
            "signed_at": f"least({day}, current_date)::timestamptz + interval '11 hours'",
            "signed_by_id": "st.user_id",
            "created_at": f"least({day}, current_date)::timestamptz + interval '10 hours'",
            "updated_at": f"least({day}, current_date)::timestamptz + interval '11 hours'",
            "working_diagnosis": "p.referral_reason",
            "nprs_current": ctx.pick("nprs", "p.id", "a.k", 9),
            "duration_weeks": f"1 + {ctx.pick('weeks', 'p.id', 30)}",
        },
        f"FROM {_table(Patient)} p JOIN ld_staff st ON st.staff_id = p.assigned_clinician_id"
        f" CROSS JOIN LATERAL generate_series(0, CASE WHEN {review} THEN 1 ELSE 0 END) a(k)",
    )


def _response_variants(ctx: LoadContext) -> None:
    """Scored answer sets from the real instruments, in a temp table."""
    rows = []
    nprs, lefs = get_instrument("nprs"), get_instrument("lefs")
    for value in range(11):
        rows.append((nprs, value, {"current": value}))
    for value in range(5):
        rows.append((lefs, value, {item: value for item in lefs.items}))
    ctx.execute("DROP TABLE IF EXISTS ld_response")
    ctx.execute(
        "CREATE TEMP TABLE ld_response (code text, variant int, version text, rule text,"
        " answers jsonb, result jsonb, total float, complete boolean, band text)"
    )
    for inst, variant, answers in rows:
        result = inst.score(answers)
        ctx.execute(
            "INSERT INTO ld_response VALUES (%s, %s, %s, %s, %s::jsonb, %s::jsonb, %s, %s, %s)",
            [
                inst.code,
                variant,
                inst.version,
                inst.scoring_rule_version,
                json.dumps(answers),
                json.dumps(result.as_dict()),
                result.total,
                result.complete,
                result.band or "",
            ],
        )


def outcome_responses(ctx: LoadContext) -> int:
    _response_variants(ctx)
    return insert_select(
        ctx,
        OutcomeResponse,
        {
            "id": ctx.uuid("response", "a.id", "v.code"),
            "assessment_id": "a.id",
            "patient_id": "a.patient_id",
            "instrument_code": "v.code",
            "instrument_version": "v.version",
            "scoring_rule_version": "v.rule",
            "answers": "v.answers",
            "total": "v.total",
            "complete": "v.complete",
            "band": "v.band",
            "result": "v.result",
            "assessed_on": "a.assessed_on",
        },
        f"FROM {_table(Assessment)} a JOIN ld_response v ON v.variant ="
        f" CASE v.code WHEN 'nprs' THEN {ctx.pick('nprs', 'a.id', 11)}"
        f" ELSE {ctx.pick('lefs', 'a.id', 5)} END WHERE a.kind = 'initial'",
    )


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


def reminder_preferences(ctx: LoadContext) -> int:
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
        f"FROM {_table(Patient)} p WHERE p.status = 'active' AND p.consent_reminders",
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
