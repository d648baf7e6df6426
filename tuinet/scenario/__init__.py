"""Scenarios: a network, its data, its starting weights and its lesson, from a TOML file or a built-in preset.

Layer: above words (lessons are narration) and the engine (a scenario is a NetConfig and more); below the app,
which shows a scenario's names and lesson. Parsing files here is I/O plus configuration, nothing on screen.
"""

from __future__ import annotations

from tuinet.scenario.lessonfile import load_lesson, parse_lesson
from tuinet.scenario.presets import PRESETS, load_preset, preset_names
from tuinet.scenario.schema import Scenario, scenario_from_toml
from tuinet.scenario.tomlfile import ScenarioError, read_toml

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


def load_scenario(path: str, max_units: int | None = None) -> Scenario:
    """The scenario in TOML file ``path``; ScenarioError (one line: file, line, field) if it cannot be used."""
    return scenario_from_toml(read_toml(path), _stem(path), load_lesson, max_units)


def _stem(path: str) -> str:
    import os

    return os.path.splitext(os.path.basename(path))[0]
