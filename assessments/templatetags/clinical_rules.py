"""Template access to patient-facing clinical advice held by the rules."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext

from assessments import red_flags

register = template.Library()


@register.simple_tag
def ces_safety_netting_text() -> dict[str, object]:
    """The cauda equina safety-netting advice (SPEC 1.4 app rule [S17])."""
    return {
        "title": gettext("Back-related leg pain: when to get help straight away"),
        "heading": gettext(red_flags.SAFETY_NETTING_HEADING),
        "signs": [gettext(sign) for sign in red_flags.SAFETY_NETTING_SIGNS],
    }
