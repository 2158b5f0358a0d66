"""Today: exercises due with dosage and steps; logging done, partial and
skipped (plain posts and HTMX), against the version the patient did."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from exercises.models import Exercise
from programmes.models import Prescription
from tests.programmes.helpers import make_plan
from tracking.models import SessionLog

pytestmark = pytest.mark.django_db


def _rx(plan):
    return list(plan.current_version().prescriptions.order_by("order", "id"))


def test_today_lists_the_exercises_due_with_dosage_and_steps(portal, active_plan):
    body = portal.get(reverse("portal:today")).content.decode()
    for p in _rx(active_plan):
        assert p.exercise.name in body
        assert p.dose in body
        assert p.exercise.steps[0] in body
    assert "2 sessions today" in body
    assert "Session 1 of 2" in body


def test_each_card_has_its_own_field_ids_and_the_patients_language(
    portal, active_plan, patient_record
):
    # Cards of one shape share their log form's markup (portal.log_fields, issue 20):
    # each card still gets its own ids, and the language follows the patient's.
    rx = _rx(active_plan)
    assert len(rx) >= 2
    url = reverse("portal:today")
    body = portal.get(url).content.decode()
    for p in rx:
        prefix = str(p.pk)[:8]
        assert f'<label class="form-label" for="id_{prefix}_pain_during">' in body
        assert f'id="id_{prefix}_pain_during"' in body
    assert body.count('name="pain_during"') == len(rx)
    assert "Xprefix0" not in body
    assert "Pain during (0 = none, 10 = worst)" in body
    patient_record.preferred_language = "pl"
    patient_record.save()
    body = portal.get(url).content.decode()
    assert "Ból podczas ćwiczenia (0 = brak, 10 = najgorszy)" in body
    assert "Pain during" not in body
    assert "Sesja 1 z 2" in body
    assert f'id="id_{str(rx[0].pk)[:8]}_pain_during"' in body


def test_without_a_plan_today_says_so(portal):
    body = portal.get(reverse("portal:today")).content.decode()
    assert "No exercises today" in body


def test_logging_done_stores_a_log_against_the_version_and_relogging_updates_it(
    portal, active_plan, today, patient_record
):
    p = _rx(active_plan)[0]
    url = reverse("portal:log", args=[p.pk])
    response = portal.post(
        url, {"session": "1", "outcome": "done", "pain_during": "3", "difficulty": "3"}
    )
    assert response.status_code == 302
    log = SessionLog.objects.get()
    assert (log.patient, log.version, log.prescription) == (patient_record, p.version, p)
    assert (log.outcome, log.pain_during, log.difficulty, log.performed_on) == (
        "done",
        3,
        3,
        today,
    )
    portal.post(url, {"session": "1", "outcome": "partial", "sets_done": "2", "reps_done": "15"})
    log = SessionLog.objects.get()
    assert (log.outcome, log.sets_done, log.reps_done) == ("partial", 2, 15)
    portal.post(url, {"session": "2", "skip": "no_time"})
    assert SessionLog.objects.count() == 2
    body = portal.get(reverse("portal:today")).content.decode()
    assert "Partly done" in body and "No time" in body


def test_a_skip_is_one_tap_with_its_reason(portal, active_plan):
    p = _rx(active_plan)[1]
    portal.post(reverse("portal:log", args=[p.pk]), {"session": "1", "skip": "pain"})
    log = SessionLog.objects.get()
    assert (log.outcome, log.skip_reason) == ("skipped", "pain")


@pytest.mark.parametrize(
    "data, message",
    [
        ({"session": "1", "outcome": "partial"}, "Tell us how much you did"),
        ({"session": "1", "outcome": "done", "pain_during": "11"}, "Select a valid choice"),
        ({"session": "7", "outcome": "done"}, "Select a valid choice"),
        ({"session": "1"}, "Choose Done, Partly done or a reason for skipping"),
        ({"session": "1", "skip": "bored"}, "Select a valid choice"),
        ({"session": "1", "outcome": "partial", "sets_done": "-1"}, "greater than or equal"),
    ],
)
def test_bad_input_gets_a_clear_message_and_nothing_is_stored(portal, active_plan, data, message):
    p = _rx(active_plan)[0]
    response = portal.post(reverse("portal:log", args=[p.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SessionLog.objects.exists()


def test_the_next_morning_answer_is_stored_and_a_bad_one_refused(portal, active_plan):
    # Issue 14 (SPEC 4.5 "no increase the next day"): asked about the previous session.
    p = _rx(active_plan)[0]
    url = reverse("portal:log", args=[p.pk])
    body = portal.get(reverse("portal:today")).content.decode()
    assert "was your pain back to usual by the next morning?" in body
    assert "Minutes of walking before the leg pain started" not in body  # not a PAD walk
    bad = portal.post(url, {"session": "1", "outcome": "done", "previous_next_morning": "maybe"})
    assert bad.status_code == 400 and not SessionLog.objects.exists()
    portal.post(url, {"session": "1", "outcome": "done", "previous_next_morning": "worse"})
    assert SessionLog.objects.get().previous_next_morning == "worse"


@time_machine.travel(datetime(2026, 12, 7, 12, 0, tzinfo=UTC), tick=False)  # a Monday
def test_pad_walking_asks_and_stores_claudication_onset(client, patient, patient_record, clinician):
    # SPEC 2.5b claudication onset time; SPEC 4.1 progression (``tracking.progression``).
    from programmes import services

    client.force_login(patient)  # inside the travel: the session's age counts from here
    portal = client

    plan = make_plan(patient_record, clinician, slug="pad-set", start_on=date(2026, 12, 7))
    services.plan_activate(plan=plan, by=clinician)
    walk = plan.current_version().prescriptions.get(exercise__slug="walking-intervals-claudication")
    body = portal.get(reverse("portal:today")).content.decode()
    assert body.count("Minutes of walking before the leg pain started") == 1
    url = reverse("portal:log", args=[walk.pk])
    too_long = portal.post(
        url, {"session": "1", "outcome": "done", "claudication_onset_min": "121"}
    )
    assert too_long.status_code == 400 and not SessionLog.objects.exists()
    portal.post(url, {"session": "1", "outcome": "done", "claudication_onset_min": "6"})
    assert SessionLog.objects.get().claudication_onset_min == 6


def test_htmx_swaps_the_card(portal, active_plan):
    p = _rx(active_plan)[0]
    response = portal.post(
        reverse("portal:log", args=[p.pk]),
        {"session": "1", "outcome": "done"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith(f'<article class="card mb-3 exercise-card" id="ex-{p.pk}"')
    assert "<html" not in body
    assert "Session 1: <strong>Done</strong>" in body
    bad = portal.post(
        reverse("portal:log", args=[p.pk]),
        {"session": "1", "outcome": "partial"},
        HTTP_HX_REQUEST="true",
    )
    assert "Tell us how much you did" in bad.content.decode()


def test_another_patients_exercise_is_404_and_nothing_is_logged(
    portal, active_plan, other_patient_record, colleague, today
):
    from programmes import services

    other = make_plan(other_patient_record, colleague, start_on=today)
    services.plan_activate(plan=other, by=colleague)
    response = portal.post(
        reverse("portal:log", args=[_rx(other)[0].pk]), {"session": "1", "outcome": "done"}
    )
    assert response.status_code == 404
    assert "Vandermeer" not in response.content.decode()
    assert not SessionLog.objects.exists()


def test_an_exercise_of_an_ended_version_is_not_loggable(portal, active_plan):
    old = _rx(active_plan)[0]
    version = active_plan.current_version()
    version.valid_until = version.valid_from  # ended: in force on no day
    version.save()
    response = portal.post(
        reverse("portal:log", args=[old.pk]), {"session": "1", "outcome": "done"}
    )
    assert response.status_code == 404
    assert not SessionLog.objects.exists()


def _add_exercises(plan, n):
    version = plan.current_version()
    template = _rx(plan)[0]
    used = set(version.prescriptions.values_list("exercise_id", flat=True))
    for ex in Exercise.objects.shipped().exclude(pk__in=used)[:n]:
        fields = template.copy_fields()
        fields.pop("lineage")
        fields.update(exercise_id=ex.pk, order=fields["order"] + 10)
        Prescription.objects.create(version=version, **fields)


def test_today_query_count_is_constant_in_the_number_of_exercises(
    portal, active_plan, django_assert_num_queries
):
    # session, user, patient; active plan, version in force, the version with
    # its prescriptions and exercises (prefetch); the day's logs.
    url = reverse("portal:today")
    with CaptureQueriesContext(connection) as two:
        assert portal.get(url).status_code == 200
    queries = len(two.captured_queries)  # read now: the next request resets the log
    assert queries <= 10
    _add_exercises(active_plan, 4)
    with django_assert_num_queries(queries):
        body = portal.get(url).content.decode()
    assert body.count('class="card mb-3 exercise-card"') == 6


def test_a_log_post_takes_a_fixed_few_queries_and_leaves_the_proposals_to_a_task(
    portal, active_plan, monkeypatch, django_capture_on_commit_callbacks, django_assert_num_queries
):
    from tracking import tasks

    queued: list[tuple] = []
    monkeypatch.setattr(tasks.plan_proposals_refresh, "delay", lambda *args: queued.append(args))
    url = reverse("portal:log", args=[_rx(active_plan)[0].pk])
    data = {"session": "1", "outcome": "done", "pain_during": "2", "difficulty": "3"}
    # user, staff check, patient; version in force with its plan, its prescriptions, the
    # day's logs; the log upsert (select, insert) and 6 savepoint statements (the service,
    # update_or_create, its create). A plain post redirects: no card again (issue 20). The
    # proposals (8 queries when they ran in the request) run in a task after the commit.
    with django_capture_on_commit_callbacks(execute=True), django_assert_num_queries(14):
        assert portal.post(url, data).status_code == 302
    assert queued == [(str(active_plan.pk),)]  # the plan's id only
    assert SessionLog.objects.get().pain_during == 2


def test_a_log_post_is_saved_when_the_task_queue_is_down(
    portal, active_plan, monkeypatch, django_capture_on_commit_callbacks
):
    from tracking import tasks

    def broker_down(*args):
        raise ConnectionError("redis unavailable")

    monkeypatch.setattr(tasks.plan_proposals_refresh, "delay", broker_down)
    url = reverse("portal:log", args=[_rx(active_plan)[0].pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = portal.post(url, {"session": "1", "outcome": "done"})
    assert response.status_code == 302  # the nightly pass stores the proposals
    assert SessionLog.objects.get().outcome == "done"
