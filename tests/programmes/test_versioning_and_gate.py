"""Programme versions (activating makes version 1; editing an active programme
makes a new version from that day; old versions stay as they were) and the
red-flag gate on activation."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from programmes import services
from programmes.models import PlanStatus, Prescription
from tests.programmes.helpers import exercise, make_plan

pytestmark = pytest.mark.django_db

START = date(2026, 3, 2)


def at(day: date, hour: int = 10):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=UTC), tick=False)


@pytest.fixture
def plan(clinician, patient_record):
    return make_plan(patient_record, clinician, start_on=START)


@pytest.fixture
def active(plan, clinician):
    with at(START):
        services.plan_activate(plan=plan, by=clinician)
    plan.refresh_from_db()
    return plan


def _first(version):
    return version.prescriptions.order_by("order").first()


def test_activating_publishes_version_1_from_the_start_date(plan, clinician):
    with at(START - timedelta(days=3)):
        version = services.plan_activate(plan=plan, by=clinician)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE and plan.activated_at is not None
    assert (version.number, version.valid_from, version.valid_until) == (1, START, None)
    assert plan.versions.count() == 1


def test_activating_after_the_start_date_publishes_from_today(plan, clinician):
    with at(START + timedelta(days=4)):
        version = services.plan_activate(plan=plan, by=clinician)
    assert version.valid_from == START + timedelta(days=4)


def test_draft_edits_change_version_1_in_place(plan, clinician):
    rx = _first(plan.current_version())
    services.prescription_change(plan=plan, prescription=rx, by=clinician, changes={"sets": 2})
    assert plan.versions.count() == 1
    rx.refresh_from_db()
    assert rx.sets == 2


def test_editing_an_active_programme_makes_a_new_version_from_that_day(active, clinician):
    v1 = active.current_version()
    logged = _first(v1)  # what a session log would point at
    edit_day = START + timedelta(days=10)
    with at(edit_day):
        changed = services.prescription_change(
            plan=active,
            prescription=logged,
            by=clinician,
            changes={"sets": 2, "sessions_per_day": 1},
        )
    v1.refresh_from_db()
    v2 = active.current_version()
    assert (v2.number, v2.valid_from, v2.valid_until) == (2, edit_day, None)
    assert v1.valid_until == edit_day
    assert changed.version == v2 and changed.lineage == logged.lineage and changed.sets == 2
    # The old version and the row a log points at are untouched and readable.
    logged.refresh_from_db()
    assert (logged.version_id, logged.sets, logged.sessions_per_day) == (v1.pk, 3, 2)
    assert v1.prescriptions.count() == v2.prescriptions.count() == 2
    # The denominator follows the versions: 10 days at 2 a day, then 74 at 2
    # (the other exercise is still twice a day, and sittings are shared).
    assert active.sessions_prescribed(START, START + timedelta(days=83)) == 168


def test_removing_from_an_active_programme_keeps_the_old_version_whole(active, clinician):
    v1 = active.current_version()
    with at(START + timedelta(days=7)):
        for rx in list(v1.prescriptions.all()):
            services.prescription_remove(
                plan=active,
                prescription=active.current_version().prescriptions.get(lineage=rx.lineage),
                by=clinician,
            )
    assert v1.prescriptions.count() == 2
    assert active.current_version().number == 3
    assert active.current_version().prescriptions.count() == 0
    assert active.sessions_prescribed(START, START + timedelta(days=30)) == 7 * 2


def test_two_edits_on_one_day_leave_an_empty_range_that_counts_nothing(active, clinician):
    day = START + timedelta(days=5)
    with at(day):
        rx = _first(active.current_version())
        services.prescription_change(
            plan=active, prescription=rx, by=clinician, changes={"sets": 2}
        )
        rx = _first(active.current_version())
        services.prescription_change(
            plan=active, prescription=rx, by=clinician, changes={"sets": 1}
        )
    _v1, v2, v3 = active.versions.order_by("number")
    assert (v2.valid_from, v2.valid_until) == (day, day)
    assert v3.valid_from == day
    assert active.sessions_prescribed(START, START + timedelta(days=83)) == 168


def test_an_old_version_cannot_be_edited(active, clinician):
    old = _first(active.current_version())
    with at(START + timedelta(days=1)):
        services.prescription_change(
            plan=active, prescription=old, by=clinician, changes={"sets": 2}
        )
        with pytest.raises(services.PlanError, match="replaced"):
            services.prescription_change(
                plan=active, prescription=old, by=clinician, changes={"sets": 1}
            )


def test_adding_to_an_active_plan_starts_today(active, clinician, client):
    client.force_login(clinician)
    day = START + timedelta(days=3)
    with at(day):
        client.post(
            reverse("programmes:prescription-add", args=[active.pk]),
            {"exercise": exercise("calf-stretch-wall").pk, "phase": 1},
        )
    added = active.current_version().prescriptions.get(exercise__slug="calf-stretch-wall")
    assert added.start_on == day and added.version.number == 2


def test_closing_a_plan_ends_the_programme_that_day(active, clinician):
    with at(START + timedelta(days=20)):
        services.plan_close(plan=active, by=clinician, status=PlanStatus.COMPLETED)
    active.refresh_from_db()
    assert active.status == PlanStatus.COMPLETED
    assert active.sessions_prescribed(START, START + timedelta(days=83)) == 20 * 2
    with pytest.raises(services.PlanError):
        services.prescription_change(
            plan=active,
            prescription=_first(active.current_version()),
            by=clinician,
            changes={"sets": 1},
        )


def test_the_versions_page_shows_old_and_new_dosage(active, clinician, client):
    with at(START + timedelta(days=2)):
        services.prescription_change(
            plan=active,
            prescription=_first(active.current_version()),
            by=clinician,
            changes={"sets": 1},
        )
    client.force_login(clinician)
    body = client.get(reverse("programmes:plan-versions", args=[active.pk])).content.decode()
    assert 'id="version-1"' in body and 'id="version-2"' in body
    assert "3 x 15 reps" in body and "1 x 15 reps" in body


# --- the red-flag gate ------------------------------------------------------


@pytest.fixture
def red_flags(monkeypatch):
    """Stand in for the assessments app at its edge: the patient has an open red flag."""
    seen = []

    def has_unactioned(patient):
        seen.append(patient.pk)
        return True

    monkeypatch.setattr("assessments.api.patient_has_unactioned_red_flags", has_unactioned)
    return seen


def test_a_plan_cannot_be_activated_while_a_red_flag_has_no_action(plan, clinician, red_flags):
    with pytest.raises(services.RedFlagGateError):
        services.plan_activate(plan=plan, by=clinician)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    assert not plan.versions.published().exists()
    assert red_flags == [plan.patient_id]


def test_the_plan_page_explains_the_gate_and_refuses_activation(plan, clinician, client, red_flags):
    client.force_login(clinician)
    page = client.get(reverse("programmes:plan-detail", args=[plan.pk])).content.decode()
    assert 'id="red-flag-gate"' in page and "disabled" in page
    response = client.post(reverse("programmes:plan-activate", args=[plan.pk]), follow=True)
    assert "red flag without a recorded action" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_without_red_flags_the_plan_activates_from_the_page(plan, clinician, client):
    client.force_login(clinician)
    with at(START):
        response = client.post(reverse("programmes:plan-activate", args=[plan.pk]), follow=True)
    assert "Plan activated: programme version 1" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE


def test_an_empty_plan_cannot_be_activated(clinician, patient_record):
    plan = make_plan(patient_record, clinician, slug=None, start_on=START)
    with pytest.raises(services.PlanError, match="at least one exercise"):
        services.plan_activate(plan=plan, by=clinician)


def test_history_is_kept_for_prescriptions(active, clinician):
    rx = _first(active.current_version())
    assert Prescription.history.filter(id=rx.pk).exists()
