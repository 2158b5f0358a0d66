"""Symptom-driven progression (issue 14): each threshold on both sides, and the
clinician's accept / dismiss on the plan page (nothing applied without it)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programmes import services as programme_services
from programmes.progression import PainRule, pain_rule_for
from tests.programmes.helpers import log_sessions, make_plan
from tracking.models import DecisionStatus, MorningPain, ProgressionDecision, SessionLog
from tracking.progression import LogFact, Thresholds, judge, proposals_for_plan

START = date(2026, 3, 2)  # a Monday
TH = Thresholds()  # the defaults: pain rise 2, 6 sessions, runs of 2, 2 skips
CEILING_3 = PainRule("test", ceiling=3)


def logs(*specs, start=START):
    """("done", pain, effort) / ("skipped", reason) / ("partial", pain, effort) tuples."""
    out = []
    for n, spec in enumerate(specs):
        day = start + timedelta(days=n)
        if spec[0] == "skipped":
            out.append(LogFact(day, "skipped", skip_reason=spec[1]))
        else:
            pain, effort = [*spec[1:], None, None][:2]
            minutes = spec[3] if len(spec) > 3 else None
            out.append(LogFact(day, spec[0], "", pain, effort, minutes))
    return out


def kind(entries, rule=CEILING_3, thresholds=TH, baseline=None, minutes=None):
    return judge(
        entries, rule=rule, thresholds=thresholds, baseline=baseline, prescribed_minutes=minutes
    ).kind


# --- regress ---------------------------------------------------------------------------


def test_skips_for_pain_regress_at_the_threshold():
    assert kind(logs(("skipped", "pain"))) == "hold"
    assert kind(logs(("skipped", "pain"), ("skipped", "pain"))) == "regress"
    assert kind(logs(("skipped", "forgot"), ("skipped", "no_time"))) == "hold"


def test_too_hard_running_regresses():
    assert kind(logs(("done", 1, 5))) == "hold"
    assert kind(logs(("done", 1, 5), ("done", 1, 5))) == "regress"
    assert kind(logs(("done", 1, 5), ("done", 1, 4), ("done", 1, 5))) == "hold"


def test_pain_above_the_template_rule_in_two_sessions_regresses():
    assert kind(logs(("done", 4, 3), ("done", 4, 3))) == "regress"
    assert kind(logs(("done", 3, 3), ("done", 4, 3))) == "hold"  # one above, one at the rule


def test_pain_against_baseline_uses_the_clinic_rise():
    rule = PainRule("4.5", above_baseline=True)
    assert kind(logs(("done", 6, 3), ("done", 6, 3)), rule=rule, baseline=3) == "regress"
    assert kind(logs(("done", 5, 3), ("done", 5, 3)), rule=rule, baseline=3) == "hold"
    strict = Thresholds(pain_rise=1)
    assert (
        kind(logs(("done", 5, 3), ("done", 5, 3)), rule=rule, baseline=3, thresholds=strict)
        == "regress"
    )


# --- progress ----------------------------------------------------------------------------


def test_too_easy_twice_running_progresses():
    assert kind(logs(("done", 1, 1))) == "hold"
    assert kind(logs(("done", 1, 1), ("done", 1, 1))) == "progress"
    assert kind(logs(("done", 1, 1), ("done", 1, 2), ("done", 1, 1))) == "hold"


def test_too_easy_with_pain_above_the_rule_does_not_progress():
    assert kind(logs(("done", 4, 1), ("done", 2, 1))) == "hold"


def test_enough_full_sessions_within_the_rule_progress():
    five = [("done", 2, 3)] * 5
    assert kind(logs(*five)) == "hold"
    assert kind(logs(*five, ("done", 3, 3))) == "progress"
    assert kind(logs(*five, ("partial", 2, 3))) == "hold"
    assert kind(logs(*five, ("done", 2, 4))) == "hold"  # rated hard: not yet


def test_the_clinic_setting_changes_the_session_count():
    three = logs(("done", 2, 3), ("done", 2, 3), ("done", 2, 3))
    assert kind(three) == "hold"
    assert kind(three, thresholds=Thresholds(min_sessions=3)) == "progress"


def test_pain_free_templates_progress_only_without_pain():
    rule = pain_rule_for("achilles-alfredson")  # SPEC 4.2: progress when pain-free
    assert kind(logs(*[("done", 0, 3)] * 6), rule=rule) == "progress"
    assert kind(logs(*[("done", 0, 3)] * 5, ("done", 1, 3)), rule=rule) == "hold"


def test_pad_walking_progresses_on_minutes_and_expects_claudication_pain():
    rule = pain_rule_for("pad-set")
    full = [("done", 7, 3, 30)] * 6
    assert kind(logs(*full), rule=rule, minutes=30) == "progress"
    short = [("done", 7, 3, 30)] * 5 + [("done", 7, 3, 25)]
    assert kind(logs(*short), rule=rule, minutes=30) == "hold"
    # Claudication pain is the dose: high pain alone never regresses walking.
    assert kind(logs(("done", 8, 3, 30), ("done", 8, 3, 30)), rule=rule, minutes=30) == "hold"


def _with(entries, **changes):
    """The same logs with fields set on each (e.g. the next-morning answer)."""
    return [replace(log, **changes) for log in entries]


def test_pain_not_back_by_the_next_morning_twice_running_regresses():
    # SPEC 4.5 [M]: "no increase the next day"; two answers running [D].
    easy = logs(("done", 1, 3), ("done", 1, 3))
    worse, back = MorningPain.WORSE, MorningPain.BACK
    assert kind(_with(easy, previous_next_morning=worse)) == "regress"
    mixed = [replace(easy[0], previous_next_morning=worse), easy[1]]
    assert kind(mixed) == "hold"  # one answer only
    assert kind([easy[0], replace(easy[1], previous_next_morning=worse)]) == "hold"
    assert kind(_with(easy, previous_next_morning=back)) == "hold"


def test_bone_stress_regresses_on_one_morning_not_back():
    # SPEC 4.7 [S93]: soreness lasting beyond 24 h -> regress.
    rule = pain_rule_for("bsi-return-to-running")
    one = logs(("done", 0, 3))
    assert kind(_with(one, previous_next_morning=MorningPain.WORSE), rule=rule) == "regress"
    assert kind(_with(one, previous_next_morning=MorningPain.BACK), rule=rule) == "hold"


def test_a_morning_not_back_blocks_progress_and_settled_mornings_allow_it():
    easy = logs(("done", 1, 1), ("done", 1, 1))
    assert kind(_with(easy, previous_next_morning=MorningPain.BACK)) == "progress"
    blocked = [replace(easy[0], previous_next_morning=MorningPain.WORSE), easy[1]]
    verdict = judge(blocked, rule=CEILING_3, thresholds=TH, baseline=None)
    assert verdict.kind == "hold" and "next morning" in verdict.reason
    assert verdict.data["next_morning_worse"] == 1


def test_pad_claudication_onset_progresses_at_the_clinic_threshold():
    # SPEC 4.1 [S78] progress as tolerated; claudication onset time SPEC 2.5b; 8 min [D].
    rule = pain_rule_for("pad-set")
    two = logs(("done", 6, 3, 20), ("done", 6, 3, 20))
    assert kind(_with(two, claudication_onset_min=8), rule=rule, minutes=30) == "progress"
    assert kind(_with(two, claudication_onset_min=7), rule=rule, minutes=30) == "hold"
    one_short = [
        replace(two[0], claudication_onset_min=9),
        replace(two[1], claudication_onset_min=7),
    ]
    assert kind(one_short, rule=rule, minutes=30) == "hold"
    assert kind(logs(("done", 6, 3, 20)), rule=rule, minutes=30) == "hold"  # no onset given
    later = Thresholds(onset_min=10)
    assert (
        kind(_with(two, claudication_onset_min=9), rule=rule, minutes=30, thresholds=later)
        == "hold"
    )
    verdict = judge(
        _with(two, claudication_onset_min=8),
        rule=rule,
        thresholds=TH,
        baseline=None,
        prescribed_minutes=30,
    )
    assert verdict.reason == (
        "Claudication pain began after at least 8 minutes in the last 2 sessions (8, 8 minutes)."
    )
    assert verdict.data["claudication_onset_min"] == [8, 8]


def test_onset_does_not_progress_other_templates():
    two = _with(logs(("done", 1, 3), ("done", 1, 3)), claudication_onset_min=20)
    assert kind(two) == "hold"


def test_no_logs_holds_with_a_reason():
    verdict = judge([], rule=CEILING_3, thresholds=TH, baseline=None)
    assert (verdict.kind, verdict.reason) == ("hold", "No sessions logged yet.")


# --- the plan page: accept and dismiss ------------------------------------------------------


@pytest.fixture
def active_pfp(patient_record, clinician):
    plan = make_plan(patient_record, clinician, slug="pfp-hip-knee", start_on=START)
    with time_machine.travel(START, tick=False):
        programme_services.plan_activate(plan=plan, by=clinician)
    return plan


def _log_sessions(plan, slug, count, pain=2, effort=3, outcome="done"):
    return log_sessions(
        plan, slug, count, first_day=START, pain=pain, effort=effort, outcome=outcome
    )


@pytest.mark.django_db
def test_the_clinician_accepts_a_progression_and_a_new_version_is_made(
    client, clinician, patient, active_pfp
):
    rx = _log_sessions(active_pfp, "clamshell", 6)
    client.force_login(clinician)
    page = client.get(reverse("programmes:plan-detail", args=[active_pfp.pk])).content.decode()
    assert "Progression proposals" in page
    assert "6 sessions done in full with pain within the rule." in page
    assert "Clamshells → Side-lying hip abduction" in page
    assert "pain during 2, 2, 2, 2, 2, 2" in page
    assert "sessions before progress 6 (default 6 [D])" in page
    versions_before = active_pfp.versions.count()

    url = reverse("tracking:progression-accept", args=[active_pfp.pk, rx.lineage])
    response = client.post(url)
    assert response.status_code == 302
    assert active_pfp.versions.count() == versions_before + 1
    current = active_pfp.current_version()
    moved = current.prescriptions.get(lineage=rx.lineage)
    assert moved.exercise.slug == "side-lying-hip-abduction"
    assert "Progress: Clamshells" in current.change_note
    decision = ProgressionDecision.objects.get()
    assert (decision.status, decision.kind, decision.decided_by) == (
        DecisionStatus.ACCEPTED,
        "progress",
        clinician,
    )
    assert decision.result_version == current
    assert decision.data["thresholds"]["min_sessions"] == 6

    # Accepting again (a double click) applies nothing more.
    client.post(url)
    assert active_pfp.versions.count() == versions_before + 1
    assert ProgressionDecision.objects.count() == 1
    # The logs before the decision no longer count: that exercise now holds.
    proposals = {p.lineage: p for p in proposals_for_plan(active_pfp)}
    assert proposals[rx.lineage].kind == "hold"

    client.force_login(patient)
    portal = client.get(reverse("portal:programme")).content.decode()
    assert "Your physiotherapist has moved you on" in portal
    assert "Side-lying hip abduction" in portal


@pytest.mark.django_db
def test_a_dismissed_proposal_changes_nothing_and_is_recorded(client, clinician, active_pfp):
    rx = _log_sessions(active_pfp, "step-down", 2, outcome="skipped")
    assert {p.lineage: p.kind for p in proposals_for_plan(active_pfp)}[rx.lineage] == "regress"
    versions_before = active_pfp.versions.count()
    client.force_login(clinician)
    client.post(reverse("tracking:progression-dismiss", args=[active_pfp.pk, rx.lineage]))
    assert active_pfp.versions.count() == versions_before
    decision = ProgressionDecision.objects.get()
    assert (decision.status, decision.kind) == (DecisionStatus.DISMISSED, "regress")
    assert "Skipped 2 sessions for pain" in decision.reason
    assert {p.lineage: p.kind for p in proposals_for_plan(active_pfp)}[rx.lineage] == "hold"


@pytest.mark.django_db
def test_nothing_is_proposed_for_a_draft_plan(patient_record, clinician):
    plan = make_plan(patient_record, clinician, slug="pfp-hip-knee", start_on=START)
    assert proposals_for_plan(plan) == []


@pytest.mark.django_db
def test_the_insertional_template_does_not_follow_the_link_to_heel_drops(patient_record, clinician):
    plan = make_plan(patient_record, clinician, slug="achilles-insertional", start_on=START)
    with time_machine.travel(START, tick=False):
        programme_services.plan_activate(plan=plan, by=clinician)
    rx = plan.current_version().prescriptions.get(exercise__slug="calf-raise-single")
    for n in range(2):
        SessionLog.objects.create(
            patient=patient_record,
            version=rx.version,
            prescription=rx,
            performed_on=START + timedelta(weeks=5, days=n),
            outcome="done",
            pain_during=1,
            difficulty=1,
        )
    proposal = {p.lineage: p for p in proposals_for_plan(plan)}[rx.lineage]
    assert proposal.kind == "progress"
    assert proposal.exercise is None  # no heel drops off a step
    assert proposal.changes and "Eccentric" not in proposal.change


@pytest.mark.django_db
def test_plan_page_queries_do_not_grow_with_logged_exercises(client, clinician, active_pfp):
    client.force_login(clinician)
    url = reverse("programmes:plan-detail", args=[active_pfp.pk])
    _log_sessions(active_pfp, "clamshell", 3)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for slug in ("side-lying-hip-abduction", "glute-bridge", "mini-squat-30", "step-down"):
        _log_sessions(active_pfp, slug, 3)
    with CaptureQueriesContext(connection) as five:
        body = client.get(url).content.decode()
    assert body.count('class="border-top py-2 proposal') == 6
    assert len(five) == len(one), [q["sql"] for q in five.captured_queries]


@pytest.mark.django_db
def test_decisions_are_in_the_subject_access_export(client, clinician, active_pfp):
    rx = _log_sessions(active_pfp, "glute-bridge", 2, outcome="skipped")
    client.force_login(clinician)
    client.post(reverse("tracking:progression-dismiss", args=[active_pfp.pk, rx.lineage]))
    url = reverse("patients:subject-access-json", args=[active_pfp.patient_id])
    body = client.get(url).content.decode()
    assert "Programme change" in body and "Regress dismissed" in body
    assert "Skipped 2 sessions for pain" in body


# --- stored proposals on the caseload (issue 14) ---------------------------------------------


@pytest.mark.django_db
def test_a_log_refreshes_the_stored_proposals_and_the_caseload_lists_them(
    client, clinician, patient_record, active_pfp, monkeypatch, django_capture_on_commit_callbacks
):
    from tracking import tasks
    from tracking.models import PendingProposal
    from tracking.services import session_log_save

    queued: list[tuple] = []
    monkeypatch.setattr(tasks.plan_proposals_refresh, "delay", lambda *args: queued.append(args))
    rx = active_pfp.current_version().prescriptions.get(exercise__slug="step-down")
    due = [START + timedelta(days=n) for n in range(14) if rx.is_due_on(START + timedelta(days=n))]

    def log_and_run_the_task(day):
        queued.clear()
        with django_capture_on_commit_callbacks(execute=True):
            session_log_save(
                patient=patient_record, prescription=rx, performed_on=day, session_number=1,
                outcome="skipped", skip_reason="pain",
            )  # fmt: skip
        assert queued == [(str(active_pfp.pk),)]  # after the commit, the plan's id only
        tasks.plan_proposals_refresh.run(*queued[0])

    log_and_run_the_task(due[0])
    assert not PendingProposal.objects.exists()  # one skip for pain: hold
    client.force_login(clinician)
    page = client.get(reverse("tracking:caseload")).content.decode()
    assert "to review" not in page
    log_and_run_the_task(due[1])
    stored = PendingProposal.objects.get()
    assert (stored.kind, stored.lineage, stored.plan) == ("regress", rx.lineage, active_pfp)
    assert stored.reason.startswith("Skipped 2 sessions for pain")
    page = client.get(reverse("tracking:caseload")).content.decode()
    plan_url = reverse("programmes:plan-detail", args=[active_pfp.pk])
    assert f'<a href="{plan_url}#progression-h">1 to review</a>' in page

    # Dismissing it on the plan page clears it from the caseload at once.
    client.post(reverse("tracking:progression-dismiss", args=[active_pfp.pk, rx.lineage]))
    assert not PendingProposal.objects.exists()
    assert "to review" not in client.get(reverse("tracking:caseload")).content.decode()


@pytest.mark.django_db
def test_the_nightly_pass_refreshes_stored_proposals_and_drops_a_paused_plans(
    patient_record, clinician, active_pfp
):
    from django.utils import timezone

    from clinic.celery import app
    from clinic.passes import registered_passes
    from tracking.models import PendingProposal
    from tracking.passes import proposals_patient

    assert "progression_proposals" in {spec.name for spec in registered_passes()}
    assert app.conf.beat_schedule["progression-proposals"]["task"] == "tracking.proposals_refresh"

    _log_sessions(active_pfp, "clamshell", 6)  # written directly: nothing stored yet
    assert not PendingProposal.objects.exists()
    proposals_patient(patient_record, timezone.now())
    assert PendingProposal.objects.get().kind == "progress"
    programme_services.plan_pause(plan=active_pfp, by=clinician, reason="Away")
    proposals_patient(patient_record, timezone.now())
    assert not PendingProposal.objects.exists()


@pytest.mark.django_db
def test_the_moved_on_detail_is_in_the_patients_language(
    client, clinician, patient, patient_record, active_pfp
):
    rx = _log_sessions(active_pfp, "clamshell", 6)
    client.force_login(clinician)
    client.post(reverse("tracking:progression-accept", args=[active_pfp.pk, rx.lineage]))
    decision = ProgressionDecision.objects.get()
    assert decision.change.startswith("Clamshells → Side-lying hip abduction (")  # staff: English
    dose = decision.data["change_parts"]["dose_after"]
    assert decision.data["change_parts"]["to_exercise"] == "Side-lying hip abduction"
    client.force_login(patient)
    english = client.get(reverse("portal:programme")).content.decode()
    assert "Clamshells is now Side-lying hip abduction (" in english
    assert f"{dose['sets']} x {dose['reps']} reps" in english
    patient_record.preferred_language = "pl"
    patient_record.save()
    polish = client.get(reverse("portal:programme")).content.decode()
    # The shipped exercises by their Polish library names (issue 18).
    assert "Muszelka zastąpiono ćwiczeniem Odwodzenie nogi w leżeniu na boku (" in polish
    assert f"{dose['sets']} x {dose['reps']} powt." in polish
    assert "is now" not in polish


@pytest.mark.django_db
def test_the_plan_and_the_record_show_the_next_morning_answers(
    client, clinician, patient_record, active_pfp
):
    rx = _log_sessions(active_pfp, "glute-bridge", 2, pain=1)
    SessionLog.objects.filter(prescription=rx).update(previous_next_morning=MorningPain.WORSE)
    client.force_login(clinician)
    plan_page = client.get(reverse("programmes:plan-detail", args=[active_pfp.pk])).content
    assert "Pain not back to the usual level by the next morning after 2 sessions running." in (
        plan_page.decode()
    )
    assert "not back to usual next morning in 2 answers" in plan_page.decode()
    record = client.get(reverse("patients:detail", args=[patient_record.pk])).content.decode()
    assert "previous session: not back to usual next morning" in record
