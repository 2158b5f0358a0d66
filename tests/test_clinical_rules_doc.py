"""docs/clinical-rules.md is generated from the code and must be current."""

from __future__ import annotations

from assessments import red_flags
from devtools import clinical_rules
from tracking import self_screen


def test_the_checked_in_clinical_rules_document_is_current():
    assert clinical_rules.DOC_PATH.read_text(encoding="utf-8") == clinical_rules.render(), (
        "docs/clinical-rules.md is stale: run `make clinical-rules` and commit it."
    )


def test_every_red_flag_rule_and_self_screen_question_is_documented():
    text = clinical_rules.render()
    assert set(red_flags.RULE_DOCS) == set(red_flags.RULES_BY_ID)
    for rule in red_flags.RULES:
        assert f"`{rule.rule_id}`" in text
    for question in self_screen.QUESTIONS:
        assert f"`{question.code}`" in text
    assert red_flags.RULESET_VERSION in text


def test_a_changed_rule_makes_the_document_stale(monkeypatch):
    before = clinical_rules.render()
    monkeypatch.setattr(red_flags, "RULESET_VERSION", "rf-test")
    assert clinical_rules.render() != before


def test_write_reports_whether_the_file_changed(tmp_path):
    target = tmp_path / "clinical-rules.md"
    assert clinical_rules.write(target) is True
    assert clinical_rules.write(target) is False
    assert target.read_text(encoding="utf-8") == clinical_rules.render()


def test_the_readme_links_the_document_inside_the_repository():
    readme = (clinical_rules.DOC_PATH.parent.parent / "README.md").read_text(encoding="utf-8")
    assert "docs/clinical-rules.md" in readme
    assert "../shared" not in readme
