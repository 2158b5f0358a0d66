"""The assessment summary and print page a doctor can use (issue 13): every
recorded history, symptom and examination field (both sides where measured),
every instrument's items and score (Wells included), red flags with the action
taken, the plans made from it, and who signed when."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from assessments import services
from assessments.instruments import get_instrument
from programmes.models import TreatmentPlan
from tests.programmes.helpers import make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(patient_record, clinician):
    assessment = services.assessment_create(
        patient=patient_record,
        clinician=clinician.staff_member,
        assessed_on=date(2026, 3, 2),
        by=clinician,
    )
    for section, changes in (
        (
            "history",
            {
                "onset_on": date(2026, 2, 20),
                "aggravating_factors": "Walking uphill",
                "pmh_previous_dvt": True,
                "medications": "Atorvastatin 20 mg",
            },
        ),
        ("symptoms", {"regions": ["calf:left"], "nprs_worst": 7, "swelling": True}),
        (
            "examination",
            {
                "power_l5_left": 4,
                "power_l5_right": 5,
                "calf_circumference_diff_cm": Decimal("3.5"),
                "pulses": "normal",
            },
        ),
    ):
        services.assessment_save_section(
            assessment=assessment, changes=changes, section=section, by=clinician
        )
    (event,) = services.assessment_save_section(
        assessment=assessment,
        changes={
            "red_flag_screen": {"wells_active_cancer": "present", "wells_previous_dvt": "present"}
        },
        section="screen",
        by=clinician,
    )
    services.red_flag_resolve(
        event=event,
        kind="action",
        action="same_day_gp",
        note="Duplex scan booked today",
        by=clinician,
    )
    wells = get_instrument("wells_dvt")
    answers = {item.code: item.code == "calf_swelling_3cm" for item in wells.item_defs}
    services.outcome_response_save(
        assessment=assessment, instrument_code="wells_dvt", answers=answers, by=clinician
    )
    services.assessment_sign(assessment=assessment, by=clinician)
    plan = make_plan(patient_record, clinician, start_on=date(2026, 3, 3))
    TreatmentPlan.objects.filter(pk=plan.pk).update(assessment=assessment)
    return assessment


@pytest.mark.parametrize("page", ["summary", "print"])
def test_summary_and_print_show_the_whole_record(client, clinician, signed, page):
    client.force_login(clinician)
    url = reverse(f"assessments:{page}", args=[signed.patient_id, signed.pk])
    body = client.get(url).content.decode()
    for text in (
        "20 Feb 2026",  # onset
        "Walking uphill",
        "Previous DVT",
        "Atorvastatin 20 mg",
        "calf (left)",
        "Worst pain in 24 h",
        '<th scope="row">L5</th><td>4/5</td><td>5/5</td>',
        'Calf circumference difference (cm)</dt><dd class="col-sm-8">3.5',
        "Wells DVT score, two-level (NICE NG158)",
        "Calf swelling at least 3 cm larger",
        "Present",
        "Same-day GP / urgent care",
        "Duplex scan booked today",
        "Plans",
        "Alfredson",
        "signed by",
    ):
        assert text in body, text


def test_reception_cannot_read_the_summary(client, reception, signed):
    client.force_login(reception)
    url = reverse("assessments:summary", args=[signed.patient_id, signed.pk])
    assert client.get(url).status_code == 403


def test_the_pdf_carries_the_record_and_is_audited_as_an_export(
    client, clinician, signed, tmp_path
):
    """A PDF for a letter or a handover: the print page's content, as a file."""
    import subprocess

    from clinic.models import AuditAction, AuditEvent

    client.force_login(clinician)
    response = client.get(reverse("assessments:pdf", args=[signed.patient_id, signed.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    pdf = tmp_path / "assessment.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for expected in ("Walking uphill", "Atorvastatin 20 mg", "Duplex scan booked today"):
        assert expected in text, expected
    assert signed.patient.last_name in text
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, patient_id=signed.patient_id, actor=clinician
    ).exists()
