"""Patient-reported outcome measures (SPEC section 2 and the product decisions).

Each definition cites its SPEC source ids. Response values are documented per
instrument in ``response_value``: either the option's score (LEFS, NPRS, ODI,
PSFS, AKPS, VISA-A, WIQ) or an option code that scoring maps to a score (EARS).
"""

from __future__ import annotations

from typing import Any

from .base import (
    Band,
    Instrument,
    Item,
    Option,
    ScoreResult,
    anchored_scale,
    missing_items,
    scale,
)

# --- LEFS [S40, S41, S42, S43, S44, S47] -----------------------------------------

_LEFS_OPTIONS = (
    Option(0, "Extreme difficulty or unable to perform activity"),
    Option(1, "Quite a bit of difficulty"),
    Option(2, "Moderate difficulty"),
    Option(3, "A little bit of difficulty"),
    Option(4, "No difficulty"),
)
_LEFS_ITEMS = [
    ("usual_work", "Any of your usual work, housework or school activities"),
    ("hobbies", "Your usual hobbies, recreational or sporting activities"),
    ("bath", "Getting into or out of the bath"),
    ("walking_rooms", "Walking between rooms"),
    ("shoes_socks", "Putting on your shoes or socks"),
    ("squatting", "Squatting"),
    ("lifting", "Lifting an object, like a bag of groceries, from the floor"),
    ("light_home", "Performing light activities around your home"),
    ("heavy_home", "Performing heavy activities around your home"),
    ("car", "Getting into or out of a car"),
    ("walk_2_blocks", "Walking 2 blocks"),
    ("walk_mile", "Walking a mile"),
    ("stairs_10", "Going up or down 10 stairs (about 1 flight of stairs)"),
    ("stand_hour", "Standing for 1 hour"),
    ("sit_hour", "Sitting for 1 hour"),
    ("run_even", "Running on even ground"),
    ("run_uneven", "Running on uneven ground"),
    ("sharp_turns", "Making sharp turns while running fast"),
    ("hopping", "Hopping"),
    ("rolling_bed", "Rolling over in bed"),
]


def _all_or_nothing_sum(inst: Instrument, clean: dict[str, Any], result: ScoreResult) -> None:
    missing = missing_items(inst, clean)
    if missing:
        # LEFS, AKPS: any missing item -> no total, no pro-rating (product decisions).
        result.warnings.append(
            f"{len(missing)} item(s) unanswered: no total is calculated (no pro-rating)."
        )
        return
    result.total = sum(clean.values())
    result.complete = True
    result.band = inst.band_for(result.total)


LEFS = Instrument(
    code="lefs",
    name="Lower Extremity Functional Scale (LEFS)",
    version="1999",
    scoring_rule_version="lefs-sum-1",
    item_defs=tuple(Item(code, label, options=_LEFS_OPTIONS) for code, label in _LEFS_ITEMS),
    compute=_all_or_nothing_sum,
    minimum=0,
    maximum=80,
    stem=(
        "We are interested in knowing whether you are having any difficulty at all with the "
        "activities listed below because of your lower limb problem for which you are currently "
        "seeking attention. Today, do you or would you have any difficulty at all with:"
    ),
    response_value="option score 0-4 (0 = extreme difficulty or unable, 4 = no difficulty)",
    scoring_rule="Sum of the 20 items, 0-80; higher is better function. [S40, S43]",
    missing_data_rule="Any missing item: no total, questionnaire incomplete; no pro-rating. [D]",
    bands=(),  # none published; healthy median 77/80 [S47]
    higher_is_better=True,
    mcid=9,
    mdc=9,
    mcid_note="MCID 9 points, MDC(90) 9 points, SEM ±5.3 (Binkley 1999) [S43]; 9-16 [S44].",
    licence=(
        "Reprinted from Binkley et al., Physical Therapy 1999, with permission of the American "
        "Physical Therapy Association. Permission for embedding in commercial software to be "
        "confirmed with APTA / the authors. [S40]"
    ),
    attribution="Binkley JM, Stratford PW, et al. Phys Ther 1999;79:371-383.",
    sources=("S40", "S41", "S42", "S43", "S44", "S47"),
)

