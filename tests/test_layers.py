"""The apps depend one way (the import-linter layers contract in
pyproject.toml), and the contract really fails on an upward import."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=cwd, capture_output=True, text=True, check=False
    )


def test_the_layers_contract_is_kept():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_the_contract_fails_when_a_lower_layer_imports_a_higher_one(tmp_path):
    # A copy of the project's Python packages with one upward import added.
    with open(ROOT / "pyproject.toml", "rb") as f:
        packages = tomllib.load(f)["tool"]["importlinter"]["root_packages"]
    for package in packages:
        shutil.copytree(
            ROOT / package,
            tmp_path / package,
            ignore=shutil.ignore_patterns("static", "templates", "__pycache__", "locale"),
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "patients" / "upward.py").write_text("from tracking import adherence  # noqa\n")
    result = _lint(tmp_path)
    assert result.returncode != 0
    assert "patients.upward -> tracking.adherence" in result.stdout
