"""The access matrix: every URL of the project against every persona.

A new URL pattern without an entry here fails ``test_every_url_is_in_the_matrix``.
Expected codes: 302 (to a login page), 403 (not for this role), 404 (outside
the user's clinics), 405 (wrong method), 200. Every response that is not a
200 must not contain the target patient's data.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from clinic.audit import audit_record
from clinic.models import AuditAction, AuditEvent
from tests.urlmatrix import (
    ADMIN_ONLY,
    ALL_STAFF,
    PERSONAS,
    iter_url_patterns,
    load_app_matrices,
)
from tests.urlmatrix import OWN_CLINIC as OWN_PATIENT

EVERYONE = dict.fromkeys(PERSONAS, 200)


def _patient(ctx):
    return [ctx["patient_record"].pk]


# name -> (args builder or None, expected status per persona)
STAFF_MATRIX = {
    "dashboard": (None, ALL_STAFF),
    "healthz": (None, EVERYONE),
    "signed-in": (None, ALL_STAFF),
    "login": (None, {"anonymous": 200, **dict.fromkeys(PERSONAS[1:], 302)}),
    # GET is refused: logging out is a POST (CSRF-protected).
    "logout": (None, dict.fromkeys(PERSONAS, 405)),
    "audit-log": (None, ADMIN_ONLY),
    "patients:list": (None, ALL_STAFF),
    "patients:create": (None, ALL_STAFF),
    "patients:detail": (_patient, OWN_PATIENT),
    "patients:edit": (_patient, OWN_PATIENT),
    # POST only: a GET is 405 once the role and scope checks pass.
    "patients:invite": (
        _patient,
        {**OWN_PATIENT, "reception": 405, "clinician": 405, "clinic_admin": 405},
    ),
}

# Admin: only clinic admins (is_staff) get in; everyone else is sent to the admin login.
NOT_ADMIN = dict.fromkeys(["anonymous", "patient", "reception", "clinician", "colleague"], 302)
ADMIN_SITE_PAGES = {
    "admin:index": 200,
    "admin:login": 302,  # already logged in: on to the index
    "admin:logout": 405,
    "admin:password_change": 200,
    "admin:password_change_done": 200,
    "admin:jsi18n": 200,
    "admin:autocomplete": 403,  # no autocomplete fields are registered
}

# Admin model pages, per model: the object of our clinic and of the other one.
ADMIN_MODELS = {
    "clinic_clinic": ("clinic", "other_clinic"),
    "clinic_staffmember": ("clinician_member", "colleague_member"),
    "clinic_auditevent": ("audit_event", "other_audit_event"),
    "patients_patient": ("patient_record", "other_patient_record"),
    "auth_user": (None, None),
    "auth_group": (None, None),
}
# Clinic admins may not add clinics, staff logins or audit events, nor delete anything.
ADMIN_ADD_ALLOWED = {"patients_patient"}

# Each app adds its pages in tests/<app>/access_matrix.py (see tests/urlmatrix.py).
APP_MATRICES = load_app_matrices()
OTHER_NAMES: set[str] = set()  # url names an app tests in its own test functions
for _m in APP_MATRICES:
    OTHER_NAMES |= set(getattr(_m, "OTHER_NAMES", ()))
    STAFF_MATRIX.update(getattr(_m, "STAFF_MATRIX", {}))
    ADMIN_MODELS.update(getattr(_m, "ADMIN_MODELS", {}))
    ADMIN_ADD_ALLOWED |= set(getattr(_m, "ADMIN_ADD_ALLOWED", ()))

UNNAMED_ROUTES = {
    # Django admin's "<id>/" compatibility redirect to the change page, and its
    # catch-all; both end in the views above.
    r"admin/(?P<url>.*)$",
}


@pytest.fixture
def ctx(
    clinic,
    other_clinic,
    clinician,
    colleague,
    reception,
    clinic_admin,
    patient,
    patient_record,
    other_patient_record,
):
    context = {
        "clinic": clinic,
        "other_clinic": other_clinic,
        "clinician_member": clinician.staff_member,
        "colleague_member": colleague.staff_member,
        "patient_record": patient_record,
        "other_patient_record": other_patient_record,
        "audit_event": audit_record(
            action=AuditAction.EXPORT,
            obj=patient_record,
            patient_id=patient_record.pk,
            clinic_id=clinic.pk,
        ),
        "other_audit_event": audit_record(
            action=AuditAction.EXPORT,
            obj=other_patient_record,
            patient_id=other_patient_record.pk,
            clinic_id=other_clinic.pk,
        ),
        "users": {
            "anonymous": None,
            "patient": patient,
            "reception": reception,
            "clinician": clinician,
            "colleague": colleague,
            "clinic_admin": clinic_admin,
        },
    }
    for module in APP_MATRICES:
        if hasattr(module, "extend_ctx"):
            module.extend_ctx(context)
    return context


def _admin_model_cases():
    """(url name, object key or None, expected for clinic_admin) for admin model pages."""
    cases = []
    for model, (own, other) in ADMIN_MODELS.items():
        scoped = own is not None
        add_code = 200 if model in ADMIN_ADD_ALLOWED else 403
        list_code = 200 if scoped else 403
        cases.append((f"admin:{model}_changelist", None, list_code))
        cases.append((f"admin:{model}_add", None, add_code if scoped else 403))
        if not scoped:
            continue
        for key, code in ((own, 200), (other, "gone")):
            cases.append((f"admin:{model}_change", key, code))
            # Our history pages answer 404 outside the scope; Django's own
            # history page (audit events) redirects like the change page.
            outside = "gone" if model == "clinic_auditevent" else 404
            cases.append((f"admin:{model}_history", key, 200 if code == 200 else outside))
            cases.append((f"admin:{model}_delete", key, 403))
    return cases


def _matrix_names() -> set[str]:
    names = set(STAFF_MATRIX) | set(ADMIN_SITE_PAGES) | OTHER_NAMES
    names |= {name for name, _key, _code in _admin_model_cases()}
    names |= {
        f"admin:{m}_simple_history"
        for m in ("clinic_clinic", "clinic_staffmember", "patients_patient")
    }
    names |= {"admin:view_on_site", "admin:app_list", "admin:auth_user_password_change"}
    names |= {f"admin:{m}_history" for m in ("auth_user", "auth_group")}
    names |= {f"admin:{m}_change" for m in ("auth_user", "auth_group")}
    names |= {f"admin:{m}_delete" for m in ("auth_user", "auth_group")}
    return names


def test_every_url_is_in_the_matrix():
    missing = []
    for name, route in iter_url_patterns():
        if name == "<unnamed>":
            if route in UNNAMED_ROUTES or re.fullmatch(
                r"admin/[a-z_]+/[a-z_]+/<path:object_id>/", route
            ):
                continue
            missing.append(route)
        elif name not in _matrix_names():
            missing.append(name)
    assert not missing, f"URL patterns without an access-matrix entry: {missing}"


def _assert_no_patient_data(response, patient):
    body = response.content.decode(errors="replace")
    for secret in (patient.last_name, patient.email, patient.referral_reason):
        assert secret not in body, f"denied response leaks {secret!r}"


def _get(client, user, url):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(url)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(STAFF_MATRIX))
def test_staff_pages(client, ctx, name):
    args_for, expected = STAFF_MATRIX[name]
    url = reverse(name, args=args_for(ctx) if args_for else None)
    for persona in PERSONAS:
        response = _get(client, ctx["users"][persona], url)
        assert response.status_code == expected[persona], (name, persona, response.status_code)
        if response.status_code != 200:
            _assert_no_patient_data(response, ctx["patient_record"])
        if response.status_code == 302 and persona == "anonymous":
            login_page = reverse("portal:login" if name.startswith("portal:") else "login")
            assert response["Location"].startswith(login_page)


@pytest.mark.django_db
@pytest.mark.parametrize("name, object_key, admin_code", _admin_model_cases())
def test_admin_model_pages(client, ctx, name, object_key, admin_code):
    args = [ctx[object_key].pk] if object_key else None
    url = reverse(name, args=args)
    for persona in PERSONAS:
        response = _get(client, ctx["users"][persona], url)
        expected = admin_code if persona == "clinic_admin" else NOT_ADMIN[persona]
        if expected == "gone":
            # Outside the clinic admin's scope: Django admin redirects to the
            # index with "does not exist" and shows nothing of the object.
            assert response.status_code == 302, (name, persona)
            assert response["Location"] == reverse("admin:index")
        else:
            assert response.status_code == expected, (name, persona, response.status_code)
        # Whatever the answer, the other clinic's patient never shows; a
        # denied answer shows neither patient.
        _assert_no_patient_data(response, ctx["other_patient_record"])
        if response.status_code != 200:
            _assert_no_patient_data(response, ctx["patient_record"])
        if persona != "clinic_admin":
            assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("name, code", sorted(ADMIN_SITE_PAGES.items()))
def test_admin_site_pages(client, ctx, name, code):
    url = reverse(name)
    for persona in PERSONAS:
        response = _get(client, ctx["users"][persona], url)
        if persona == "clinic_admin":
            assert response.status_code == code, (name, response.status_code)
        elif name == "admin:login":
            assert response.status_code == 200  # the admin login form itself
        else:
            assert response.status_code in (302, 405), (name, persona, response.status_code)


@pytest.mark.django_db
def test_admin_remaining_pages(client, ctx):
    """User and group admin (superuser only), simple-history version pages,
    view-on-site and the per-app index."""
    admin_user = ctx["users"]["clinic_admin"]
    own, other = ctx["patient_record"], ctx["other_patient_record"]
    user_pk = ctx["users"]["clinician"].pk
    cases = [
        (reverse("admin:auth_user_change", args=[user_pk]), 403),
        (reverse("admin:auth_user_history", args=[user_pk]), 403),
        (reverse("admin:auth_user_delete", args=[user_pk]), 403),
        (reverse("admin:auth_user_password_change", args=[user_pk]), 403),
        (reverse("admin:app_list", args=["clinic"]), 200),
        (reverse("admin:app_list", args=["auth"]), 404),
        (
            reverse(
                "admin:patients_patient_simple_history",
                args=[own.pk, own.history.first().history_id],
            ),
            200,
        ),
        (
            reverse(
                "admin:patients_patient_simple_history",
                args=[other.pk, other.history.first().history_id],
            ),
            404,
        ),
        (
            reverse(
                "admin:clinic_clinic_simple_history",
                args=[ctx["other_clinic"].pk, ctx["other_clinic"].history.first().history_id],
            ),
            404,
        ),
        (
            reverse(
                "admin:clinic_staffmember_simple_history",
                args=[
                    ctx["colleague_member"].pk,
                    ctx["colleague_member"].history.first().history_id,
                ],
            ),
            404,
        ),
    ]
    for group in ("auth_group",):
        from django.contrib.auth.models import Group

        g = Group.objects.create(name="g")
        cases += [
            (reverse(f"admin:{group}_{a}", args=[g.pk]), 403)
            for a in ("change", "history", "delete")
        ]
    for url, code in cases:
        response = _get(client, admin_user, url)
        if code == 403 and response.status_code == 302:
            # Django admin answers an object it may not show with a redirect to the index.
            assert response["Location"] == reverse("admin:index"), url
        else:
            assert response.status_code == code, (url, response.status_code)
        if response.status_code != 200:
            _assert_no_patient_data(response, other)
        for persona in ("anonymous", "patient", "reception", "clinician", "colleague"):
            assert _get(client, ctx["users"][persona], url).status_code == 302
    # view_on_site: models define no get_absolute_url, so there is no site link.
    ct = __import__("django.contrib.contenttypes.models", fromlist=["ContentType"]).ContentType
    url = reverse("admin:view_on_site", args=[ct.objects.get_for_model(own).pk, own.pk])
    assert _get(client, admin_user, url).status_code == 404


@pytest.mark.django_db
def test_a_colleague_at_another_clinic_sees_no_trace_of_our_patients(client, ctx):
    client.force_login(ctx["users"]["colleague"])
    for url in (
        reverse("patients:list"),
        reverse("patients:list") + "?q=Quig",
        reverse("dashboard"),
    ):
        _assert_no_patient_data(client.get(url), ctx["patient_record"])


@pytest.mark.django_db
def test_reception_sees_demographics_but_no_clinical_content(client, ctx):
    client.force_login(ctx["users"]["reception"])
    patient = ctx["patient_record"]
    body = client.get(reverse("patients:detail", args=[patient.pk])).content.decode()
    assert patient.last_name in body and patient.email in body
    assert patient.referral_reason not in body
    form = client.get(reverse("patients:edit", args=[patient.pk])).content.decode()
    assert "referral_reason" not in form and patient.referral_reason not in form


@pytest.mark.django_db
def test_denied_access_is_audited(client, ctx):
    client.force_login(ctx["users"]["colleague"])
    target = ctx["patient_record"]
    assert client.get(reverse("patients:detail", args=[target.pk])).status_code == 404
    event = AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED).latest("at")
    assert event.patient_id == target.pk and event.actor == ctx["users"]["colleague"]
    client.force_login(ctx["users"]["patient"])
    client.get(reverse("patients:list"))
    assert AuditEvent.objects.filter(
        action=AuditAction.ACCESS_DENIED, actor=ctx["users"]["patient"]
    ).exists()
