"""The red-flag engine (SPEC section 1): pure rules over a dict of facts.

``facts`` is built from an assessment by ``Assessment.red_flag_facts()``:
screen items ("present" / "absent" / "not_assessed"), past history booleans,
examination power grades and the previous assessment's grades. ``evaluate``
returns the rules that fire, most urgent first. No ORM here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_noop

from assessments.instruments import get_instrument

# rf-2026.2 (issue 14): CLTI escalation, necrotising infection on either sign, history
# of cancer alone, history items in Wells, widespread neurology, bone/joint infection,
# the acute limb ischaemia window from the onset date.
RULESET_VERSION = "rf-2026.2"

# SPEC 1.2 [S6, S7, S9]: onset (or sudden deterioration) less than 2 weeks ago.
ALI_WINDOW_DAYS = 14


class Urgency:
    E = "E"  # emergency now
    U = "U"  # same-day medical assessment
    U2 = "U2"  # urgent referral, days to 2 weeks
    R = "R"  # routine GP review

    ORDER = {"E": 0, "U": 1, "U2": 2, "R": 3}
    LABELS = {
        "E": "Emergency (now)",
        "U": "Same-day medical assessment",
        "U2": "Urgent referral (within 2 weeks)",
        "R": "Routine GP review",
    }


@dataclass(frozen=True)
class ScreenItem:
    code: str
    label: str
    group: str


# The red-flag screen: each item is recorded present / absent / not assessed.
SCREEN_ITEMS: tuple[ScreenItem, ...] = (
    # DVT and the Wells features [S1-S4]
    ScreenItem("dvt_suspected", "Clinical suspicion of DVT", "DVT"),
    ScreenItem("wells_active_cancer", "Active cancer (treatment within 6 months or palliative)", "DVT"),
    ScreenItem("wells_paralysis_or_immobilisation", "Paralysis, paresis or recent plaster immobilisation", "DVT"),
    ScreenItem("wells_bedridden_or_major_surgery", "Bedridden 3+ days or major surgery within 12 weeks", "DVT"),
    ScreenItem("wells_deep_vein_tenderness", "Tenderness along the deep venous system", "DVT"),
    ScreenItem("wells_entire_leg_swollen", "Entire leg swollen", "DVT"),
    ScreenItem("wells_calf_swelling_3cm", "Calf swelling 3 cm or more than the other side", "DVT"),
    ScreenItem("wells_pitting_oedema", "Pitting oedema confined to the symptomatic leg", "DVT"),
    ScreenItem("wells_collateral_veins", "Collateral superficial veins (non-varicose)", "DVT"),
    ScreenItem("wells_previous_dvt", "Previously documented DVT", "DVT"),
    ScreenItem("wells_alternative_diagnosis_likely", "Alternative diagnosis at least as likely as DVT", "DVT"),
    # Acute limb ischaemia [S6-S9]
    # The window also counts from the recorded onset date (facts["onset_days"]); this item
    # records a sudden deterioration of chronic symptoms within 14 days (SPEC 1.2 [S9]).
    ScreenItem("ali_recent_onset", "Onset or sudden deterioration within 14 days", "Limb ischaemia"),
    ScreenItem("ali_cold_pale_pulseless", "New cold, pale or pulseless limb", "Limb ischaemia"),
    ScreenItem("ali_paraesthesia_paralysis", "New paraesthesia or paralysis of the limb", "Limb ischaemia"),
    ScreenItem("ali_sudden_rest_pain", "Sudden severe rest pain in the foot", "Limb ischaemia"),
    # CLTI [S6, S9, S10]
    ScreenItem("clti_rest_pain", "Ischaemic rest pain for 2 weeks or more (forefoot, eased hanging the leg down)", "Limb ischaemia"),
    ScreenItem("clti_wound_or_gangrene", "Non-healing wound, ulcer or gangrene", "Limb ischaemia"),
    # Cauda equina: each item means new or worsening [S13-S17]
    ScreenItem("ces_bilateral_sciatica", "Bilateral sciatica (new or worsening)", "Cauda equina"),
    ScreenItem("ces_bilateral_deficit", "Severe or progressive bilateral leg weakness", "Cauda equina"),
    ScreenItem("ces_bladder", "Bladder disturbance (hesitancy, reduced flow sensation, retention, incontinence)", "Cauda equina"),
    ScreenItem("ces_bowel", "Loss of bowel control or anal sphincter laxity", "Cauda equina"),
    ScreenItem("ces_saddle", "Saddle (perianal, perineal, genital) numbness or paraesthesia", "Cauda equina"),
    ScreenItem("ces_sexual", "New sexual dysfunction", "Cauda equina"),
    # Infection [S18-S22]
    ScreenItem("inf_red_hot_swollen", "Red, hot, swollen limb", "Infection"),
    ScreenItem("inf_systemic", "Fever or systemic features (T > 38 or < 36 C, tachycardia, hypotension, confusion)", "Infection"),
    ScreenItem("inf_necrotising", "Pain out of proportion to redness, or crepitus", "Infection"),
    # SPEC 1.5 [S19, S20]: suspected osteomyelitis or septic arthritis is a severity criterion.
    ScreenItem("inf_bone_joint", "Suspected septic arthritis or osteomyelitis (hot, swollen joint or deep bone pain)", "Infection"),
    ScreenItem("inf_spinal_risk", "Suspected spinal infection (fever, IV drug use, immunosuppression)", "Infection"),
    # Acute compartment syndrome [S23-S25]
    ScreenItem("acs_context", "Trauma, tight cast or bandage, or intense exercise", "Compartment"),
    ScreenItem("acs_pain_out_of_proportion", "Pain out of proportion to the injury", "Compartment"),
    ScreenItem("acs_pain_passive_stretch", "Pain on passive stretch of the compartment", "Compartment"),
    ScreenItem("acs_tense_compartment", "Tense, swollen compartment", "Compartment"),
    # Fracture: Ottawa ankle/foot and knee [S27-S33]
    ScreenItem("ottawa_malleolar_zone_pain", "Pain in the malleolar zone", "Fracture"),
    ScreenItem("ottawa_lateral_malleolus_tenderness", "Lateral malleolus bone tenderness (posterior edge or tip)", "Fracture"),
    ScreenItem("ottawa_medial_malleolus_tenderness", "Medial malleolus bone tenderness (posterior edge or tip)", "Fracture"),
    ScreenItem("ottawa_midfoot_zone_pain", "Pain in the midfoot zone", "Fracture"),
    ScreenItem("ottawa_fifth_metatarsal_base_tenderness", "Tenderness at the base of the 5th metatarsal", "Fracture"),
    ScreenItem("ottawa_navicular_tenderness", "Tenderness at the navicular", "Fracture"),
    ScreenItem("ottawa_unable_to_bear_weight", "Unable to bear weight 4 steps, immediately and now", "Fracture"),
    ScreenItem("knee_acute_injury", "Acute knee injury", "Fracture"),
    ScreenItem("knee_isolated_patella_tenderness", "Isolated tenderness of the patella", "Fracture"),
    ScreenItem("knee_fibula_head_tenderness", "Tenderness at the head of the fibula", "Fracture"),
    ScreenItem("knee_unable_to_flex_90", "Unable to flex the knee to 90 degrees", "Fracture"),
    # Malignancy [S21, S22, S30, S34]
    ScreenItem("mal_history_cancer", "History of cancer", "Malignancy"),
    ScreenItem("mal_weight_loss", "Unexplained weight loss", "Malignancy"),
    ScreenItem("mal_night_pain", "Persistent night pain unrelieved by change of position", "Malignancy"),
    ScreenItem("mal_age_onset", "New-onset pain at age over 50 or under 20", "Malignancy"),
    ScreenItem("mal_failure_to_improve", "Failure to improve after one month", "Malignancy"),
    ScreenItem("mal_multiple_sites", "Pain at multiple sites", "Malignancy"),
    ScreenItem("mal_deformity", "Structural deformity", "Malignancy"),
    # SPEC 1.9 [S36]: widespread neurology or features of myelopathy.
    ScreenItem("neuro_widespread", "Widespread neurology or features of myelopathy (both legs, hands, gait, brisk reflexes)", "Neurology"),
    ScreenItem("mscc_feature", "Severe progressive pain, new radicular pain, new difficulty walking, weakness, sensory change or bladder/bowel disturbance", "Malignancy"),
)  # fmt: skip
SCREEN_CODES = tuple(i.code for i in SCREEN_ITEMS)

MYOTOMES = ("L2", "L3", "L4", "L5", "S1")
SIDES = ("left", "right")


@dataclass(frozen=True)
class Fired:
    rule_id: str
    title: str
    urgency: str
    action: str
    sources: tuple[str, ...]
    detail: str = ""


@dataclass(frozen=True)
class Rule:
    rule_id: str
    title: str
    urgency: str
    action: str
    sources: tuple[str, ...]
    check: Callable[[dict[str, Any]], str | None] = field(repr=False)


def _present(facts: dict[str, Any], code: str) -> bool:
    return facts.get("screen", {}).get(code) == "present" or facts.get(code) is True


def _any(facts, *codes) -> bool:
    return any(_present(facts, c) for c in codes)


def wells_answers(facts: dict[str, Any]) -> dict[str, bool | None]:
    screen = facts.get("screen", {})
    answers = {}
    for item in get_instrument("wells_dvt").items:
        state = screen.get(f"wells_{item}")
        answers[item] = None if state in (None, "not_assessed") else state == "present"
    # Past history feeds the Wells items it matches; a "yes" in the history wins over
    # "absent" on the screen (the history is the more specific question).
    if facts.get("pmh_previous_dvt"):
        answers["previous_dvt"] = True
    # SPEC 1.1 item 3 [S1, S2]: "recently bedridden for 3 days or more, or major surgery
    # within 12 weeks". Either history answer scores that one item (one point together).
    if facts.get("pmh_bedridden_3_days") or facts.get("pmh_recent_surgery_or_immobilisation"):
        answers["bedridden_or_major_surgery"] = True
    return answers


def ottawa_ankle_answers(facts):
    screen = facts.get("screen", {})
    out = {}
    for item in get_instrument("ottawa_ankle").items:
        state = screen.get(f"ottawa_{item}")
        out[item] = None if state in (None, "not_assessed") else state == "present"
    return out


def ottawa_knee_answers(facts):
    screen = facts.get("screen", {})
    out: dict[str, Any] = {"age": facts.get("age")}
    for item in get_instrument("ottawa_knee").items[1:]:
        state = screen.get(f"knee_{item}") or screen.get(f"ottawa_{item}")
        out[item] = None if state in (None, "not_assessed") else state == "present"
    return out


# --- the rules ----------------------------------------------------------------------


def _dvt(facts) -> str | None:
    result = get_instrument("wells_dvt").score(wells_answers(facts))
    local_signs = _any(
        facts,
        "wells_deep_vein_tenderness",
        "wells_entire_leg_swollen",
        "wells_calf_swelling_3cm",
        "wells_pitting_oedema",
    )
    if _present(facts, "dvt_suspected") or local_signs or (result.total or 0) >= 2:
        return f"Wells two-level score {result.total} ({result.band})."
    return None


def onset_within_window(facts: dict[str, Any]) -> bool:
    """SPEC 1.2 [S6, S7, S9]: onset less than 2 weeks ago, counted from the recorded onset
    date (0 to 14 days before the assessment), or a sudden deterioration of chronic
    symptoms within 14 days (screen item). An onset after the assessment date is refused
    on entry and never counts here."""
    days = facts.get("onset_days")
    by_date = days is not None and 0 <= days <= ALI_WINDOW_DAYS
    return by_date or _present(facts, "ali_recent_onset")


def _ali(facts) -> str | None:
    # SPEC 1.2 app rule: onset <= 14 days AND (cold/pale/pulseless OR paraesthesia/paralysis
    # OR sudden severe rest pain) -> E [S6, S8, S9].
    if onset_within_window(facts) and _any(
        facts, "ali_cold_pale_pulseless", "ali_paraesthesia_paralysis", "ali_sudden_rest_pain"
    ):
        days = facts.get("onset_days")
        when = f"onset {days} day(s) ago" if days is not None and days >= 0 else "within 14 days"
        return f"Signs of acute limb ischaemia ({when})."
    return None


_INFECTION_SIGNS = ("inf_red_hot_swollen", "inf_systemic", "inf_necrotising", "inf_bone_joint")


def _clti_present(facts) -> bool:
    return _any(facts, "clti_rest_pain", "clti_wound_or_gangrene")


def _clti_emergency(facts) -> str | None:
    # SPEC 1.3 [S6, S9]: CLTI with infection, or a rapid deterioration within 2 weeks,
    # escalates to E (sections 1.2 and 1.5).
    if not _clti_present(facts):
        return None
    reasons = []
    if _any(facts, *_INFECTION_SIGNS):
        reasons.append("signs of infection")
    if onset_within_window(facts):
        reasons.append("onset or deterioration within 14 days")
    return f"Chronic limb-threatening ischaemia with {' and '.join(reasons)}." if reasons else None


def _clti(facts) -> str | None:
    if _clti_present(facts) and not _clti_emergency(facts):  # the E rule covers it
        return "Chronic rest pain, wound or gangrene."
    return None


def _ces(facts) -> str | None:
    found = [
        c
        for c in (
            "ces_bilateral_sciatica",
            "ces_bilateral_deficit",
            "ces_bladder",
            "ces_bowel",
            "ces_saddle",
            "ces_sexual",
        )
        if _present(facts, c)
    ]
    return f"{len(found)} cauda equina flag(s) new or worsening." if found else None


def _infection_systemic(facts) -> str | None:
    # SPEC 1.5 app rule [S18, S19, S20]: systemic features + a red, hot, swollen limb -> E;
    # "consider sepsis whenever there is acute deterioration with suspected infection", so a
    # suspected septic arthritis or osteomyelitis with systemic features is E too.
    if _present(facts, "inf_systemic") and _any(facts, "inf_red_hot_swollen", "inf_bone_joint"):
        what = (
            "Red, hot, swollen limb"
            if _present(facts, "inf_red_hot_swollen")
            else ("Suspected septic arthritis or osteomyelitis")
        )
        return f"{what} with systemic features."
    return None


def _necrotising(facts) -> str | None:
    # SPEC 1.5 [S18, S20]: pain out of proportion to the redness or swelling, OR crepitus,
    # -> suspect necrotising fasciitis -> E. Either sign alone fires.
    if _present(facts, "inf_necrotising"):
        return "Pain out of proportion to the redness or swelling, or crepitus."
    return None


def _infection_local(facts) -> str | None:
    # SPEC 1.5 app rule [S18, S19]: without systemic features -> U, DVT and gout differentials.
    if _present(facts, "inf_red_hot_swollen") and not _present(facts, "inf_systemic"):
        return "Red, hot, swollen limb without systemic features; differentials DVT and gout."
    return None


def _bone_joint_infection(facts) -> str | None:
    # SPEC 1.5 severity criteria [S19, S20]: suspected osteomyelitis or septic arthritis ->
    # same day (U); with systemic features the sepsis rule (E) covers it.
    if _present(facts, "inf_bone_joint") and not _present(facts, "inf_systemic"):
        return "Suspected septic arthritis or osteomyelitis without systemic features."
    return None


def _spinal_infection(facts) -> str | None:
    return "Suspected spinal infection." if _present(facts, "inf_spinal_risk") else None


def _acs(facts) -> str | None:
    if (
        _present(facts, "acs_context")
        and _any(facts, "acs_pain_out_of_proportion", "acs_pain_passive_stretch")
        and _present(facts, "acs_tense_compartment")
    ):
        return "Context, disproportionate or stretch pain, and a tense compartment."
    return None


def _ottawa(facts) -> str | None:
    found = []
    if get_instrument("ottawa_ankle").score(ottawa_ankle_answers(facts)).total == 1:
        found.append("Ottawa ankle/foot rule positive")
    # The knee rule applies after an acute knee injury only (age alone is not a flag).
    knee = get_instrument("ottawa_knee").score(ottawa_knee_answers(facts))
    if _present(facts, "knee_acute_injury") and knee.total == 1:
        found.append("Ottawa knee rule positive")
    return "; ".join(found) + "." if found else None


_MAL_FLAGS = (
    "mal_weight_loss",
    "mal_night_pain",
    "mal_age_onset",
    "mal_failure_to_improve",
    "mal_multiple_sites",
    "mal_deformity",
)


def _known_cancer(facts) -> bool:
    return _present(facts, "mal_history_cancer") or bool(facts.get("pmh_cancer"))


def _mscc(facts) -> str | None:
    if _known_cancer(facts) and _present(facts, "mscc_feature"):
        return "Known cancer with a feature of spinal cord compression."
    return None


def _malignancy(facts) -> str | None:
    flags = [c for c in _MAL_FLAGS if _present(facts, c)]
    if _mscc(facts):
        return None  # the E rule covers it
    if (_known_cancer(facts) and flags) or len(flags) >= 2:
        return f"Suspected malignancy ({len(flags)} flag(s){', known cancer' if _known_cancer(facts) else ''})."
    return None


def _malignancy_single(facts) -> str | None:
    # SPEC 1.8 [S21, S30, S34] lists "history of cancer" as a red flag: on its own it is a
    # single low-specificity flag (R, SPEC 1.0); with another flag RF-MAL (U2); with a cord
    # compression feature RF-MSCC (E).
    flags = [c for c in _MAL_FLAGS if _present(facts, c)]
    if _mscc(facts):
        return None
    if len(flags) == 1 and not _known_cancer(facts):
        return "A single low-specificity malignancy flag."
    if not flags and _known_cancer(facts):
        return "History of cancer (no other malignancy flag)."
    return None


def neuro_deficits(facts) -> dict[str, list[str]]:
    """Myotomes per side with a drop of >= 1 grade or a new grade <= 3 [S15, S22]."""
    now = facts.get("power", {})
    before = facts.get("previous_power") or {}
    deficits: dict[str, list[str]] = {"left": [], "right": []}
    for side in SIDES:
        for myotome in MYOTOMES:
            key = f"{myotome}_{side}"
            grade = now.get(key)
            if grade is None:
                continue
            previous = before.get(key)
            dropped = previous is not None and grade <= previous - 1
            new_weak = grade <= 3 and (previous is None or previous > 3)
            if dropped or new_weak:
                deficits[side].append(myotome)
    return deficits


def _neuro_bilateral(facts) -> str | None:
    d = neuro_deficits(facts)
    if d["left"] and d["right"]:
        return f"Bilateral deficit: left {', '.join(d['left'])}; right {', '.join(d['right'])}."
    return None


def _neuro_widespread(facts) -> str | None:
    # SPEC 1.9 [S36]: widespread neurology, or features of myelopathy -> emergency spinal
    # referral (E).
    if _present(facts, "neuro_widespread"):
        return "Widespread neurology or features of myelopathy."
    return None


def _neuro(facts) -> str | None:
    d = neuro_deficits(facts)
    if (d["left"] or d["right"]) and not (d["left"] and d["right"]):
        side = "left" if d["left"] else "right"
        return f"New or progressive deficit, {side} {', '.join(d[side])}."
    return None


RULES: tuple[Rule, ...] = (
    Rule("RF-CES", "Suspected cauda equina syndrome", Urgency.E,
         "Immediate referral to the emergency department (national CES pathway); MRI within "
         "4 hours. A digital rectal exam is not required.", ("S13", "S14", "S16", "S17"), _ces),
    Rule("RF-ALI", "Suspected acute limb ischaemia", Urgency.E,
         "Phone the on-call vascular team now and arrange transport to hospital.",
         ("S6", "S8", "S9"), _ali),
    Rule("RF-ACS", "Suspected acute compartment syndrome", Urgency.E,
         "Surgical emergency: remove circumferential dressings and send to the emergency "
         "department now. Do not wait for the 6 Ps.", ("S23", "S24", "S25"), _acs),
    Rule("RF-INF-SEPSIS", "Infection with systemic features", Urgency.E,
         "Emergency department now (possible sepsis).", ("S18", "S19", "S20"),
         _infection_systemic),
    Rule("RF-INF-NEC", "Suspected necrotising infection", Urgency.E,
         "Emergency department now; senior review within 30 minutes.", ("S18", "S20"),
         _necrotising),
    Rule("RF-MSCC", "Known cancer with possible spinal cord compression", Urgency.E,
         "Follow the metastatic spinal cord compression pathway immediately.", ("S22",), _mscc),
    Rule("RF-NEURO-BILAT", "Bilateral neurological deficit", Urgency.E,
         "Emergency referral on the cauda equina pathway.", ("S15", "S36"), _neuro_bilateral),
    Rule("RF-NEURO-WIDESPREAD", "Widespread neurology or myelopathy", Urgency.E,
         "Emergency spinal referral now.", ("S36",), _neuro_widespread),
    Rule("RF-CLTI-E", "Limb-threatening ischaemia with infection or rapid deterioration",
         Urgency.E, "Phone the on-call vascular team now and arrange transport to hospital.",
         ("S6", "S9"), _clti_emergency),
    Rule("RF-DVT", "Suspected deep vein thrombosis", Urgency.U,
         "Same-day medical assessment (ultrasound within 4 hours is needed whatever the "
         "score); record the Wells score for the handover.", ("S1", "S2", "S3"), _dvt),
    Rule("RF-INF", "Red, hot, swollen limb", Urgency.U,
         "Same-day medical assessment; consider DVT and gout as differentials.",
         ("S18", "S19"), _infection_local),
    Rule("RF-INF-BONE-JOINT", "Suspected septic arthritis or osteomyelitis", Urgency.U,
         "Same-day medical assessment; emergency department if systemic features develop.",
         ("S19", "S20"), _bone_joint_infection),
    Rule("RF-SPINAL-INF", "Suspected spinal infection", Urgency.U,
         "Same-day medical assessment.", ("S21", "S22"), _spinal_infection),
    Rule("RF-NEURO", "New or progressive motor deficit", Urgency.U,
         "Same-day: GP to arrange MRI and contact the spinal team; discuss with the on-call "
         "registrar.", ("S15", "S22"), _neuro),
    Rule("RF-FRACTURE", "Fracture suspected by the Ottawa rules", Urgency.U,
         "Same-day X-ray.", ("S27", "S28", "S29", "S31", "S32", "S33"), _ottawa),
    Rule("RF-CLTI", "Chronic limb-threatening ischaemia", Urgency.U2,
         "Urgent referral to the vascular service within 2 weeks.", ("S6", "S9", "S10"), _clti),
    Rule("RF-MAL", "Suspected malignancy", Urgency.U2,
         "GP to arrange urgent MRI, then a 2-week-wait cancer referral.",
         ("S21", "S22", "S30", "S34"), _malignancy),
    Rule("RF-MAL-SINGLE", "Single malignancy red flag (or history of cancer alone)", Urgency.R,
         "Notify the GP; continue physiotherapy if safe and keep under review.",
         ("S21", "S30", "S34"), _malignancy_single),
)  # fmt: skip
RULES_BY_ID = {r.rule_id: r for r in RULES}

# What each rule reads, in words, and its SPEC section: for the generated clinical-rules
# document (docs/clinical-rules.md) that a clinical lead signs off. Every rule awaits that
# sign-off (SPEC status line).
RULE_DOCS: dict[str, tuple[str, str]] = {
    "RF-CES": ("1.4", "Any one cauda equina item present (new or worsening, no time cap): "
               "bilateral sciatica, severe or progressive bilateral weakness, bladder, bowel, "
               "saddle sensory loss, sexual dysfunction."),
    "RF-ALI": ("1.2", f"Onset within {ALI_WINDOW_DAYS} days (0-{ALI_WINDOW_DAYS} days from the "
               "recorded onset date to the assessment, or a sudden deterioration within 14 "
               "days ticked) AND a new cold/pale/pulseless limb, new paraesthesia/paralysis, "
               "or sudden severe rest pain in the foot."),
    "RF-ACS": ("1.6", "Trauma, tight cast/bandage or intense exercise AND (pain out of "
               "proportion OR pain on passive stretch) AND a tense compartment."),
    "RF-INF-SEPSIS": ("1.5", "Fever or systemic features AND (a red, hot, swollen limb OR "
                      "suspected septic arthritis/osteomyelitis)."),
    "RF-INF-NEC": ("1.5", "Pain out of proportion to the redness or swelling, OR crepitus "
                   "(either alone)."),
    "RF-MSCC": ("1.8", "History of cancer (screen or past history) AND a cord-compression "
                "feature (severe progressive pain, new radicular pain, new difficulty "
                "walking, weakness or sensory change, bladder or bowel disturbance)."),
    "RF-NEURO-BILAT": ("1.9", "A power deficit on both sides: per myotome (L2-S1) a drop of 1 "
                       "Oxford grade or more against the previous assessment, or a new grade "
                       "3 or below."),
    "RF-NEURO-WIDESPREAD": ("1.9", "Widespread neurology or features of myelopathy present."),
    "RF-CLTI-E": ("1.3", "Ischaemic rest pain for 2 weeks or more, or a non-healing wound or "
                  "gangrene, AND (any infection sign: red hot swollen limb, systemic "
                  "features, necrotising signs, bone/joint infection; OR onset/deterioration "
                  f"within {ALI_WINDOW_DAYS} days)."),
    "RF-DVT": ("1.1", "Clinical suspicion of DVT, OR a local sign (deep-vein tenderness, entire "
               "leg swollen, calf 3 cm larger, pitting oedema), OR Wells two-level score >= 2 "
               "(history answers 'bedridden 3 days or more' and 'recent surgery or "
               "immobilisation' score Wells item 3; 'previous DVT' scores item 9)."),
    "RF-INF": ("1.5", "A red, hot, swollen limb without systemic features."),
    "RF-INF-BONE-JOINT": ("1.5", "Suspected septic arthritis or osteomyelitis without systemic "
                          "features."),
    "RF-SPINAL-INF": ("1.5", "Suspected spinal infection (fever, IV drug use, "
                      "immunosuppression)."),
    "RF-NEURO": ("1.9", "A power deficit on one side only (a drop of 1 grade or more, or a new "
                 "grade 3 or below)."),
    "RF-FRACTURE": ("1.7", "Ottawa ankle/foot rule positive; or, after an acute knee injury, "
                    "the Ottawa knee rule positive (age 55 or over counts)."),
    "RF-CLTI": ("1.3", "Ischaemic rest pain for 2 weeks or more, or a non-healing wound or "
                "gangrene, without infection or recent deterioration."),
    "RF-MAL": ("1.8", "History of cancer with any other malignancy flag, or two or more "
               "malignancy flags, without a cord-compression feature."),
    "RF-MAL-SINGLE": ("1.8", "Exactly one malignancy flag and no history of cancer, OR a "
                      "history of cancer with no other flag."),
}  # fmt: skip


def evaluate(facts: dict[str, Any]) -> list[Fired]:
    fired = []
    for rule in RULES:
        detail = rule.check(facts)
        if detail:
            fired.append(
                Fired(rule.rule_id, rule.title, rule.urgency, rule.action, rule.sources, detail)
            )
    return sorted(fired, key=lambda f: Urgency.ORDER[f.urgency])


# Written safety-netting advice for back-related leg pain without cauda equina signs
# (SPEC product decisions "Cauda equina"; SPEC 1.4 app rule, counselling step [S17]; the
# symptoms are the CES red flags of SPEC 1.4 [S13, S14, S15, S21]).
# Marked for the catalogue (gettext_noop: the constants stay English for the
# staff record and the rules document); the portal translates them at render.
SAFETY_NETTING_HEADING = gettext_noop(
    "Go to the emergency department (A&E) immediately, or call 999, if you notice:"
)
SAFETY_NETTING_SIGNS = (
    gettext_noop(
        "numbness, tingling or pins and needles around your bottom, genitals or inner thighs "
        "(where you would sit on a saddle)"
    ),
    gettext_noop(
        "difficulty starting to pass urine, not feeling your bladder fill or urine passing, or "
        "not being able to pass urine"
    ),
    gettext_noop(
        "leaking urine or losing control of your bowels, or not feeling when you need to go"
    ),
    gettext_noop(
        "new problems getting or keeping an erection, or loss of feeling in your genitals"
    ),
    gettext_noop("pain, numbness or weakness in both legs, or weakness that is getting worse"),
)
SAFETY_NETTING = (
    SAFETY_NETTING_HEADING[:-1]
    + ": "
    + "; ".join(SAFETY_NETTING_SIGNS)
    + ". These can be signs of cauda equina syndrome, which needs treatment within hours."
)