# --- NPRS [S37, S38, S44] ------------------------------------------------------------

_NPRS_OPTIONS = scale(0, 10, {0: "0 No pain", 10: "10 Worst possible pain"})


def _nprs(inst: Instrument, clean: dict[str, Any], result: ScoreResult) -> None:
    # The total is the current pain; best and worst over 24 h are recorded alongside.
    result.subscores = {code: clean.get(code) for code in inst.items}
    result.total = clean.get("current")
    result.complete = not missing_items(inst, clean)
    if result.total is None:
        result.warnings.append("Current pain not recorded: no total.")
    result.band = inst.band_for(result.total)


NPRS = Instrument(
    code="nprs",
    name="Numeric Pain Rating Scale (NPRS)",
    version="1",
    scoring_rule_version="nprs-1",
    item_defs=(
        Item("current", "Your pain right now", options=_NPRS_OPTIONS),
        Item("best", "Your least pain in the last 24 hours", options=_NPRS_OPTIONS),
        Item("worst", "Your worst pain in the last 24 hours", options=_NPRS_OPTIONS),
    ),
    compute=_nprs,
    minimum=0,
    maximum=10,
    stem="Please choose the number that best describes your pain, from 0 (no pain) to 10 "
    "(worst possible pain).",
    response_value="option score: an integer 0-10",
    scoring_rule="Total = current pain (0-10). Best and worst over 24 h are kept as subscores. [D]",
    missing_data_rule="No total without the current rating; complete when all three are rated.",
    bands=(Band(0, "no pain"), Band(3, "mild"), Band(6, "moderate"), Band(None, "severe")),
    higher_is_better=False,
    mcid=2,
    mcid_percent=30,
    mdc=2,
    mcid_note=(
        "Both flags are reported: change of 2 points or more, and of 30% or more (percentage "
        "undefined when the baseline is 0). [S37, S38, S44] Severity bands are convention [M]."
    ),
    licence="Generic 0-10 scale with no owner; free to implement.",
    attribution="Numeric rating scale; thresholds from Farrar 2001 and Childs 2005.",
    sources=("S37", "S38", "S44"),
)

# --- ODI 2.1a [S39, S44, S45, S46, S50, S51, S53] ------------------------------------

_ODI_SECTIONS = [
    ("pain_intensity", "Pain intensity"),
    ("personal_care", "Personal care"),
    ("lifting", "Lifting"),
    ("walking", "Walking"),
    ("sitting", "Sitting"),
    ("standing", "Standing"),
    ("sleeping", "Sleeping"),
    ("sex_life", "Sex life (if applicable)"),
    ("social_life", "Social life"),
    ("travelling", "Travelling"),
]
_ODI_OPTIONS = tuple(Option(v, f"Statement {v + 1} (scores {v})") for v in range(6))
ODI_MAX_MISSING_SECTIONS = 1  # product decision; configurable default


def _odi(inst: Instrument, clean: dict[str, Any], result: ScoreResult) -> None:
    missing = missing_items(inst, clean)
    if len(missing) > ODI_MAX_MISSING_SECTIONS:
        result.warnings.append(
            f"{len(missing)} sections unanswered (at most {ODI_MAX_MISSING_SECTIONS} allowed): "
            "no score."
        )
        return
    if missing:
        result.warnings.append(f"{len(missing)} section unanswered; the denominator drops by 5.")
    # ODI% = total / (5 x sections answered) x 100, stored exact [S45, S50, S51].
    result.total = sum(clean.values()) / (5 * len(clean)) * 100
    result.complete = True
    result.band = inst.band_for(result.total)


