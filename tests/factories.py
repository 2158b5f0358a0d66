from datetime import date

import factory
from django.contrib.auth import get_user_model
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.models import Clinic, Role, StaffMember
from patients.models import Patient, Sex

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@staff.example")
    password = factory.django.Password(PASSWORD)


class ClinicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Clinic

    name = factory.Sequence(lambda n: f"Clinic {n}")
    time_zone = "Europe/London"
    email = factory.Sequence(lambda n: f"clinic{n}@clinic.example")


class StaffMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMember
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    role = Role.CLINICIAN

    @factory.post_generation
    def clinics(self, create, extracted, **kwargs):
        if create and extracted:
            self.clinics.add(*extracted)


def _issue_record_number(clinic) -> str:
    with transaction.atomic():
        return Clinic.issue_record_number(clinic.pk)


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    clinic = factory.SubFactory(ClinicFactory)
    record_number = factory.LazyAttribute(lambda p: _issue_record_number(p.clinic))
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    date_of_birth = date(1980, 5, 17)
    sex = Sex.FEMALE
    email = factory.Sequence(lambda n: f"patient{n}@patients.example")
    mobile_phone = factory.Sequence(lambda n: f"+4479111{n % 100000:05d}")
    referral_reason = "Left calf pain on walking"


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    """A confirmed authenticator; ``tests.otp.current_token(device)`` gives a code."""

    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UserFactory)
    name = "authenticator"
    confirmed = True
