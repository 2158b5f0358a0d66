"""The security probe as a suite (issue 19): what an attacker tried in
production mode, enumerated so that a new form, field or model is covered
without anyone remembering to add it (as the access matrix enumerates URLs).

- every form's date fields (admin forms included) refuse a date outside the
  stored range with "Enter a date from ... to ...";
- every form's free-text fields have a limit (4,000; searches 200) and say
  "at most ..." when it is passed;
- every stored date of every model is a ``BoundedDateField`` and the database
  holds its CHECK (a write that skips validation is refused too);
- every model text field has a limit.

Only fields declared on form classes are enumerated (fields a form adds in its
``__init__`` are not seen here).
"""

from __future__ import annotations

import importlib
import pkgutil
from datetime import date

import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.test import RequestFactory

from clinic.dates import (
    DATE_MAX,
    DATE_MIN,
    FREE_TEXT_MAX,
    PASSWORD_MAX,
    SEARCH_MAX,
    BoundedDateField,
    DateRangeValidator,
)

PROJECT_APPS = (
    "clinic",
    "patients",
    "assessments",
    "exercises",
    "programmes",
    "alerts",
    "tracking",
    "reminders",
    "messaging",
    "fhir_r4",
    "portal",
    "devtools",
)
# Form fields that are searches (a short limit).
SEARCH_NAMES = {"q", "search", "query"}


def _import_project_modules() -> None:
    for app in PROJECT_APPS:
        try:
            package = importlib.import_module(app)
        except ImportError:
            continue
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{app}."):
            if ".migrations" in info.name or ".management" in info.name:
                continue
            if info.name.endswith(("settings", "settings_test", "wsgi", "asgi", "celery")):
                continue
            try:
                importlib.import_module(info.name)
            except ImportError:
                continue


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def project_form_classes() -> list[type[forms.BaseForm]]:
    _import_project_modules()
    found = {
        cls
        for cls in _subclasses(forms.BaseForm)
        if cls.__module__.split(".")[0] in PROJECT_APPS and not cls.__name__.startswith("_")
    }
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


def admin_form_classes() -> list[tuple[str, type[forms.BaseForm]]]:
    from django.contrib.auth import get_user_model

    request = RequestFactory().get("/admin/")
    request.user = get_user_model()(is_superuser=True, is_staff=True, is_active=True)
    result = []
    for model, model_admin in admin.site._registry.items():
        label = f"admin:{model._meta.label}"
        result.append((label, model_admin.get_form(request)))
        for inline in model_admin.get_inline_instances(request):
            result.append((f"{label}:{inline.model._meta.label}", inline.get_formset(request).form))
    return result


def all_form_fields():
    """(form label, field name, field) for every declared field of every form."""
    rows = []
    for cls in project_form_classes():
        label = f"{cls.__module__}.{cls.__qualname__}"
        for name, field in cls.base_fields.items():
            rows.append((label, name, field))
    return rows


def _is_free_text(field: forms.Field) -> bool:
    """A field that takes typed text (not an email, URL, id, JSON or list)."""
    structured = (
        forms.EmailField,
        forms.URLField,
        forms.SlugField,
        forms.RegexField,
        forms.UUIDField,
        forms.JSONField,
    )
    if isinstance(field, structured) or not isinstance(field, forms.CharField):
        return False
    return not type(field).__module__.startswith("django.contrib.postgres")


# --- forms: dates --------------------------------------------------------


def _check_date_field(label: str, name: str, field: forms.Field, problems: list[str]) -> None:
    if not isinstance(field, forms.DateField) or isinstance(field, forms.DateTimeField):
        return
    if field.disabled:
        return
    for bad in ("9999-12-31", "1000-01-01"):
        try:
            field.clean(bad)
        except ValidationError as error:
            if not any("Enter a date from" in m for m in error.messages):
                problems.append(f"{label}.{name}: {bad} refused without the range message")
        else:
            problems.append(f"{label}.{name}: accepts {bad}")


def test_every_form_date_field_is_bounded():
    problems: list[str] = []
    for label, name, field in all_form_fields():
        _check_date_field(label, name, field, problems)
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_every_admin_form_date_field_is_bounded():
    problems: list[str] = []
    for label, form_class in admin_form_classes():
        for name, field in form_class.base_fields.items():
            _check_date_field(label, name, field, problems)
    assert not problems, "\n".join(problems)


