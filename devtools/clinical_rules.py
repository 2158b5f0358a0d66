"""``docs/clinical-rules.md`` generated from the code (``make clinical-rules``).

Every red-flag rule, the safety-netting advice, the instruments, the decision-support
patterns, the patient self-screen, the alert rules and the shipped templates' pain and
progression rules, each with its trigger, level or band, action, SPEC section and source
ids, so that a clinical lead can sign them off. A test fails when the checked-in file is
not what this module renders.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from django.db import models

from alerts.models import AlertKind, AlertUrgency
from assessments import decision_support, red_flags
from assessments.api import BACK_RELATED_DIAGNOSES
from assessments.instruments import VALIDATED_TRANSLATIONS, all_instruments
from assessments.instruments.translations import WORDINGS
from clinic.models import Clinic
from programmes.api import BACK_RELATED_TEMPLATE_SLUGS
from programmes.progression import DEFAULT_RULE, PAIN_RULES
from programmes.template_data import TEMPLATES
from tracking import progression, sciatica, self_screen
from tracking.alert_rules import ALERT_RULE_DOCS
from tracking.models import LegExtent

DOC_PATH = Path(__file__).resolve().parent.parent / "docs" / "clinical-rules.md"
REVIEW = "Awaiting clinical review"


def _cell(value: object) -> str:
    text = " ".join(str(value).split())
    return text.replace("|", "\\|") or "—"


def _table(header: list[str], rows: Sequence[Sequence[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return [*lines, ""]


def _red_flags() -> list[str]:
    out = [
        "## 1. Red-flag rules",
        "",
        f"Ruleset version `{red_flags.RULESET_VERSION}` (stored with every fired event). "
        "Levels (SPEC 1.0): E emergency now; U same-day medical assessment; U2 urgent "
        "referral within 2 weeks; R routine GP review. A fired rule must be actioned or "
        "overridden with a reason before a plan can be activated. Every rule: "
        f"**{REVIEW.lower()}** (SPEC status line).",
        "",
    ]
    rows = []
    for rule in red_flags.RULES:
        spec, trigger = red_flags.RULE_DOCS[rule.rule_id]
        rows.append(
            [
                f"`{rule.rule_id}`",
                rule.title,
                rule.urgency,
                trigger,
                rule.action,
                spec,
                ", ".join(rule.sources),
                "yes",
            ]
        )
    out += _table(["Rule", "Title", "Level", "Trigger", "Action", "SPEC", "Sources", REVIEW], rows)
    out += ["### Screen items", ""]
    out += _table(
        ["Code", "Item", "Group"],
        [[f"`{i.code}`", i.label, i.group] for i in red_flags.SCREEN_ITEMS],
    )
    return out


def _safety_netting() -> list[str]:
    return [
        "## 2. Safety-netting advice",
        "",
        "Shown to patients with back-related leg pain (working diagnosis lumbar radicular pain "
        "or neurogenic claudication, or a plan from the sciatica template) when the cauda "
        "equina rule did not fire: assessment summary and print, staff and patient handouts, "
        "the portal programme and check-in pages. SPEC product decisions (Cauda equina) and "
        "SPEC 1.4 [S17].",
        "",
        f"> {red_flags.SAFETY_NETTING_HEADING}",
        *[f"> - {sign}" for sign in red_flags.SAFETY_NETTING_SIGNS],
        "",
    ]


def _instruments() -> list[str]:
    out = ["## 3. Instruments", ""]
    rows = []
    for inst in all_instruments():
        bands = "; ".join(
            f"{'≤ ' + format(b.upper, 'g') if b.upper is not None else 'above'}: {b.label}"
            for b in inst.bands
        )
        mcid = ""
        if inst.mcid is not None:
            mcid = f"{inst.mcid:g}" + (f" or {inst.mcid_percent:g} %" if inst.mcid_percent else "")
            if not inst.mcid_flag:
                mcid += " (context only, no flag)"
        rows.append(
            [
                f"`{inst.code}`",
                inst.name,
                f"{inst.version} / {inst.scoring_rule_version}",
                inst.scoring_rule,
                inst.missing_data_rule,
                bands,
                mcid,
                ", ".join(inst.sources),
                ", ".join(["en", *sorted(VALIDATED_TRANSLATIONS.get(inst.code, ()))]),
            ]
        )
    out += _table(
        [
            "Code",
            "Name",
            "Version / rule",
            "Scoring",
            "Missing data",
            "Bands",
            "MCID",
            "Sources",
            "Patient languages",
        ],
        rows,
    )
    # Issue 18: the portal shows an instrument in the patient's language only
    # where its wording there is shipped; otherwise in English, labelled so.
    out += [
        "Patient languages: the portal shows a questionnaire in the patient's language only "
        "where that wording is shipped (`assessments/instruments/translations.py`); every "
        "other questionnaire is shown in English, labelled so. Scoring is the same in every "
        "language. Wording sources:",
        "",
    ]
    out += [
        f"- `{code}` ({language}): {wording.source}"
        for (code, language), wording in sorted(WORDINGS.items())
    ]
    out.append("")
    return out


def _decision_support() -> list[str]:
    out = [
        "## 4. Decision support (pain patterns)",
        "",
        f"Ruleset version `{decision_support.RULESET_VERSION}`. A prompt shows when the "
        f"weighted features matched reach {decision_support.THRESHOLD:.0%} of its total "
        "weight. Prompts never write a diagnosis (SPEC 3). Each: "
        f"{REVIEW.lower()}.",
        "",
    ]
    rows = []
    for rule_id, text, _condition, sources, features in decision_support.PATTERNS:
        feats = "; ".join(f"{label} ({weight})" for label, weight, _p in features)
        rows.append([f"`{rule_id}`", text, feats, ", ".join(sources)])
    out += _table(["Pattern", "Prompt", "Features (weight)", "Sources"], rows)
    return out


def _self_screen() -> list[str]:
    out = [
        "## 5. Patient self-screen (portal check-in)",
        "",
        "Any yes raises an urgent clinician alert at once and shows the advice below. "
        f"Each question: {REVIEW.lower()}.",
        "",
    ]
    rows = []
    for q in self_screen.QUESTIONS:
        advice = self_screen.advice_for([q.code])
        rows.append([f"`{q.code}`", q.text, q.urgency, advice["title"] if advice else ""])
    out += _table(["Code", "Question", "Level", "Patient is told"], rows)
    out += [
        "### Sciatica self-tracking (back-related leg pain)",
        "",
        "Asked at the check-in of patients whose plan is for back-related leg pain "
        f"(diagnoses {', '.join(sorted(BACK_RELATED_DIAGNOSES))}, or the "
        f"{', '.join(sorted(BACK_RELATED_TEMPLATE_SLUGS))} template): back pain and leg pain "
        f"(0-10), how far down the leg ({', '.join(str(c.label).lower() for c in LegExtent)}), "
        "numbness, and weakness (no, one leg, both legs). "
        f"{REVIEW}.",
        "",
        *_rules_from(sciatica),
    ]
    return out


def _rules_from(module) -> list[str]:
    """The module docstring's rules (its paragraphs from "The rules" on), as Markdown."""
    doc = module.__doc__ or ""
    parts = [" ".join(part.split()) for part in doc[doc.index("The rules") :].split("\n\n")]
    return [line for part in parts if part for line in (part.replace(" - ", "\n- "), "")]


