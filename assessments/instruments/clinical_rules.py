"""Clinical scores: Wells DVT (two- and three-level) and the Ottawa rules
(SPEC sections 1.1 and 1.7).

Responses are booleans (True = feature present). An unanswered feature is
counted as absent for the total, and the result is marked incomplete with a
warning naming how many features were not assessed: the clinician sees a score
that may be understated, never a silent one.
"""

from __future__ import annotations

from typing import Any

from .base import Band, Instrument, Item, ScoreResult, missing_items


def _warn_unanswered(inst: Instrument, clean: dict[str, Any], result: ScoreResult) -> None:
    missing = missing_items(inst, clean)
    result.complete = not missing
    if missing:
        result.warnings.append(
            f"{len(missing)} feature(s) not assessed and counted as absent: " + ", ".join(missing)
        )


def _points(inst: Instrument, clean: dict[str, Any], result: ScoreResult) -> None:
    result.total = sum(i.points for i in inst.item_defs if clean.get(i.code) is True)
    result.total = int(result.total)
    result.band = inst.band_for(result.total)
    _warn_unanswered(inst, clean, result)


_WELLS_COMMON = (
    Item(
        "active_cancer",
        "Active cancer (treatment ongoing, within 6 months, or palliative)",
        kind="boolean",
        points=1,
    ),
    Item(
        "paralysis_or_immobilisation",
        "Paralysis, paresis or recent plaster immobilisation of the lower extremities",
        kind="boolean",
        points=1,
    ),
    Item(
        "bedridden_or_major_surgery",
        "Recently bedridden for 3 days or more, or major surgery within 12 weeks requiring "
        "general or regional anaesthesia",
        kind="boolean",
        points=1,
    ),
    Item(
        "deep_vein_tenderness",
        "Localised tenderness along the distribution of the deep venous system",
        kind="boolean",
        points=1,
    ),
    Item("entire_leg_swollen", "Entire leg swollen", kind="boolean", points=1),
    # Calf swelling is +1 in every source but one calculator (an error) [S4 vs S5].
    Item(
        "calf_swelling_3cm",
        "Calf swelling at least 3 cm larger than the asymptomatic side (10 cm below the tibial "
        "tuberosity)",
        kind="boolean",
        points=1,
    ),
    Item(
        "pitting_oedema", "Pitting oedema confined to the symptomatic leg", kind="boolean", points=1
    ),
    Item(
        "collateral_veins", "Collateral superficial veins (non-varicose)", kind="boolean", points=1
    ),
)
_PREVIOUS_DVT = Item("previous_dvt", "Previously documented DVT", kind="boolean", points=1)
_ALTERNATIVE = Item(
    "alternative_diagnosis_likely",
    "An alternative diagnosis is at least as likely as DVT",
    kind="boolean",
    points=-2,
)

_DVT_ACTION = (
    "Any suspected DVT is level U (same-day medical assessment) whatever the score; the score "
    "supports the handover. [D, S2, S3]"
)

WELLS_DVT = Instrument(
    code="wells_dvt",
    name="Wells DVT score, two-level (NICE NG158)",
    version="2003-nice",
    scoring_rule_version="wells2-1",
    item_defs=(*_WELLS_COMMON, _PREVIOUS_DVT, _ALTERNATIVE),
    compute=_points,
    minimum=-2,
    maximum=9,
    kind="clinical_rule",
    response_value="boolean per feature (True = present)",
    scoring_rule="Sum of points (+1 each, -2 for an alternative diagnosis); -2 to 9. [S1, S2, S3]",
    missing_data_rule="Unassessed features count as absent; the result is marked incomplete.",
    bands=(Band(1, "unlikely"), Band(None, "likely")),  # likely >= 2 [S1, S2]
    higher_is_better=False,
    mcid_flag=False,
    mcid_note=_DVT_ACTION,
    licence="Clinical prediction rule; free to implement.",
    attribution="Wells PS, et al. N Engl J Med 2003;349:1227-35; NICE NG158.",
    sources=("S1", "S2", "S3"),
)

WELLS_DVT_3LEVEL = Instrument(
    code="wells_dvt_3level",
    name="Wells DVT score, three-level (1997)",
    version="1997",
    scoring_rule_version="wells3-1",
    item_defs=(*_WELLS_COMMON, _ALTERNATIVE),  # no "previous DVT" item [S4]
    compute=_points,
    minimum=-2,
    maximum=8,
    kind="clinical_rule",
    response_value="boolean per feature (True = present)",
    scoring_rule="Sum of points; >= 3 high, 1-2 moderate, <= 0 low probability. [S4]",
    missing_data_rule="Unassessed features count as absent; the result is marked incomplete.",
    bands=(Band(0, "low"), Band(2, "moderate"), Band(None, "high")),
    higher_is_better=False,
    mcid_flag=False,
    mcid_note=_DVT_ACTION,
    licence="Clinical prediction rule; free to implement.",
    attribution="Wells PS, et al. Lancet 1997;350:1795-8.",
    sources=("S4", "S5"),
)

# --- Ottawa rules [S27, S28, S29, S31, S32, S33] --------------------------------------


