from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from clinic.panels import PLAN_SLOTS, NavEntry, nav_entries, providers

register = template.Library()


@register.simple_tag(takes_context=True)
def render_panels(context, slot: str):
    """Render every panel registered for the slot, in registration order."""
    request = context["request"]
    parts = []
    extra = {"plan": context.get("plan")} if slot in PLAN_SLOTS else {}
    for provider in providers(slot):
        result = provider(
            request=request,
            staff_member=context.get("staff_member"),
            patient=context.get("patient"),
            **extra,
        )
        if result is not None:
            template_name, panel_context = result
            parts.append(render_to_string(template_name, panel_context, request=request))
    # Each part was rendered (and autoescaped) by its own template, so joining
    # them is safe (bandit B308/B703 reviewed).
    return mark_safe("".join(parts))  # nosec B308, B703


@register.simple_tag(takes_context=True)
def staff_nav(context) -> list[NavEntry]:
    """The navigation entries registered by the feature apps for this viewer."""
    return nav_entries(context.get("staff_member"))
