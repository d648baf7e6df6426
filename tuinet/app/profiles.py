"""A notation profile on screen: the one place a matrix is relabelled and oriented for the learner's source.

``ProfileNotation.present`` is what the view calls for every matrix it shows (status, equation, stage, panes,
why-views all read the view's Shown, so they all use it): the label becomes the profile's, and for a
column-vector profile (Nielsen) the values, the filled cells, the highlights and the shape are transposed.
The numbers are the engine's, unchanged. ``explain`` gives the equation's words (words/reasons.py) in the
same profile. This module imports no UI library.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from tuinet.app.shown import BoolMatrix, Shown
from tuinet.engine.network import Network
from tuinet.engine.trace import Operation, Trace
from tuinet.words.cells import Region
from tuinet.words.notation import DEFAULT, Profile, get_profile, next_name, registered
from tuinet.words.reasons import Reason, explain
from tuinet.words.terms import Facts, Terms

__all__ = ["ProfileNotation", "TransposedShown", "names_line", "notation_for", "signs_line"]


@dataclass(frozen=True, eq=False)
class TransposedShown(Shown):
    """A matrix drawn transposed: ``values`` is the engine's matrix ᵀ; cells still fill in the engine's order."""

    def filled_mask(self) -> BoolMatrix:
        rows, cols = self.values.shape
        # The engine fills its (cols × rows) matrix row by row; drawn transposed, that is column by column.
        return (np.arange(self.values.size).reshape(cols, rows) < self.filled).T


def _swap(region: Region | None) -> Region | None:
    if region is None or region.kind == "all":
        return region
    if region.kind == "row":
        return Region("col", j=region.i)
    if region.kind == "col":
        return Region("row", i=region.j)
    return Region("cell", region.j, region.i)


@dataclass(frozen=True, eq=False)
class ProfileNotation:
    """A profile bound to one network (its layers and activations name the matrices)."""

    profile: Profile
    facts: Facts

    @property
    def name(self) -> str:
        return self.profile.name

    @property
    def columns(self) -> bool:
        return self.profile.columns

    @property
    def terms(self) -> Terms:
        return Terms(self.profile, self.facts)

    def label(self, key: str) -> str:
        return self.terms.name(key)  # the one place a label is made (words/terms.py)

    def present(self, shown: Shown) -> Shown:
        """``shown`` in this profile's names and orientation (the numbers unchanged)."""
        label = self.label(shown.name)
        if not self.profile.columns:
            return shown if label == shown.label else replace(shown, label=label)
        return TransposedShown(shown.name, label, shown.values.T, shown.filled, shown.role, _swap(shown.region))

    def explain(self, op: Operation, trace: Trace, cell: tuple[int, int] | None, digits: int) -> Reason:
        return explain(op, trace, self.facts, self.profile, cell, digits)

    def next(self) -> ProfileNotation:
        """The next profile in the ``n`` cycle (the built-ins, then any a preset registered), same network."""
        return ProfileNotation(get_profile(next_name(self.profile.name, registered())), self.facts)


def names_line(notation: object, keys: tuple[str, ...]) -> str:
    """For the why-views: how the active profile names ``keys`` (tuinet's maths name → yours), and the last note."""
    if not isinstance(notation, ProfileNotation) or notation.name == DEFAULT:
        return ""
    pairs = [f"{key_label} is your {notation.label(k)}" for k in keys if (key_label := _maths(k)) != notation.label(k)]
    notes = [n for n in (notation.profile.note(k, notation.facts.L, notation.facts.activations) for k in keys) if n]
    head = f"in your names ({notation.name}): " + ", ".join(pairs) if pairs else f"notation {notation.name}"
    # The why-views draw every matrix in the profile's orientation (as the main view does): say so once.
    turned = f". {notation.profile.once}" if notation.columns and notation.profile.once else ""
    return head + (f". {notes[-1]}" if notes else "") + turned


def signs_line(notation: object, keys: tuple[str, ...]) -> str:
    """For the sign view: which form is the learner's code, in their names (form B's e and δ are −tuinet's)."""
    if not isinstance(notation, ProfileNotation) or notation.name == DEFAULT:
        return ""
    negated = [(k, notation.label(k)) for k in keys if notation.label(k).startswith("−")]
    if not negated:
        return names_line(notation, keys)
    mine = ", ".join(f"its {_maths(k)} is your {label[1:]}" for k, label in negated)
    theirs = ", ".join(f"{_maths(k)} = {label}" for k, label in negated)
    return f"in your names ({notation.name}): form B is your code — {mine}; form A is tuinet's ({theirs})"


def _maths(key: str) -> str:
    return get_profile(DEFAULT).label(key, 0)


def notation_for(network: Network, name: str = DEFAULT) -> ProfileNotation:
    return ProfileNotation(get_profile(name), Facts.of(network))
