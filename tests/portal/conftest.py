import pytest

from programmes import services
from tests.programmes.helpers import make_plan


@pytest.fixture
def today(patient_record):
    return patient_record.local_today()


@pytest.fixture
def active_plan(patient, patient_record, clinician, today):
    """Alfredson (two exercises, twice a day, every day), active from today."""
    plan = make_plan(patient_record, clinician, start_on=today)
    services.plan_activate(plan=plan, by=clinician)
    return plan


@pytest.fixture
def portal(client, patient):
    client.force_login(patient)
    return client
