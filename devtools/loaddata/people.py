"""Generator steps for the people and the clinical record: clinics, staff,
patients, portal users, assessments and outcome responses (see
``devtools.loaddata.base``)."""

from __future__ import annotations

import json

from django.contrib.auth import get_user_model
from django.db import connection

from assessments.instruments import get_instrument
from assessments.models import Assessment, OutcomeResponse
from clinic.models import Clinic, StaffMember
from devtools.loaddata.base import LoadContext, insert_select
from patients.models import Patient

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
