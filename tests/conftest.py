"""Personas (STYLE.md 12): a clinician and their clinic, a colleague at another
clinic, reception, a clinic admin, a patient with a portal account and another
patient of another clinic."""

import pytest
from django.core.signals import got_request_exception

from clinic.models import Role
from tests.factories import ClinicFactory, PatientFactory, StaffMemberFactory, UserFactory


@pytest.fixture(autouse=True)
def _no_server_errors():
    """Fail any test in which a request raised (a 500), even in a live server."""
    errors = []

    def record(sender, request=None, **kwargs):
        errors.append(getattr(request, "path", "?"))

    got_request_exception.connect(record)
    yield
    got_request_exception.disconnect(record)
    assert not errors, f"requests ended in a server error: {errors}"


@pytest.fixture
def clinic(db):
    return ClinicFactory(name="Riverside Physiotherapy")


@pytest.fixture
def other_clinic(db):
    return ClinicFactory(name="Harbour Sports & Spine Clinic", time_zone="America/New_York")


def _staff(username, role, clinic):
    return StaffMemberFactory(
        user=UserFactory(username=username, first_name=username.title(), last_name="Staff"),
        role=role,
        clinics=[clinic],
    )


@pytest.fixture
def clinician(clinic):
    return _staff("clinician", Role.CLINICIAN, clinic).user


@pytest.fixture
def colleague(other_clinic):
    """A clinician at another clinic: sees none of our patients."""
    return _staff("colleague", Role.CLINICIAN, other_clinic).user


@pytest.fixture
def reception(clinic):
    return _staff("reception", Role.RECEPTION, clinic).user


@pytest.fixture
def clinic_admin(clinic):
    member = _staff("clinicadmin", Role.CLINIC_ADMIN, clinic)
    member.user.is_staff = True
    member.user.save()
    return member.user


@pytest.fixture
def patient_record(clinic, clinician):
    return PatientFactory(
        clinic=clinic,
        first_name="Zelda",
        last_name="Quigley",
        email="zelda.quigley@patients.example",
        mobile_phone="+447911100555",
        referral_reason="Exertional calf pain relieved by rest",
        assigned_clinician=clinician.staff_member,
    )


@pytest.fixture
def patient(patient_record):
    """The patient's portal account."""
    user = UserFactory(username="patient.zelda", email=patient_record.email)
    patient_record.user = user
    patient_record.save()
    return user


@pytest.fixture
def other_patient_record(other_clinic):
    return PatientFactory(
        clinic=other_clinic,
        first_name="Otto",
        last_name="Vandermeer",
        email="otto.vandermeer@patients.example",
        referral_reason="Heel pain first steps",
    )


@pytest.fixture
def login(client):
    def _login(user):
        if user is not None:
            client.force_login(user)
        return client

    return _login
