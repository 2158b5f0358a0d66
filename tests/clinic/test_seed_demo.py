import pytest
from django.core.management import call_command

from clinic.models import Clinic, Role, StaffMember
from patients.models import Patient


@pytest.mark.django_db
def test_seed_demo_loads_two_clinics_with_every_role_and_is_idempotent():
    call_command("seed_demo")
    counts = (Clinic.objects.count(), StaffMember.objects.count(), Patient.objects.count())
    call_command("seed_demo")
    assert (Clinic.objects.count(), StaffMember.objects.count(), Patient.objects.count()) == counts
    assert counts[0] == 2 and counts[2] == 60
    for clinic in Clinic.objects.all():
        roles = set(StaffMember.objects.filter(clinics=clinic).values_list("role", flat=True))
        assert roles == set(Role.values)
        reasons = set(
            Patient.objects.filter(clinic=clinic).values_list("referral_reason", flat=True)
        )
        assert any("Sciatica" in r for r in reasons) and any("PAD" in r for r in reasons)