def _ottawa_ankle(inst: Instrument, clean: dict[str, Any], result: ScoreResult) -> None:
    def yes(code: str) -> bool:
        return clean.get(code) is True

    unable = yes("unable_to_bear_weight")
    ankle = yes("malleolar_zone_pain") and (
        yes("lateral_malleolus_tenderness") or yes("medial_malleolus_tenderness") or unable
    )
    foot = yes("midfoot_zone_pain") and (
        yes("fifth_metatarsal_base_tenderness") or yes("navicular_tenderness") or unable
    )
    result.subscores = {"ankle_xray": int(ankle), "foot_xray": int(foot)}
    result.total = int(ankle or foot)
    result.band = inst.band_for(result.total)
    _warn_unanswered(inst, clean, result)


OTTAWA_ANKLE = Instrument(
    code="ottawa_ankle",
    name="Ottawa ankle and foot rules",
    version="stiell-1992-1994",
    scoring_rule_version="ottawa-ankle-1",
    item_defs=(
        Item("malleolar_zone_pain", "Pain in the malleolar zone", kind="boolean", group="ankle"),
        Item(
            "lateral_malleolus_tenderness",
            "Bone tenderness along the distal 6 cm of the posterior edge or tip of the lateral "
            "malleolus",
            kind="boolean",
            group="ankle",
        ),
        Item(
            "medial_malleolus_tenderness",
            "Bone tenderness along the distal 6 cm of the posterior edge or tip of the medial "
            "malleolus",
            kind="boolean",
            group="ankle",
        ),
        Item("midfoot_zone_pain", "Pain in the midfoot zone", kind="boolean", group="foot"),
        Item(
            "fifth_metatarsal_base_tenderness",
            "Bone tenderness at the base of the 5th metatarsal",
            kind="boolean",
            group="foot",
        ),
        Item(
            "navicular_tenderness", "Bone tenderness at the navicular", kind="boolean", group="foot"
        ),
        Item(
            "unable_to_bear_weight",
            "Unable to bear weight (4 steps) both immediately after the injury and now",
            kind="boolean",
        ),
    ),
    compute=_ottawa_ankle,
    minimum=0,
    maximum=1,
    kind="clinical_rule",
    response_value="boolean per finding (True = present)",
    scoring_rule=(
        "Ankle X-ray if malleolar pain and (lateral or medial malleolar tenderness or unable to "
        "bear weight); foot X-ray if midfoot pain and (5th metatarsal base or navicular "
        "tenderness or unable to bear weight). Total 1 = imaging indicated. [S27, S28, S29]"
    ),
    missing_data_rule="Unassessed findings count as absent; the result is marked incomplete.",
    bands=(Band(0, "imaging not indicated"), Band(None, "imaging indicated")),
    higher_is_better=False,
    mcid_flag=False,
    mcid_note="Imaging indicated: level U, same-day X-ray.",
    licence="Clinical decision rule; free to implement.",
    attribution="Stiell IG, et al. Ann Emerg Med 1992;21:384-90; JAMA 1994;271:827-32.",
    sources=("S27", "S28", "S29"),
)

KNEE_AGE_THRESHOLD = 55  # ">= 55" per Stiell and MedCalc [S32, S33], not "> 55" [S31]


def _ottawa_knee(inst: Instrument, clean: dict[str, Any], result: ScoreResult) -> None:
    age = clean.get("age")
    aged = age is True or (not isinstance(age, bool) and age is not None and age >= 55)
    findings = [
        aged,
        clean.get("isolated_patella_tenderness") is True,
        clean.get("fibula_head_tenderness") is True,
        clean.get("unable_to_flex_90") is True,
        clean.get("unable_to_bear_weight") is True,
    ]
    result.total = int(any(findings))
    result.band = inst.band_for(result.total)
    _warn_unanswered(inst, clean, result)


OTTAWA_KNEE = Instrument(
    code="ottawa_knee",
    name="Ottawa knee rule",
    version="stiell-1995-1996",
    scoring_rule_version="ottawa-knee-1",
    item_defs=(
        Item("age", "Age in years (55 or over counts)", kind="age"),
        Item(
            "isolated_patella_tenderness",
            "Isolated tenderness of the patella (no other bone tenderness of the knee)",
            kind="boolean",
        ),
        Item("fibula_head_tenderness", "Tenderness at the head of the fibula", kind="boolean"),
        Item("unable_to_flex_90", "Unable to flex the knee to 90 degrees", kind="boolean"),
        Item(
            "unable_to_bear_weight",
            "Unable to bear weight (4 steps, limping allowed) both immediately and now",
            kind="boolean",
        ),
    ),
    compute=_ottawa_knee,
    minimum=0,
    maximum=1,
    kind="clinical_rule",
    response_value=(
        "age: years as a number (a boolean is read as 'aged 55 or over'); the other findings: "
        "boolean (True = present)"
    ),
    scoring_rule="X-ray if any one finding, age >= 55 counting. Total 1 = imaging indicated. "
    "[S31, S32, S33]",
    missing_data_rule="Unassessed findings count as absent; the result is marked incomplete.",
    bands=(Band(0, "imaging not indicated"), Band(None, "imaging indicated")),
    higher_is_better=False,
    mcid_flag=False,
    mcid_note="Imaging indicated: level U, same-day X-ray.",
    licence="Clinical decision rule; free to implement.",
    attribution="Stiell IG, et al. Ann Emerg Med 1995;26:405-13; JAMA 1996;275:611-5.",
    sources=("S31", "S32", "S33"),
)
