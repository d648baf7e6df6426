"""Running `tuinet` in-process for the CLI tests."""

from __future__ import annotations

import importlib
import json
import sys
import types
from pathlib import Path
from typing import Any

import pytest

from tuinet.app.pace import DEFAULT_SPEED
from tuinet.cli import main
from tuinet.engine import NetConfig

__all__ = ["DIVERGES", "ROOT", "TOP_KEYS", "FakeApp", "install_fake_app", "run", "run_json", "strict_json"]

ROOT = Path(__file__).resolve().parents[1]

DIVERGES = ["--hidden", "none", "--output-activation", "linear", "--lr", "10"]
"""Linear regression with far too large a step: the loss overflows to inf after ~90 steps."""

TOP_KEYS = ["config", "steps", "loss", "outputs", "final_outputs", "weights", "diverged", "diverged_at"]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """`tuinet *args` in-process: exit status, stdout, stderr."""
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def strict_json(text: str) -> Any:
    """Parse like a strict JSON reader: NaN/Infinity literals are not JSON."""

    def refuse(constant: str) -> None:
        raise AssertionError(f"invalid JSON literal {constant}")

    return json.loads(text, parse_constant=refuse)


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    """`tuinet train --json *args`, checked to succeed silently, parsed strictly."""
    code, out, err = run(capsys, "train", "--json", *args)
    assert (code, err) == (0, "")
    return strict_json(out)


class FakeApp:
    """Stands in for the Textual app: records what it was made with and how it was run."""

    def __init__(
        self, calls: list[dict[str, Any]], config: NetConfig, theme: str, digits: int, saved: Any = None
    ) -> None:
        self.calls, self.config, self.theme, self.digits, self.saved = calls, config, theme, digits, saved
        self.return_code: int | None = None
        self.scenario: Any = None
        self.extra: dict[str, Any] = {}
        """speed, keymap and notation, recorded only when not the defaults (so older tests' expectations stay exact)."""

    def run(self, *, mouse: bool) -> None:
        call = {"config": self.config, "theme": self.theme, "digits": self.digits, "mouse": mouse}
        if self.saved is not None:
            call["saved"] = self.saved
        if self.scenario is not None:
            call["scenario"] = self.scenario
        defaults = {"speed": DEFAULT_SPEED, "keymap": {}, "notation": "tuinet"}
        call.update({key: value for key, value in self.extra.items() if value != defaults[key]})
        self.calls.append(call)


def install_fake_app(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Replace tuinet.app with a module whose make_app records how it was called and run."""
    calls: list[dict[str, Any]] = []
    module = types.ModuleType("tuinet.app")

    def make_app(
        config: NetConfig,
        *,
        theme: str = "dark",
        digits: int = 3,
        saved: Any = None,
        network: Any = None,
        classroom: Any = None,
        scenario: Any = None,
        speed: int = DEFAULT_SPEED,
        keymap: Any = None,
        notation: str = "tuinet",
        command_line: Any = None,
    ) -> FakeApp:
        assert network is None or network.config == config  # the CLI passes the network it validated
        assert command_line is not None  # the CLI spells the export's command line for the app (it owns the parser)
        app = FakeApp(calls, config, theme, digits, saved)
        app.scenario = scenario
        app.extra = {"speed": speed, "keymap": keymap or {}, "notation": notation}
        return app

    module.make_app = make_app  # type: ignore[attr-defined]
    module.__path__ = importlib.import_module("tuinet.app").__path__  # its other modules (keymap, app) stay real
    monkeypatch.setitem(sys.modules, "tuinet.app", module)
    return calls
