"""A scenario's own notation: its [names] as a notation profile (tuinet/words/notation.py), so the screen, the
cell explanations and the transcript call Mazur's weights w1…w8."""

from __future__ import annotations

from tuinet.scenario.schema import Scenario
from tuinet.words.notation import DEFAULT, NAMES, Profile, custom, get_profile, register

__all__ = ["profile_of"]


def profile_of(scenario: Scenario | None) -> Profile | None:
    """The profile a scenario asks for: its per-cell names on tuinet's notation, or a built-in one; else None."""
    if scenario is None:
        return None
    if not scenario.names:
        return get_profile(scenario.notation) if scenario.notation else None
    name = scenario.notation or scenario.name
    assert name not in NAMES  # the schema refuses [names] under a built-in notation's name
    cells: dict[str, dict[tuple[int, int], str]] = {}
    for matrix, rows in scenario.names:
        named = {(i, j): cell for i, row in enumerate(rows) for j, cell in enumerate(row)}
        cells[matrix] = named
        if matrix[0] in "Wb":  # a parameter's update takes its names, as the sources write it: w5⁺
            cells[f"{matrix}_new"] = {at: f"{cell}⁺" for at, cell in named.items()}
    profile = custom(name, base=DEFAULT, title=scenario.title or name, cells=cells)
    register(profile)  # a scenario loaded again (or another with this name) replaces its own, never a built-in
    return profile
