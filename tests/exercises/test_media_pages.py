"""Pictures and videos where the patient exercises (Today, My programme, the
handout) and on the staff plan and library pages (issue 15)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from exercises import services
from exercises.models import Exercise
from programmes import services as programme_services
from tests.exercises.conftest import jpeg_bytes, mp4_bytes, upload
from tests.programmes.helpers import make_plan

pytestmark = pytest.mark.django_db


def _picture(exercise, clinic, alt, *, ready=True):
    item = services.media_add(
        exercise=exercise, clinic=clinic, upload=upload("p.jpg", jpeg_bytes()), alt_text=alt
    )
    if ready:
        services.renditions_make(item.pk)
        item.refresh_from_db()
    return item


@pytest.fixture
def programme(patient_record, clinician, clinic, other_clinic):
    plan = make_plan(patient_record, clinician, start_on=patient_record.local_today())
    programme_services.plan_activate(plan=plan, by=clinician)
    exercise = plan.current_version().prescriptions.order_by("order").first().exercise
    picture = _picture(exercise, clinic, "Heel drop off a step, knee straight")
    video = services.media_add(
        exercise=exercise,
        clinic=clinic,
        upload=upload("v.mp4", mp4_bytes()),
        alt_text="Video of the heel drop",
        caption="Three seconds down",
    )
    # Another clinic's picture of the same shipped exercise never shows here.
    _picture(exercise, other_clinic, "Harbour's own picture")
    return plan, picture, video


def _assert_media(body, picture, video):
    assert f'src="{picture.thumbnail_url}"' in body
    assert 'alt="Heel drop off a step, knee straight" loading="lazy"' in body
    assert f'src="{video.original_url}"' in body and 'preload="none"' in body
    assert "Three seconds down" in body
    assert "Harbour's own picture" not in body


def test_the_patient_sees_pictures_and_videos_on_today_programme_and_handout(
    client, patient, programme
):
    _plan, picture, video = programme
    client.force_login(patient)
    for name in ("portal:today", "portal:programme", "portal:handout"):
        body = client.get(reverse(name)).content.decode()
        _assert_media(body, picture, video)
    # and can load them
    assert client.get(picture.thumbnail_url).status_code == 200
    assert client.get(video.original_url).status_code == 200


def test_staff_see_them_on_the_plan_page_handout_and_library(client, clinician, programme):
    plan, picture, video = programme
    client.force_login(clinician)
    for url in (
        reverse("programmes:plan-detail", args=[plan.pk]),
        reverse("programmes:plan-handout", args=[plan.pk]),
    ):
        _assert_media(client.get(url).content.decode(), picture, video)
    library = client.get(reverse("exercises:list") + "?q=" + picture.exercise.name[:12])
    assert f'src="{picture.thumbnail_url}" alt="{picture.alt_text}" loading="lazy"' in (
        library.content.decode()
    )


def test_a_picture_not_yet_prepared_shows_a_placeholder_on_today(
    client, patient, patient_record, clinician, clinic
):
    plan = make_plan(patient_record, clinician, start_on=patient_record.local_today())
    programme_services.plan_activate(plan=plan, by=clinician)
    exercise = plan.current_version().prescriptions.first().exercise
    _picture(exercise, clinic, "Being made", ready=False)
    client.force_login(patient)
    body = client.get(reverse("portal:today")).content.decode()
    assert "Being prepared…" in body and 'aria-label="Being made"' in body


def _library_queries(client, clinic, count):
    exercises = list(Exercise.objects.shipped().order_by("name", "id")[:count])
    for exercise in exercises:
        _picture(exercise, clinic, f"Picture {exercise.slug}")
    with CaptureQueriesContext(connection) as queries:
        body = client.get(reverse("exercises:list")).content.decode()
    assert len(re.findall(r'class="library-thumb', body)) == count
    return len(queries)


def test_the_library_page_costs_the_same_queries_with_2_or_20_thumbnails(client, clinician, clinic):
    from tests.programmes.helpers import ensure_library

    ensure_library()
    client.force_login(clinician)
    client.get(reverse("exercises:list"))  # warm caches (content types, session)
    small = _library_queries(client, clinic, 2)
    from exercises.models import ExerciseMedia

    ExerciseMedia.objects.all().delete()
    large = _library_queries(client, clinic, 20)
    assert small == large <= 8, (small, large)


def test_today_costs_the_same_queries_with_or_without_pictures(client, patient, programme):
    plan, _picture_item, _video = programme
    client.force_login(patient)
    client.get(reverse("portal:today"))
    with CaptureQueriesContext(connection) as with_media:
        client.get(reverse("portal:today"))
    from exercises.models import ExerciseMedia

    for p in plan.current_version().prescriptions.all():
        _picture(p.exercise, plan.patient.clinic, f"Another {p.pk}")
    with CaptureQueriesContext(connection) as more_media:
        client.get(reverse("portal:today"))
    assert ExerciseMedia.objects.count() >= 4
    assert len(with_media) == len(more_media)
