"""The layers hold: import-linter's contracts (pyproject.toml), light package faces, and small modules."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _modules_loaded_by(code: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys\nprint(' '.join(sorted(sys.modules)))"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split())


def test_import_contracts_are_kept() -> None:
    """A layer crossed anywhere in tuinet/ (even inside a function) fails here, and so CI."""
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if lint is None:
        pytest.fail("lint-imports is missing: install the test extra (pip install '.[test]')")
    done = subprocess.run([lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "broken" in done.stdout and " 0 broken" in done.stdout


def test_serve_loads_no_numpy_and_no_widgets() -> None:
    """`tuinet serve` only launches programs: every module of tuinet.serve imports without numpy or Textual."""
    loaded = _modules_loaded_by(
        "import importlib, pkgutil, tuinet.serve as s\n"
        "for m in pkgutil.walk_packages(s.__path__, 'tuinet.serve.'): importlib.import_module(m.name)"
    )
    assert "numpy" not in loaded
    assert "textual.widgets" not in loaded
    assert "tuinet.engine" not in loaded


FACES = ["tuinet", "tuinet.app", "tuinet.cli", "tuinet.words", "tuinet.errors", "tuinet.fileio"]


@pytest.mark.parametrize("face", FACES)
def test_package_faces_import_nothing_heavy(face: str) -> None:
    loaded = _modules_loaded_by(f"import {face}")
    assert "numpy" not in loaded
    assert "textual" not in loaded


def test_no_module_is_a_god_module() -> None:
    """One job per module: none over ~400 lines (DESIGN.md)."""
    big = {
        str(path.relative_to(ROOT)): n
        for path in (ROOT / "tuinet").rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 420
    }
    assert big == {}