def _alert_rules() -> list[str]:
    out = ["## 6. Alert rules", ""]
    rows = [
        [
            AlertKind(doc.kind).label,
            doc.trigger,
            AlertUrgency(doc.urgency).label,
            doc.spec,
            ", ".join(doc.sources),
        ]
        for doc in ALERT_RULE_DOCS
    ]
    out += _table(["Alert", "Trigger", "Urgency", "SPEC", "Sources"], rows)
    return out


def _templates() -> list[str]:
    out = [
        "## 7. Templates: pain and progression rules",
        "",
        "Progression is criterion-based and applied by the clinician (a new programme "
        "version); nothing moves a patient on automatically.",
        "",
    ]
    rows = []
    for t in TEMPLATES:
        phases = " ".join(
            f"Phase {p['number']} ({p['name']}): {p['progression_criteria']}"
            for p in t["phases"]
            if p["progression_criteria"]
        )
        rows.append(
            [
                f"`{t['slug']}`",
                t["condition"],
                t["pain_rule"],
                t["progression_criteria"] + (" " + phases if phases else ""),
                t["sources"],
                "yes" if t["awaiting_clinical_review"] else "no (sourced dosage)",
            ]
        )
    out += _table(["Template", "Condition", "Pain rule", "Progression", "Sources", REVIEW], rows)
    return out


