"""Code systems, identifiers and extensions of our FHIR R4 output (issue 17).

LOINC codes were looked up for every instrument we ship and for the pain score;
only these exist (checked November 2026 on loinc.org, see docs/fhir.md):

- NPRS and every 0-10 pain rating (the NPRS total is the current pain, and the
  portal check-in's "pain now"): 72514-3 "Pain severity - 0-10 verbal numeric
  rating [Score] - Reported" (https://loinc.org/72514-3).
- ODI: 97909-6 "Oswestry disability index score ODI" (https://loinc.org/97909-6),
  a member of the panel 97908-8 "Oswestry Disability Index" (used as the
  Questionnaire's code).

No LOINC term was found for LEFS, PSFS, AKPS (Kujala), VISA-A, WIQ, EARS, the
Wells DVT scores or the Ottawa rules: their observations carry our local code
(``INSTRUMENT_SYSTEM``, the instrument code) only. Every observation carries the
local code too, so that a receiver can always tell our instruments apart.
"""

from __future__ import annotations

from django.conf import settings

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
FLAG_CATEGORY = "http://terminology.hl7.org/CodeSystem/flag-category"
GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"
BCP47 = "urn:ietf:bcp:47"

# (LOINC code, display) per instrument code; see the module docstring.
PAIN_LOINC = ("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported")
INSTRUMENT_LOINC: dict[str, tuple[str, str]] = {
    "nprs": PAIN_LOINC,
    "odi": ("97909-6", "Oswestry disability index score ODI"),
}
QUESTIONNAIRE_LOINC: dict[str, tuple[str, str]] = {
    "odi": ("97908-8", "Oswestry Disability Index"),
}


def fhir_base() -> str:
    """Our FHIR base URL (``SITE_BASE_URL`` + ``/fhir``): the root of our
    canonical URLs, local code systems and extensions."""
    return settings.SITE_BASE_URL.rstrip("/") + "/fhir"


def api_base() -> str:
    return fhir_base() + "/R4"


def local_system(name: str) -> str:
    """A local code system, e.g. ``instrument``, ``adherence``, ``red-flag-rule``."""
    return f"{fhir_base()}/CodeSystem/{name}"


def extension_url(name: str) -> str:
    return f"{fhir_base()}/StructureDefinition/{name}"


def record_number_system(clinic_id) -> str:
    """Record numbers are unique within one clinic, so each clinic has its own system."""
    return f"{fhir_base()}/sid/record-number/{clinic_id}"


INSTRUMENT_SYSTEM_NAME = "instrument"
ADHERENCE_SYSTEM_NAME = "adherence"
