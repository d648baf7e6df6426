"""The built-in presets: textbook and tutorial networks, as scenario files shipped in tuinet/presets/.

Each file cites its source at the top and lists every number the source prints ([[printed]]), so the tests
check tuinet's engine against the source's own digits (tests/test_presets.py).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, NoReturn

from tuinet.scenario.tomlfile import ScenarioError, read_toml

if TYPE_CHECKING:
    from tuinet.scenario.schema import Scenario

__all__ = ["PRESETS", "load_preset", "preset_names"]

PRESETS = ("tutorial", "trask-1layer", "trask-2layer", "mazur", "hagan")
"""In the order `tuinet presets` lists them."""


def preset_names() -> tuple[str, ...]:
    return PRESETS


@cache
def _text(name: str) -> str:
    return resources.files("tuinet").joinpath("presets", f"{name}.toml").read_text(encoding="utf-8")


def load_preset(name: str, max_units: int | None = None) -> Scenario:
    """Preset ``name``; ScenarioError naming the presets there are if there is none."""
    if name not in PRESETS:
        raise ScenarioError(f"no preset named {name!r}; the presets are {', '.join(PRESETS)} (see `tuinet presets`)")
    from tuinet.scenario.schema import scenario_from_toml  # the parser only when a preset is asked for

    toml = read_toml(f"preset {name}", text=_text(name))
    return scenario_from_toml(toml, name, _no_files, max_units)


def _no_files(path: str) -> NoReturn:
    """Presets name only built-in lessons; a path would be read relative to the working directory."""
    del path
    raise ScenarioError("a preset can name only a built-in lesson")
