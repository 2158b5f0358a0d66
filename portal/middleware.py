"""The portal's language (issue 18). A signed-in patient gets their preferred
language (patients.language); before login, the language cookie the More page
and the login page's switch set, then the browser's Accept-Language. Every
other page (staff, admin) stays in English."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

from patients.language import ENGLISH, SHIPPED, patient_language

PORTAL_PREFIX = "/portal/"


class PortalLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = ENGLISH
        if request.path.startswith(PORTAL_PREFIX):
            patient = (
                getattr(request.user, "patient", None) if request.user.is_authenticated else None
            )
            if patient is not None:
                language = patient_language(patient)
            else:
                cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
                if cookie in SHIPPED.values():
                    language = cookie
                else:
                    language = translation.get_language_from_request(request)
                    if language not in SHIPPED.values():
                        language = ENGLISH
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response
