"""Enumerating the project's URL patterns, for the access matrix."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

from django.urls import URLPattern, URLResolver, get_resolver

# Expected status per persona, shared by the app matrices.
PERSONAS = ("anonymous", "patient", "reception", "clinician", "colleague", "clinic_admin")
LOGIN_FIRST = {"anonymous": 302, "patient": 403}
ALL_STAFF = {
    **LOGIN_FIRST,
    "reception": 200,
    "clinician": 200,
    "colleague": 200,
    "clinic_admin": 200,
}
# About our clinic's objects: a colleague at another clinic gets 404.
OWN_CLINIC = {**ALL_STAFF, "colleague": 404}
ADMIN_ONLY = {
    **LOGIN_FIRST,
    "reception": 403,
    "clinician": 403,
    "colleague": 403,
    "clinic_admin": 200,
}
# Clinical content: reception 403, a colleague elsewhere 404.
CLINICAL = {**OWN_CLINIC, "reception": 403}
# POST-only endpoints: a GET after the role and scope checks is 405.
CLINICAL_POST = {**CLINICAL, "clinician": 405, "clinic_admin": 405}


def iter_url_patterns(
    patterns=None, prefix: str = "", namespace: str | None = None
) -> Iterator[tuple[str, str]]:
    """(name or "<unnamed>", route) for every URL pattern, namespaces joined."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from iter_url_patterns(pattern.url_patterns, route, ns)
        elif isinstance(pattern, URLPattern):
            name = pattern.name
            if name:
                name = f"{namespace}:{name}" if namespace else name
            yield name or "<unnamed>", route


def load_app_matrices() -> list[ModuleType]:
    """Every ``tests/<app>/access_matrix.py``. Such a module may define:

    - ``STAFF_MATRIX``: ``{url name: (args builder(ctx) or None, {persona: status})}``
    - ``ADMIN_MODELS``: ``{"app_model": ("ctx key of our object", "ctx key of the other clinic's")}``
    - ``ADMIN_ADD_ALLOWED``: admin models a clinic admin may add
    - ``OTHER_NAMES``: url names it tests in its own test functions
    - ``extend_ctx(ctx)``: adds the objects its builders need to ``ctx``
    """
    here = Path(__file__).parent
    return [
        importlib.import_module(f"tests.{path.parent.name}.access_matrix")
        for path in sorted(here.glob("*/access_matrix.py"))
    ]
