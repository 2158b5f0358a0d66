"""The Jinja2 environment of the hot fragments (settings.TEMPLATES, the
``jinja`` template tag): Django's own filters and URL reversing, so a
fragment renders exactly what its Django template did."""

from __future__ import annotations

from typing import Any

from django.template.defaultfilters import floatformat, pluralize
from django.urls import reverse
from jinja2 import Environment


def url(name: str, *args: Any) -> str:
    return reverse(name, args=args)


def environment(**options: Any) -> Environment:
    options.pop("autoescape", None)  # always on, whatever the settings say
    env = Environment(autoescape=True, **options)
    env.globals["url"] = url
    env.filters["floatformat"] = floatformat
    env.filters["pluralize"] = pluralize
    return env
