"""Planning reminders: the next 48 hours of occurrences for every patient who
wants them, idempotently (the unique key (patient, channel, local date, slot)
and ``bulk_create(ignore_conflicts=True)``: two planners at once create each
row once). Delivery is in ``reminders.delivery``."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.db import connection
from django.db.models import Prefetch, Q
from django.utils import timezone

from exercises.models import days_list
from patients.models import Patient, Status
from programmes.models import PlanStatus, Prescription, ProgrammeVersion, TreatmentPlan
from reminders.models import OccurrenceState, ReminderOccurrence, ReminderPreference, has_contact
from reminders.scheduling import parse_slot, planned_instants

PLAN_HORIZON = timedelta(hours=48)
PLAN_CHUNK = 1000


def active_plans_by_patient(
    patient_ids: Iterable, *, in_force_from: date | None = None
) -> dict[uuid.UUID, TreatmentPlan]:
    """The active plan of each patient (most recently activated), its published
    versions and their prescriptions prefetched: three queries per chunk.

    With ``in_force_from``, only what can be due on that day or later is loaded
    (versions not yet superseded by then, prescriptions not yet ended): the
    planner looks ahead only, and older rows were most of what it read."""
    versions = ProgrammeVersion.objects.published()
    prescriptions = Prescription.objects.only(
        "id", "version_id", "start_on", "end_on", "days_of_week", "sessions_per_day"
    )
    if in_force_from is not None:
        versions = versions.filter(Q(valid_until__isnull=True) | Q(valid_until__gt=in_force_from))
        prescriptions = prescriptions.filter(Q(end_on__isnull=True) | Q(end_on__gte=in_force_from))
    plans = (
        TreatmentPlan.objects.filter(patient_id__in=list(patient_ids), status=PlanStatus.ACTIVE)
        .only("id", "patient_id", "start_on", "activated_at")
        .order_by("patient_id", "-activated_at")
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=versions.prefetch_related(
                    Prefetch("prescriptions", queryset=prescriptions)
                ),
            )
        )
    )
    by_patient: dict[uuid.UUID, TreatmentPlan] = {}
    for plan in plans:
        by_patient.setdefault(plan.patient_id, plan)
    return by_patient


def occurrences_for(
    preference: ReminderPreference, plan: TreatmentPlan | None, *, now: datetime
) -> list[ReminderOccurrence]:
    """The occurrences one patient needs in ``[now, now + 48 h)`` (unsaved).

    Only with recorded consent, an enabled preference, a contact for the
    channel, an active programme that has sessions due that local day, and
    not during a pause. Times in quiet hours are never planned."""
    patient = preference.patient
    if (
        plan is None
        or not preference.enabled
        or not patient.consent_reminders
        or patient.status != Status.ACTIVE
        or not has_contact(patient, preference.channel)
    ):
        return []
    first_day = plan.start_on
    if preference.paused_until is not None:
        first_day = max(first_day, preference.paused_until + timedelta(days=1))
    versions = list(plan.versions.all())
    rows = []
    for instant in planned_instants(
        zone_name=patient.time_zone,
        local_times=[parse_slot(t) for t in preference.local_times],
        weekdays=days_list(preference.days_of_week),
        window_start=now,
        window_end=now + PLAN_HORIZON,
        first_day=first_day,
        quiet_start=preference.quiet_start,
        quiet_end=preference.quiet_end,
    ):
        if any(v.sessions_on(instant.local_date) for v in versions):
            rows.append(
                ReminderOccurrence(
                    patient_id=patient.pk,
                    channel=preference.channel,
                    local_date=instant.local_date,
                    slot=instant.slot,
                    due_at=instant.due_at,
                )
            )
    return rows


def reminders_plan(*, now: datetime | None = None, patient_ids: Iterable | None = None) -> int:
    """Create the next 48 hours of occurrences, idempotently. Returns how many
    rows were offered to the database (existing ones are ignored by the
    unique key, so running twice, or twice at once, creates nothing new)."""
    now = now or timezone.now()
    preferences = (
        ReminderPreference.objects.filter(
            enabled=True, patient__consent_reminders=True, patient__status=Status.ACTIVE
        )
        .select_related("patient")
        .only(
            "id",
            *ReminderPreference.SETTING_FIELDS,
            "patient__id",
            "patient__consent_reminders",
            "patient__status",
            "patient__time_zone",
            "patient__email",
            "patient__mobile_phone",
        )
        .order_by("pk")
    )
    if patient_ids is not None:
        preferences = preferences.filter(patient_id__in=list(patient_ids))
    offered, last_pk = 0, 0
    while True:
        chunk = list(preferences.filter(pk__gt=last_pk)[:PLAN_CHUNK])
        if not chunk:
            return offered
        last_pk = chunk[-1].pk
        # The earliest local date of the window anywhere on earth (UTC-12).
        plans = active_plans_by_patient(
            (p.patient_id for p in chunk), in_force_from=(now - timedelta(days=1)).date()
        )
        rows = []
        for preference in chunk:
            rows += occurrences_for(preference, plans.get(preference.patient_id), now=now)
        _insert_planned(rows)
        offered += len(rows)


def _insert_planned(rows: list[ReminderOccurrence]) -> None:
    """Insert new ``planned`` rows, skipping any the unique key already holds
    (``bulk_create(ignore_conflicts=True)``'s effect), in one statement over
    arrays: a tenth of the time bulk_create spends building its VALUES list."""
    if not rows:
        return
    now = timezone.now()
    table = connection.ops.quote_name(ReminderOccurrence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (id, patient_id, channel, local_date, slot, due_at, state,"  # noqa: S608  # nosec B608 (the model's table name)
            " attempts, provider_message_id, last_error, created_at, updated_at)"
            " SELECT u.id, u.patient_id, u.channel, u.local_date, u.slot, u.due_at, %s, 0,"
            " '', '', %s, %s FROM unnest(%s::uuid[], %s::uuid[], %s::text[], %s::date[],"
            " %s::text[], %s::timestamptz[]) AS u(id, patient_id, channel, local_date, slot,"
            " due_at) ON CONFLICT DO NOTHING",
            [
                OccurrenceState.PLANNED,
                now,
                now,
                [uuid.uuid4() for _ in rows],
                [row.patient_id for row in rows],
                [row.channel for row in rows],
                [row.local_date for row in rows],
                [row.slot for row in rows],
                [row.due_at for row in rows],
            ],
        )


def reminders_plan_patient(*, patient: Patient, now: datetime | None = None) -> int:
    """Plan one patient now (after a preference change), without the broker."""
    return reminders_plan(now=now, patient_ids=[patient.pk])
