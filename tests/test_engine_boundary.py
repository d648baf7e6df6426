"""The engine stands alone: importing it (any module of it) loads no UI library, and no file imports one."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import tuinet.engine

ENGINE = Path(tuinet.engine.__file__).resolve().parent
ROOT = ENGINE.parent.parent
UI_LIBRARIES = ("textual", "rich")


def _engine_modules() -> list[str]:
    return sorted(
        "tuinet.engine" if path.name == "__init__.py" else f"tuinet.engine.{path.stem}" for path in ENGINE.glob("*.py")
    )


def test_the_engine_modules_are_found() -> None:
    modules = _engine_modules()
    assert {"tuinet.engine", "tuinet.engine.network", "tuinet.engine.history", "tuinet.engine.trace"} <= set(modules)


def test_importing_the_engine_loads_no_ui_library() -> None:
    """In a fresh interpreter: import every engine module, then look at sys.modules."""
    imports = "; ".join(f"import {module}" for module in _engine_modules())
    probe = (
        f"import sys; {imports}; "
        f"loaded = sorted(m for m in sys.modules if m.split('.')[0] in {UI_LIBRARIES!r}); "
        "print(','.join(loaded))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"the engine pulled in: {result.stdout.strip()}"


def test_each_engine_module_alone_loads_no_ui_library() -> None:
    """Module by module, so that one module importing another cannot hide an offender."""
    probe = (
        "import importlib, sys\n"
        f"for name in {_engine_modules()!r}:\n"
        "    before = set(sys.modules)\n"
        "    importlib.import_module(name)\n"
        f"    bad = [m for m in set(sys.modules) - before if m.split('.')[0] in {UI_LIBRARIES!r}]\n"
        "    assert not bad, (name, bad)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr


def test_no_engine_file_imports_a_ui_library_or_the_app() -> None:
    """Statically, including imports inside functions and under TYPE_CHECKING."""
    offenders = []
    for path in sorted(ENGINE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level >= 2:  # `from .. import app` leaves the engine
                names = [f"tuinet.{node.module or ''}"]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                shared = name in ("tuinet.errors", "tuinet.fileio")  # the two modules below every layer
                outside = name.startswith("tuinet.") and not name.startswith("tuinet.engine") and not shared
                if top in UI_LIBRARIES or outside:
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {name}")
    assert not offenders, "\n".join(offenders)
