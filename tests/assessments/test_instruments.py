"""The instrument registry: every threshold on both sides, missing data, invalid
input and versions (SPEC section 2, 1.1, 1.7 and the product decisions)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.instruments import REGISTRY, get_instrument

CODES = [
    "lefs", "nprs", "odi", "psfs", "akps", "visa_a", "wiq", "ears",
    "wells_dvt", "wells_dvt_3level", "ottawa_ankle", "ottawa_knee",
]  # fmt: skip


def full(code, value):
    return {item: value for item in get_instrument(code).items}


def test_every_contract_code_is_registered_with_its_metadata():
    for code in CODES:
        inst = get_instrument(code)
        assert inst.code == code
        assert inst.items and len(set(inst.items)) == len(inst.items)
        assert inst.version and inst.scoring_rule_version
        assert inst.licence and inst.attribution and inst.missing_data_rule
        assert inst.response_value and inst.sources
        for item in inst.item_defs:
            assert item.kind in {"boolean", "age"} or item.options
    assert set(REGISTRY) == set(CODES)


def test_unknown_instrument_is_a_key_error():
    with pytest.raises(KeyError):
        get_instrument("sf36")


# --- LEFS ---------------------------------------------------------------------------


def test_lefs_sums_twenty_items():
    inst = get_instrument("lefs")
    assert len(inst.items) == 20
    answers = full("lefs", 3)
    answers["usual_work"] = 0
    result = inst.score(answers)
    assert (result.total, result.complete, result.errors) == (57, True, [])
    assert inst.score(full("lefs", 4)).total == 80
    assert inst.score(full("lefs", 0)).total == 0


def test_lefs_any_missing_item_gives_no_total_and_no_prorating():
    answers = full("lefs", 4)
    answers["hopping"] = None
    result = get_instrument("lefs").score(answers)
    assert result.total is None
    assert result.complete is False
    assert result.errors == []


@pytest.mark.parametrize("value", [-1, 5, 2.5, "3", True, float("nan")])
def test_lefs_rejects_values_outside_the_options(value):
    answers = full("lefs", 4)
    answers["squatting"] = value
    result = get_instrument("lefs").score(answers)
    assert result.total is None and result.errors


def test_unknown_item_is_an_error_not_an_exception():
    result = get_instrument("lefs").score({**full("lefs", 4), "jogging": 3})
    assert result.total is None
    assert any("jogging" in e for e in result.errors)


@pytest.mark.parametrize("answers", [None, {}, [], "lefs", 42, {1: 2}])
def test_odd_answer_containers_never_raise(answers):
    result = get_instrument("lefs").score(answers)
    assert result.total is None


def test_lefs_change_flags_the_mcid_of_nine_points_on_both_sides():
    lefs = get_instrument("lefs")
    assert lefs.change(40, 49).mcid_met is True
    assert lefs.change(40, 48).mcid_met is False
    assert lefs.change(49, 40).flags == ("important worsening",)


# --- NPRS ---------------------------------------------------------------------------


def test_nprs_records_current_best_and_worst():
    result = get_instrument("nprs").score({"current": 6, "best": 2, "worst": 9})
    assert result.total == 6
    assert result.subscores == {"current": 6, "best": 2, "worst": 9}
    assert result.complete is True


@pytest.mark.parametrize(
    ("value", "band"),
    [(0, "no pain"), (1, "mild"), (3, "mild"), (4, "moderate"), (6, "moderate"),
     (7, "severe"), (10, "severe")],
)  # fmt: skip
def test_nprs_bands(value, band):
    assert get_instrument("nprs").score({"current": value}).band == band


@pytest.mark.parametrize("value", [-1, 11, 5.5])
def test_nprs_rejects_non_integer_or_out_of_range(value):
    assert get_instrument("nprs").score({"current": value}).errors


@pytest.mark.parametrize(
    ("baseline", "followup", "points_flag", "percent", "percent_flag"),
    [
        (6, 4, True, pytest.approx(33.33, abs=0.01), True),  # 2 points, 33 %
        (6, 5, False, pytest.approx(16.67, abs=0.01), False),  # 1 point
        (10, 8, True, 20.0, False),  # 2 points but only 20 %: the flags disagree
        (3, 2, False, pytest.approx(33.33, abs=0.01), True),  # 1 point but 33 %
        (10, 7, True, 30.0, True),  # exactly 30 %
        (10, 8.1, False, pytest.approx(19.0), False),
    ],
)
def test_nprs_reports_both_change_flags(baseline, followup, points_flag, percent, percent_flag):
    change = get_instrument("nprs").change(baseline, followup)
    assert change.mcid_met is points_flag
    assert change.percent == percent
    assert change.percent_met is percent_flag


def test_nprs_change_from_a_zero_baseline_has_no_percentage():
    change = get_instrument("nprs").change(0, 4)
    assert change.percent is None
    assert change.percent_met is None
    assert change.mcid_met is True
    assert change.improvement == -4


# --- ODI ----------------------------------------------------------------------------


def test_odi_exact_percentage_with_one_missing_section():
    answers = full("odi", 2)
    answers["sex_life"] = None
    answers["pain_intensity"] = 0
    # 8 sections x 2 = 16 of 45: stored exact (35.555...), shown 35.6
    result = get_instrument("odi").score(answers)
    assert result.total == pytest.approx(16 / 45 * 100)
    assert get_instrument("odi").format_total(result.total) == "35.6"
    assert result.complete is True


def test_odi_two_missing_sections_give_no_score():
    answers = full("odi", 2)
    answers["sex_life"] = None
    answers["travelling"] = None
    result = get_instrument("odi").score(answers)
    assert result.total is None and result.complete is False and not result.errors


def test_odi_takes_the_highest_of_several_marked_statements():
    answers = full("odi", 1)
    answers["lifting"] = [1, 4]
    assert get_instrument("odi").score(answers).total == pytest.approx(13 / 50 * 100)


@pytest.mark.parametrize(
    ("points", "band"),
    [(10, "minimal disability"), (11, "moderate disability"), (20, "moderate disability"),
     (21, "severe disability"), (30, "severe disability"), (31, "crippled"), (40, "crippled"),
     (41, "bed-bound")],
)  # fmt: skip
def test_odi_bands_on_the_exact_value(points, band):
    # 10 sections x 5 = 50 points; points / 50 x 100 = 2 x points
    answers = {code: 0 for code in get_instrument("odi").items}
    remaining = points
    for code in answers:
        answers[code] = min(5, remaining)
        remaining -= answers[code]
    result = get_instrument("odi").score(answers)
    assert result.total == pytest.approx(points * 2)
    assert result.band == band


def test_odi_band_boundary_on_non_integer_values():
    odi = get_instrument("odi")
    assert odi.band_for(20.0) == "minimal disability"
    assert odi.band_for(20.0001) == "moderate disability"
    assert odi.band_for(80.0) == "crippled"
    assert odi.band_for(80.01) == "bed-bound"


@pytest.mark.parametrize("value", [6, -1, [1, 7]])
def test_odi_rejects_statements_outside_0_to_5(value):
    answers = full("odi", 1)
    answers["walking"] = value
    assert get_instrument("odi").score(answers).errors


def test_odi_change_flags_ten_points_or_thirty_percent():
    odi = get_instrument("odi")
    assert odi.change(40, 30).mcid_met is True
    assert odi.change(40, 31).mcid_met is False
    assert odi.change(20, 14).percent_met is True  # 30 % of 20
    assert odi.change(20, 14.2).percent_met is False


# --- PSFS ---------------------------------------------------------------------------


def test_psfs_is_the_mean_of_one_to_five_rated_activities():
    psfs = get_instrument("psfs")
    assert psfs.score({"activity_1": 3}).total == 3
    assert psfs.score({"activity_1": 3, "activity_2": 4}).total == 3.5
    result = psfs.score({f"activity_{n}": n for n in range(1, 6)})
    assert result.total == 3 and result.complete


def test_psfs_with_no_activity_rated_has_no_score():
    result = get_instrument("psfs").score({"activity_1": None})
    assert result.total is None and result.complete is False


def test_psfs_change_uses_only_activities_rated_at_both_times():
    psfs = get_instrument("psfs")
    change = psfs.compare(
        {"activity_1": 2, "activity_2": 4, "activity_3": 0},
        {"activity_1": 5, "activity_2": 6},
    )
    # baseline mean (2 + 4) / 2 = 3; follow-up (5 + 6) / 2 = 5.5
    assert change.baseline == 3 and change.followup == 5.5
    assert change.mcid_met is True


@pytest.mark.parametrize("value", [-1, 11, 10.5])
def test_psfs_rejects_ratings_outside_0_to_10(value):
    assert get_instrument("psfs").score({"activity_1": value}).errors


# --- AKPS ---------------------------------------------------------------------------


def best_akps():
    return {i.code: max(i.values) for i in get_instrument("akps").item_defs}


def test_akps_maximum_is_100_and_default_option_scores_are_used():
    akps = get_instrument("akps")
    assert akps.score(best_akps()).total == 100
    answers = best_akps()
    answers["limp"] = 0  # constant limp = 0 in the default version
    answers["squatting"] = 2  # partial weight bearing = 2
    assert akps.score(answers).total == 100 - 5 - 3
    assert "2" not in [str(v) for v in akps.item("limp").values]
    assert "1" not in [str(v) for v in akps.item("squatting").values]


def test_akps_alternative_version_scores_are_rejected():
    answers = best_akps()
    answers["limp"] = 2  # the alternative version's "constant"
    assert get_instrument("akps").score(answers).errors


def test_akps_no_total_with_any_missing_item():
    answers = best_akps()
    del answers["jumping"]
    result = get_instrument("akps").score(answers)
    assert result.total is None and result.complete is False


def test_akps_change_flag_at_ten_points():
    akps = get_instrument("akps")
    assert akps.change(60, 70).mcid_met is True
    assert akps.change(60, 69).mcid_met is False


# --- VISA-A -------------------------------------------------------------------------


def visa(**q8):
    answers = {f"q{n}": 10 for n in range(1, 7)}
    answers["q7"] = 10
    answers.update(q8)
    return answers


@pytest.mark.parametrize(
    ("q8", "total"),
    [({"q8a": 30}, 100), ({"q8a": 0}, 70), ({"q8b": 20}, 90), ({"q8c": 10}, 80),
     ({"q8a": 7, "q8b": None}, 77)],
)  # fmt: skip
def test_visa_a_sums_one_q8_branch(q8, total):
    result = get_instrument("visa_a").score(visa(**q8))
    assert result.total == total and result.complete


def test_visa_a_two_q8_branches_is_a_validation_error():
    result = get_instrument("visa_a").score(visa(q8a=7, q8c=2))
    assert result.total is None
    assert any("exactly one" in e for e in result.errors)


def test_visa_a_missing_question_gives_no_total():
    answers = visa(q8b=4)
    del answers["q3"]
    assert get_instrument("visa_a").score(answers).total is None
    assert get_instrument("visa_a").score(visa()).total is None  # no Q8 branch


@pytest.mark.parametrize(("item", "value"), [("q7", 5), ("q8a", 8), ("q8b", 7), ("q1", 11)])
def test_visa_a_rejects_values_that_are_not_options(item, value):
    assert get_instrument("visa_a").score(visa(q8a=0) | {item: value}).errors


def test_visa_a_shows_mcid_as_context_only():
    change = get_instrument("visa_a").change(50, 80)
    assert change.mcid_met is None and change.flags == ()


# --- WIQ ----------------------------------------------------------------------------


def test_wiq_subscales_with_the_spec_weights():
    wiq = get_instrument("wiq")
    answers = full("wiq", 0)
    answers["dist_5_blocks"] = 4  # 4 x 1500 / 14080
    answers["speed_run"] = 4  # 4 x 5 / 46
    answers["stairs_3"] = 2  # 2 x 3 / 24
    result = wiq.score(answers)
    assert result.subscores["distance"] == pytest.approx(6000 / 14080 * 100)
    assert result.subscores["speed"] == pytest.approx(20 / 46 * 100)
    assert result.subscores["stairs"] == pytest.approx(6 / 24 * 100)
    assert result.total == pytest.approx(sum(result.subscores.values()) / 3)
    assert wiq.score(full("wiq", 4)).total == pytest.approx(100)


def test_wiq_band_at_42_5_both_sides():
    wiq = get_instrument("wiq")
    assert wiq.band_for(42.5) == "low walking performance likely"
    assert wiq.band_for(42.51) == "above 42.5"


def test_wiq_missing_item_leaves_its_subscale_and_the_overall_empty():
    answers = full("wiq", 4)
    answers["stairs_2"] = None
    result = get_instrument("wiq").score(answers)
    assert result.subscores["stairs"] is None and result.subscores["distance"] == 100
    assert result.total is None


# --- EARS ---------------------------------------------------------------------------


def test_ears_reverse_scores_positively_worded_items():
    ears = get_instrument("ears")
    best = {"as_recommended": 0, "routine": 0, "most_or_all": 0,
            "forget": 4, "do_less": 4, "dont_get_round": 4}  # fmt: skip
    assert ears.score(best).total == 24
    worst = {k: 4 - v for k, v in best.items()}
    assert ears.score(worst).total == 0
    assert ears.score(full("ears", 0)).total == 12
    assert ears.score(full("ears", 5)).errors


# --- Wells --------------------------------------------------------------------------


def wells(code, present, alternative=False):
    answers = {item: False for item in get_instrument(code).items}
    for item in list(answers)[:present]:
        if item != "alternative_diagnosis_likely":
            answers[item] = True
    answers["alternative_diagnosis_likely"] = alternative
    return answers


@pytest.mark.parametrize(
    ("present", "alternative", "total", "band"),
    [(1, False, 1, "unlikely"), (2, False, 2, "likely"), (3, True, 1, "unlikely"),
     (4, True, 2, "likely"), (0, True, -2, "unlikely"), (9, False, 9, "likely")],
)  # fmt: skip
def test_wells_two_level_likely_at_two(present, alternative, total, band):
    result = get_instrument("wells_dvt").score(wells("wells_dvt", present, alternative))
    assert (result.total, result.band, result.complete) == (total, band, True)


@pytest.mark.parametrize(
    ("present", "alternative", "total", "band"),
    [(0, False, 0, "low"), (1, False, 1, "moderate"), (2, False, 2, "moderate"),
     (3, False, 3, "high"), (2, True, 0, "low"), (0, True, -2, "low"), (8, False, 8, "high")],
)  # fmt: skip
def test_wells_three_level_bands(present, alternative, total, band):
    result = get_instrument("wells_dvt_3level").score(
        wells("wells_dvt_3level", present, alternative)
    )
    assert (result.total, result.band) == (total, band)


def test_wells_versions_are_kept_apart():
    assert "previous_dvt" in get_instrument("wells_dvt").items
    assert "previous_dvt" not in get_instrument("wells_dvt_3level").items
    assert get_instrument("wells_dvt_3level").score({"previous_dvt": True}).errors
    assert get_instrument("wells_dvt").version != get_instrument("wells_dvt_3level").version


def test_wells_calf_swelling_scores_one_point_not_two():
    result = get_instrument("wells_dvt").score({"calf_swelling_3cm": True})
    assert result.total == 1


def test_wells_unassessed_features_mark_the_score_incomplete():
    result = get_instrument("wells_dvt").score({"active_cancer": True, "previous_dvt": True})
    assert result.total == 2 and result.band == "likely"
    assert result.complete is False and result.warnings


def test_wells_rejects_non_boolean_answers():
    assert get_instrument("wells_dvt").score({"active_cancer": "yes"}).errors
    assert get_instrument("wells_dvt").score({"active_cancer": 2}).errors


# --- Ottawa -------------------------------------------------------------------------


def ankle(**present):
    answers = {item: False for item in get_instrument("ottawa_ankle").items}
    answers.update(present)
    return answers


@pytest.mark.parametrize(
    ("present", "total"),
    [
        ({}, 0),
        ({"malleolar_zone_pain": True}, 0),
        ({"lateral_malleolus_tenderness": True}, 0),  # tenderness without zone pain
        ({"malleolar_zone_pain": True, "lateral_malleolus_tenderness": True}, 1),
        ({"malleolar_zone_pain": True, "medial_malleolus_tenderness": True}, 1),
        ({"malleolar_zone_pain": True, "unable_to_bear_weight": True}, 1),
        ({"malleolar_zone_pain": True, "navicular_tenderness": True}, 0),  # foot finding
        ({"midfoot_zone_pain": True}, 0),
        ({"midfoot_zone_pain": True, "fifth_metatarsal_base_tenderness": True}, 1),
        ({"midfoot_zone_pain": True, "navicular_tenderness": True}, 1),
        ({"midfoot_zone_pain": True, "unable_to_bear_weight": True}, 1),
        ({"unable_to_bear_weight": True}, 0),
    ],
)
def test_ottawa_ankle_and_foot(present, total):
    result = get_instrument("ottawa_ankle").score(ankle(**present))
    assert result.total == total
    assert result.band == ("imaging indicated" if total else "imaging not indicated")
    assert result.complete


def knee(**present):
    answers = {item: False for item in get_instrument("ottawa_knee").items}
    answers["age"] = 30
    answers.update(present)
    return answers


@pytest.mark.parametrize(
    ("present", "total"),
    [({}, 0), ({"age": 54}, 0), ({"age": 55}, 1), ({"age": 54.9}, 0), ({"age": 80}, 1),
     ({"isolated_patella_tenderness": True}, 1), ({"fibula_head_tenderness": True}, 1),
     ({"unable_to_flex_90": True}, 1), ({"unable_to_bear_weight": True}, 1),
     ({"age": True}, 1), ({"age": False}, 0)],
)  # fmt: skip
def test_ottawa_knee_counts_age_55_or_over(present, total):
    assert get_instrument("ottawa_knee").score(knee(**present)).total == total


@pytest.mark.parametrize("age", [-1, 200, "old"])
def test_ottawa_knee_rejects_impossible_ages(age):
    assert get_instrument("ottawa_knee").score(knee(age=age)).errors


# --- Property: never raises, totals in range ----------------------------------------

_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-5, max_value=2000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=3),
    st.lists(st.integers(min_value=-1, max_value=6), max_size=3),
)


@st.composite
def answers_for(draw):
    code = draw(st.sampled_from(CODES))
    inst = get_instrument(code)
    keys = st.one_of(st.sampled_from(inst.items), st.text(max_size=5))
    return code, draw(st.dictionaries(keys, _values, max_size=len(inst.items) + 2))


@st.composite
def valid_answers_for(draw):
    code = draw(st.sampled_from(CODES))
    inst = get_instrument(code)
    answers = {}
    for item in inst.item_defs:
        if item.kind == "boolean":
            choices = st.one_of(st.none(), st.booleans())
        elif item.kind == "age":
            choices = st.one_of(st.none(), st.integers(min_value=0, max_value=130))
        else:
            choices = st.one_of(st.none(), st.sampled_from(item.values))
        answers[item.code] = draw(choices)
    if code == "visa_a" and draw(st.booleans()):
        for branch in ("q8a", "q8b", "q8c")[1:]:
            answers[branch] = None
    return code, answers


@settings(max_examples=300, deadline=None)
@given(answers_for())
def test_any_answers_give_a_result_or_errors_never_an_exception(case):
    code, answers = case
    inst = get_instrument(code)
    result = inst.score(answers)
    assert isinstance(result.errors, list)
    if result.errors:
        assert result.total is None
    if result.total is not None:
        assert math.isfinite(result.total)
        assert inst.minimum <= result.total <= inst.maximum


@settings(max_examples=300, deadline=None)
@given(valid_answers_for())
def test_valid_answers_give_totals_within_the_instrument_range(case):
    code, answers = case
    inst = get_instrument(code)
    result = inst.score(answers)
    if code == "visa_a" and sum(answers[b] is not None for b in ("q8a", "q8b", "q8c")) > 1:
        assert result.errors
        return
    assert result.errors == []
    if result.total is not None:
        assert inst.minimum <= result.total <= inst.maximum
        assert result.band is None or isinstance(result.band, str)
    if result.complete and inst.kind == "questionnaire" and code not in {"odi", "psfs", "nprs"}:
        assert result.total is not None
