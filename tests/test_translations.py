"""Issue 18: every message of the shipped languages is translated. Runs
`makemessages` over the sources into a temporary copy of the catalogue and
fails on any untranslated or fuzzy message, on a committed catalogue that is
stale (run `make messages`), on a lost or changed placeholder, and on a .mo
that is not the compiled .po. To fix: `make messages`, fill each empty msgstr
in locale/<lang>/LC_MESSAGES/django.po (and clear "fuzzy" after checking),
then `make messages` again (docs/translations.md)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

ROOT = Path(settings.BASE_DIR)
LOCALE = ROOT / "locale"
SHIPPED = [code for code, _name in settings.LANGUAGES if not code.startswith("en")]
IGNORE = [".venv/*", "var/*", "tests/*", "bench/*", "node_modules/*", "test-artifacts/*"]


def _gettext_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} (gettext) is missing: run `make gettext` or `make test`.")
    return path


def _msgids(po: Path) -> set[str]:
    # msgattrib --no-wrap gives one line per msgid; the header (msgid "") is left out.
    out = subprocess.run(
        [_gettext_tool("msgattrib"), "--no-wrap", "--no-obsolete", str(po)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {line for line in out.splitlines() if line.startswith("msgid ")} - {'msgid ""'}


def _entries(po: Path, flag: str) -> str:
    return subprocess.run(
        [_gettext_tool("msgattrib"), flag, "--no-wrap", str(po)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


SOURCE_IGNORE = shutil.ignore_patterns(
    ".*",
    "__pycache__",
    "*.pyc",
    "var",
    "tests",
    "bench",
    "node_modules",
    "test-artifacts",
    "locale",
    "docs",
    "deploy",
)


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    """The catalogues as `make messages` would leave them, made from a copy of
    the sources into a copy of the catalogues (the real ones are not touched:
    makemessages writes into the `locale` directory of the tree it runs in)."""
    _gettext_tool("xgettext")
    tree = tmp_path_factory.mktemp("sources") / "project"
    shutil.copytree(ROOT, tree, ignore=SOURCE_IGNORE, symlinks=True)
    copy = tree / "locale"
    for code in SHIPPED:
        target = copy / code / "LC_MESSAGES"
        target.mkdir(parents=True)
        shutil.copy(LOCALE / code / "LC_MESSAGES" / "django.po", target / "django.po")
    cwd = os.getcwd()
    os.chdir(tree)
    try:
        with override_settings(LOCALE_PATHS=[copy]):
            call_command(
                "makemessages",
                locale=SHIPPED,
                no_obsolete=True,
                no_location=True,
                ignore_patterns=IGNORE,
                verbosity=0,
            )
    finally:
        os.chdir(cwd)
    return copy


@pytest.mark.parametrize("code", SHIPPED)
def test_every_message_is_translated_and_none_is_fuzzy(regenerated, code):
    po = regenerated / code / "LC_MESSAGES" / "django.po"
    untranslated = _entries(po, "--untranslated")
    fuzzy = _entries(po, "--only-fuzzy")
    # msgattrib prints the header entry too; a real untranslated entry has a non-empty msgid.
    assert 'msgid "' not in untranslated.replace('msgid ""\nmsgstr ""', ""), (
        f"Untranslated in {code}: run `make messages` and fill these:\n{untranslated}"
    )
    assert "msgid" not in fuzzy, f"Fuzzy in {code} (check, then clear the flag):\n{fuzzy}"


@pytest.mark.parametrize("code", SHIPPED)
def test_the_committed_catalogue_is_current(regenerated, code):
    committed = LOCALE / code / "LC_MESSAGES" / "django.po"
    fresh = regenerated / code / "LC_MESSAGES" / "django.po"
    assert _msgids(committed) == _msgids(fresh), (
        f"locale/{code} is stale: run `make messages` (new: "
        f"{sorted(_msgids(fresh) - _msgids(committed))[:10]}, gone: "
        f"{sorted(_msgids(committed) - _msgids(fresh))[:10]})"
    )


@pytest.mark.parametrize("code", SHIPPED)
def test_placeholders_are_kept_and_the_mo_is_the_compiled_po(tmp_path, code):
    po = LOCALE / code / "LC_MESSAGES" / "django.po"
    compiled = tmp_path / "django.mo"
    check = subprocess.run(
        [_gettext_tool("msgfmt"), "--check", "-o", str(compiled), str(po)],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr  # python-format: the same placeholders
    committed = LOCALE / code / "LC_MESSAGES" / "django.mo"
    assert committed.read_bytes() == compiled.read_bytes(), "run `make messages` (compiles)"
