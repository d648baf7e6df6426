"""What the screen shows at one cursor position: an immutable value built once per frame.

``build_view`` reads the session (the one owner of the state) and returns a ``StepView``: every matrix as it
stands at the cursor (its values, how many of its cells are filled, whether it is an operand or the result of
the current operation and which row/column/cell to highlight, which of its cells changed since the previous
cursor position), the equation's text, the status line's facts, the loss curve and, when one is open, the
why-view's facts. Widgets draw only this: they never compute numbers and never reach into the session.

A notation profile (session.notation) plugs in at ``_present``, the one place each shown matrix is made.
This module imports no UI library.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType

import numpy as np

from tuinet.app.cursor import Cursor
from tuinet.app.layout import PANES, Layout
from tuinet.app.notation import PLAIN, Notation
from tuinet.app.session import Session
from tuinet.app.shown import BoolMatrix, Role, Shown
from tuinet.app.whyfacts import WhyFacts, why_facts
from tuinet.engine import NetConfig, Operation, OpKind, Trace
from tuinet.words.cells import Cell, Region, explain_cell
from tuinet.words.names import label

__all__ = ["PANES", "Role", "Shown", "StepView", "build_view", "compose_view"]


@dataclass(frozen=True, eq=False)
class StepView:
    """The screen's content at ``cursor``. Built by ``build_view``; never changed afterwards."""

    cursor: Cursor
    cell_mode: bool
    """Stepping cell by cell (or mid-operation): the equation spells out the cell, the status counts cells."""
    digits: int
    config: NetConfig
    trace: Trace
    """The iteration's numbers (immutable; read for labels and dataset rows)."""
    layout: Layout
    op: Operation | None
    op_count: int
    cell: Cell | None
    """The cell just computed, when stepping cell by cell."""
    matrices: Mapping[str, Shown]
    """Every pane's matrix as it stands (weights showing their update as it is applied)."""
    read: Mapping[str, Shown]
    """The current operation's matrices as it read them (the update keeps the old W on its left)."""
    changes: Mapping[str, BoolMatrix | None]
    """Per matrix, the cells whose shown value differs from the previous cursor position (None: none)."""
    pane_keys: Mapping[str, tuple[object, ...]]
    """What decides each pane's look; equal keys mean there is nothing to redraw."""
    loss: float | None
    """This iteration's loss, once the loss operation has run."""
    diverged_at: int | None
    """The first diverged iteration, if the cursor is at or past it."""
    curve: tuple[float, ...] = ()
    """The loss curve up to the iteration on screen, sampled for the status line's width."""
    notation: Notation = PLAIN
    why: WhyFacts | None = None
    """The open why-view's numbers (None when none is open)."""
    active_pane: str = "inputs"
    """The pane a small terminal shows: the pinned one, else the current operation's."""
    pane_follows: bool = True
    """Whether ``active_pane`` follows the operation (no pane pinned with 1–5)."""

    # -- reading --------------------------------------------------------------------------------

    @property
    def pane_names(self) -> Mapping[str, tuple[str, ...]]:
        return self.layout.panes

    @property
    def phase(self) -> str:
        return "start" if self.op is None else str(self.op.phase)

    @property
    def op_size(self) -> int:
        """Cells in the current operation's result (0 at the start of an iteration)."""
        return self.layout.sizes[self.op.index] if self.op is not None else 0

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None

    def shown(self, name: str, standing: bool = True) -> Shown:
        """``name`` at the cursor; ``standing=False``: as the current operation read it."""
        if not standing and name in self.read:
            return self.read[name]
        return self.matrices[name]

    def changed(self, name: str) -> BoolMatrix | None:
        return self.changes.get(name)

    def pane_key(self, pane: str) -> tuple[object, ...]:
        return self.pane_keys[pane]

    @cached_property
    def stage_variants(self) -> tuple[StepView, ...]:
        """This iteration's every operation complete: the stage takes the height that fits them all."""
        return tuple(
            compose_view(
                self.trace,
                self.layout,
                Cursor(self.cursor.iteration, op.index, self.layout.sizes[op.index]),
                config=self.config,
                digits=self.digits,
                notation=self.notation,
            )
            for op in self.trace.schedule
        )


# -- building -------------------------------------------------------------------------------------


def build_view(
    session: Session,
    previous: StepView | None = None,
    *,
    curve_points: int = 40,
    screen: tuple[int, int] = (80, 24),
) -> StepView:
    """The view of ``session`` at its cursor. ``previous`` (the view on screen) gives the change marks;
    ``curve_points`` is how many losses the status line's curve has room for; ``screen`` sizes the prediction map."""
    cursor = session.cursor
    history = session.history
    trace = history.trace(cursor.iteration)
    loss_op = session.layout.producer.get("loss")
    loss_known = loss_op is not None and cursor.op >= loss_op
    # The curve: this run's losses up to the iteration on screen (its own once the loss is known).
    last = cursor.iteration if loss_known else cursor.iteration - 1
    at = history.diverged_at
    why = None
    if session.why is not None:
        why = why_facts(session, session.why, trace, screen, previous.why if previous is not None else None)
    return compose_view(
        trace,
        session.layout,
        cursor,
        config=session.config,
        cell_mode=session.cell_mode,
        digits=session.digits,
        notation=session.notation,
        previous=previous,
        curve=tuple(history.loss_curve(last, points=curve_points)),
        diverged_at=at if at is not None and cursor.iteration >= at else None,
        why=why,
        pinned=session.pinned,
    )


