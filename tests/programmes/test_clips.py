"""A clip of this patient attached to a prescription: part of the record
(audited views, subject-access export, erasure) (issue 15)."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from clinic.models import AuditAction, AuditEvent
from patients import erasure
from patients.subject_access import subject_access_sections
from programmes import services as programme_services
from programmes.models import PrescriptionClip
from tests.exercises.conftest import jpeg_bytes, mp4_bytes, stored_files, upload
from tests.programmes.helpers import make_plan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media")]


@pytest.fixture
def plan(patient_record, clinician):
    plan = make_plan(patient_record, clinician, start_on=patient_record.local_today())
    programme_services.plan_activate(plan=plan, by=clinician)
    return plan


def _rx(plan):
    return plan.current_version().prescriptions.order_by("order").first()


def _post_clip(client, plan, content, name="clip.mp4", caption="Session 1"):
    p = _rx(plan)
    return client.post(
        reverse("programmes:clip-add", args=[plan.pk, p.pk]),
        {"file": upload(name, content, "video/mp4"), "caption": caption},
    )


def test_a_clinician_records_a_clip_the_patient_sees_it_and_every_view_is_audited(
    client, clinician, patient, plan, private_media
):
    client.force_login(clinician)
    form = client.get(reverse("programmes:clip-add", args=[plan.pk, _rx(plan).pk]))
    assert 'capture="environment"' in form.content.decode()
    assert _post_clip(client, plan, mp4_bytes()).status_code == 302
    clip = PrescriptionClip.objects.get()
    assert clip.lineage == _rx(plan).lineage and clip.patient == plan.patient
    assert AuditEvent.objects.filter(action=AuditAction.CLIP_ADDED).count() == 1
    page = client.get(reverse("programmes:plan-detail", args=[plan.pk])).content.decode()
    assert f'src="{clip.url}"' in page
    assert client.get(clip.url).status_code == 200
    client.logout()
    client.force_login(patient)
    today = client.get(reverse("portal:today")).content.decode()
    assert f'src="{clip.url}"' in today and "Your clip from the clinic" in today
    response = client.get(clip.url)
    assert b"".join(response.streaming_content) == mp4_bytes()
    views = AuditEvent.objects.filter(action=AuditAction.CLIP_VIEWED)
    assert views.count() == 2 and views.filter(actor=patient).exists()
    assert views.first().patient_id == plan.patient.pk


def test_a_picture_or_a_page_is_refused_as_a_clip_and_nothing_is_stored(
    client, clinician, plan, private_media
):
    client.force_login(clinician)
    for name, content in (("a.mp4", jpeg_bytes()), ("b.mp4", b"<html><script>x</script>")):
        response = _post_clip(client, plan, content, name=name)
        assert response.status_code == 400
        assert "Nothing has been saved" in response.content.decode()
    assert not PrescriptionClip.objects.exists() and stored_files(private_media) == []


def test_other_clinics_other_patients_and_reception_get_no_bytes(
    client, clinician, colleague, reception, plan, other_patient_record
):
    from clinic.storage import media_storage  # noqa: F401
    from programmes.clips import clip_add

    clip = clip_add(
        prescription=_rx(plan), upload=upload("c.mp4", mp4_bytes()), caption="", by=clinician
    )
    assert client.get(clip.url).status_code == 302
    client.force_login(colleague)
    assert client.get(clip.url).status_code == 404
    client.force_login(reception)
    assert client.get(clip.url).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.CLIP_VIEWED).exists()


def test_clips_are_in_the_subject_access_export_and_erasure_removes_them(
    clinician, plan, private_media, django_capture_on_commit_callbacks
):
    from programmes.clips import clip_add

    clip = clip_add(
        prescription=_rx(plan), upload=upload("c.mp4", mp4_bytes()), caption="Week 1", by=clinician
    )
    sections = {s.title: s for s in subject_access_sections(plan.patient)}
    record = sections["Exercise clips"].records[0]
    values = {f.name: f.value for f in record.fields}
    assert values["caption"] == "Week 1" and values["file"] == clip.url
    assert len(stored_files(private_media)) == 1
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for eraser in erasure.erasers():
            eraser(patient=plan.patient)
    assert not PrescriptionClip.objects.exists()
    assert stored_files(private_media) == []
