"""The instrument registry (issue 3 contract; keep it exactly).

from assessments.instruments import get_instrument
result = get_instrument("lefs").score({"usual_work": 4, ...})
result.total, result.complete, result.band, result.errors
"""

from __future__ import annotations

from .base import Band, Change, Instrument, Item, Option, ScoreResult
from .clinical_rules import OTTAWA_ANKLE, OTTAWA_KNEE, WELLS_DVT, WELLS_DVT_3LEVEL
from .questionnaires import AKPS, EARS, LEFS, NPRS, ODI, PSFS, VISA_A, WIQ
from .translations import WORDINGS, Wording, wording_for

REGISTRY: dict[str, Instrument] = {
    inst.code: inst
    for inst in (
        LEFS,
        NPRS,
        ODI,
        PSFS,
        AKPS,
        VISA_A,
        WIQ,
        EARS,
        WELLS_DVT,
        WELLS_DVT_3LEVEL,
        OTTAWA_ANKLE,
        OTTAWA_KNEE,
    )
}

# Outcome measures a clinician scores in the outcome-measures section.
OUTCOME_MEASURES = ("lefs", "nprs", "odi", "psfs", "akps", "visa_a", "wiq", "ears")


def get_instrument(code: str) -> Instrument:
    """The instrument with this code; KeyError for an unknown code."""
    try:
        return REGISTRY[code]
    except (KeyError, TypeError):
        raise KeyError(f"Unknown instrument {code!r}; one of {sorted(REGISTRY)}.") from None


def all_instruments() -> list[Instrument]:
    return list(REGISTRY.values())


__all__ = [
    "OUTCOME_MEASURES",
    "REGISTRY",
    "Band",
    "Change",
    "Instrument",
    "Item",
    "Option",
    "ScoreResult",
    "Wording",
    "all_instruments",
    "get_instrument",
    "wording_for",
]


# Issue 18: an instrument changes language only where a validated translation
# exists or the instrument is language-trivial (docs/questionnaire-languages.md):
# the wordings of ``translations.WORDINGS``, today the NPRS in Polish. Every
# other questionnaire is shown in English, labelled so. Add a wording only with
# its validated source.
VALIDATED_TRANSLATIONS: dict[str, frozenset[str]] = {
    code: frozenset(lang for c, lang in WORDINGS if c == code) for code, _lang in WORDINGS
}


def instrument_in_language(code: str, language: str) -> bool:
    """True when the instrument has a validated translation in ``language``
    (a Django language code; English is the original)."""
    if language.split("-")[0] == "en":
        return True
    return language.split("-")[0] in VALIDATED_TRANSLATIONS.get(code, frozenset())