ODI = Instrument(
    code="odi",
    name="Oswestry Disability Index (ODI) 2.1a",
    version="2.1a",
    scoring_rule_version="odi-2.1a-1",
    item_defs=tuple(
        Item(code, label, kind="choice_multi", options=_ODI_OPTIONS)
        for code, label in _ODI_SECTIONS
    ),
    compute=_odi,
    minimum=0,
    maximum=100,
    stem="Short section labels only; a clinic may load the licensed full wording.",
    response_value=(
        "option score 0-5 per section (the statement's position, 0 = least disability); a list "
        "of scores means several statements were marked and the highest counts"
    ),
    scoring_rule="ODI% = sum / (5 x sections answered) x 100, exact; shown to 1 decimal.",
    missing_data_rule="At most 1 section missing (configurable); otherwise no score. [D, S53]",
    bands=(
        Band(20, "minimal disability"),
        Band(40, "moderate disability"),
        Band(60, "severe disability"),
        Band(80, "crippled"),
        Band(None, "bed-bound"),
    ),
    higher_is_better=False,
    mcid=10,
    mcid_percent=30,
    mdc=10,
    mcid_note="10 points or 30% improvement (Ostelo 2008) [S39]; -12 [S44]; MDC(90) 10 [S51].",
    licence=(
        "Licence required: distributed by Mapi Research Trust (ePROVIDE); fees may apply for "
        "healthcare organisations and commercial users. Recorded in the licence register. [S45]"
    ),
    attribution="Fairbank JCT, Pynsent PB. The Oswestry Disability Index. Spine 2000;25:2940-52.",
    sources=("S39", "S44", "S45", "S46", "S50", "S51", "S53"),
    wording="short labels",
    display_decimals=1,
)

# --- PSFS [S44, S48, S49] ------------------------------------------------------------

_PSFS_OPTIONS = scale(
    0,
    10,
    {
        0: "0 Unable to perform activity",
        10: "10 Able to perform activity at the same level as before injury or problem",
    },
)


def _psfs(inst: Instrument, clean: dict[str, Any], result: ScoreResult) -> None:
    if not clean:
        result.warnings.append("No activity rated: no score.")
        return
    result.total = sum(clean.values()) / len(clean)
    result.complete = True
    result.band = inst.band_for(result.total)


PSFS = Instrument(
    code="psfs",
    name="Patient-Specific Functional Scale (PSFS)",
    version="1995",
    scoring_rule_version="psfs-mean-1",
    item_defs=tuple(
        Item(f"activity_{n}", f"Activity {n}", options=_PSFS_OPTIONS) for n in range(1, 6)
    ),
    compute=_psfs,
    minimum=0,
    maximum=10,
    stem=(
        "Please name up to five important activities that you are unable to do or are having "
        "difficulty with as a result of your problem. Today, how able are you to do each one?"
    ),
    response_value="option score: an integer 0-10 per activity",
    scoring_rule="Mean of the rated activities (1-5 activities), 0-10. [S48]",
    missing_data_rule=(
        "Mean of the rated activities; change uses only activities rated at both times. [D]"
    ),
    higher_is_better=True,
    mcid=2,
    mdc=2,
    mcid_note=(
        "MDC(90) 2 points for the average, 3 for a single activity [S48]; MID 1.3 / 2.3 / 2.7 "
        "[S44]. The flag uses 2 points (the MDC of the mean)."
    ),
    licence="Reproduced with the permission of the authors; free to use [S48, S49].",
    attribution="Stratford P, Gill C, Westaway M, Binkley J. Physiotherapy Canada 1995;47:258-263.",
    sources=("S44", "S48", "S49"),
    change_on_common_items=True,
    display_decimals=1,
)

# --- AKPS (Kujala) [S59, S61, S62, S63] ----------------------------------------------


def _o(*pairs: tuple[int, str]) -> tuple[Option, ...]:
    return tuple(Option(v, label) for v, label in pairs)


