"""The session: a network's history plus the cursor ``(iteration, operation, cell)``.

Moving the cursor is arithmetic on three integers, so a key press costs microseconds; the
expensive part (computing the trace at the cursor and drawing it) happens once per frame, for
wherever the cursor ended up. This module imports no UI library.

Cursor meaning, for a schedule of n operations:
- ``op == -1``: iteration ``iteration`` has not started; only its inputs and weights exist;
- ``0 ≤ op < n`` with ``cells`` of the op's result filled (``1 ≤ cells ≤ size``); ``cells ==
  size`` means the operation is complete. ``(it, n − 1, size)`` is the finished iteration.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from tuinet.engine import History, NetConfig, Network, build

__all__ = ["Cursor", "Granularity", "Session"]


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


class Session:
    """Engine state and the cursor. The app owns one; tests and exports can too."""

    def __init__(self, config: NetConfig, network: Network | None = None, max_iteration: int = 10_000_000) -> None:
        self.config = config
        self.network = network if network is not None else build(config)
        self.history = History(self.network)
        self.schedule = self.network.schedule
        self.max_iteration = max_iteration
        self._sizes = self.network.schema.cells  # cells per operation
        self.cursor = Cursor()

    @property
    def last_op(self) -> int:
        return len(self.schedule) - 1

    def size(self, op: int) -> int:
        """Cells in the result of operation ``op``."""
        return self._sizes[op]

    def complete(self, iteration: int) -> Cursor:
        """The cursor of a finished iteration."""
        return Cursor(iteration, self.last_op, self._sizes[-1])

    def _at_op(self, iteration: int, op: int) -> Cursor:
        return Cursor(iteration, op, self._sizes[op]) if op >= 0 else Cursor(iteration, -1, 0)

    # -- moves: each returns the new cursor without setting it ----------------------------

    def next_iteration(self, c: Cursor) -> Cursor:
        """Finish the current iteration, or run the next one if it is finished."""
        if c.op == self.last_op and c.cells == self._sizes[-1]:
            return self.complete(min(c.iteration + 1, self.max_iteration))
        return self.complete(c.iteration)

    def previous_iteration(self, c: Cursor) -> Cursor:
        if c.iteration == 1:
            return Cursor()
        return self.complete(c.iteration - 1)

    def next_op(self, c: Cursor) -> Cursor:
        if c.op < self.last_op:
            return self._at_op(c.iteration, c.op + 1)
        if c.cells < self._sizes[-1]:
            return self.complete(c.iteration)
        if c.iteration >= self.max_iteration:
            return c
        return self._at_op(c.iteration + 1, 0)

    def previous_op(self, c: Cursor) -> Cursor:
        if c.op >= 0:
            return self._at_op(c.iteration, c.op - 1)
        if c.iteration == 1:
            return c
        return self.complete(c.iteration - 1)

    def next_cell(self, c: Cursor) -> Cursor:
        if c.op >= 0 and c.cells < self._sizes[c.op]:
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
