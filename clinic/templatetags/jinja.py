"""``{% jinja "app/fragment.html" name=value ... %}``: a fragment of a Django
page rendered by the Jinja2 engine (``<app>/jinja2/``), for the long
repeated parts where the Django template language is most of a page's time."""

from __future__ import annotations

from typing import Any

from django import template
from django.template import engines
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def jinja(context: template.Context, template_name: str, **values: Any) -> SafeString:
    fragment = engines["jinja2"].get_template(template_name)
    # Jinja2 escaped every value (autoescape): the result is safe markup.
    return mark_safe(fragment.render(values, request=context.get("request")))  # nosec B308, B703