_AKPS_ITEMS = (
    Item("limp", "Limp", options=_o((5, "None"), (3, "Slight or periodical"), (0, "Constant"))),
    Item(
        "support",
        "Support",
        options=_o(
            (5, "Full support without pain"), (3, "Painful"), (0, "Weight bearing impossible")
        ),
    ),
    Item(
        "walking",
        "Walking",
        options=_o((5, "Unlimited"), (3, "More than 2 km"), (2, "1-2 km"), (0, "Unable")),
    ),
    Item(
        "stairs",
        "Stairs",
        options=_o(
            (10, "No difficulty"),
            (8, "Slight pain when descending"),
            (5, "Pain both when descending and ascending"),
            (0, "Unable"),
        ),
    ),
    Item(
        "squatting",
        "Squatting",
        options=_o(
            (5, "No difficulty"),
            (4, "Repeated squatting painful"),
            (3, "Painful each time"),
            (2, "Possible with partial weight bearing"),
            (0, "Unable"),
        ),
    ),
    Item(
        "running",
        "Running",
        options=_o(
            (10, "No difficulty"),
            (8, "Pain after more than 2 km"),
            (6, "Slight pain from start"),
            (3, "Severe pain"),
            (0, "Unable"),
        ),
    ),
    Item(
        "jumping",
        "Jumping",
        options=_o(
            (10, "No difficulty"), (7, "Slight difficulty"), (2, "Constant pain"), (0, "Unable")
        ),
    ),
    Item(
        "prolonged_sitting",
        "Prolonged sitting with the knees flexed",
        options=_o(
            (10, "No difficulty"),
            (8, "Pain after exercise"),
            (6, "Constant pain"),
            (4, "Pain forces you to extend your knees temporarily"),
            (0, "Unable"),
        ),
    ),
    Item(
        "pain",
        "Pain",
        options=_o(
            (10, "None"),
            (8, "Slight and occasional"),
            (6, "Interferes with sleep"),
            (3, "Occasionally severe"),
            (0, "Constant and severe"),
        ),
    ),
    Item(
        "swelling",
        "Swelling",
        options=_o(
            (10, "None"),
            (8, "After severe exertion"),
            (6, "After daily activities"),
            (4, "Every evening"),
            (0, "Constant"),
        ),
    ),
    Item(
        "patellar_movements",
        "Abnormal painful kneecap (patellar) movements (subluxations)",
        options=_o(
            (10, "None"),
            (6, "Occasionally in sports activities"),
            (4, "Occasionally in daily activities"),
            (2, "At least one documented dislocation"),
            (0, "More than two dislocations"),
        ),
    ),
    Item(
        "thigh_atrophy", "Atrophy of thigh", options=_o((5, "None"), (3, "Slight"), (0, "Severe"))
    ),
    Item(
        "flexion_deficiency",
        "Flexion deficiency",
        options=_o((5, "None"), (3, "Slight"), (0, "Severe")),
    ),
)

AKPS = Instrument(
    code="akps",
    name="Anterior Knee Pain Scale (AKPS, Kujala)",
    version="kujala-jorthop2023-default",
    scoring_rule_version="akps-sum-1",
    item_defs=_AKPS_ITEMS,
    compute=_all_or_nothing_sum,
    minimum=0,
    maximum=100,
    stem="For each question, choose the answer that best describes your knee symptoms.",
    response_value=(
        "option score (points) as in the default version: e.g. limp constant = 0, squatting "
        "possible with partial weight bearing = 2 [S59]"
    ),
    scoring_rule="Sum of 13 items, 0-100; higher is better. [S59]",
    missing_data_rule="Any missing item: no total (items have unequal maxima). [D]",
    higher_is_better=True,
    mcid=10,
    mcid_note="MCID 10 points (Crossley 2004) [S63]. No published bands.",
    licence="Published in Arthroscopy 1993 (Elsevier); no licensing body known; legal review [D].",
    attribution="Kujala UM, et al. Scoring of patellofemoral disorders. Arthroscopy 1993;9:159-163.",
    sources=("S59", "S61", "S62", "S63"),
)

# --- VISA-A [S52, S53, S64, S65, S66, S67, S68] ---------------------------------------

_VISA_Q8 = {
    # Q8 duration bands nil / 1-10 / 11-20 / 21-30 / >30 minutes [S53, S67]
    "q8a": (0, 7, 14, 21, 30),
    "q8b": (0, 4, 10, 14, 20),
    "q8c": (0, 2, 5, 7, 10),
}
_DURATIONS = ("Nil", "1-10 minutes", "11-20 minutes", "21-30 minutes", "More than 30 minutes")


def _visa_q8(code: str, label: str) -> Item:
    return Item(
        code,
        label,
        options=tuple(Option(v, d) for v, d in zip(_VISA_Q8[code], _DURATIONS, strict=True)),
    )


