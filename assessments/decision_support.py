"""Pain-pattern decision support (SPEC section 3): weighted features produce a
ranked list of "consider ..." prompts with their sources. It never writes a
diagnosis; the clinician records the working diagnosis. Red flags run first
(the view shows them above the prompts). Pure functions, no ORM.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

RULESET_VERSION = "pp-2026.1"
THRESHOLD = 0.5  # a prompt shows when at least half its weighted features match


@dataclass(frozen=True)
class Prompt:
    rule_id: str
    text: str
    score: float
    sources: tuple[str, ...]
    matched: tuple[str, ...]
    condition: str = ""


def _f(facts: dict[str, Any], key: str) -> bool:
    return bool(facts.get(key))


def _rest_fast(facts) -> bool:
    minutes = facts.get("rest_relief_minutes")
    return bool(facts.get("relieved_by_rest")) and (minutes is None or minutes <= 10)


def _rest_slow(facts) -> bool:
    minutes = facts.get("rest_relief_minutes")
    return not facts.get("relieved_by_rest") or (minutes is not None and minutes > 10)


def _region(facts, *names) -> bool:
    regions = facts.get("regions") or []
    return any(r.split(":")[0] in names for r in regions)


def _pain(facts, kind) -> bool:
    return kind in (facts.get("pain_types") or [])


# (id, prompt text, condition code, sources, [(feature label, weight, predicate)])
PATTERNS = [
    ("PP1", "Consider PAD claudication: check pulses and risk factors; suggest ABI "
     "(<= 0.90 abnormal); routine GP / vascular review.", "pad_claudication",
     ("S11b", "S70", "S10"),
     [("exertional", 2, lambda f: _f(f, "exertional")),
      ("relieved by rest within about 10 minutes", 2, _rest_fast),
      ("no postural relief", 1, lambda f: not _f(f, "relieved_by_sitting_or_flexion")),
      ("calf, thigh or buttock", 1, lambda f: _region(f, "calf", "thigh_back", "thigh_front",
                                                         "thigh_side", "hip_groin")),
      ("cramping pain", 1, lambda f: _pain(f, "cramping")),
      ("smoking or diabetes", 1, lambda f: _f(f, "pmh_smoking") or _f(f, "pmh_diabetes")),
      ("abnormal ABI", 1, lambda f: (f.get("abi_min") or 9) <= 0.90)]),
    ("PP2", "Consider neurogenic claudication (lumbar spinal stenosis).", "neurogenic_claudication",
     ("S70",),
     [("exertional or on standing", 1, lambda f: _f(f, "exertional")),
      ("relieved by sitting or bending forward", 3,
       lambda f: _f(f, "relieved_by_sitting_or_flexion")),
      ("buttock, thigh or leg", 1, lambda f: _region(f, "hip_groin", "thigh_back", "thigh_side",
                                                     "calf", "shin"))]),
    ("PP3", "Consider chronic exertional compartment syndrome (CECS).", "cecs",
     ("S26", "S71"),
     [("exertional", 2, lambda f: _f(f, "exertional")),
      ("slow or incomplete relief after stopping", 2, _rest_slow),
      ("lower-leg compartments", 1, lambda f: _region(f, "shin", "calf")),
      ("tight, bursting or throbbing pain", 1, lambda f: _pain(f, "throbbing")),
      ("altered sensation", 1, lambda f: _f(f, "numbness") or _f(f, "tingling"))]),
    ("PP4", "Consider bone stress injury / stress fracture: load modification and imaging via "
     "the GP; same-day (U) if a high-risk site.", "bone_stress_injury", ("S72",),
     [("exertional", 1, lambda f: _f(f, "exertional")),
      ("no consistent rest relief", 1, _rest_slow),
      ("shin, foot or heel", 1, lambda f: _region(f, "shin", "foot", "heel")),
      ("night pain", 2, lambda f: _f(f, "night_pain")),
      ("localized pain", 1, lambda f: _pain(f, "localized"))]),
    ("PP4b", "Consider medial tibial stress syndrome (MTSS) [M].", "mtss", ("S26",),
     [("exertional", 1, lambda f: _f(f, "exertional")),
      ("shin", 2, lambda f: _region(f, "shin")),
      ("no night pain", 1, lambda f: not _f(f, "night_pain"))]),
    ("PP5", "Consider venous claudication (post-thrombotic).", "venous_claudication",
     ("S26", "S70"),
     [("exertional", 1, lambda f: _f(f, "exertional")),
      ("relieved by elevation", 3, lambda f: _f(f, "relieved_by_elevation")),
      ("previous DVT", 2, lambda f: _f(f, "pmh_previous_dvt")),
      ("swelling", 1, lambda f: _f(f, "swelling"))]),
    ("PP6", "Consider erythromelalgia: GP review and full blood count; routine.",
     "erythromelalgia", ("S73", "S74"),
     [("burning pain", 2, lambda f: _pain(f, "burning")),
      ("redness", 1, lambda f: _f(f, "redness")),
      ("warmth", 1, lambda f: _f(f, "warmth")),
      ("relieved by cooling or elevation", 1, lambda f: _f(f, "relieved_by_elevation")),
      ("feet", 1, lambda f: _region(f, "foot"))]),
    ("PP7", "Consider lumbar radicular pain (sciatica); run the cauda equina and neurological "
     "red flags.", "lumbar_radicular_pain", ("S26", "S70"),
     [("radiating pain", 3, lambda f: _pain(f, "radiating")),
      ("below the knee", 1, lambda f: _region(f, "calf", "shin", "foot", "ankle")),
      ("tingling or numbness", 1, lambda f: _f(f, "numbness") or _f(f, "tingling")),
      ("not purely exertional", 1, lambda f: not _f(f, "exertional"))]),
    ("PP8", "Consider insertional Achilles tendinopathy / Haglund's deformity / retrocalcaneal "
     "bursitis.", "insertional_achilles", ("S75", "S76"),
     [("heel", 3, lambda f: _region(f, "heel")),
      ("localized pain", 1, lambda f: _pain(f, "localized")),
      ("morning stiffness", 1, lambda f: (f.get("morning_stiffness_minutes") or 0) > 0)]),
    ("PP9", "Consider hip osteoarthritis.", "hip_oa", ("S70", "S26"),
     [("hip or groin", 3, lambda f: _region(f, "hip_groin")),
      ("not quickly relieved by rest", 1, _rest_slow),
      ("morning stiffness", 1, lambda f: (f.get("morning_stiffness_minutes") or 0) > 0)]),
    ("PP10", "Consider a symptomatic Baker's cyst; also exclude DVT with the Wells score.",
     "bakers_cyst", ("S26", "S70"),
     [("behind the knee and calf", 2, lambda f: _region(f, "knee") and _region(f, "calf")),
      ("swelling", 1, lambda f: _f(f, "swelling")),
      ("exertional", 1, lambda f: _f(f, "exertional"))]),
]  # fmt: skip


def prompts(facts: dict[str, Any]) -> list[Prompt]:
    """Ranked "consider ..." prompts whose weighted match reaches the threshold."""
    found = []
    for rule_id, text, condition, sources, features in PATTERNS:
        total = sum(w for _label, w, _p in features)
        matched = [(label, w) for label, w, predicate in features if predicate(facts)]
        score = sum(w for _label, w in matched) / total
        if score >= THRESHOLD and matched:
            found.append(
                Prompt(
                    rule_id,
                    text,
                    round(score, 2),
                    sources,
                    tuple(label for label, _w in matched),
                    condition,
                )
            )
    return sorted(found, key=lambda p: (-p.score, p.rule_id))
