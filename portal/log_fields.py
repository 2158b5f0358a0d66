"""The fields and buttons of an exercise card's log form (portal Today, issue 20).

An unbound log form's markup is a pure function of the active language, the
sessions a day, whether it asks for claudication onset, the session it
preselects and its id prefix: no row data, no patient data, no request data
(the CSRF token and the action URL stay outside it, in the card). Rendering
those widgets was about a third of Today's server time (eight or so cards a
page). So the markup is rendered once per process for each (language, sessions,
claudication, session) with a placeholder where the id prefix goes, and each
card puts in its own prefix. A form bound to the patient's input (a failed
post, with its errors) is always rendered afresh.
"""

from __future__ import annotations

from functools import lru_cache

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from portal.forms import SessionLogForm
from tracking.models import SkipReason

TEMPLATE = "portal/includes/log_fields.html"
# Stands for the id prefix (eight characters, like the real one) while the
# shared markup is rendered; no label, choice or help text contains it.
_PREFIX_PLACEHOLDER = "Xprefix0"


def log_fields_html(
    *,
    sessions: int,
    prefix_id: str,
    claudication: bool,
    next_session: int,
    bound: SessionLogForm | None = None,
) -> SafeString:
    """The markup inside one card's ``<form>``; ``bound``: the posted form."""
    if bound is not None:
        return _render(bound, sessions)
    shared = _unbound_html(get_language(), sessions, claudication, next_session)
    # Our own rendered markup; the prefix is hexadecimal, from the prescription's UUID.
    return mark_safe(shared.replace(_PREFIX_PLACEHOLDER, prefix_id))  # nosec B308, B703


@lru_cache(maxsize=256)
def _unbound_html(language: str, sessions: int, claudication: bool, next_session: int) -> str:
    # ``language`` is part of the key only: the active language renders it.
    form = SessionLogForm(
        sessions=sessions,
        prefix_id=_PREFIX_PLACEHOLDER,
        claudication=claudication,
        initial={"session": str(next_session)},
    )
    return str(_render(form, sessions))


def _render(form: SessionLogForm, sessions: int) -> SafeString:
    return render_to_string(
        TEMPLATE, {"form": form, "sessions": sessions, "skip_reasons": SkipReason.choices}
    )
