"""The PDF handout (WeasyPrint): staff and patient download it; pictures come
from the private storage, never over the network; no clinical notes (issue 15)."""

from __future__ import annotations

import subprocess

import pytest
from django.urls import reverse
from PIL import Image

from clinic.pdf import BASE_URL
from exercises import services
from programmes import services as programme_services
from programmes.pdf import HandoutFetcher
from tests.exercises.conftest import jpeg_bytes, upload
from tests.programmes.helpers import make_plan, pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media")]


@pytest.fixture
def plan(patient_record, clinician, clinic):
    plan = make_plan(patient_record, clinician, start_on=patient_record.local_today())
    programme_services.plan_activate(plan=plan, by=clinician)
    for p in plan.current_version().prescriptions.all():
        item = services.media_add(
            exercise=p.exercise,
            clinic=clinic,
            upload=upload("p.jpg", jpeg_bytes(size=(1200, 900), color=(220, 20, 20))),
            alt_text="Red picture",
        )
        services.renditions_make(item.pk)
    return plan


def _first_page(tmp_path, data: bytes) -> Image.Image:
    pdf = tmp_path / "handout.pdf"
    pdf.write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", "-singlefile", "-f", "1", str(pdf), str(tmp_path / "p1")],
        check=True,
    )
    return Image.open(tmp_path / "p1.png").convert("RGB")


def _red_pixels(image: Image.Image) -> int:
    return sum(1 for r, g, b in image.get_flattened_data() if r > 180 and g < 80 and b < 80)


def test_staff_and_patient_download_the_pdf_with_the_pictures_and_no_clinical_notes(
    client, clinician, patient, patient_record, plan, tmp_path
):
    client.force_login(clinician)
    staff = client.get(reverse("programmes:plan-handout-pdf", args=[plan.pk]))
    assert staff.status_code == 200 and staff["Content-Type"] == "application/pdf"
    assert staff.content.startswith(b"%PDF")
    page = _first_page(tmp_path, staff.content)
    colours = page.getcolors(maxcolors=1_000_000)
    assert colours and len(colours) > 10, "the first page is blank"
    assert _red_pixels(page) > 200, "the picture is not on the first page"
    text = pdf_text(tmp_path, staff.content)
    assert patient_record.clinic.name in text
    first = plan.current_version().prescriptions.order_by("phase", "order").first()
    assert first.exercise.name in text
    assert patient_record.referral_reason not in text
    client.logout()
    client.force_login(patient)
    mine = client.get(reverse("portal:handout-pdf"))
    assert mine.status_code == 200 and mine.content.startswith(b"%PDF")
    assert _red_pixels(_first_page(tmp_path, mine.content)) > 200


def test_the_html_handout_has_print_and_pdf_buttons(client, patient, plan):
    client.force_login(patient)
    body = client.get(reverse("portal:handout")).content.decode()
    assert "data-print" in body and reverse("portal:handout-pdf") in body


def test_the_fetcher_never_reaches_the_network_or_other_pictures():
    fetch = HandoutFetcher({})
    for url in (
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        BASE_URL + "files/exercise/00000000-0000-0000-0000-000000000000/original/",
        BASE_URL + "static/../../clinic/settings.py",
    ):
        with pytest.raises(ValueError):
            fetch(url)