_VISA_ITEMS = (
    Item(
        "q1",
        "For how many minutes do you have stiffness in the Achilles region on first getting up?",
        # The published form's anchors: 0 under "100 mins", 10 under "0 mins" [S52].
        options=anchored_scale(0, 10, {0: "100 mins", 10: "0 mins"}),
    ),
    Item(
        "q2",
        "Once you are warmed up for the day, do you have pain when stretching the Achilles "
        "tendon fully over the edge of a step (keeping the knee straight)?",
        options=anchored_scale(0, 10, {0: "strong severe pain", 10: "no pain"}),
    ),
    Item(
        "q3",
        "After walking on flat ground for 30 minutes, do you have pain within the next 2 hours?",
        options=anchored_scale(0, 10, {0: "strong severe pain", 10: "no pain"}),
    ),
    Item(
        "q4",
        "Do you have pain walking downstairs with a normal gait cycle?",
        options=anchored_scale(0, 10, {0: "strong severe pain", 10: "no pain"}),
    ),
    Item(
        "q5",
        "Do you have pain during or immediately after doing 10 single-leg heel raises from a "
        "flat surface?",
        options=anchored_scale(0, 10, {0: "strong severe pain", 10: "no pain"}),
    ),
    Item(
        "q6",
        "How many single-leg hops can you do without pain?",
        options=scale(0, 10),  # the published form numbers the hops 0-10
    ),
    Item(
        "q7",
        "Are you currently undertaking sport or other physical activity?",
        options=_o(
            (0, "Not at all"),
            (4, "Modified training and/or modified competition"),
            (
                7,
                "Full training and/or competition but not at the same level as before "
                "symptoms began",
            ),
            (10, "Competing at the same or a higher level as before symptoms began"),
        ),
    ),
    _visa_q8(
        "q8a",
        "If you have no pain while undertaking Achilles tendon loading sports, for how long can "
        "you train or practise?",
    ),
    _visa_q8(
        "q8b",
        "If you have some pain while undertaking Achilles tendon loading sport, but it does not "
        "stop you from completing your training or practice, for how long can you train or "
        "practise?",
    ),
    _visa_q8(
        "q8c",
        "If you have pain that stops you from completing your training or practice in Achilles "
        "tendon loading sport, for how long can you train or practise?",
    ),
)


def _visa_a(inst: Instrument, clean: dict[str, Any], result: ScoreResult) -> None:
    branches = [code for code in _VISA_Q8 if code in clean]
    if len(branches) > 1:
        # Exactly one Q8 branch may be answered (product decision; awell-score throws) [S53].
        result.errors.append(
            "Question 8: answer exactly one of 8A, 8B or 8C (more than one was answered)."
        )
        return
    missing = [f"q{n}" for n in range(1, 8) if f"q{n}" not in clean]
    if not branches:
        missing.append("q8")
    if missing:
        result.warnings.append(f"Unanswered: {', '.join(missing)}; no total. [D]")
        return
    result.total = sum(clean.values())
    result.complete = True
    result.subscores = {
        "pain": clean["q1"] + clean["q2"] + clean["q3"],
        "function": clean["q4"] + clean["q5"] + clean["q6"],
        "activity": clean["q7"] + clean[branches[0]],
    }
    result.band = inst.band_for(result.total)


VISA_A = Instrument(
    code="visa_a",
    name="Victorian Institute of Sport Assessment - Achilles (VISA-A)",
    version="2001",
    scoring_rule_version="visa-a-1",
    item_defs=_VISA_ITEMS,
    compute=_visa_a,
    minimum=0,
    maximum=100,
    stem="In this questionnaire, the term pain refers specifically to pain in the Achilles "
    "tendon region.",
    response_value=(
        "option score: Q1-Q6 integer 0-10, Q7 0/4/7/10, Q8A 0/7/14/21/30, Q8B 0/4/10/14/20, "
        "Q8C 0/2/5/7/10 (duration bands nil/1-10/11-20/21-30/>30 min)"
    ),
    scoring_rule="Sum of Q1-Q7 plus the single answered Q8 branch, 0-100. [S52, S53]",
    missing_data_rule="Any missing question (or no Q8 branch): no total. More than one Q8 "
    "branch: validation error. [D]",
    higher_is_better=True,
    mcid=15.4,
    mcid_flag=False,
    mcid_note=(
        "Reported MCIDs 6.5 (McCormack 2015 [M]) and 15.4 (Physiopedia toolkit [S64]) shown as "
        "context; no automatic clinically-important flag. Healthy > 96; 90 = full recovery [S52, "
        "S68]."
    ),
    licence="Published in BJSM 2001 (open on PMC); no licensing body known; cite the source.",
    attribution=(
        "Robinson JM, Cook JL, Purdam C, et al. The VISA-A questionnaire. Br J Sports Med "
        "2001;35:335-341."
    ),
    staff_note="Q2-Q6 wording paraphrased pending check against the appendix.",
    sources=("S52", "S53", "S64", "S65", "S66", "S67", "S68"),
)

