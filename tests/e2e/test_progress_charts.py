"""The progress charts on the staff record and in the portal are drawn by one
script (clinic/progress.js): with a single score, the point sits inside the
plot (not on the axis) and the real-change band is drawn as a box, on both."""

from __future__ import annotations

import pytest

from assessments.models import OutcomeResponse
from programmes import services
from tests.e2e.conftest import staff_login
from tests.e2e.test_accessibility import portal_login
from tests.factories import PASSWORD
from tests.programmes.helpers import make_plan
from tracking.models import CheckIn

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# What the chart on the page holds once the script has run.
CHARTS = """() => {
  const pain = Chart.getChart(document.getElementById("pain-chart"));
  const canvas = document.querySelector("canvas.trend-chart");
  const trend = canvas.chart;
  const point = trend.getDatasetMeta(1).data[0];
  return {
    pain_points: pain.data.datasets[0].data.filter((v) => v !== null).length,
    band: canvas.dataset.band,
    trend_points: trend.data.datasets[1].data.length,
    point_inside: point.x > trend.chartArea.left + 10 && point.x < trend.chartArea.right - 10,
  };
}"""


@pytest.fixture
def one_score(patient, patient_record, clinician):
    """An active programme, one check-in and a single LEFS score (MCID 9)."""
    today = patient_record.local_today()
    patient_record.consent_portal = True
    patient_record.save()
    services.plan_activate(plan=make_plan(patient_record, clinician, start_on=today), by=clinician)
    CheckIn.objects.create(patient=patient_record, checked_on=today, pain_now=4)
    OutcomeResponse.objects.create(
        patient=patient_record,
        entered_by="patient",
        instrument_code="lefs",
        instrument_version="1",
        scoring_rule_version="x",
        total=40,
        complete=True,
        assessed_on=today,
    )
    return patient_record


def _charts(page):
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => document.querySelector('canvas.trend-chart').chart")
    return page.evaluate(CHARTS)


DRAWN = {"pain_points": 1, "band": "drawn", "trend_points": 1, "point_inside": True}


def test_the_staff_record_draws_a_single_score_with_its_band(page, clinician, one_score):
    staff_login(page, "clinician", PASSWORD)
    page.goto(f"/patients/{one_score.pk}/")
    assert _charts(page) == DRAWN


def test_the_portal_draws_a_single_score_with_its_band(phone_page, one_score):
    portal_login(phone_page)
    phone_page.goto("/portal/progress/")
    assert _charts(phone_page) == DRAWN
