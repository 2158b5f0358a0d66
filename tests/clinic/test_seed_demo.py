import pytest
from django.core.management import call_command

from clinic.models import Clinic, Role, StaffMember
from patients.models import Patient


@pytest.mark.django_db
def test_seed_demo_loads_two_clinics_with_every_role_and_is_idempotent(settings):
    from messaging.models import Conversation, Message

    settings.DEBUG = True
    call_command("seed_demo")
    counts = (Clinic.objects.count(), StaffMember.objects.count(), Patient.objects.count())
    messages = Message.objects.count()
    call_command("seed_demo")
    assert (Clinic.objects.count(), StaffMember.objects.count(), Patient.objects.count()) == counts
    # Demo conversations (issue 16): three per clinic, two waiting for a reply.
    assert Message.objects.count() == messages == 8
    assert Conversation.objects.filter(needs_reply=True).count() == 4
    assert counts[0] == 2 and counts[2] == 60
    for clinic in Clinic.objects.all():
        roles = set(StaffMember.objects.filter(clinics=clinic).values_list("role", flat=True))
        assert roles == set(Role.values)
        reasons = set(
            Patient.objects.filter(clinic=clinic).values_list("referral_reason", flat=True)
        )
        assert any("Sciatica" in r for r in reasons) and any("PAD" in r for r in reasons)


@pytest.mark.django_db
def test_demo_staff_get_the_published_demo_totp_secret_only_in_development(settings):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    call_command("seed_demo", "--i-know-this-is-production")
    assert not TOTPDevice.objects.exists()  # production settings: no known secret
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    devices = TOTPDevice.objects.filter(confirmed=True, key=settings.OTP_DEMO_SECRET_HEX)
    assert devices.count() == StaffMember.objects.count() + 1  # and the superuser


def test_the_demo_code_command_refuses_production(settings, capsys):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("demo_otp_code")
    settings.DEBUG = True
    call_command("demo_otp_code")
    out = capsys.readouterr().out
    assert out[:6].isdigit() and "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" in out


@pytest.mark.django_db
def test_a_demo_login_works_end_to_end_with_the_demo_code(client, settings):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from devtools.demo_data import DEMO_PASSWORD
    from tests.otp import current_token

    settings.DEBUG = True
    call_command("seed_demo")
    client.post("/accounts/login/", {"username": "clinician", "password": DEMO_PASSWORD})
    device = TOTPDevice.objects.get(user__username="clinician")
    response = client.post("/accounts/2fa/", {"token": current_token(device)})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_seed_demo_gives_patients_assessments_plans_logs_and_a_few_pauses(settings):
    from alerts.models import AttentionSignal
    from assessments.models import Assessment
    from programmes.models import PlanStatus, TreatmentPlan
    from tracking.models import CheckIn, SessionLog

    settings.DEBUG = True
    call_command("seed_demo")
    counts = (
        Assessment.objects.filter(status="signed").count(),
        TreatmentPlan.objects.count(),
        SessionLog.objects.count(),
        CheckIn.objects.count(),
    )
    call_command("seed_demo")  # idempotent
    assert counts == (
        Assessment.objects.filter(status="signed").count(),
        TreatmentPlan.objects.count(),
        SessionLog.objects.count(),
        CheckIn.objects.count(),
    )
    assert counts[0] == counts[1] == 40
    assert 2000 <= counts[2] <= 20000
    assert TreatmentPlan.objects.filter(status=PlanStatus.PAUSED).count() >= 2
    assert set(SessionLog.objects.values_list("outcome", flat=True)) == {
        "done",
        "partial",
        "skipped",
    }
    assert SessionLog.objects.filter(skip_reason="pain").exists()
    # Low adherence is a "needs attention" signal by default (issue 22).
    assert AttentionSignal.objects.filter(kind="low_adherence").exists()


@pytest.mark.django_db
def test_seed_demo_refuses_production_and_with_the_flag_sets_no_known_password(settings):
    """Issue 19: in production it made a superuser with the published password."""
    from django.contrib.auth import get_user_model
    from django.core.management.base import CommandError

    from devtools.demo_data import DEMO_PASSWORD

    with pytest.raises(CommandError, match="DJANGO_DEBUG=true"):
        call_command("seed_demo")
    assert not get_user_model().objects.exists()
    call_command("seed_demo", "--i-know-this-is-production")
    users = get_user_model().objects.filter(
        staff_member__isnull=False
    ) | get_user_model().objects.filter(username="admin")
    assert users.count() == StaffMember.objects.count() + 1
    assert not any(user.check_password(DEMO_PASSWORD) for user in users)
    assert not any(user.has_usable_password() for user in users)
