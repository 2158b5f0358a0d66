"""Personas (STYLE.md 12): a clinician and their clinic, a colleague at another
clinic, reception, a clinic admin, a patient with a portal account and another
patient of another clinic."""

import pytest
from django.contrib.auth import authenticate
from django.core.signals import got_request_exception
from django.test import Client, RequestFactory
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.models import Role
from tests.factories import (
    ClinicFactory,
    PatientFactory,
    StaffMemberFactory,
    TOTPDeviceFactory,
    UserFactory,
)


class OTPClient(Client):
    """A test client whose logins are complete: a user with a confirmed TOTP
    device gets a session that has passed the second factor, as django-otp's
    ``login()`` leaves it. ``login()`` goes through django-axes (which needs a
    request). Staff without a device get one. To test the second factor itself,
    use ``force_login(user, verified=False)`` or post to the login form."""

    def force_login(self, user, backend=None, *, verified=True):
        super().force_login(user, backend)
        if verified:
            self.mark_verified(user)
        else:
            session = self.session
            session.pop(DEVICE_ID_SESSION_KEY, None)
            session.save()

    def login(self, **credentials):
        request = RequestFactory().post("/accounts/login/")
        user = authenticate(request, **credentials)
        if user is None:
            return False
        self.force_login(user)
        return True

    def mark_verified(self, user) -> None:
        from clinic.security import is_staff_account

        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None and is_staff_account(user):
            # Staff made ad hoc in a test (not a persona) get a device too, so
            # that force_login means "fully logged in" for every staff account.
            device = TOTPDeviceFactory(user=user)
        if device is None:
            return
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


@pytest.fixture
def client():
    """pytest-django's ``client``, with second-factor-aware logins."""
    return OTPClient()


@pytest.fixture
def admin_client(db, admin_user):
    client = OTPClient()
    client.force_login(admin_user)
    return client


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
    """A staff member with a confirmed TOTP device (``user.totpdevice_set``)."""
    member = StaffMemberFactory(
        user=UserFactory(username=username, first_name=username.title(), last_name="Staff"),
        role=role,
        clinics=[clinic],
    )
    TOTPDeviceFactory(user=member.user)
    return member


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


@pytest.fixture
def private_media(settings, tmp_path):
    """Stored files (exercise media, PDFs' pictures) go to this test's own
    private folder. Modules that need it for every test mark themselves with
    ``pytest.mark.usefixtures("private_media")``."""
    settings.STORAGES = {
        **settings.STORAGES,
        "media": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media"), "base_url": None},
        },
    }
    return tmp_path / "media"