# --- WIQ [S54, S55, S56] ---------------------------------------------------------------

_WIQ_OPTIONS = (
    Option(0, "Unable to do"),
    Option(1, "Much difficulty"),
    Option(2, "Some difficulty"),
    Option(3, "Slight difficulty"),
    Option(4, "No difficulty"),
)
_WIQ_ITEMS = (
    # Distance weights in feet [M, verify against Regensteiner 1990 / McDermott 1998].
    Item(
        "dist_home",
        "Walking indoors, such as around your home",
        options=_WIQ_OPTIONS,
        group="distance",
        weight=20,
    ),
    Item("dist_50ft", "Walking 50 feet", options=_WIQ_OPTIONS, group="distance", weight=50),
    Item("dist_150ft", "Walking 150 feet", options=_WIQ_OPTIONS, group="distance", weight=150),
    Item(
        "dist_1_block",
        "Walking 1 block (300 feet)",
        options=_WIQ_OPTIONS,
        group="distance",
        weight=300,
    ),
    Item(
        "dist_2_blocks",
        "Walking 2 blocks (600 feet)",
        options=_WIQ_OPTIONS,
        group="distance",
        weight=600,
    ),
    Item(
        "dist_3_blocks",
        "Walking 3 blocks (900 feet)",
        options=_WIQ_OPTIONS,
        group="distance",
        weight=900,
    ),
    Item(
        "dist_5_blocks",
        "Walking 5 blocks (1500 feet)",
        options=_WIQ_OPTIONS,
        group="distance",
        weight=1500,
    ),
    Item("speed_slow", "Walking 1 block slowly", options=_WIQ_OPTIONS, group="speed", weight=1.5),
    Item(
        "speed_average",
        "Walking 1 block at an average speed",
        options=_WIQ_OPTIONS,
        group="speed",
        weight=2,
    ),
    Item("speed_quick", "Walking 1 block quickly", options=_WIQ_OPTIONS, group="speed", weight=3),
    Item("speed_run", "Running or jogging 1 block", options=_WIQ_OPTIONS, group="speed", weight=5),
    Item("stairs_1", "Climbing 1 flight of stairs", options=_WIQ_OPTIONS, group="stairs", weight=1),
    Item(
        "stairs_2", "Climbing 2 flights of stairs", options=_WIQ_OPTIONS, group="stairs", weight=2
    ),
    Item(
        "stairs_3", "Climbing 3 flights of stairs", options=_WIQ_OPTIONS, group="stairs", weight=3
    ),
)
_WIQ_DENOMINATORS = {"distance": 14080, "speed": 46, "stairs": 24}


def _wiq(inst: Instrument, clean: dict[str, Any], result: ScoreResult) -> None:
    for group, denominator in _WIQ_DENOMINATORS.items():
        items = [i for i in inst.item_defs if i.group == group]
        if all(i.code in clean for i in items):
            result.subscores[group] = (
                sum(clean[i.code] * i.weight for i in items) / denominator * 100
            )
        else:
            result.subscores[group] = None
    if any(v is None for v in result.subscores.values()):
        result.warnings.append("A subscale has unanswered items: no overall score.")
        return
    result.total = (
        sum(v for v in result.subscores.values() if v is not None) / 3
    )  # overall = mean of subscales [M]
    result.complete = True
    result.band = inst.band_for(result.total)