def test_the_range_message_names_both_ends():
    field = forms.DateField(validators=[DateRangeValidator()])
    with pytest.raises(ValidationError) as error:
        field.clean("9999-12-31")
    assert error.value.messages == ["Enter a date from 1 Jan 1900 to 31 Dec 2100."]
    assert field.clean(DATE_MAX.isoformat()) == DATE_MAX
    assert field.clean(DATE_MIN.isoformat()) == DATE_MIN


# --- forms: free text ----------------------------------------------------


def _check_text_field(label: str, name: str, field: forms.Field, problems: list[str]) -> None:
    if not _is_free_text(field) or field.disabled:
        return
    limit = SEARCH_MAX if name in SEARCH_NAMES else FREE_TEXT_MAX
    if "password" in name:
        limit = PASSWORD_MAX
    if field.max_length is None or field.max_length > limit:
        problems.append(f"{label}.{name}: max_length {field.max_length} (at most {limit})")
        return
    try:
        field.clean("x" * (field.max_length + 1))
    except ValidationError as error:
        if not any("at most" in m for m in error.messages):
            problems.append(f"{label}.{name}: too long refused without an 'at most' message")
    else:
        problems.append(f"{label}.{name}: accepts {field.max_length + 1} characters")


def test_every_form_text_field_has_a_limit():
    problems: list[str] = []
    for label, name, field in all_form_fields():
        _check_text_field(label, name, field, problems)
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_every_admin_form_text_field_has_a_limit():
    problems: list[str] = []
    for label, form_class in admin_form_classes():
        if label.startswith("admin:auth."):
            continue  # Django's own user and group forms
        for name, field in form_class.base_fields.items():
            _check_text_field(label, name, field, problems)
    assert not problems, "\n".join(problems)


def test_the_probe_sees_the_forms_it_must():
    labels = {label for label, _name, _field in all_form_fields()}
    assert "reminders.forms.ReminderPreferenceForm" in labels
    assert "patients.forms.PatientForm" in labels or any("patients.forms" in x for x in labels)
    assert len(labels) > 20


# --- models --------------------------------------------------------------


def project_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS
        and not model._meta.proxy
        and model._meta.managed
        # simple_history's copies hold what the bounded tables held.
        and not model.__name__.startswith("Historical")
    ]


def _stored_dates():
    for model in project_models():
        for field in model._meta.local_concrete_fields:
            if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
                yield model, field


def test_every_stored_date_is_bounded_in_the_model():
    unbounded = [
        f"{model._meta.label}.{field.name}"
        for model, field in _stored_dates()
        if not isinstance(field, BoundedDateField)
    ]
    assert not unbounded, f"use clinic.dates.BoundedDateField and @bounded_dates: {unbounded}"
    assert len(list(_stored_dates())) >= 15


@pytest.mark.django_db
def test_every_stored_date_has_its_check_in_the_database():
    missing = []
    with connection.cursor() as cursor:
        for model, field in _stored_dates():
            constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
            name = field.check_constraint_name(model)
            if not constraints.get(name, {}).get("check"):
                missing.append(f"{model._meta.label}.{field.name} ({name})")
    assert not missing, missing


@pytest.mark.django_db
def test_the_database_refuses_a_far_date_written_around_the_model(patient_record):
    """The incident: a pause until 9999-12-31 stopped every clinic's reminders."""
    from reminders.models import ReminderPreference

    preference = ReminderPreference.objects.create(patient=patient_record)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderPreference.objects.filter(pk=preference.pk).update(paused_until=date(9999, 12, 31))
    preference.refresh_from_db()
    assert preference.paused_until is None


# Longer than FREE_TEXT_MAX by design, each with its own documented limit:
# a conversation filed to the record is a transcript of many messages
# (messaging.models.TRANSCRIPT_MAX_CHARS).
LONGER_BY_DESIGN = {"messaging.FiledConversation.transcript"}


def test_every_model_text_field_has_a_limit():
    unlimited = [
        f"{model._meta.label}.{field.name}"
        for model in project_models()
        for field in model._meta.local_concrete_fields
        if isinstance(field, models.TextField)
        and (
            field.max_length is None
            or (
                field.max_length > FREE_TEXT_MAX
                and f"{model._meta.label}.{field.name}" not in LONGER_BY_DESIGN
            )
        )
    ]
    assert not unlimited, f"use clinic.dates.FreeTextField: {unlimited}"


# --- admin: scoping of saves, filters and change lists -------------------

