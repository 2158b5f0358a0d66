"""Patient-facing wording of an instrument in another language (issue 18).

An instrument is offered in a language only when its wording there is either a
published validated translation (stored here with its source) or the
instrument is language-trivial: numbers with two end anchors, nothing whose
meaning a translation could shift. The codes and languages here are
``VALIDATED_TRANSLATIONS``; every other instrument is shown in English, marked
so (docs/questionnaire-languages.md, docs/clinical-rules.md). Scoring never
depends on the wording: values, items and rules are the English instrument's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .base import Instrument


@dataclass(frozen=True)
class Wording:
    """What a patient reads: the name, the stem, each item's label and each
    option's label (keyed by the option's value)."""

    language: str
    name: str
    stem: str
    items: dict[str, str]
    options: dict[str, dict[float, str]] = field(default_factory=dict)
    bands: dict[str, str] = field(default_factory=dict)  # English band label -> label
    source: str = ""

    def band(self, label: str) -> str:
        return self.bands.get(label, label)


def _nprs_scale(none: str, worst: str) -> dict[float, str]:
    return {v: (f"0 {none}" if v == 0 else f"10 {worst}" if v == 10 else str(v)) for v in range(11)}


# NPRS: a generic 0-10 scale with no owner [S37]; only the item wording and the
# two anchors are words. Language-trivial; Polish wording as in common Polish
# clinical use of the numeric rating scale (NRS, "numeryczna skala oceny bólu").
_NPRS_PL_SCALE = _nprs_scale("Brak bólu", "Najsilniejszy możliwy ból")
NPRS_PL = Wording(
    language="pl",
    name="Numeryczna skala oceny bólu (NRS)",
    stem="Wybierz liczbę, która najlepiej opisuje Twój ból: od 0 (brak bólu) do 10 "
    "(najsilniejszy możliwy ból).",
    items={
        "current": "Twój ból w tej chwili",
        "best": "Twój najmniejszy ból w ciągu ostatnich 24 godzin",
        "worst": "Twój największy ból w ciągu ostatnich 24 godzin",
    },
    options={code: _NPRS_PL_SCALE for code in ("current", "best", "worst")},
    bands={"no pain": "brak bólu", "mild": "łagodny", "moderate": "umiarkowany", "severe": "silny"},
    source="Language-trivial: a 0-10 numeric scale with two end anchors [S37]; the Polish "
    "anchors follow the common Polish clinical wording of the NRS. A clinician checks them "
    "before release.",
)

WORDINGS: dict[tuple[str, str], Wording] = {("nprs", "pl"): NPRS_PL}


def base_language(language: str | None) -> str:
    return (language or "en").split("-")[0].lower()


def english_wording(instrument: Instrument) -> Wording:
    return Wording(
        language="en",
        name=instrument.name,
        stem=instrument.stem,
        items={item.code: item.label for item in instrument.item_defs},
        options={
            item.code: {o.value: o.label for o in item.options} for item in instrument.item_defs
        },
    )


def wording_for(instrument: Instrument, language: str | None) -> Wording:
    """The instrument's wording in ``language`` where one is shipped, else the
    English original."""
    return WORDINGS.get((instrument.code, base_language(language))) or english_wording(instrument)
