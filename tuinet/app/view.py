"""What the screen shows at one cursor position: an immutable view over the trace.

Panes never compute numbers; they ask the view for a named matrix as it *stands at the
cursor*: its values, how many of its cells are filled yet, whether it is an operand or the
result of the current operation (and which row/column/cell of it to highlight), and which of
its cells changed since the previous cursor position. This module imports no UI library.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Protocol
from weakref import WeakKeyDictionary

import numpy as np
import numpy.typing as npt

from tuinet.app.session import Cursor, Session
from tuinet.engine import Operation, Trace
from tuinet.engine.types import Matrix
from tuinet.words.cells import Cell, Region, explain_cell

BoolMatrix = npt.NDArray[np.bool_]


class Notation(Protocol):
    """How matrices are named and oriented on screen (a notation profile: app/profiles.py)."""

    @property
    def name(self) -> str: ...

    @property
    def columns(self) -> bool: ...

    def present(self, shown: Shown) -> Shown: ...


__all__ = ["PANES", "Role", "Shown", "StepView"]


class Role(StrEnum):
    NONE = ""
    OPERAND = "operand"
    RESULT = "result"


@dataclass(frozen=True, eq=False)
class Shown:
    """A matrix as it stands at the cursor."""

    name: str
    label: str
    values: Matrix
    filled: int
    """Cells filled so far, in row-major order (values.size when complete, 0 when not reached)."""
    role: Role = Role.NONE
    region: Region | None = None
    """The part to highlight (a row or column read by the current cell, the cell being written)."""

    def filled_mask(self) -> BoolMatrix:
        """True for the cells computed so far (row-major order fills them)."""
        return np.arange(self.values.size).reshape(self.values.shape) < self.filled


def _pane_names(session: Session) -> dict[str, tuple[str, ...]]:
    L, bias = session.network.L, session.config.bias
    layers = range(1, L + 1)
    weights = tuple(n for layer in layers for n in (f"W{layer}", *((f"b{layer}",) if bias else ())))
    updates = tuple(f"dW{layer}" for layer in layers)
    updates += tuple(f"db{layer}" for layer in layers) if bias else ()
    updates += tuple(f"W{layer}_new" for layer in layers)
    updates += tuple(f"b{layer}_new" for layer in layers) if bias else ()
    return {
        "inputs": ("a0", "y"),
        "weights": weights,
        "activations": tuple(n for layer in layers for n in (f"z{layer}", f"a{layer}")),
        "deltas": ("e", *(n for layer in reversed(layers) for n in (f"dadz{layer}", f"delta{layer}"))),
        "updates": updates,
    }


_LAYOUTS: WeakKeyDictionary[Session, tuple[dict[str, tuple[str, ...]], dict[str, int]]] = WeakKeyDictionary()


def _layout(session: Session) -> tuple[dict[str, tuple[str, ...]], dict[str, int]]:
    """Each pane's matrix names, and which operation produces each name (inputs and weights: none).

    Both depend only on the network, so they are worked out once per session, not on every keypress.
    """
    cached = _LAYOUTS.get(session)
    if cached is None:
        producer = {op.result: op.index for op in session.schedule}
        for op in session.schedule:
            # σ′(z) is made alongside δ: it appears with the operation that uses it.
            for name in (op.gate, *(o.name for o in op.operands)):
                if name is not None and name.startswith("dadz"):
                    producer[name] = op.index
        cached = _LAYOUTS[session] = (_pane_names(session), producer)
    return cached


PANES = ("inputs", "weights", "activations", "deltas", "updates")
"""The five matrix panes, in screen order (keys 1–5)."""


class StepView:
    """The screen's content at ``cursor``; ``previous`` is the view it replaces (for change marks)."""

    def __init__(
        self,
        session: Session,
        cursor: Cursor,
        previous: StepView | None = None,
        cell_mode: bool = False,
        digits: int = 3,
        notation: Notation | None = None,
    ) -> None:
        self.session = session
        self.notation = notation
        """The notation profile every shown matrix passes through (app/profiles.py); None: tuinet's own."""
        self.digits = digits
        self.cursor = cursor
        self.trace: Trace = session.history.trace(cursor.iteration)
        self.op: Operation | None = session.schedule[cursor.op] if cursor.op >= 0 else None
        self.cell_mode = cell_mode or (self.op is not None and cursor.cells < session.size(cursor.op))
        self._previous = previous
        if previous is not None:
            previous._previous = None  # keep one step of memory, not a chain
        self._shown: dict[str, Shown] = {}
        self.pane_names, self._producer = _layout(session)

    # -- the current operation and cell --------------------------------------------------

    @cached_property
    def cell(self) -> Cell | None:
        """The cell just computed, when stepping cell by cell."""
        if self.op is None or not self.cell_mode or self.cursor.cells < 1:
            return None
        cols = int(self.trace[self.op.result].shape[1])
        index = self.cursor.cells - 1
        return explain_cell(self.trace, self.op, index // cols, index % cols, digits=self.digits)

    @property
    def phase(self) -> str:
        return "start" if self.op is None else str(self.op.phase)

    @property
    def loss(self) -> float | None:
        """This iteration's loss, once the loss operation has run."""
        return self.trace.loss if self._filled("loss") else None

    @cached_property
    def diverged(self) -> bool:
        at = self.session.history.diverged_at
        return at is not None and self.cursor.iteration >= at

    # -- matrices as they stand -----------------------------------------------------------

    def _filled(self, name: str) -> int:
        size = int(self.trace[name].size)
        producer = self._producer.get(name)
        if producer is None:
            return size
        if producer < self.cursor.op:
            return size
        if producer == self.cursor.op and self.op is not None:
            # The result fills cell by cell; an operand made alongside it (σ′(z) for δ) is shown whole.
            return self.cursor.cells if name == self.op.result else size
        return 0

    def shown(self, name: str, standing: bool = True) -> Shown:
        """``name`` at the cursor. ``standing``: weights as they stand, showing their update as it is applied.

        The Weights pane shows W as it stands; an operation shows its operands as it read them, so the
        update ``W1′ = W1 − lr·dW1`` on the stage keeps the old W1 on its left, not the new values.
        """
        key = name if standing else f"{name}:read"
        cached = self._shown.get(key)
        if cached is not None:
            return cached
        values = self.trace[name]
        filled = self._filled(name)
        if standing and f"{name}_new" in self.trace:
            new_filled = self._filled(f"{name}_new")
            if new_filled:
                mixed = values.copy().ravel()
                mixed[:new_filled] = self.trace[f"{name}_new"].ravel()[:new_filled]
                values = mixed.reshape(values.shape)
        role, region = self._role(name)
        shown = Shown(name, self.trace.label(name), values, filled, role, region)
        if self.notation is not None:  # THE place a profile relabels and orients a matrix
            shown = self.notation.present(shown)
        self._shown[key] = shown
        return shown

    def _role(self, name: str) -> tuple[Role, Region | None]:
        op = self.op
        if op is None:
            return Role.NONE, None
        # Stepping whole operations, the titles say what is read and written; stepping cells,
        # the row, column and cell in play are highlighted too.
        cell = self.cell
        if name == op.result:
            return Role.RESULT, (cell.highlights.get(name) if cell else None)
        if name in op.names:
            return Role.OPERAND, (cell.highlights.get(name, Region("all")) if cell else None)
        return Role.NONE, None

    def changed(self, name: str) -> BoolMatrix | None:
        """A boolean mask of cells whose shown value differs from the previous cursor position."""
        previous = self._previous
        if previous is None:
            return None
        now, before = self.shown(name), previous.shown(name)
        if now.filled == 0 or now.values.shape != before.values.shape:  # another notation's orientation
            return None
        mask_now = now.filled_mask()
        mask_before = before.filled_mask()
        with np.errstate(invalid="ignore"):
            differ = ~((now.values == before.values) | (np.isnan(now.values) & np.isnan(before.values)))
        changed = mask_now & (~mask_before | differ)
        return changed if changed.any() else None

    def pane_key(self, pane: str) -> tuple[object, ...]:
        """What decides a pane's look; equal keys mean there is nothing to redraw."""
        parts: list[object] = [self.cursor.iteration if pane != "inputs" else 0]
        for name in self.pane_names[pane]:
            shown = self.shown(name)
            changed = self.changed(name)
            parts.append((shown.filled, shown.role, shown.region, None if changed is None else changed.tobytes()))
            if name.startswith("W") or name.startswith("b"):
                parts.append(shown.values.tobytes())
        if pane == "inputs":
            parts.append(self.trace.rows)
        return tuple(parts)
