"""Issue 18: questionnaires one question per screen, Back and Next, a draft
kept between visits, the VISA-A question 8 branch, the published anchors and no
staff-only note in the portal. Plain form posts (no JavaScript)."""

import pytest
from django.urls import reverse

from assessments.models import OutcomeResponse, QuestionnaireDraft

pytestmark = pytest.mark.django_db

URL = reverse("portal:questionnaire", args=["visa_a"])


def _post(portal, step, value=None, action="next", code="q"):
    data = {"step": str(step), "action": action}
    if value is not None:
        data[code] = value
    return portal.post(URL, data)


def answer_visa(portal, values=("5",) * 6 + ("4",), branch="q8b", branch_value="10"):
    """Answer the VISA-A screen by screen; returns the last response."""
    for number, value in enumerate(values, start=1):
        response = portal.post(URL, {"step": str(number), "action": "next", f"q{number}": value})
        assert response.status_code == 302, response.content.decode()[:500]
    assert portal.post(URL, {"step": "8", "action": "next", "q8": branch}).status_code == 302
    return portal.post(URL, {"step": "9", "action": "next", branch: branch_value})


def test_one_question_per_screen_with_progress_and_published_anchors(portal):
    body = portal.get(URL).content.decode()
    assert "Question 1 of 9" in body
    assert '<progress class="q-progress mb-3" max="9" value="1"' in body
    assert "0 (100 mins)" in body and "10 (0 mins)" in body
    assert "100 minutes or more" not in body
    assert "How many single-leg hops" not in body  # question 6 is on its own screen
    # The staff-only note stays on the staff page.
    assert "paraphrased" not in body


def test_next_keeps_each_answer_and_back_shows_it_again(portal, patient_record):
    assert _post(portal, 1, "3", code="q1")["Location"] == f"{URL}?step=2"
    assert _post(portal, 2, "6", code="q2")["Location"] == f"{URL}?step=3"
    draft = QuestionnaireDraft.objects.get(patient=patient_record, instrument_code="visa_a")
    assert draft.answers == {"q1": 3, "q2": 6} and draft.step == 3
    # Back from screen 3 (nothing chosen there yet): screen 2 with its answer checked.
    assert _post(portal, 3, action="back")["Location"] == f"{URL}?step=2"
    body = portal.get(f"{URL}?step=2").content.decode()
    assert "Question 2 of 9" in body
    assert 'value="6" class="form-check-input" id="id_q2_6" required checked' in body


def test_no_answer_gets_a_clear_message_and_loses_nothing(portal, patient_record):
    _post(portal, 1, "3", code="q1")
    response = _post(portal, 2)
    assert response.status_code == 400
    assert "Please choose an answer." in response.content.decode()
    assert QuestionnaireDraft.objects.get().answers == {"q1": 3}
    response = _post(portal, 2, "99", code="q2")
    assert response.status_code == 400
    assert "Please choose one of the answers shown." in response.content.decode()


def test_a_patient_who_leaves_carries_on_where_they_stopped(portal):
    for number in (1, 2, 3):
        _post(portal, number, "4", code=f"q{number}")
    body = portal.get(URL).content.decode()
    assert "Welcome back: you are carrying on where you stopped." in body
    assert "Question 4 of 9" in body


def test_visa_a_question_8_asks_which_case_then_shows_only_that_branch(portal):
    for number in range(1, 8):
        _post(portal, number, "4" if number == 7 else "5", code=f"q{number}")
    body = portal.get(f"{URL}?step=8").content.decode()
    assert "Question 8: which of these applies to you? Choose one." in body
    assert "If you have" not in body
    _post(portal, 8, "q8c", code="q8")
    body = portal.get(f"{URL}?step=9").content.decode()
    assert "If you have pain that stops you from completing" in body
    assert "If you have no pain" not in body and "but it does not stop you" not in body
    _post(portal, 9, "5", code="q8c")  # stores and sends
    response = OutcomeResponse.objects.get()
    assert response.answers["q8c"] == 5 and response.total == 5 * 6 + 4 + 5
    assert not QuestionnaireDraft.objects.exists()


def test_changing_the_question_8_case_drops_the_old_branch(portal, patient_record):
    for number in range(1, 8):
        _post(portal, number, "4", code=f"q{number}")
    _post(portal, 8, "q8a", code="q8")
    _post(portal, 9, "21", code="q8a", action="back")  # chosen, then Back
    assert QuestionnaireDraft.objects.get().answers["q8a"] == 21
    # Back to question 8 shows the case chosen.
    body = portal.get(f"{URL}?step=8").content.decode()
    assert 'value="q8a" class="form-check-input" id="id_q8_0" required checked' in body
    _post(portal, 8, "q8b", code="q8")
    answers = QuestionnaireDraft.objects.get().answers
    assert answers["q8"] == "q8b" and "q8a" not in answers
    # Question 9 now shows 8B, unanswered.
    assert "but it does not stop you" in portal.get(f"{URL}?step=9").content.decode()


def test_the_draft_is_in_the_subject_access_export_and_erasure_removes_it(
    portal, patient_record, clinic_admin
):
    from patients.erasure import erasers
    from patients.subject_access import as_json_data, subject_access_sections

    _post(portal, 1, "7", code="q1")
    export = as_json_data(
        patient=patient_record,
        sections=subject_access_sections(patient_record),
        generated_at=patient_record.created_at,
    )
    drafts = [
        record
        for section in export["sections"]
        for record in section["records"]
        if record["title"] == "VISA_A not sent yet"
    ]
    assert drafts and drafts[0]["fields"][0]["value"] == {"q1": 7}
    for eraser in erasers():
        eraser(patient=patient_record)
    assert not QuestionnaireDraft.objects.exists()