def _progression() -> list[str]:
    out = [
        "## 8. Symptom-driven progression",
        "",
        f"Rule version `{progression.RULE_VERSION}`. Proposals are computed per exercise of an "
        "active plan from the logs since the last decision on it; a clinician accepts (a new "
        "programme version) or dismisses each one. Nothing is applied without a clinician. "
        f"{REVIEW}.",
        "",
        *_rules_from(progression),
        f"Fixed: pain above the rule in {progression.PAIN_RUN} sessions running [D]; the "
        f"patient sees an accepted change for {progression.NOTICE_DAYS} days.",
        "",
        "### Clinic settings (default shown)",
        "",
    ]
    rows = []
    for name in (
        "progression_pain_rise",
        "progression_min_sessions",
        "progression_easy_run",
        "progression_hard_run",
        "progression_pain_skips",
        "progression_onset_min",
    ):
        f = Clinic._meta.get_field(name)
        assert isinstance(f, models.Field)
        rows.append([f"`{name}`", f.verbose_name, f.default, f.help_text])
    out += _table(["Setting", "Label", "Default", "Meaning"], rows)
    out += ["### Template pain rules", ""]
    rows = []
    for slug, rule in [*PAIN_RULES.items(), ("(no template)", DEFAULT_RULE)]:
        if rule.walking:
            pain = "claudication pain expected; progress on minutes walked or onset"
        elif rule.above_baseline:
            pain = "at most baseline + the clinic's pain rise"
        else:
            pain = f"at most {rule.ceiling}/10"
        rows.append(
            [
                f"`{slug}`",
                pain,
                "pain-free" if rule.progress_at_most == 0 else "within the pain rule",
                "yes" if rule.follow_links else "no (dose steps only)",
                str(rule.morning_run),
                rule.spec,
            ]
        )
    out += _table(
        [
            "Template",
            "Pain during exercise",
            "Progress when",
            "Follows library links",
            "Mornings not back that regress",
            "SPEC",
        ],
        rows,
    )
    return out


def render() -> str:
    lines = [
        "# Clinical rules",
        "",
        "<!-- Generated by `make clinical-rules` from the code; do not edit by hand. -->",
        "",
        "Every rule, threshold and text the software applies to patients, as the code has "
        "them, for sign-off by the clinical lead. Source ids (S1, S2, ...) and SPEC section "
        "numbers refer to the project's clinical specification and its source register. "
        "This is not clinical advice: no rule may go live before a clinician has signed it "
        "off.",
        "",
    ]
    for part in (
        _red_flags,
        _safety_netting,
        _instruments,
        _decision_support,
        _self_screen,
        _alert_rules,
        _templates,
        _progression,
    ):
        lines += part()
    return "\n".join(lines).rstrip() + "\n"


def write(path: Path = DOC_PATH) -> bool:
    """Write the document; True when it changed."""
    text = render()
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True
