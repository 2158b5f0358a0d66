"""axe-core (vendored from npm, tests/e2e/vendor/axe-core) run in the page:
the WCAG 2.0/2.1 A and AA rules. The source is evaluated through the DevTools
protocol, so the pages' Content Security Policy stays as users get it."""

from __future__ import annotations

from functools import cache
from pathlib import Path

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@cache
def _source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page) -> list[dict]:
    """The WCAG 2.1 A/AA violations on the page as it is now."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(_source())
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        WCAG_21_AA,
    )
    return result["violations"]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {node['target']}: {node['failureSummary'][:300]}")
    return "\n".join(lines)


def assert_no_violations(page, where: str = "") -> None:
    violations = axe_violations(page)
    assert not violations, f"{where or page.url}\n{describe(violations)}"


class AxeReport:
    """Violations of several pages, reported together at the end."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def check(self, page, where: str = "") -> None:
        violations = axe_violations(page)
        if violations:
            self.problems.append(f"{where or page.url}\n{describe(violations)}")

    def assert_clean(self) -> None:
        assert not self.problems, "\n\n".join(self.problems)