def compose_view(
    trace: Trace,
    layout: Layout,
    cursor: Cursor,
    *,
    config: NetConfig,
    cell_mode: bool = False,
    digits: int = 3,
    notation: Notation = PLAIN,
    previous: StepView | None = None,
    curve: tuple[float, ...] = (),
    diverged_at: int | None = None,
    why: WhyFacts | None = None,
    pinned: str | None = None,
) -> StepView:
    """The view at ``cursor`` of one iteration's ``trace``: pure, from immutable inputs."""
    op = trace.schedule[cursor.op] if cursor.op >= 0 else None
    cell_mode = cell_mode or (op is not None and cursor.cells < layout.sizes[op.index])
    cell = None
    if op is not None and cell_mode and cursor.cells >= 1:
        cols = int(trace[op.result].shape[1])
        index = cursor.cells - 1
        cell = explain_cell(trace, op, index // cols, index % cols, digits=digits)

    def filled(name: str) -> int:
        size = int(trace[name].size)
        producer = layout.producer.get(name)
        if producer is None or producer < cursor.op:
            return size
        if producer == cursor.op and op is not None:
            # The result fills cell by cell; an operand made alongside it (σ′(z) for δ) is shown whole.
            return cursor.cells if name == op.result else size
        return 0

    def role(name: str) -> tuple[Role, Region | None]:
        if op is None:
            return Role.NONE, None
        # Stepping whole operations, the titles say what is read and written; stepping cells,
        # the row, column and cell in play are highlighted too.
        if name == op.result:
            return Role.RESULT, (cell.highlights.get(name) if cell else None)
        if name in op.names:
            return Role.OPERAND, (cell.highlights.get(name, Region("all")) if cell else None)
        return Role.NONE, None

    def make(name: str, standing: bool) -> Shown:
        # The Weights pane shows W as it stands; an operation shows its operands as it read them, so the
        # update W1′ = W1 − lr·dW1 on the stage keeps the old W1 on its left, not the new values.
        values = trace[name]
        if standing and f"{name}_new" in trace:
            new_filled = filled(f"{name}_new")
            if new_filled:
                mixed = values.copy().ravel()
                mixed[:new_filled] = trace[f"{name}_new"].ravel()[:new_filled]
                values = mixed.reshape(values.shape)
        return _present(notation, Shown(name, label(trace, name), values, filled(name), *role(name)))

    names = dict.fromkeys(n for pane in PANES for n in layout.panes[pane])
    if op is not None:
        names.update(dict.fromkeys(op.names))
    matrices = {name: make(name, standing=True) for name in names}
    read = {name: make(name, standing=False) for name in op.names} if op is not None else {}

    if previous is not None and previous.notation is not notation:
        changes: Mapping[str, BoolMatrix | None] = {}  # another notation: another orientation, no marks
    elif previous is not None and previous.cursor == cursor and previous.layout is layout:
        changes = previous.changes  # a redraw of the same position keeps its marks
    else:
        changes = (
            {name: _changed(shown, previous.matrices.get(name)) for name, shown in matrices.items()}
            if (previous is not None and previous.layout is layout)
            else {}
        )

    pane_keys = {pane: _pane_key(pane, layout, cursor, matrices, changes, trace) for pane in PANES}
    loss_filled = "loss" in trace and filled("loss") > 0
    return StepView(
        cursor=cursor,
        cell_mode=cell_mode,
        digits=digits,
        config=config,
        trace=trace,
        layout=layout,
        op=op,
        op_count=len(trace.schedule),
        cell=cell,
        matrices=MappingProxyType(matrices),
        read=MappingProxyType(read),
        changes=MappingProxyType(dict(changes)),
        pane_keys=MappingProxyType(pane_keys),
        loss=trace.loss if loss_filled else None,
        diverged_at=diverged_at,
        curve=curve,
        notation=notation,
        why=why,
        active_pane=pinned or _follow_pane(op, layout),
        pane_follows=pinned is None,
    )


def _follow_pane(op: Operation | None, layout: Layout) -> str:
    """The pane that shows the current operation's result (the loss, a number, shows with the deltas)."""
    if op is None:
        return "inputs"
    if op.kind is OpKind.LOSS:
        return "deltas"
    for pane in PANES:
        if op.result in layout.panes[pane]:
            return pane
    return "activations"


def _present(notation: Notation, shown: Shown) -> Shown:
    """THE place a notation profile changes how a matrix is shown (labels, orientation)."""
    return notation.present(shown)


def _changed(now: Shown, before: Shown | None) -> BoolMatrix | None:
    """A boolean mask of cells whose shown value differs from the previous cursor position."""
    if before is None or now.filled == 0 or now.values.shape != before.values.shape:
        return None
    mask_now = now.filled_mask()
    mask_before = before.filled_mask()
    with np.errstate(invalid="ignore"):
        differ = ~((now.values == before.values) | (np.isnan(now.values) & np.isnan(before.values)))
    changed = mask_now & (~mask_before | differ)
    return changed if changed.any() else None


def _pane_key(
    pane: str,
    layout: Layout,
    cursor: Cursor,
    matrices: Mapping[str, Shown],
    changes: Mapping[str, BoolMatrix | None],
    trace: Trace,
) -> tuple[object, ...]:
    # The layout is one object per session: another network (a loaded session, the teacher's) redraws everything.
    parts: list[object] = [layout, cursor.iteration if pane != "inputs" else 0]
    for name in layout.panes[pane]:
        shown = matrices[name]
        changed = changes.get(name)
        parts.append((shown.filled, shown.role, shown.region, None if changed is None else changed.tobytes()))
        if name.startswith("W") or name.startswith("b"):
            parts.append(shown.values.tobytes())
    if pane == "inputs":
        parts.append(trace.rows)
    return tuple(parts)
