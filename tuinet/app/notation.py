"""The slot where a notation profile plugs in: how a matrix is named and oriented on screen.

The view builder (view.py) passes every matrix it shows through ``Session.notation.present`` — the one place a
profile relabels or transposes. The numbers are always the engine's. ``PLAIN`` is tuinet's own notation: rows are
samples, W is inputs×outputs, names as the schema writes them. This module imports no UI library.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from tuinet.app.shown import Shown

__all__ = ["PLAIN", "Notation", "Plain"]


class Notation(Protocol):
    """A way of showing the engine's matrices."""

    @property
    def name(self) -> str: ...

    @property
    def columns(self) -> bool:
        """Column vectors (Nielsen): every matrix drawn transposed, products written z = W·a."""
        ...

    def present(self, shown: Shown) -> Shown:
        """``shown`` as this notation writes it (a new label, a transposed matrix…)."""
        ...


class Plain:
    """tuinet's notation: every matrix as the engine holds it."""

    name = "tuinet"
    columns = False

    def present(self, shown: Shown) -> Shown:
        return shown


PLAIN: Notation = Plain()
