"""The language a patient gets (issue 18): the portal, patient emails and SMS
follow ``Patient.preferred_language`` when the project ships that language;
otherwise English. Staff pages stay in English."""

from __future__ import annotations

from contextlib import AbstractContextManager

from django.conf import settings
from django.utils import translation

ENGLISH = "en-gb"
# Patient.preferred_language code -> Django language code of a shipped catalogue.
SHIPPED = {"en": ENGLISH, "pl": "pl"}


def shipped_languages() -> list[tuple[str, str]]:
    """(preferred_language code, name in that language) of each shipped language."""
    names = dict(settings.LANGUAGES)
    return [(code, names[django_code]) for code, django_code in SHIPPED.items()]


def patient_language(patient) -> str:
    """The Django language code for the patient: their preferred language when
    shipped, else English."""
    if patient is None:
        return ENGLISH
    return SHIPPED.get(getattr(patient, "preferred_language", "") or "", ENGLISH)


def in_patient_language(patient) -> AbstractContextManager:
    """``with in_patient_language(patient): ...`` renders emails and SMS in it."""
    return translation.override(patient_language(patient))
