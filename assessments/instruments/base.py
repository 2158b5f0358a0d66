"""The building blocks of the instrument registry: definitions as data plus a
pure ``score(answers)``. Nothing here touches the ORM (STYLE.md 7).

``answers`` maps an item code to its response value: a number (the option's
value as documented by each instrument's ``response_value``), a boolean for the
clinical rules, or None when unanswered. Scoring never raises: anything it
cannot use comes back in ``ScoreResult.errors``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from numbers import Real
from typing import Any


@dataclass(frozen=True)
class Option:
    value: float | int
    label: str


@dataclass(frozen=True)
class Item:
    code: str
    label: str
    # "choice": value must be one of the options' values;
    # "choice_multi": as choice, or a list of option values (the highest counts: ODI);
    # "boolean": True / False (0 / 1 accepted);
    # "age": years as a number (a boolean is read as "aged 55 or over").
    kind: str = "choice"
    options: tuple[Option, ...] = ()
    points: float = 0  # clinical rules: points when present
    group: str = ""  # subscale (WIQ) or zone (Ottawa)
    weight: float = 1  # WIQ weights (feet, mph, flights)
    positive: bool = False  # EARS: positively worded, reverse-scored

    @property
    def values(self) -> tuple[float | int, ...]:
        return tuple(o.value for o in self.options)


@dataclass(frozen=True)
class Band:
    upper: float | None  # inclusive upper bound; None: no upper bound
    label: str


@dataclass
class ScoreResult:
    instrument: str
    version: str
    scoring_rule_version: str
    total: float | int | None = None
    complete: bool = False
    band: str | None = None
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    subscores: dict[str, float | int | None] = field(default_factory=dict)
    answered: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {
            "instrument": self.instrument,
            "version": self.version,
            "scoring_rule_version": self.scoring_rule_version,
            "total": self.total,
            "complete": self.complete,
            "band": self.band,
            "errors": list(self.errors),
            "warnings": list(self.warnings),
            "subscores": dict(self.subscores),
            "answered": self.answered,
        }


@dataclass(frozen=True)
class Change:
    """Change from baseline to follow-up, oriented so that positive = better."""

    baseline: float
    followup: float
    improvement: float  # points in the better direction
    percent: float | None  # improvement / baseline x 100; None when baseline is 0
    mcid: float | None
    mcid_met: bool | None  # None: the instrument raises no automatic flag
    percent_met: bool | None  # only instruments with a percentage threshold
    flags: tuple[str, ...] = ()


def _is_number(value: Any) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)


@dataclass(frozen=True)
class Instrument:
    code: str
    name: str
    version: str
    scoring_rule_version: str
    item_defs: tuple[Item, ...]
    compute: Callable[[Instrument, dict[str, Any], ScoreResult], None]
    minimum: float
    maximum: float
    kind: str = "questionnaire"  # or "clinical_rule"
    stem: str = ""
    response_value: str = ""  # what a response value means: option score or option code
    scoring_rule: str = ""
    missing_data_rule: str = ""
    bands: tuple[Band, ...] = ()
    higher_is_better: bool = True
    mcid: float | None = None
    mcid_percent: float | None = None
    mcid_flag: bool = True  # False: MCID shown as context only (VISA-A)
    mcid_note: str = ""
    mdc: float | None = None
    licence: str = ""
    attribution: str = ""
    # Shown to staff only (the measure page), never in the portal (issue 18).
    staff_note: str = ""
    sources: tuple[str, ...] = ()
    wording: str = "full"  # "full" patient-facing text or "short labels" (ODI)
    display_decimals: int = 0
    change_on_common_items: bool = False  # PSFS: only activities rated at both times

    @property
    def items(self) -> tuple[str, ...]:
        return tuple(i.code for i in self.item_defs)

    def item(self, code: str) -> Item:
        return self._by_code()[code]

    def _by_code(self) -> dict[str, Item]:
        return {i.code: i for i in self.item_defs}

    def band_for(self, total: float | None) -> str | None:
        if total is None:
            return None
        for band in self.bands:
            if band.upper is None or total <= band.upper:
                return band.label
        return None

    def score(self, answers: Mapping[str, Any] | None) -> ScoreResult:
        result = ScoreResult(self.code, self.version, self.scoring_rule_version)
        try:
            clean = self._validate(answers, result)
            if result.errors:
                return result
            self.compute(self, clean, result)
            if result.errors:
                result.total, result.complete, result.band = None, False, None
        except Exception as exc:  # scoring must never raise (issue 3 contract)
            result.errors.append(f"Could not score these answers ({type(exc).__name__}).")
            result.total, result.complete, result.band = None, False, None
        return result

    def _validate(self, answers: Any, result: ScoreResult) -> dict[str, Any]:
        if answers is None:
            answers = {}
        if not isinstance(answers, Mapping):
            result.errors.append("Answers must map item codes to values.")
            return {}
        by_code = self._by_code()
        clean: dict[str, Any] = {}
        for key, value in answers.items():
            item = by_code.get(key) if isinstance(key, str) else None
            if item is None:
                result.errors.append(f"Unknown item {key!r} for {self.code}.")
                continue
            if value is None:
                continue
            checked = self._check_value(item, value, result)
            if checked is not None:
                clean[item.code] = checked
        result.answered = len(clean)
        return clean

    def _check_value(self, item: Item, value: Any, result: ScoreResult) -> Any:
        if item.kind == "boolean":
            if isinstance(value, bool):
                return value
            if _is_number(value) and value in (0, 1):
                return bool(value)
            result.errors.append(f"{item.code}: expected yes/no (a boolean).")
            return None
        if item.kind == "age":
            if isinstance(value, bool):
                return value
            if _is_number(value) and 0 <= value <= 130:
                return value
            result.errors.append(f"{item.code}: expected an age in years between 0 and 130.")
            return None
        if item.kind == "choice_multi" and isinstance(value, list | tuple | set | frozenset):
            values = list(value)
            if not values:
                return None
            checked = [self._check_value(_single(item), v, result) for v in values]
            if any(c is None for c in checked):
                return None
            # Several statements marked in one section: the highest counts [S50].
            return max(checked)
        if not _is_number(value) or value not in item.values:
            allowed = ", ".join(_fmt(v) for v in item.values)
            result.errors.append(
                f"{item.code}: {value!r} is not one of the allowed values ({allowed})."
            )
            return None
        return int(value) if float(value).is_integer() else value

    def change(self, baseline: float | None, followup: float | None) -> Change | None:
        """Change between two totals of this instrument and version (SPEC 2)."""
        if baseline is None or followup is None:
            return None
        diff = followup - baseline
        improvement = diff if self.higher_is_better else -diff
        percent = None if baseline == 0 else improvement / abs(baseline) * 100
        mcid_met = None
        if self.mcid is not None and self.mcid_flag:
            mcid_met = abs(improvement) >= self.mcid
        percent_met = None
        if self.mcid_percent is not None and self.mcid_flag and percent is not None:
            percent_met = abs(percent) >= self.mcid_percent
        flags = []
        if mcid_met or percent_met:
            flags.append("important improvement" if improvement > 0 else "important worsening")
        return Change(
            baseline=baseline,
            followup=followup,
            improvement=improvement,
            percent=percent,
            mcid=self.mcid,
            mcid_met=mcid_met,
            percent_met=percent_met,
            flags=tuple(flags),
        )

    def compare(self, baseline_answers: Mapping, followup_answers: Mapping) -> Change | None:
        """Change between two sets of answers; PSFS uses only the activities rated at both."""
        if self.change_on_common_items:
            both = {
                code
                for code in self.items
                if (baseline_answers or {}).get(code) is not None
                and (followup_answers or {}).get(code) is not None
            }
            baseline_answers = {c: baseline_answers[c] for c in both}
            followup_answers = {c: followup_answers[c] for c in both}
        return self.change(self.score(baseline_answers).total, self.score(followup_answers).total)

    def format_total(self, total: float | None) -> str:
        if total is None:
            return "—"
        if self.display_decimals:
            return f"{total:.{self.display_decimals}f}"
        return _fmt(total)


def _single(item: Item) -> Item:
    return Item(code=item.code, label=item.label, kind="choice", options=item.options)


def _fmt(value: float | int) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def scale(low: int, high: int, labels: dict[int, str] | None = None) -> tuple[Option, ...]:
    labels = labels or {}
    return tuple(Option(v, labels.get(v, str(v))) for v in range(low, high + 1))


def anchored_scale(low: int, high: int, anchors: dict[int, str]) -> tuple[Option, ...]:
    """Numbered options with the published end anchors beside their numbers,
    "0 (100 mins)", "1", ... "10 (0 mins)" (issue 18)."""
    return tuple(
        Option(v, f"{v} ({anchors[v]})" if v in anchors else str(v)) for v in range(low, high + 1)
    )


def missing_items(instrument: Instrument, clean: dict[str, Any]) -> list[str]:
    return [code for code in instrument.items if code not in clean]
