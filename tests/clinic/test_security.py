"""Authentication and session hardening (issue 7): second factor, brute force,
passwords, sessions, security headers and the audit trail of all of them."""

from __future__ import annotations

import time

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.models import AuditAction, AuditEvent
from tests.factories import PASSWORD, StaffMemberFactory, UserFactory
from tests.otp import current_token, pass_second_factor

pytestmark = pytest.mark.django_db


def _form_login(client, username, password=PASSWORD, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def _actions(**filters) -> list[str]:
    return list(AuditEvent.objects.filter(**filters).values_list("action", flat=True))


class TestSecondFactor:
    def test_staff_are_sent_to_the_second_factor_before_any_patient_data(
        self, client, clinician, patient_record
    ):
        response = _form_login(client, "clinician")
        assert response.status_code == 302
        for url in (
            reverse("dashboard"),
            reverse("patients:list"),
            reverse("patients:detail", args=[patient_record.pk]),
            "/some-page-another-app-adds-later/",
        ):
            response = client.get(url)
            if response.status_code == 404:
                continue  # unknown URL: nothing to protect, nothing shown
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("otp-verify")), url
        body = client.get(reverse("patients:list"), follow=True).content.decode()
        assert patient_record.last_name not in body

    def test_the_admin_requires_the_second_factor_too(self, client, clinic_admin, patient_record):
        client.post(reverse("admin:login"), {"username": "clinicadmin", "password": PASSWORD})
        response = client.get(reverse("admin:patients_patient_changelist"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("otp-verify"))
        pass_second_factor(client, clinic_admin)
        assert client.get(reverse("admin:patients_patient_changelist")).status_code == 200

    def test_a_valid_code_lets_the_user_in_and_a_replayed_one_is_refused(self, client, clinician):
        device = clinician.totpdevice_set.get()
        _form_login(client, "clinician")
        token = current_token(device)
        response = client.post(reverse("otp-verify"), {"token": token, "next": "/patients/"})
        assert response.status_code == 302 and response["Location"] == "/patients/"
        assert client.get(reverse("dashboard")).status_code == 200

        # The same code in a second session (an attacker who saw it) fails.
        other = type(client)()
        _form_login(other, "clinician")
        response = other.post(reverse("otp-verify"), {"token": token})
        assert response.status_code == 200
        assert "That code is not valid" in response.content.decode()
        assert other.get(reverse("dashboard")).status_code == 302
        assert _actions(actor=clinician, action__startswith="otp_") == [
            AuditAction.OTP_FAILED,
            AuditAction.OTP_VERIFIED,
        ]

    def test_the_session_key_changes_at_login_and_again_at_the_second_factor(
        self, client, clinician
    ):
        client.get(reverse("login"))
        anonymous_key = client.cookies.get(settings.SESSION_COOKIE_NAME)
        _form_login(client, "clinician")
        after_password = client.cookies[settings.SESSION_COOKIE_NAME].value
        assert anonymous_key is None or anonymous_key.value != after_password
        pass_second_factor(client, clinician)
        assert client.cookies[settings.SESSION_COOKIE_NAME].value != after_password

    def test_a_recovery_code_works_once(self, client, clinician):
        from clinic.twofactor import otp_recovery_codes_issue

        codes = otp_recovery_codes_issue(user=clinician)
        _form_login(client, "clinician")
        assert client.post(reverse("otp-verify"), {"token": codes[0]}).status_code == 302
        client.post(reverse("logout"))
        _form_login(client, "clinician")
        response = client.post(reverse("otp-verify"), {"token": codes[0]})
        assert response.status_code == 200
        assert StaticToken.objects.filter(device__user=clinician).count() == len(codes) - 1
        assert AuditAction.OTP_RECOVERY_USED in _actions(actor=clinician)

    def test_a_password_alone_cannot_enrol_a_device(self, client, clinic):
        """Issue 19: whoever logged in first with a device-less account's
        password could enrol their own authenticator and own the account."""
        StaffMemberFactory(user=UserFactory(username="newbie"), clinics=[clinic])
        _form_login(client, "newbie")
        response = client.get(reverse("patients:list"))
        assert response["Location"].startswith(reverse("otp-enrol"))
        page = client.get(response["Location"])
        assert page.status_code == 403
        assert "ask your clinic administrator" in page.content.decode()
        assert "data:image/svg+xml" not in page.content.decode()
        client.post(reverse("otp-enrol"), {"token": "123456"})
        assert not TOTPDevice.objects.filter(user__username="newbie").exists()
        assert client.get(reverse("patients:list")).status_code == 302

    def test_a_new_staff_member_enrols_with_an_admins_link(
        self, client, clinic, clinic_admin, settings
    ):
        from clinic.twofactor import otp_enrolment_link_send

        member = StaffMemberFactory(
            user=UserFactory(username="newbie", email="newbie@staff.example"), clinics=[clinic]
        )
        assert otp_enrolment_link_send(user=member.user, by=clinic_admin)
        body = mail.outbox[-1].body
        link = next(line for line in body.splitlines() if "/accounts/2fa/enrol/link/" in line)
        path = link.removeprefix(settings.SITE_BASE_URL)
        # Anonymous: log in first, then the link.
        assert client.get(path)["Location"].startswith(reverse("login"))
        _form_login(client, "newbie")
        opened = client.get(path)
        assert opened["Location"] == reverse("otp-enrol")
        page = client.get(reverse("otp-enrol"))
        assert page.status_code == 200
        assert "data:image/svg+xml" in page.content.decode()
        device = TOTPDevice.objects.get(user=member.user, confirmed=False)
        wrong = client.post(reverse("otp-enrol"), {"token": "000000"})
        assert "not valid" in wrong.content.decode()
        # django-otp throttles after a failure (1 s, doubling); the user waits.
        device.refresh_from_db()
        device.throttle_reset()
        done = client.post(
            reverse("otp-enrol"), {"token": current_token(device), "next": "/patients/"}
        )
        codes = done.context["codes"]
        assert len(codes) == 10 and all(c in done.content.decode() for c in codes)
        assert TOTPDevice.objects.get(user=member.user).confirmed
        assert client.get(reverse("patients:list")).status_code == 200
        actions = _actions(actor=member.user)
        assert AuditAction.OTP_ENROLLED in actions and AuditAction.OTP_LINK_USED in actions
        assert AuditAction.OTP_LINK_SENT in _actions(actor=clinic_admin)

    def test_an_enrolment_link_works_once_for_its_own_user_and_not_after_expiry(
        self, client, clinic
    ):
        from clinic.twofactor import otp_enrolment_link_create

        newbie = StaffMemberFactory(user=UserFactory(username="newbie"), clinics=[clinic]).user
        other = StaffMemberFactory(user=UserFactory(username="other"), clinics=[clinic]).user
        others_link = otp_enrolment_link_create(user=other)
        _form_login(client, "newbie")
        refused = client.get(others_link)
        assert refused.status_code == 403 and "does not work" in refused.content.decode()
        assert client.get(others_link[:-3] + "xx/").status_code == 403  # tampered
        link = otp_enrolment_link_create(user=newbie)
        assert client.get(link)["Location"] == reverse("otp-enrol")
        client.post(reverse("logout"))
        _form_login(client, "newbie")
        assert client.get(link).status_code == 403  # used once already
        assert client.get(reverse("otp-enrol")).status_code == 403
        late = otp_enrolment_link_create(user=newbie)
        with time_machine.travel(time.time() + 25 * 3600):
            _form_login(client, "newbie")
            assert client.get(late).status_code == 403
        assert AuditAction.OTP_LINK_REFUSED in _actions()

    def test_the_first_superuser_gets_a_link_from_a_command(self, capsys):
        from django.core.management import call_command

        get_user_model().objects.create_superuser("root", "root@example.org", "x" * 20)
        call_command("otp_enrolment_link", "root")
        assert "/accounts/2fa/enrol/link/" in capsys.readouterr().out

    def test_a_password_holder_cannot_replace_an_enrolled_device(self, client, clinician):
        _form_login(client, "clinician")
        response = client.get(reverse("otp-enrol"))
        assert response["Location"].startswith(reverse("otp-verify"))
        client.post(reverse("otp-enrol"), {"token": "123456"})
        assert TOTPDevice.objects.filter(user=clinician).count() == 1

    def test_a_password_reset_does_not_skip_the_second_factor(self, client, clinician):
        client.post(reverse("password_reset"), {"email": clinician.email})
        link = next(
            line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line
        ).strip()
        form_url = client.get(link)["Location"]
        new_password = "a long new passphrase for the clinic"
        response = client.post(
            form_url, {"new_password1": new_password, "new_password2": new_password}
        )
        assert response.status_code == 302
        # Not logged in by the reset; logging in still asks for the code.
        assert client.get(reverse("dashboard"))["Location"].startswith(reverse("login"))
        _form_login(client, "clinician", new_password)
        assert client.get(reverse("dashboard"))["Location"].startswith(reverse("otp-verify"))

    def test_patients_are_not_asked_for_a_second_factor(self, client, patient):
        client.force_login(patient, verified=False)
        # The staff dashboard refuses them (403), but not with a 2FA redirect.
        assert client.get(reverse("dashboard")).status_code == 403
        assert client.get(reverse("otp-verify"))["Location"] == reverse("dashboard")

    def test_a_clinic_admin_resets_a_colleagues_device_and_their_sessions_end(
        self, client, clinic_admin, clinician
    ):
        other = type(client)()
        other.force_login(clinician)
        assert other.get(reverse("dashboard")).status_code == 200
        client.force_login(clinic_admin)
        response = client.post(
            reverse("admin:clinic_staffmember_changelist"),
            {
                "action": "reset_second_factor",
                "_selected_action": [clinician.staff_member.pk],
            },
        )
        assert response.status_code == 302
        assert not TOTPDevice.objects.filter(user=clinician).exists()
        assert other.get(reverse("dashboard"))["Location"].startswith(reverse("login"))
        assert AuditEvent.objects.filter(
            action=AuditAction.OTP_RESET, object_id=str(clinician.pk)
        ).exists()


class TestBruteForce:
    def test_five_failures_lock_that_username_from_that_address_only(self, client, clinician):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            _form_login(client, "clinician", "wrong password")
        locked = _form_login(client, "clinician")  # even the right password
        assert locked.status_code == 429
        assert "Too many failed logins" in locked.content.decode()
        # The clinician at their own desk (another address) still gets in.
        other = type(client)()
        response = _form_login(other, "clinician", REMOTE_ADDR="10.1.2.3")
        assert response.status_code == 302
        assert AuditAction.LOCKED_OUT in _actions()

    def test_unknown_and_known_usernames_get_the_same_answers(self, client, clinician):
        known = _form_login(client, "clinician", "wrong password").content.decode()
        unknown = _form_login(client, "nobody-here", "wrong password").content.decode()
        message = "Please enter a correct username and password"
        assert message in known and message in unknown
        for _ in range(settings.AXES_FAILURE_LIMIT):
            _form_login(client, "clinician", "wrong password")
            _form_login(client, "nobody-here", "wrong password")
        known_locked = _form_login(client, "clinician", "wrong password")
        unknown_locked = _form_login(client, "nobody-here", "wrong password")
        assert known_locked.status_code == unknown_locked.status_code == 429
        assert known_locked.content == unknown_locked.content

    def test_the_lock_lifts_after_the_cool_off(self, client, clinician):
        with time_machine.travel(time.time(), tick=False) as clock:
            for _ in range(settings.AXES_FAILURE_LIMIT):
                _form_login(client, "clinician", "wrong password")
            assert _form_login(client, "clinician").status_code == 429
            clock.shift(settings.AXES_COOLOFF_TIME.total_seconds() + 1)
            assert _form_login(client, "clinician").status_code == 302

    def test_client_login_still_works_in_tests(self, client, clinician):
        assert client.login(username="clinician", password=PASSWORD)
        assert client.get(reverse("dashboard")).status_code == 200


class TestPasswords:
    def test_argon2_is_the_production_hasher(self):
        from clinic import settings as production

        assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")

    @pytest.mark.parametrize(
        "password, ok",
        [
            ("short-pass1", False),  # 11 characters
            ("password1234", False),  # common
            ("correcthorse", True),  # 12 letters, no composition rules
            ("394857201938475", True),  # digits only is allowed (no composition rules)
            ("a very long passphrase " * 20, True),
        ],
    )
    def test_length_and_common_passwords_only(self, password, ok):
        try:
            validate_password(password)
        except ValidationError:
            assert not ok
        else:
            assert ok


class TestSessions:
    def test_an_idle_staff_session_ends_after_the_limit(self, client, clinician):
        with time_machine.travel(time.time(), tick=False) as clock:
            client.force_login(clinician)
            assert client.get(reverse("dashboard")).status_code == 200
            clock.shift(settings.STAFF_IDLE_TIMEOUT_MINUTES * 60 - 30)
            assert client.get(reverse("dashboard")).status_code == 200
            clock.shift(settings.STAFF_IDLE_TIMEOUT_MINUTES * 60 + 1)
            response = client.get(reverse("dashboard"))
        assert response["Location"].startswith(reverse("login"))
        assert AuditAction.SESSION_EXPIRED in _actions(actor=clinician)

    def test_an_active_session_still_ends_at_the_absolute_limit(self, client, clinician):
        with time_machine.travel(time.time(), tick=False) as clock:
            client.force_login(clinician)
            for _ in range(settings.SESSION_ABSOLUTE_HOURS * 3 + 3):
                clock.shift(20 * 60)
                response = client.get(reverse("dashboard"))
                if response.status_code != 200:
                    break
        assert response["Location"].startswith(reverse("login"))
        lasted = (_ + 1) * 20
        assert (
            settings.SESSION_ABSOLUTE_HOURS * 60
            < lasted
            <= settings.SESSION_ABSOLUTE_HOURS * 60 + 20
        )

    def test_portal_sessions_use_their_own_idle_limit(self, client, patient, settings):
        settings.PORTAL_IDLE_TIMEOUT_MINUTES = 5
        with time_machine.travel(time.time(), tick=False) as clock:
            client.force_login(patient)
            clock.shift(6 * 60)
            client.get(reverse("healthz"))
        assert "_auth_user_id" not in client.session

    def test_deactivating_a_user_ends_all_their_sessions(self, clinician):
        from tests.conftest import OTPClient

        desk, laptop = OTPClient(), OTPClient()
        desk.force_login(clinician)
        laptop.force_login(clinician)
        assert Session.objects.count() == 2
        clinician.is_active = False
        clinician.save()
        assert Session.objects.count() == 0
        assert desk.get(reverse("dashboard"))["Location"].startswith(reverse("login"))
        assert AuditEvent.objects.filter(
            action=AuditAction.SESSIONS_ENDED, object_id=str(clinician.pk)
        ).exists()

    def test_production_cookies_are_secure_httponly_and_samesite(self):
        from tests.clinic.test_settings import PRODUCTION_ENV, manage

        code = (
            "from django.conf import settings as s;"
            "print(s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE,"
            " s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0, s.SECURE_SSL_REDIRECT)"
        )
        result = manage("shell", "--verbosity", "0", "-c", code, env=PRODUCTION_ENV)
        assert result.stdout.split() == ["True", "True", "Lax", "True", "True", "True"]


class TestBrowserProtections:
    def test_every_page_sends_an_enforced_csp_without_inline_scripts(self, client, clinician):
        client.force_login(clinician)
        response = client.get(reverse("dashboard"))
        policy = response["Content-Security-Policy"]
        assert "Content-Security-Policy-Report-Only" not in response
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
        assert directives["script-src"] == "'self'"
        assert "unsafe" not in policy
        assert directives["frame-ancestors"] == "'none'"
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"

    def test_the_admin_and_login_pages_have_it_too(self, client):
        for url in (reverse("login"), reverse("admin:login")):
            assert "script-src 'self'" in client.get(url)["Content-Security-Policy"]


class TestAuditLog:
    def test_clinic_admins_filter_and_export_the_log_as_csv(
        self, client, clinic_admin, clinician, colleague
    ):
        _form_login(client, "clinician")
        pass_second_factor(client, clinician)
        other = type(client)()
        _form_login(other, "colleague")
        pass_second_factor(other, colleague)
        client.force_login(clinic_admin)
        page = client.get(reverse("audit-log"), {"action": AuditAction.OTP_VERIFIED})
        assert page.status_code == 200 and "Second factor passed" in page.content.decode()
        response = client.get(reverse("audit-export"), {"action": AuditAction.OTP_VERIFIED})
        assert response["Content-Type"].startswith("text/csv")
        rows = b"".join(response.streaming_content).decode().splitlines()
        assert rows[0].startswith("at,actor_id,actor_username,action")
        assert len(rows) == 2 and ",clinician,otp_verified," in rows[1]
        # Only the admin's clinic: the colleague's login elsewhere is not there.
        assert "colleague" not in "\n".join(rows)
        assert AuditEvent.objects.filter(action=AuditAction.EXPORT, actor=clinic_admin).exists()

    def test_the_csv_neutralises_spreadsheet_formulas(self, client, clinic_admin, clinic):
        from clinic.audit import audit_record

        audit_record(action=AuditAction.LOGIN_FAILED, username="=HYPERLINK(1)", clinic_id=clinic.pk)
        client.force_login(clinic_admin)
        body = b"".join(client.get(reverse("audit-export")).streaming_content).decode()
        assert "'=HYPERLINK(1)" in body and ",=HYPERLINK" not in body

    def test_a_bad_filter_is_explained_not_exported(self, client, clinic_admin):
        client.force_login(clinic_admin)
        response = client.get(
            reverse("audit-export"), {"since": "2026-02-10", "until": "2026-02-01"}
        )
        assert response.status_code == 400
        assert "The end date is before the start date." in response.content.decode()

    def test_the_export_is_read_in_constant_queries(
        self, client, clinic_admin, clinic, django_assert_max_num_queries
    ):
        from clinic.audit import audit_record

        for _ in range(30):
            audit_record(action=AuditAction.EXPORT, clinic_id=clinic.pk)
        client.force_login(clinic_admin)
        # session, user, staff member, clinic ids, the audit insert, the rows.
        with django_assert_max_num_queries(8):
            response = client.get(reverse("audit-export"))
            rows = b"".join(response.streaming_content).decode().splitlines()
        assert len(rows) > 30


def test_the_user_model_is_the_one_the_personas_use():
    assert get_user_model().USERNAME_FIELD == "username"


@pytest.mark.django_db
def test_force_login_in_tests_is_a_complete_login_for_any_staff_account(
    client, clinic, admin_client
):
    member = StaffMemberFactory(user=UserFactory(username="adhoc"), clinics=[clinic])
    client.force_login(member.user)
    assert client.get(reverse("dashboard")).status_code == 200
    assert admin_client.get(reverse("admin:index")).status_code == 200
    client.force_login(member.user, verified=False)
    assert client.get(reverse("dashboard"))["Location"].startswith(reverse("otp-verify"))


@pytest.mark.django_db
def test_an_htmx_request_before_the_second_factor_redirects_the_whole_page(client, clinician):
    client.force_login(clinician, verified=False)
    response = client.get(reverse("patients:list"), headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("otp-verify"))


@pytest.mark.django_db
def test_a_forged_forwarded_for_header_does_not_escape_the_lock(client, clinician):
    for i in range(settings.AXES_FAILURE_LIMIT + 1):
        response = _form_login(
            client, "clinician", "wrong password", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}"
        )
    assert response.status_code == 429
