"""The cursor ``(iteration, operation, cell)`` and the arithmetic that moves it over a schedule.

Moving the cursor is arithmetic on three integers, so a key press costs microseconds; the expensive part
(computing the trace at the cursor and drawing it) happens once per frame, for wherever the cursor ended up.
This module imports no UI library and no numpy: it knows only how many cells each operation's result has.

Cursor meaning, for a schedule of n operations:
- ``op == -1``: iteration ``iteration`` has not started; only its inputs and weights exist (``cells`` is 0);
- ``0 ≤ op < n`` with ``cells`` of the op's result filled (``1 ≤ cells ≤ size``); ``cells == size`` means the
  operation is complete. ``(it, n − 1, size)`` is the finished iteration.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

__all__ = ["Cursor", "Granularity", "Steps"]


class Granularity(StrEnum):
    ITERATION = "iteration"
    OPERATION = "operation"
    CELL = "cell"


@dataclass(frozen=True, order=True)
class Cursor:
    iteration: int = 1
    op: int = -1
    cells: int = 0
    """Cells of the current operation's result already computed (its size when complete)."""


@dataclass(frozen=True)
class Steps:
    """Cursor moves over a schedule whose operation ``k`` writes ``sizes[k]`` cells, for iterations 1…max."""

    sizes: tuple[int, ...]
    max_iteration: int = 10_000_000

    @property
    def last_op(self) -> int:
        return len(self.sizes) - 1

    def complete(self, iteration: int) -> Cursor:
        """The cursor of a finished iteration."""
        return Cursor(iteration, self.last_op, self.sizes[-1])

    def at_op(self, iteration: int, op: int) -> Cursor:
        """Operation ``op`` complete (``op == -1``: the iteration not started)."""
        return Cursor(iteration, op, self.sizes[op]) if op >= 0 else Cursor(iteration, -1, 0)

    def valid(self, c: Cursor) -> bool:
        """Whether ``c`` is a position of this schedule (what the moves never leave)."""
        if not 1 <= c.iteration <= self.max_iteration or not -1 <= c.op <= self.last_op:
            return False
        return c.cells == 0 if c.op < 0 else 1 <= c.cells <= self.sizes[c.op]

    def is_complete(self, c: Cursor) -> bool:
        return c.op == self.last_op and c.cells == self.sizes[-1]

    # -- moves: each returns the new cursor ------------------------------------------------

    def next_iteration(self, c: Cursor) -> Cursor:
        """Finish the current iteration, or run the next one if it is finished."""
        if self.is_complete(c):
            return self.complete(min(c.iteration + 1, self.max_iteration))
        return self.complete(c.iteration)

    def previous_iteration(self, c: Cursor) -> Cursor:
        if c.iteration == 1:
            return Cursor()
        return self.complete(c.iteration - 1)

    def next_op(self, c: Cursor) -> Cursor:
        if c.op < self.last_op:
            return self.at_op(c.iteration, c.op + 1)
        if c.cells < self.sizes[-1]:
            return self.complete(c.iteration)
        if c.iteration >= self.max_iteration:
            return c
        return self.at_op(c.iteration + 1, 0)

    def previous_op(self, c: Cursor) -> Cursor:
        if c.op >= 0:
            return self.at_op(c.iteration, c.op - 1)
        if c.iteration == 1:
            return c
        return self.complete(c.iteration - 1)

    def next_cell(self, c: Cursor) -> Cursor:
        if c.op >= 0 and c.cells < self.sizes[c.op]:
            return replace(c, cells=c.cells + 1)
        if c.op < self.last_op:
            return Cursor(c.iteration, c.op + 1, 1)
        if c.iteration >= self.max_iteration:
            return c
        return Cursor(c.iteration + 1, 0, 1)

    def previous_cell(self, c: Cursor) -> Cursor:
        if c.op >= 0 and c.cells > 1:
            return replace(c, cells=c.cells - 1)
        return self.previous_op(c)

    def move(self, c: Cursor, granularity: Granularity, forward: bool) -> Cursor:
        moves = {
            Granularity.ITERATION: (self.next_iteration, self.previous_iteration),
            Granularity.OPERATION: (self.next_op, self.previous_op),
            Granularity.CELL: (self.next_cell, self.previous_cell),
        }[granularity]
        return moves[0 if forward else 1](c)

    def jump(self, iteration: int) -> Cursor:
        """The finished state of ``iteration`` (clamped to 1…max)."""
        return self.complete(max(1, min(iteration, self.max_iteration)))