from tests.test_access_matrix import ctx  # noqa: E402,F401  (the matrix's objects)


@pytest.mark.django_db
def test_every_admin_change_list_hides_the_other_clinics_names(client, ctx):  # noqa: F811
    """Filters ("By clinic") and rows show only the editor's clinics."""
    from django.urls import NoReverseMatch, reverse

    client.force_login(ctx["users"]["clinic_admin"])
    other = ctx["other_clinic"]
    secrets = ("Harbour Sports", ctx["other_patient_record"].last_name, "Colleague Staff")
    seen, leaks = 0, []
    for model in admin.site._registry:
        try:
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        except NoReverseMatch:
            continue
        response = client.get(url)
        if response.status_code != 200:
            continue
        seen += 1
        body = response.content.decode()
        leaks += [f"{model._meta.label}: {s}" for s in secrets if s in body]
        if f"clinic__id__exact={other.pk}" in body or f"clinics__id__exact={other.pk}" in body:
            leaks.append(f"{model._meta.label}: a filter on the other clinic")
    assert seen >= 10
    assert not leaks, leaks


@pytest.mark.django_db
def test_an_admin_save_keeps_the_clinics_the_editor_cannot_see(client, ctx):  # noqa: F811
    """Finding 3: saving a member of both clinics replaced the clinic set."""
    from django.urls import reverse

    from clinic.models import Role

    member = ctx["colleague_member"]  # works at the other clinic
    member.clinics.add(ctx["clinic"])
    client.force_login(ctx["users"]["clinic_admin"])
    url = reverse("admin:clinic_staffmember_change", args=[member.pk])
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(
        url,
        {
            "clinics": [str(ctx["clinic"].pk)],
            "role": Role.CLINIC_ADMIN,
            "professional_registration": "FORGED",
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert set(member.clinics.all()) == {ctx["clinic"], ctx["other_clinic"]}
    assert member.role == Role.CLINICIAN and member.professional_registration != "FORGED"
    # A member of our clinic only: the editor can change the role.
    own = ctx["clinician_member"]
    url = reverse("admin:clinic_staffmember_change", args=[own.pk])
    client.post(url, {"clinics": [str(ctx["clinic"].pk)], "role": Role.RECEPTION})
    own.refresh_from_db()
    assert own.role == Role.RECEPTION


# --- portal login: no enumeration by answer, lockout or timing ------------


WRONG_PASSWORD = "wrong password 123"


def _portal_login(client, email):
    from django.urls import reverse

    return client.post(reverse("portal:login"), {"email": email, "password": WRONG_PASSWORD})


@pytest.mark.django_db
def test_portal_login_answers_and_locks_alike_for_known_and_unknown_emails(
    client, patient, settings
):
    """Finding 4: a known email locked after five failures, an unknown one never."""
    from clinic.models import AuditAction, AuditEvent

    known, unknown = "zelda.quigley@patients.example", "nobody.here@patients.example"
    answers = {}
    for email in (known, unknown):
        client.logout()
        codes = []
        for _ in range(settings.AXES_FAILURE_LIMIT + 1):
            response = _portal_login(client, email)
            codes.append(response.status_code)
        answers[email] = (codes, "do not match an account" in _portal_login(client, email).text)
    assert answers[known] == answers[unknown]
    codes, _ = answers[unknown]
    assert codes[0] == 200 and codes[-1] == 429  # locked, whether the account exists or not
    locked = AuditEvent.objects.filter(action=AuditAction.LOCKED_OUT)
    assert set(locked.values_list("actor_username", flat=True)) >= {known, unknown}


@pytest.mark.django_db
def test_portal_login_takes_as_long_for_unknown_emails(client, patient, settings):
    """Finding 4: 0.14 s for a known email against 0.006 s for an unknown one
    (the password was hashed only for known emails). Real hasher (Argon2)."""
    import statistics
    import time

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    settings.AXES_FAILURE_LIMIT = 1000
    patient.set_password("the real password 2026")
    patient.save()

    def timed(email):
        started = time.perf_counter()
        _portal_login(client, email)
        return time.perf_counter() - started

    timed("warm.up@patients.example")
    known, unknown = [], []
    for _ in range(5):
        known.append(timed("zelda.quigley@patients.example"))
        unknown.append(timed("nobody.here@patients.example"))
    ratio = statistics.median(known) / statistics.median(unknown)
    assert 0.5 < ratio < 2, (known, unknown)


# --- audit: the targeted clinic sees refused attempts ---------------------


# 404 for everyone, not a refusal of another clinic's object: the FHIR API's
# catch-all and the calendar feed (a secret token in the URL, no login).
NOT_SCOPE_REFUSALS = {"fhir-api:not-found", "portal:calendar-feed"}


def _refused_for_colleague():
    from tests.test_access_matrix import STAFF_MATRIX

    return sorted(
        name
        for name, (args_for, expected) in STAFF_MATRIX.items()
        if args_for is not None
        and expected.get("colleague") == 404
        and name not in NOT_SCOPE_REFUSALS
    )


@pytest.mark.django_db
def test_every_refused_page_is_in_the_targeted_clinics_audit_log(client, ctx):  # noqa: F811
    """Finding 5: denied attempts on plans, alerts and assessments were logged
    under the attacker's clinic only. Every page the access matrix says another
    clinic's staff are refused (404) leaves an event our clinic admin sees."""
    from django.urls import reverse

    from clinic.models import AuditAction, AuditEvent
    from tests.test_access_matrix import STAFF_MATRIX

    names = _refused_for_colleague()
    assert len(names) >= 10
    colleague, our_admin = ctx["users"]["colleague"], ctx["users"]["clinic_admin"]
    their_admin_clinic = ctx["other_clinic"]
    missing = []
    for name in names:
        args_for, _expected = STAFF_MATRIX[name]
        url = reverse(name, args=args_for(ctx))
        before = AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED).count()
        client.force_login(colleague)
        assert client.get(url).status_code == 404, name
        new = AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED).order_by("-id")[
            : max(0, AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED).count() - before)
        ]
        if not any(e in AuditEvent.objects.for_user(our_admin) for e in new):
            missing.append(name)
        for event in new:
            assert event.actor_username == colleague.username
            assert their_admin_clinic.pk in (event.clinic_id, event.actor_clinic_id)
    assert not missing, f"refused without an event the targeted clinic sees: {missing}"