WIQ = Instrument(
    code="wiq",
    name="Walking Impairment Questionnaire (WIQ)",
    version="1990",
    scoring_rule_version="wiq-weights-1",
    item_defs=_WIQ_ITEMS,
    compute=_wiq,
    minimum=0,
    maximum=100,
    stem=(
        "Please tell us how much difficulty you had in the last week, because of pain, aching or "
        "cramps in your calves or buttocks, with each of these without stopping to rest."
    ),
    response_value="option score 0-4 (0 = unable, 4 = no difficulty)",
    scoring_rule=(
        "Distance = sum(response x feet) / 14080 x 100; speed = sum(response x mph) / 46 x 100; "
        "stairs = sum(response x flights) / 24 x 100; overall = mean of the three [M]."
    ),
    missing_data_rule="A subscale needs all its items; the overall score needs all three.",
    bands=(Band(42.5, "low walking performance likely"), Band(None, "above 42.5")),
    higher_is_better=True,
    mcid=None,
    mcid_note="No MCID in the SPEC; overall <= 42.5 identified low treadmill performers [S56].",
    licence="Regensteiner 1990; licence unknown [D].",
    attribution="Regensteiner JG, et al. J Vasc Med Biol 1990;2:142-152; McDermott 1998 [S55].",
    sources=("S54", "S55", "S56"),
    display_decimals=1,
)

# --- EARS [S60, S96, S99, S100] -------------------------------------------------------

_EARS_OPTIONS = (
    Option(0, "Completely agree"),
    Option(1, "Agree"),
    Option(2, "Neither agree nor disagree"),
    Option(3, "Disagree"),
    Option(4, "Completely disagree"),
)
_EARS_ITEMS = (
    Item(
        "as_recommended",
        "I do my exercises as often as recommended",
        options=_EARS_OPTIONS,
        positive=True,
    ),
    Item("forget", "I forget to do my exercises", options=_EARS_OPTIONS),
    Item(
        "do_less",
        "I do less exercise than recommended by my healthcare professional",
        options=_EARS_OPTIONS,
    ),
    Item(
        "routine",
        "I fit my exercises into my regular routine",
        options=_EARS_OPTIONS,
        positive=True,
    ),
    Item("dont_get_round", "I don't get round to doing my exercises", options=_EARS_OPTIONS),
    Item("most_or_all", "I do most or all of my exercises", options=_EARS_OPTIONS, positive=True),
)


def _ears(inst: Instrument, clean: dict[str, Any], result: ScoreResult) -> None:
    missing = missing_items(inst, clean)
    if missing:
        result.warnings.append(f"{len(missing)} item(s) unanswered: no total.")
        return
    # Response codes run 0 (completely agree) to 4 (completely disagree); higher = better
    # adherence, so positively worded items are reversed (4 - code) [S60, S99, S100].
    result.total = sum((4 - clean[i.code]) if i.positive else clean[i.code] for i in inst.item_defs)
    result.complete = True
    result.band = inst.band_for(result.total)


EARS = Instrument(
    code="ears",
    name="Exercise Adherence Rating Scale (EARS), section B",
    version="2017-6item",
    scoring_rule_version="ears-reverse-1",
    item_defs=_EARS_ITEMS,
    compute=_ears,
    minimum=0,
    maximum=24,
    stem="Please read each statement about your home exercises and choose how much you agree.",
    response_value=(
        "option code 0-4 (0 = completely agree ... 4 = completely disagree); scoring reverses "
        "the positively worded items (as_recommended, routine, most_or_all) so that the item "
        "score is 4 - code"
    ),
    scoring_rule="Sum of 6 item scores, 0-24, higher = better adherence. [S60, S99]",
    missing_data_rule="Any missing item: no total. [D]",
    higher_is_better=True,
    mcid=None,
    mcid_note="No MCID published in the SPEC.",
    licence="Newman-Beinart 2017, Physiotherapy (Elsevier); licence unknown; contact the authors.",
    attribution="Newman-Beinart NA, et al. Physiotherapy 2017;103:180-185. Item polarity per "
    "[S100]; verify against the paper.",
    sources=("S60", "S96", "S99", "S100"),
)
