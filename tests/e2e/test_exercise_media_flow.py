"""Browser test (issue 15): a clinician adds a picture to an exercise and
records a clip of the patient; a real Celery worker makes the renditions; the
patient sees both on Today at 360 px; the PDF handout's first page, rendered
with pdftoppm, is not blank and shows the picture."""

from __future__ import annotations

import io
import os
import subprocess
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection
from PIL import Image
from playwright.sync_api import expect

from clinic.celery import worker_command
from exercises.models import ExerciseMedia
from programmes import services
from programmes.models import PrescriptionClip
from tests.e2e.conftest import staff_login
from tests.exercises.conftest import jpeg_bytes, mp4_bytes
from tests.factories import PASSWORD
from tests.programmes.helpers import make_plan

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker(live_server):
    """A real worker on the live server's test database (same private storage)."""
    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "clinic.settings_test", "DATABASE_URL": url}
    process = subprocess.Popen(
        worker_command(), cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def _red_pixels(image: Image.Image) -> int:
    return sum(1 for r, g, b in image.get_flattened_data() if r > 180 and g < 80 and b < 80)


@pytest.mark.e2e
def test_clinician_adds_a_picture_and_a_clip_the_patient_sees_both_on_today(
    page, phone_page, screenshot, clinician, patient, patient_record, worker, tmp_path
):
    plan = make_plan(patient_record, clinician, start_on=patient_record.local_today())
    services.plan_activate(plan=plan, by=clinician)
    first = plan.current_version().prescriptions.order_by("order", "id").first()

    # The clinician adds a picture to the exercise (a phone photo, 1600 x 1200).
    staff_login(page, clinician.username, PASSWORD)
    page.goto(f"/exercises/{first.exercise.pk}/")
    page.get_by_role("link", name="Add a picture or video").click()
    page.set_input_files(
        "input[name=file]",
        {
            "name": "IMG_0001.JPG",
            "mimeType": "image/jpeg",
            "buffer": jpeg_bytes(size=(1600, 1200), color=(220, 20, 20)),
        },
    )
    page.get_by_label("Alt text").fill("Standing on the step edge, heels down")
    page.get_by_label("Caption").fill("Lower slowly for three seconds")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_text("Smaller copies for phones are being prepared")).to_be_visible()

    # ... and records a clip of the patient in the session (the file input's camera).
    page.goto(f"/programmes/plans/{plan.pk}/")
    page.get_by_role("link", name=f"Add a clip of {first.exercise.name}").click()
    assert page.locator("input[name=file]").get_attribute("capture") == "environment"
    page.set_input_files(
        "input[name=file]", {"name": "clip.mp4", "mimeType": "video/mp4", "buffer": mp4_bytes()}
    )
    page.get_by_label("Caption").fill("Session 1")
    page.get_by_role("button", name="Add the clip").click()
    expect(page.get_by_text(f"Clip added to {first.exercise.name}")).to_be_visible()
    clip = PrescriptionClip.objects.get()

    # The worker makes the renditions after the commit.
    deadline = time.monotonic() + 90
    while not ExerciseMedia.objects.filter(ready=True).exists():
        assert time.monotonic() < deadline, "the worker made no renditions"
        time.sleep(0.5)
    picture = ExerciseMedia.objects.get()

    # The patient, on a 360 px phone, sees the picture and the clip on Today.
    phone = phone_page
    phone.goto("/portal/login/")
    phone.get_by_label("Email").fill(patient_record.email)
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Log in").click()
    card = phone.locator(f"#ex-{first.pk}")
    image = card.get_by_role("img", name="Standing on the step edge, heels down")
    expect(image).to_be_visible()
    image.scroll_into_view_if_needed()
    phone.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )
    assert image.evaluate("img => img.naturalWidth") == 320  # the thumbnail
    box = image.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    expect(card.get_by_text("Lower slowly for three seconds")).to_be_visible()
    video = card.locator(f'video source[src="{clip.url}"]')
    expect(video).to_have_count(1)
    expect(card.get_by_text("Your clip from the clinic")).to_be_visible()
    screenshot(phone, "portal_today_with_media")
    assert picture.thumbnail_url in image.get_attribute("src")

    # The PDF handout opens and shows the picture on its first page.
    response = phone.request.get("/portal/programme/handout.pdf")
    assert response.status == 200 and response.body().startswith(b"%PDF")
    pdf = tmp_path / "handout.pdf"
    pdf.write_bytes(response.body())
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", "-singlefile", "-f", "1", str(pdf), str(tmp_path / "p")],
        check=True,
    )
    first_page = Image.open(io.BytesIO((tmp_path / "p.png").read_bytes())).convert("RGB")
    assert len(first_page.getcolors(maxcolors=1_000_000) or []) > 10, "blank first page"
    assert _red_pixels(first_page) > 200, "the picture is not on the first page"