@pytest.mark.django_db
def test_failed_logins_and_lockouts_reach_every_clinic_of_the_account(
    client, clinic, other_clinic, colleague, clinic_admin, settings
):
    """Finding 5: failed logins and lockouts had no clinic, so no admin saw them."""
    from django.urls import reverse

    from clinic.models import AuditAction, AuditEvent

    colleague.staff_member.clinics.add(clinic)  # works at both clinics
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "colleague", "password": "not it at all"})
    ours = AuditEvent.objects.for_user(clinic_admin).filter(actor_username="colleague")
    assert ours.filter(action=AuditAction.LOGIN_FAILED).exists()
    assert ours.filter(action=AuditAction.LOCKED_OUT).exists()
    theirs = AuditEvent.objects.filter(clinic_id=other_clinic.pk, actor_username="colleague")
    assert theirs.filter(action=AuditAction.LOGIN_FAILED).exists()


# --- smaller findings -------------------------------------------------------


def test_gunicorn_sends_no_server_banner(tmp_path):
    """Finding 6: responses carried ``Server: gunicorn``."""
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "DJANGO_DEBUG": "true"}
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "clinic.wsgi:application",
         f"--bind=127.0.0.1:{port}", "--workers=1", "--log-level=warning"],
        cwd=root, env=env,
    )  # fmt: skip
    try:
        headers = None
        for _ in range(150):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    headers = r.headers
                break
            except urllib.error.HTTPError as error:
                headers = error.headers
                break
            except OSError:
                time.sleep(0.2)
        assert headers is not None, "gunicorn did not answer"
        assert "Server" not in headers, headers.get("Server")
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.django_db
def test_plain_text_emails_are_not_html_escaped(clinic):
    """Finding 6: text emails showed ``O&#x27;Brien``."""
    from clinic.mail import build_templated_mail

    user = type("U", (), {"first_name": "Siobhán O'Brien & Co", "username": "x"})()
    message = build_templated_mail(
        template="clinic/email/otp_enrolment_link",
        to="x@example.org",
        context={"user": user, "link": "https://example.org/?a=1&b=2", "hours": 24},
    )
    assert "O'Brien & Co" in message.body and "&#x27;" not in message.body
    assert "?a=1&b=2" in message.body
    html = message.alternatives[0][0]
    assert "O&#x27;Brien &amp; Co" in html


