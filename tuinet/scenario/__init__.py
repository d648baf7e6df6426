"""Scenarios: a network, its data, its starting weights and its lesson, from a TOML file or a built-in preset.

Layer: above words (lessons are narration) and the engine (a scenario is a NetConfig and more); below the app,
which shows a scenario's names and lesson. Parsing files here is I/O plus configuration, nothing on screen.

The package face imports nothing heavy: ``tuinet train`` without a scenario never loads the parser (the names
below load their modules on first use).
"""

from __future__ import annotations

import importlib
import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tuinet.scenario.lessonfile import load_lesson, parse_lesson
    from tuinet.scenario.presets import PRESETS, load_preset, preset_names
    from tuinet.scenario.schema import Scenario
    from tuinet.scenario.tomlfile import ScenarioError

__all__ = [
    "PRESETS",
    "Scenario",
    "ScenarioError",
    "load_lesson",
    "load_preset",
    "load_scenario",
    "parse_lesson",
    "preset_names",
]

_HOME = {
    "load_lesson": "tuinet.scenario.lessonfile",
    "parse_lesson": "tuinet.scenario.lessonfile",
    "PRESETS": "tuinet.scenario.presets",
    "load_preset": "tuinet.scenario.presets",
    "preset_names": "tuinet.scenario.presets",
    "Scenario": "tuinet.scenario.schema",
    "ScenarioError": "tuinet.scenario.tomlfile",
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'tuinet.scenario' has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)


def load_scenario(path: str, max_units: int | None = None) -> Scenario:
    """The scenario in TOML file ``path``; ScenarioError (one line: file, line, field) if it cannot be used."""
    from tuinet.scenario.lessonfile import load_lesson
    from tuinet.scenario.schema import scenario_from_toml
    from tuinet.scenario.tomlfile import read_toml

    stem = os.path.splitext(os.path.basename(path))[0]
    return scenario_from_toml(read_toml(path), stem, load_lesson, max_units)
