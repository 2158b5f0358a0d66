"""The form renderer (settings.FORM_RENDERER).

Django ships every built-in widget template twice, for its own template
language and for Jinja2, with the same markup. Jinja2 renders them several
times faster, which is most of the time on the pages that show hundreds of
widgets (an assessment's questionnaires, the portal's Today). Templates that
exist only for the Django engine (the admin's widgets) still render with it.
"""

from __future__ import annotations

from functools import cache

from django.forms.renderers import BaseRenderer, DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class FastWidgetRenderer(BaseRenderer):
    def __init__(self):
        self.jinja2 = Jinja2()
        self.django = DjangoTemplates()

    def get_template(self, template_name):
        return self._renderer_for(template_name).get_template(template_name)

    @cache  # noqa: B019 (one renderer per process: get_default_renderer is cached)
    def _renderer_for(self, template_name) -> BaseRenderer:
        try:
            self.jinja2.get_template(template_name)
        except TemplateDoesNotExist:
            return self.django
        return self.jinja2