@pytest.mark.django_db
def test_retention_has_a_floor_for_forms_and_stored_values(
    client, clinic, clinic_admin, patient_record, settings
):
    """Finding 6: a clinic admin set retention to 0 and erased a patient
    discharged a minute ago."""
    from django.core.exceptions import ValidationError

    from patients.models import Status
    from patients.services import erasure_retention_problem

    settings.RETENTION_MIN_YEARS = 8
    clinic.retention_years = 0
    with pytest.raises(ValidationError, match="at least 8 years"):
        clinic.full_clean()
    clinic.save()  # a stored value below the floor (older data, the shell)
    patient_record.status = Status.DISCHARGED
    patient_record.save()
    problem = erasure_retention_problem(patient=patient_record, today=date.today())
    assert problem and "8 years" in problem


@pytest.mark.django_db
def test_erasure_blanks_and_revokes_invitations(clinic, clinic_admin, patient_record, settings):
    """Finding 6: erasure left the patient's email in invitation rows."""
    from datetime import timedelta

    from django.utils import timezone

    from patients.models import ErasureRequest, PortalInvitation, Status
    from patients.services import erasure_request_execute

    settings.RETENTION_MIN_YEARS = 0
    clinic.retention_years = 0
    clinic.save()
    invitation = PortalInvitation.objects.create(
        patient=patient_record,
        email=patient_record.email,
        expires_at=timezone.now() + timedelta(days=7),
    )
    patient_record.status = Status.DISCHARGED
    patient_record.save()
    erasure = ErasureRequest.objects.create(
        patient=patient_record, clinic=clinic, received_via="letter", received_on=date.today()
    )
    erasure_request_execute(
        erasure_request=erasure, by=clinic_admin, today=date.today() + timedelta(days=1)
    )
    invitation.refresh_from_db()
    assert invitation.email == "" and invitation.revoked_at is not None
    assert not PortalInvitation.objects.filter(email__iexact="zelda.quigley@patients.example")


@pytest.mark.django_db
def test_a_megabyte_of_text_is_refused_with_a_message(client, clinician, patient_record):
    from django.urls import reverse

    client.force_login(clinician)
    url = reverse("patients:edit", args=[patient_record.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = {
        k: v
        for k, v in page.context["form"].initial.items()
        if v is not None and not isinstance(v, list | dict)
    }
    data["referral_reason"] = "x" * 1_000_000
    response = client.post(url, data)
    assert response.status_code == 200
    assert "at most 4000 characters" in response.content.decode()
    patient_record.refresh_from_db()
    assert len(patient_record.referral_reason) < 4000


@pytest.mark.django_db
def test_the_application_role_cannot_touch_the_audit_trail(clinic):
    """Finding 5: the application's role owned the audit table, so it could
    TRUNCATE it or disable the append-only trigger. Roles and grants are
    transactional in PostgreSQL: the test's transaction takes them back."""
    from django.core.management import call_command
    from django.db.utils import ProgrammingError

    from clinic.audit import audit_record
    from clinic.models import AuditAction

    audit_record(action=AuditAction.EXPORT, clinic_id=clinic.pk)
    role = "clinic_app_probe"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} NOLOGIN")
    call_command("db_grant_app_role", role)
    refused = []
    forbidden = [
        "TRUNCATE clinic_auditevent",
        "ALTER TABLE clinic_auditevent DISABLE TRIGGER clinic_auditevent_no_update_delete",
        "DROP TRIGGER clinic_auditevent_no_update_delete ON clinic_auditevent",
        "UPDATE clinic_auditevent SET action = 'login'",
        "DELETE FROM clinic_auditevent",
        "ALTER TABLE patients_patient ADD COLUMN probe integer",
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {role}")
        try:
            for statement in forbidden:
                try:
                    with transaction.atomic():
                        cursor.execute(statement)
                except ProgrammingError as error:  # InsufficientPrivilege, must be owner
                    refused.append(statement)
                    assert "permission denied" in str(error) or "must be owner" in str(error)
            # What the application does still works.
            with transaction.atomic():
                cursor.execute(
                    "INSERT INTO clinic_auditevent (at, actor_username, action, object_type,"
                    " object_id) VALUES (now(), 'probe', 'export', '', '')"
                )
                cursor.execute(
                    "SELECT count(*) FROM clinic_auditevent WHERE actor_username = 'probe'"
                )
                assert cursor.fetchone()[0] == 1
        finally:
            cursor.execute("RESET ROLE")
    assert refused == forbidden
