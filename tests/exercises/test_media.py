"""Exercise pictures and videos: checked by content, stored privately, served
after an access check (issue 15)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from PIL import Image

from clinic.models import AuditAction, AuditEvent
from exercises import services
from exercises.models import ExerciseMedia
from programmes import services as programme_services
from tests.exercises.conftest import jpeg_bytes, mp4_bytes, stored_files, upload
from tests.programmes.helpers import make_plan

pytestmark = pytest.mark.django_db


def _gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to show upright
    gps = {1: "N", 2: (51.0, 30.0, 12.5), 3: "W", 4: (0.0, 7.0, 39.0)}
    exif[0x8825] = gps
    return exif


@pytest.fixture
def calf_raise():
    return _any_shipped()


def _any_shipped():
    from exercises.models import Exercise
    from tests.programmes.helpers import ensure_library

    ensure_library()
    return Exercise.objects.shipped().order_by("slug").first()


def _add(client, ex, content, name="photo.jpg", alt="Standing on one leg", **extra):
    return client.post(
        reverse("exercises:media-add", args=[ex.pk]),
        {"file": upload(name, content), "alt_text": alt, "caption": "Slowly", **extra},
    )


def test_a_jpeg_with_gps_comes_back_without_any_metadata_and_upright(
    client, clinician, calf_raise, private_media, django_capture_on_commit_callbacks
):
    client.force_login(clinician)
    raw = jpeg_bytes(size=(400, 200), exif=_gps_exif())
    assert Image.open(io.BytesIO(raw)).getexif().get_ifd(0x8825)  # the GPS is there
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _add(client, calf_raise, raw)
    assert response.status_code == 302, response.content.decode()[-3000:]
    item = ExerciseMedia.objects.get()
    assert len(callbacks) == 1  # the rendition task, queued after the commit
    stored = (private_media / item.file).read_bytes()
    assert b"PhoneMaker" not in stored and b"GPS" not in stored
    image = Image.open(io.BytesIO(stored))
    assert not image.getexif() and "icc_profile" not in image.info
    # The orientation was applied to the pixels: 200 wide, 400 high now.
    assert image.size == (200, 400) == (item.width, item.height)
    assert item.content_type == "image/jpeg" and item.clinic == clinician.staff_member.clinics.get()
    assert not item.ready


@pytest.mark.parametrize(
    "name, content, message",
    [
        (
            "exercise.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "web-page code",
        ),
        ("photo.jpg", b"<!DOCTYPE html><html><body><script>alert(1)</script>", "web-page code"),
        # A real JPEG with a page appended after its end: an image/HTML polyglot.
        (
            "polyglot.jpg",
            jpeg_bytes() + b"<html><script>alert(document.cookie)</script>",
            "web-page code",
        ),
        ("notes.jpg", b"Just some text, not a picture at all." * 10, "not a JPEG, PNG or WebP"),
        ("clip.mp4", mp4_bytes(2 * 1024 * 1024 + 10), "larger than 2 MB"),
    ],
)
def test_refused_files_get_a_clear_message_and_nothing_is_stored(
    client, clinician, clinic, calf_raise, private_media, name, content, message
):
    clinic.media_max_video_mb = 2
    clinic.save()
    client.force_login(clinician)
    response = _add(client, calf_raise, content, name=name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Nothing has been saved" in response.content.decode()
    assert not ExerciseMedia.objects.exists()
    assert stored_files(private_media) == []


def test_alt_text_is_required(client, clinician, calf_raise, private_media):
    client.force_login(clinician)
    response = _add(client, calf_raise, jpeg_bytes(), alt="")
    assert response.status_code == 400
    assert "Describe what the picture or video shows" in response.content.decode()
    assert stored_files(private_media) == []


def test_a_video_is_kept_as_uploaded_and_ready_at_once(
    clinician, clinic, calf_raise, private_media
):
    item = services.media_add(
        exercise=calf_raise, clinic=clinic, upload=upload("x.bin", mp4_bytes()), alt_text="Video"
    )
    assert item.kind == "video" and item.ready and item.content_type == "video/mp4"
    assert (private_media / item.file).read_bytes() == mp4_bytes()


def test_renditions_are_made_by_the_task_and_the_page_says_being_prepared_until_then(
    client, clinician, clinic, calf_raise, private_media
):
    item = services.media_add(
        exercise=calf_raise,
        clinic=clinic,
        upload=upload("a.png", jpeg_bytes(size=(2000, 1000))),
        alt_text="Heel drop",
    )
    client.force_login(clinician)
    page = client.get(reverse("exercises:detail", args=[calf_raise.pk])).content.decode()
    assert "Being prepared…" in page and 'aria-label="Heel drop"' in page
    from exercises.tasks import make_renditions

    assert make_renditions.run(str(item.pk)) is True
    item.refresh_from_db()
    assert item.ready
    assert Image.open(private_media / item.thumbnail).size == (320, 160)
    assert Image.open(private_media / item.phone).size == (960, 480)
    assert make_renditions.run(str(item.pk)) is False  # once
    page = client.get(reverse("exercises:detail", args=[calf_raise.pk])).content.decode()
    assert "Being prepared…" not in page
    assert f'src="{item.thumbnail_url}" alt="Heel drop" loading="lazy"' in page


def test_order_and_remove(client, clinician, clinic, calf_raise, private_media):
    first, second = (
        services.media_add(
            exercise=calf_raise, clinic=clinic, upload=upload("a.jpg", jpeg_bytes()), alt_text=alt
        )
        for alt in ("First", "Second")
    )
    client.force_login(clinician)
    client.post(
        reverse("exercises:media-move", args=[calf_raise.pk, second.pk]), {"direction": "up"}
    )
    assert list(ExerciseMedia.objects.values_list("alt_text", flat=True)) == ["Second", "First"]
    with_files = stored_files(private_media)
    assert len(with_files) == 2
    client.post(reverse("exercises:media-remove", args=[calf_raise.pk, first.pk]))
    assert list(ExerciseMedia.objects.values_list("alt_text", flat=True)) == ["Second"]


def test_reception_sees_pictures_but_cannot_add(client, reception, calf_raise):
    client.force_login(reception)
    assert client.get(reverse("exercises:media-add", args=[calf_raise.pk])).status_code == 403


# --- serving -----------------------------------------------------------------


@pytest.fixture
def video(clinic, calf_raise):
    content = bytes(range(256)) * 40
    content = mp4_bytes(64) + content
    return services.media_add(
        exercise=calf_raise, clinic=clinic, upload=upload("v.mp4", content), alt_text="Video"
    ), content


def test_range_requests_return_206_with_the_right_bytes(client, clinician, video):
    item, content = video
    client.force_login(clinician)
    url = item.original_url
    whole = client.get(url)
    assert whole.status_code == 200 and b"".join(whole.streaming_content) == content
    assert whole["X-Content-Type-Options"] == "nosniff"
    assert whole["Content-Security-Policy"].startswith("sandbox")
    assert whole["Content-Type"] == "video/mp4" and whole["Accept-Ranges"] == "bytes"
    part = client.get(url, HTTP_RANGE="bytes=100-199")
    assert part.status_code == 206
    assert b"".join(part.streaming_content) == content[100:200]
    assert part["Content-Range"] == f"bytes 100-199/{len(content)}"
    tail = client.get(url, HTTP_RANGE="bytes=-10")
    assert b"".join(tail.streaming_content) == content[-10:]
    beyond = client.get(url, HTTP_RANGE=f"bytes={len(content) + 5}-")
    assert beyond.status_code == 416 and beyond["Content-Range"] == f"bytes */{len(content)}"


def test_the_patient_gets_it_only_while_their_programme_includes_the_exercise(
    client, patient, patient_record, clinician, clinic, private_media
):
    plan = make_plan(patient_record, clinician, start_on=patient_record.local_today())
    programme_services.plan_activate(plan=plan, by=clinician)
    prescribed = plan.current_version().prescriptions.first().exercise
    item = services.media_add(
        exercise=prescribed, clinic=clinic, upload=upload("a.jpg", jpeg_bytes()), alt_text="Mine"
    )
    elsewhere = services.media_add(
        exercise=_other_exercise(prescribed),
        clinic=clinic,
        upload=upload("b.jpg", jpeg_bytes()),
        alt_text="Not mine",
    )
    client.force_login(patient)
    response = client.get(item.original_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert client.get(elsewhere.original_url).status_code == 404
    assert AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED, actor=patient).exists()


def _other_exercise(not_this):
    from exercises.models import Exercise

    return (
        Exercise.objects.shipped()
        .exclude(pk=not_this.pk)
        .exclude(prescriptions__isnull=False)
        .first()
    )


def test_other_clinic_staff_and_anonymous_get_no_bytes(client, colleague, video):
    item, content = video
    response = client.get(item.original_url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(colleague)
    response = client.get(item.original_url)
    assert response.status_code == 404 and content[:64] not in response.content
