"""The shipped condition templates of SPEC section 4, built from the exercise
library (``exercises/library_data.py``; same conventions: source ids in
brackets refer to the SPEC's source register, confidence tags are the SPEC's).

Content licence: CC BY 4.0, written for this project.
"""

from __future__ import annotations

from exercises.library_data import EVERY_DAY, FRI, MON_WED_FRI, SAT, THU, TUE, mask


def _item(slug, sets, reps=None, hold_s=None, duration_min=None, **kw):
    return {
        "exercise": slug,
        "sets": sets,
        "reps": reps,
        "hold_s": hold_s,
        "duration_min": duration_min,
        "sessions_per_day": kw.pop("sessions_per_day", 1),
        "days_of_week": kw.pop("days_of_week", EVERY_DAY),
        "load": kw.pop("load", ""),
        "side": kw.pop("side", "both"),
        "notes": kw.pop("notes", ""),
    }


TEMPLATES: list[dict] = [
    {
        # SPEC 4.1: >= 30-45 min/session [V] [S78]; >= 3 sessions/week [V] [S78, S80];
        # >= 12 weeks, 36 sessions over 12 weeks [V] [S80]; warm-up and cool-down
        # required [V] [S78]; walk to moderate-to-maximum claudication [V] [S78].
        "slug": "pad-set",
        "name": "PAD supervised exercise therapy (SET)",
        "condition": "Peripheral artery disease with intermittent claudication",
        "summary": "Intermittent walking to moderate-to-maximum claudication, at least 30 minutes a session, 3 sessions a week for 12 weeks, with warm-up and cool-down. Directly supervised is class I; a structured home or community programme with behaviour-change support is class IIa.",
        "duration_weeks": 12,
        "pain_rule": "Walk until the claudication pain is moderate to strong, then rest until it has gone completely, then walk again. Pain at rest, a cold, pale or numb foot, or chest pain: stop and seek help.",
        "progression_criteria": "Increase walking distance or speed as tolerated (specific grade or speed increments: [D]). CMS: up to 36 sessions over 12 weeks, a further 36 on re-referral.",
        "sources": "S78, S79, S80",
        "awaiting_clinical_review": False,
        "phases": [
            {
                "number": 1,
                "name": "Structured walking",
                "start_week": 1,
                "duration_weeks": 12,
                "progression_criteria": "Walk further or faster as tolerated.",
                "items": [
                    _item("warm-up-marching", 1, duration_min=5, days_of_week=MON_WED_FRI),
                    _item(
                        "walking-intervals-claudication",
                        1,
                        duration_min=30,
                        days_of_week=MON_WED_FRI,
                        notes="At least 30 minutes of walking, not counting rests.",
                    ),
                    _item("cool-down-walk", 1, duration_min=5, days_of_week=MON_WED_FRI),
                ],
            }
        ],
        # [D] based on SPEC 2.5: 6MWT at baseline, 6 and 12 weeks; WIQ.
        "outcomes": [
            {"instrument_code": "6MWT", "at_weeks": [0, 6, 12]},
            {"instrument_code": "WIQ", "at_weeks": [0, 6, 12]},
        ],
    },
    {
        # SPEC 4.2: 3 x 15 per exercise [V2] [S81]; 2 x daily, 7 days/week [V2] [S81];
        # 12 weeks [V] [S82]; 168 sessions.
        "slug": "achilles-alfredson",
        "name": "Mid-portion Achilles tendinopathy: Alfredson eccentric protocol",
        "condition": "Mid-portion Achilles tendinopathy",
        "summary": "Eccentric heel drops off a step with the knee straight and with the knee bent, 3 x 15 each, twice a day, every day for 12 weeks (180 eccentric repetitions a day). Return to the top on the uninjured leg.",
        "duration_weeks": 12,
        "pain_rule": "Muscle and tendon soreness is expected, especially in weeks 1-2. Stop and contact your physiotherapist if pain or discomfort becomes significant.",
        "progression_criteria": "When the exercise can be done without pain or discomfort, add load (backpack or weight machine). One trial used +5 kg a week up to 60 kg: that increment is trial-specific [D].",
        "sources": "S81, S82",
        "awaiting_clinical_review": False,
        "phases": [
            {
                "number": 1,
                "name": "Eccentric loading",
                "start_week": 1,
                "duration_weeks": 12,
                "progression_criteria": "Pain-free at the current load: add weight in a backpack.",
                "items": [
                    _item(
                        "eccentric-heel-drop-straight-knee",
                        3,
                        reps=15,
                        sessions_per_day=2,
                        load="Bodyweight",
                        side="affected",
                    ),
                    _item(
                        "eccentric-heel-drop-bent-knee",
                        3,
                        reps=15,
                        sessions_per_day=2,
                        load="Bodyweight",
                        side="affected",
                    ),
                ],
            }
        ],
        "outcomes": [{"instrument_code": "VISA-A", "at_weeks": [0, 6, 12]}],  # [D]
    },
    {
        # SPEC 3 PP8 (insertional Achilles tendinopathy / Haglund's / retrocalcaneal bursitis:
        # posterior heel pain at the insertion, shoe heel-counter pressure [S75, S76]); the
        # mid-portion protocol of SPEC 4.2 is for the tendon 2-6 cm above [S77]. The SPEC
        # gives no dosage for the insertional form: written for the clinical lead to check
        # (SPEC product decisions, templates without sourced dosage). Calf raises stay on
        # flat ground: no heel drops off a step (loaded dorsiflexion compresses the
        # insertion), so the one-leg calf raise is not progressed along its library link.
        "slug": "achilles-insertional",
        "name": "Insertional Achilles tendinopathy: loading on the flat",
        "condition": "Insertional Achilles tendinopathy / Haglund's",
        "summary": "Calf holds for pain relief, then calf raises on flat ground (both legs, then one leg, then with added weight) and seated calf raises; no heel drops off a step and no calf stretching into the heel. Twelve weeks.",
        "duration_weeks": 12,
        "pain_rule": "Pain at the back of the heel up to 3 out of 10 during the exercises is acceptable if it is back to usual by the next morning. More than that, or morning stiffness getting worse: go back a step and tell your physiotherapist.",
        "progression_criteria": "Double-leg calf raises 3 x 15 with pain at most 3/10 and no worse next morning: single-leg calf raises on the flat. Single-leg 3 x 15 easy: add weight (backpack). Do not progress to heel drops off a step.",
        "sources": "S75, S76, S77",
        "awaiting_clinical_review": True,
        "phases": [
            {
                "number": 1,
                "name": "Settle and load",
                "start_week": 1,
                "duration_weeks": 4,
                "progression_criteria": "Double-leg calf raises 3 x 15 with pain at most 3/10, no worse the next morning.",
                "items": [
                    _item("isometric-calf-hold", 5, hold_s=30, side="affected"),
                    _item(
                        "calf-raise-double",
                        3,
                        reps=15,
                        notes="On flat ground only: do not let your heels drop below the floor.",
                    ),
                    _item("seated-calf-raise", 3, reps=15, side="affected"),
                ],
            },
            {
                "number": 2,
                "name": "Build strength on the flat",
                "start_week": 5,
                "duration_weeks": 8,
                "progression_criteria": "Single-leg calf raises 3 x 15 easy: add weight in a backpack.",
                "items": [
                    _item(
                        "calf-raise-single",
                        3,
                        reps=15,
                        side="affected",
                        days_of_week=MON_WED_FRI,
                        notes="On flat ground only, not off a step.",
                    ),
                    _item(
                        "seated-calf-raise",
                        3,
                        reps=15,
                        side="affected",
                        days_of_week=MON_WED_FRI,
                        load="Weight on the knee when easy",
                    ),
                ],
            },
        ],
        "outcomes": [
            {"instrument_code": "VISA-A", "at_weeks": [0, 6, 12]},
            {"instrument_code": "NPRS", "every_weeks": 2},
        ],
    },
    {
        # SPEC 4.3: 10 reps x 10 s hold, 3 x daily [M]; 8 weeks [V] [S83].
        "slug": "plantar-heel-stretch",
        "name": "Plantar heel pain: plantar-fascia-specific stretch",
        "condition": "Plantar heel pain",
        "summary": "Plantar-fascia-specific stretch, 10 x 10-second holds, 3 times a day for 8 weeks; the first set before the first step in the morning and before standing after long sitting.",
        "duration_weeks": 8,
        "pain_rule": "A strong stretch is fine; sharp pain or pain that lasts after stretching: ease off and tell your physiotherapist.",
        "progression_criteria": "Review at 8 weeks (trial phase 1). Add heel raises with a towel under the toes if progress stalls (clinical judgement).",
        "sources": "S69, S83",
        # The dose and technique are memory-only [M] in the SPEC (check DiGiovanni 2003).
        "awaiting_clinical_review": True,
        "phases": [
            {
                "number": 1,
                "name": "Stretching",
                "start_week": 1,
                "duration_weeks": 8,
                "progression_criteria": "",
                "items": [
                    _item(
                        "plantar-fascia-specific-stretch",
                        1,
                        reps=10,
                        hold_s=10,
                        sessions_per_day=3,
                        side="affected",
                        notes="First set before your first step in the morning.",
                    )
                ],
            }
        ],
        # SPEC 4.3 names the FFI pain subscale [S83], but the FFI is optional and not
        # implemented (SPEC product decisions: "FFI: optional; not needed in the first
        # release"), so the schedule offers what is: NPRS (first-step pain) and the LEFS.
        "outcomes": [
            {"instrument_code": "NPRS", "every_weeks": 2},
            {"instrument_code": "LEFS", "at_weeks": [0, 8]},
        ],
    },
    {
        # SPEC 4.4: combined hip and knee exercise preferred [V] [S84, S85]; dose not
        # retrieved [D]: 3 x 10 at a moderate load, 3 days/week, 6 weeks [V] [S86].
        "slug": "pfp-hip-knee",
        "name": "Patellofemoral pain: hip and knee strengthening",
        "condition": "Patellofemoral pain",
        "summary": "Combined hip- and knee-targeted strengthening, 3 x 10 at a moderate load, 3 days a week for 6 weeks.",
        "duration_weeks": 6,
        "pain_rule": "Pain up to 3 out of 10 during the exercises is acceptable if it settles within 24 hours. More than that: reduce the depth or load.",
        "progression_criteria": "When 3 x 10 is easy with pain at most 3/10, add load or move to the next exercise.",
        "sources": "S84, S85, S86",
        "awaiting_clinical_review": True,
        "phases": [
            {
                "number": 1,
                "name": "Hip and knee strengthening",
                "start_week": 1,
                "duration_weeks": 6,
                "progression_criteria": "",
                "items": [
                    _item("clamshell", 3, reps=10, days_of_week=MON_WED_FRI, load="Moderate"),
                    _item(
                        "side-lying-hip-abduction",
                        3,
                        reps=10,
                        days_of_week=MON_WED_FRI,
                        load="Moderate",
                    ),
                    _item("glute-bridge", 3, reps=10, days_of_week=MON_WED_FRI, load="Moderate"),
                    _item("mini-squat-30", 3, reps=10, days_of_week=MON_WED_FRI, load="Moderate"),
                    _item("step-down", 3, reps=10, days_of_week=MON_WED_FRI, load="Moderate"),
                    # SPEC 4.4 typical content: quadriceps strengthening [M]; an open-chain
                    # exercise in the 90-45 degree arc, where patellofemoral joint stress is
                    # lower (general practice, awaiting clinical review).
                    _item(
                        "long-arc-quads",
                        3,
                        reps=10,
                        days_of_week=MON_WED_FRI,
                        load="Ankle weight, moderate",
                        notes="Straighten only from 90 to 45 degrees of knee bend (not the last part of the way).",
                    ),
                ],
            }
        ],
        "outcomes": [
            {"instrument_code": "AKPS", "at_weeks": [0, 6]},
            {"instrument_code": "NPRS", "every_weeks": 2},
        ],
    },
    {
        # SPEC 4.5 [V2, low confidence] [S87]. The four quadriceps stages (hold 6-7 s,
        # relax 2-3 s, 5-7 reps, 3-5 x daily; stage 4 mini squats to 30 degrees) are
        # criterion-based, not date blocks: the patient stays on the current stage until
        # it is done with pain at most 2 points above baseline and no increase the next day
        # ([D]/[M]); the clinician then moves them on along the exercise's progression link
        # (quad sets -> short-arc -> long-arc -> mini squat) in a new programme version.
        # Progressive resistance >= 2 days/week at 60-80 % 1RM, 8-12 reps; aerobic activity
        # 30-60 min/day; programmes 8-12 weeks, 3-5 sessions/week [S87].
        "slug": "knee-oa-quads",
        "name": "Knee osteoarthritis: quadriceps stages, progressive resistance and aerobic activity",
        "condition": "Knee osteoarthritis",
        "summary": "Quadriceps stages moved on by a pain criterion, not by date (quad sets, short-arc quads, long-arc quads, then mini squats to 30 degrees); progressive resistance at 60-80 % of one-repetition maximum, 8-12 reps, at least 2 days a week; 30-60 minutes of aerobic activity a day. Twelve weeks.",
        "duration_weeks": 12,
        "pain_rule": "Pain during the exercise may rise up to 2 points above your usual level, and should be back to usual by the next morning.",
        "progression_criteria": "Quadriceps stages: move to the next stage when the current one is done with pain at most 2 points above baseline and no increase the next day [M]; the clinician moves the patient on (a new programme version), not the calendar. Resistance: when 12 reps are easy at the set load, increase the load so that 8-12 reps are hard (60-80 % of 1RM) [S87].",
        "sources": "S87",
        "awaiting_clinical_review": True,
        "phases": [
            {
                "number": 1,
                "name": "Quadriceps stages, resistance and aerobic activity",
                "start_week": 1,
                "duration_weeks": 12,
                "progression_criteria": "Current quadriceps stage done with pain at most 2 points above baseline and no increase the next day: move to the next stage.",
                "items": [
                    _item(
                        "quadriceps-sets",
                        1,
                        reps=5,
                        hold_s=6,
                        sessions_per_day=3,
                        notes="Stage 1 of 4. Relax 2-3 s between reps (range 5-7 reps, 6-7 s, 3-5 times a day). Your physiotherapist moves you to the next stage when this is comfortable.",
                    ),
                    _item(
                        "sit-to-stand",
                        3,
                        reps=10,
                        days_of_week=mask(TUE, FRI),
                        load="60-80 % of 1RM: a weight you can lift 8-12 times and no more",
                        notes="Hold a weight against your chest when standing up gets easy.",
                    ),
                    _item(
                        "stationary-cycling",
                        1,
                        duration_min=30,
                        days_of_week=MON_WED_FRI,
                        notes="Or brisk walking. Aim for 30-60 minutes of activity a day in all.",
                    ),
                ],
            },
        ],
        "outcomes": [
            {"instrument_code": "LEFS", "every_weeks": 2},
            {"instrument_code": "NPRS", "every_weeks": 2},
        ],
    },
    {
        # SPEC 4.6: continue normal activities, self-management [V] [S88]; group
        # exercise [V] [S88]; nerve sliders have no guideline dose [D/M]: 10 reps,
        # 2-3 x daily, pain-free.
        "slug": "sciatica-graded-activity",
        "name": "Sciatica: advice, graded activity and nerve sliders",
        "condition": "Sciatica / lumbar radicular pain",
        "summary": "Keep up normal activities; daily graded walking; pain-free sciatic nerve sliders (10 reps, 2-3 times a day). Consider a group exercise programme and STarT Back stratification at each new episode [S88]. Do not offer orthotics, belts, traction or TENS [S89, S90].",
        "duration_weeks": 6,
        "pain_rule": "Sliders must be pain-free. Back or leg discomfort while walking is acceptable if it settles within a couple of hours. New numbness, weakness, or any change in bladder, bowel or saddle sensation: go to the emergency department now.",
        "progression_criteria": "Add walking time each week (e.g. 10-20 %) [D]; move from sliders to tensioners when sliders are symptom-free [M].",
        "sources": "S88, S89, S90",
        "awaiting_clinical_review": True,
        "phases": [
            {
                "number": 1,
                "name": "Settle and keep moving",
                "start_week": 1,
                "duration_weeks": 2,
                "progression_criteria": "Sliders symptom-free; walking 15 minutes a day.",
                "items": [
                    _item("sciatic-nerve-slider-seated", 1, reps=10, sessions_per_day=2),
                    _item("walking-graded-activity", 1, duration_min=10),
                    _item("pelvic-tilt", 2, reps=10),
                ],
            },
            {
                "number": 2,
                "name": "Build activity",
                "start_week": 3,
                "duration_weeks": 4,
                "progression_criteria": "",
                "items": [
                    _item("sciatic-nerve-slider-seated", 1, reps=10, sessions_per_day=2),
                    _item("walking-graded-activity", 1, duration_min=20),
                    _item("bird-dog", 3, reps=8, hold_s=5, days_of_week=MON_WED_FRI),
                    _item("glute-bridge", 3, reps=12, days_of_week=MON_WED_FRI),
                ],
            },
        ],
        "outcomes": [
            {"instrument_code": "ODI", "at_weeks": [0, 6]},
            {"instrument_code": "NPRS", "every_weeks": 2},
        ],
    },
    {
        # SPEC 4.7: pre-running criteria [V] [S92] (first: resolution of bony tenderness);
        # template values [V2, low confidence] [S93, S94]; "Warden 2024" values deliberately
        # not encoded [D]. Hopping is a loading test, so it comes only after bony tenderness
        # has resolved (SPEC 4.7 criterion 1; the exercise's contraindication is an unhealed
        # bone stress injury).
        "slug": "bsi-return-to-running",
        "name": "Return to running after a bone stress injury",
        "condition": "Bone stress injury (lower limb)",
        "summary": "Pain-free walking and strength first; the hop and jog tests only once the bone is no longer tender; then a graded walk-run programme on alternate days.",
        "duration_weeks": 8,
        "pain_rule": "No pain during the return to running. Pain at the bone that keeps appearing: stop and contact your physiotherapist. Soreness lasting more than 24 hours: go back a stage.",
        "progression_criteria": "Before running [V] [S92]: no bony tenderness; pain-free walking; radiological healing in high-risk BSIs; strength, functional and loading tests passed; contributing factors identified. Clinic checks [V2, low confidence] [S93, S94]: pain-free daily activity; 30 minutes brisk walking pain-free; single-leg stand 10 s; single-leg squat x 10; jog on the spot 1 minute; hops 10-15 or 30 s with pain at most 2/10. The hop test is done only after bony tenderness has resolved.",
        "sources": "S92, S93, S94",
        "awaiting_clinical_review": True,
        "phases": [
            {
                "number": 1,
                "name": "Walking and strength",
                "start_week": 1,
                "duration_weeks": 2,
                "progression_criteria": "No bony tenderness on pressing the bone, and 30 minutes of brisk walking pain-free [S92, S93].",
                "items": [
                    _item("brisk-walk", 1, duration_min=30),
                    _item("single-leg-balance", 3, hold_s=10, side="affected"),
                    _item("single-leg-squat", 1, reps=10, side="affected"),
                    _item("calf-raise-single", 3, reps=15, side="affected"),
                ],
            },
            {
                "number": 2,
                "name": "Loading tests (bone no longer tender)",
                "start_week": 3,
                "duration_weeks": 1,
                "progression_criteria": "Jog on the spot 1 minute and 10-15 hops with pain at most 2/10 [S93, S94].",
                "items": [
                    _item(
                        "jog-on-the-spot",
                        1,
                        duration_min=1,
                        days_of_week=mask(TUE, SAT),
                        notes="Test only: pain-free.",
                    ),
                    _item(
                        "hop-on-the-spot",
                        1,
                        reps=10,
                        days_of_week=mask(TUE, SAT),
                        notes="Test only, once your physiotherapist has found the bone no longer tender: pain at most 2/10.",
                    ),
                    _item(
                        "calf-raise-single", 3, reps=15, side="both", days_of_week=mask(TUE, THU)
                    ),
                ],
            },
            {
                "number": 3,
                "name": "Walk-run",
                "start_week": 4,
                "duration_weeks": 5,
                "progression_criteria": "Pain-free during and the day after: add running time.",
                "items": [
                    _item(
                        "walk-run-intervals",
                        1,
                        duration_min=20,
                        days_of_week=MON_WED_FRI,
                        notes="Start with 1 minute running, 2 minutes walking.",
                    ),
                    _item(
                        "calf-raise-single", 3, reps=15, side="both", days_of_week=mask(TUE, THU)
                    ),
                    _item("single-leg-squat", 3, reps=10, side="both", days_of_week=mask(TUE, THU)),
                ],
            },
        ],
        "outcomes": [
            {"instrument_code": "LEFS", "every_weeks": 2},
            {"instrument_code": "NPRS", "every_weeks": 2},
        ],
    },
    {
        # SPEC 4.8 [D]: no sourced template; written for the clinical lead to check.
        "slug": "ankle-sprain",
        "name": "Lateral ankle sprain rehabilitation",
        "condition": "Lateral ankle sprain",
        "summary": "Early movement and calf work, then strength and balance, then hopping. Rule out fracture with the Ottawa ankle rules first (SPEC 1.7).",
        "duration_weeks": 6,
        "pain_rule": "Pain up to 3 out of 10 during the exercises is acceptable if swelling and pain have settled by the next morning.",
        "progression_criteria": "Walking without a limp and single-leg balance 30 s: move to phase 2. Pain-free single-leg calf raises x 15 and hopping x 10: return to sport.",
        "sources": "",
        "awaiting_clinical_review": True,
        "phases": [
            {
                "number": 1,
                "name": "Early movement",
                "start_week": 1,
                "duration_weeks": 2,
                "progression_criteria": "Walking without a limp.",
                "items": [
                    _item("ankle-alphabet", 2, reps=1, sessions_per_day=2, side="affected"),
                    _item("ankle-pumps", 2, reps=20, sessions_per_day=2),
                    _item("calf-raise-double", 3, reps=15),
                    _item("single-leg-balance", 3, hold_s=30, side="affected"),
                ],
            },
            {
                "number": 2,
                "name": "Strength and balance",
                "start_week": 3,
                "duration_weeks": 4,
                "progression_criteria": "",
                "items": [
                    _item("resisted-ankle-eversion-band", 3, reps=15, side="affected"),
                    _item("calf-raise-single", 3, reps=15, side="affected"),
                    _item("single-leg-balance-cushion", 3, hold_s=30, side="affected"),
                    _item("hop-on-the-spot", 3, reps=10, side="affected", days_of_week=MON_WED_FRI),
                ],
            },
        ],
        "outcomes": [{"instrument_code": "LEFS", "every_weeks": 2}],
    },
    {
        # SPEC 4.8 [D]: no sourced template; written for the clinical lead to check.
        "slug": "hamstring-strain",
        "name": "Hamstring strain rehabilitation",
        "condition": "Hamstring muscle strain",
        "summary": "Isometrics and walking, then lengthening strength, then high eccentric load before return to running.",
        "duration_weeks": 8,
        "pain_rule": "Exercises should be pain-free or at most 2 out of 10, and the next morning no worse. Sharp pain at the injury: stop.",
        "progression_criteria": "Pain-free isometric at 70 % effort and normal walking: phase 2. Pain-free single-leg bridge x 10 and sliders: phase 3.",
        "sources": "",
        "awaiting_clinical_review": True,
        "phases": [
            {
                "number": 1,
                "name": "Protect and load gently",
                "start_week": 1,
                "duration_weeks": 2,
                "progression_criteria": "Pain-free heel digs at 70 % effort.",
                "items": [
                    _item("hamstring-isometric-heel-dig", 3, reps=5, hold_s=10, side="affected"),
                    _item("glute-bridge", 3, reps=12),
                    _item("pain-free-walking", 1, duration_min=20),
                ],
            },
            {
                "number": 2,
                "name": "Strength in length",
                "start_week": 3,
                "duration_weeks": 3,
                "progression_criteria": "Pain-free single-leg bridge x 10.",
                "items": [
                    _item("hamstring-sliders", 3, reps=8, days_of_week=MON_WED_FRI),
                    _item("single-leg-bridge", 3, reps=10, days_of_week=MON_WED_FRI),
                    _item("single-leg-romanian-deadlift", 3, reps=8, days_of_week=MON_WED_FRI),
                ],
            },
            {
                "number": 3,
                "name": "High load and running",
                "start_week": 6,
                "duration_weeks": 3,
                "progression_criteria": "",
                "items": [
                    _item("nordic-hamstring-curl", 3, reps=5, days_of_week=mask(TUE, FRI)),
                    _item("walk-run-intervals", 1, duration_min=20, days_of_week=MON_WED_FRI),
                ],
            },
        ],
        "outcomes": [
            {"instrument_code": "LEFS", "every_weeks": 2},
            {"instrument_code": "NPRS", "every_weeks": 2},
        ],
    },
    {
        # SPEC 4.8 and the product decisions: CECS without a sourced template [D]. The pain
        # rule follows SPEC 3 PP3: CECS pain subsides very slowly or incompletely after
        # stopping [S26, S71]; worsening pain with a tense compartment is SPEC 1.6 (E).
        "slug": "cecs-gait-retraining",
        "name": "Exertional leg pain (CECS): gait retraining",
        "condition": "Chronic exertional compartment syndrome",
        "summary": "Running with a higher step rate and shorter stride, with anterior shin and calf strength. Surgery versus gait retraining is a shared decision.",
        "duration_weeks": 6,
        "pain_rule": "Stop running when the tightness or pain builds. With this condition it often eases only slowly after you stop, sometimes not completely: rest until it has settled before you run again. Pain that keeps getting worse after you have stopped, with a tight, swollen calf or shin, numbness or weakness: go to A&E now.",
        "progression_criteria": "Pain-free at the new step rate: add 5 minutes a week.",
        "sources": "",
        "awaiting_clinical_review": True,
        "phases": [
            {
                "number": 1,
                "name": "Gait retraining",
                "start_week": 1,
                "duration_weeks": 6,
                "progression_criteria": "",
                "items": [
                    _item("cadence-running-drill", 1, duration_min=10, days_of_week=MON_WED_FRI),
                    _item("shin-tibialis-raise", 3, reps=15, days_of_week=mask(TUE, THU, SAT)),
                    _item("calf-raise-single", 3, reps=15, days_of_week=mask(TUE, THU, SAT)),
                ],
            }
        ],
        "outcomes": [{"instrument_code": "LEFS", "at_weeks": [0, 6]}],
    },
]
