"""The session: the one owner of the app's state — the network, its history, the cursor and what the screen is set to.

Everything a key can change lives here, once: the cursor ``(iteration, operation, cell)`` and how it last moved,
the digits shown, the pinned pane, the open why-view and its selection, and the notation matrices are shown in.
Keys move it (integer arithmetic, see cursor.py); once per frame the app builds an immutable view of it
(view.py: ``build_view``) and the widgets draw only that. This module imports no UI library.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

from tuinet.app.cursor import Cursor, Granularity, Steps
from tuinet.app.layout import Layout, layout_of
from tuinet.app.notation import Notation
from tuinet.app.profiles import notation_for
from tuinet.app.sessionfile import SavedSession
from tuinet.engine import History, NetConfig, Network, Phase, build

__all__ = ["Cursor", "Granularity", "Session", "WhyPick"]


@dataclass(frozen=True)
class WhyPick:
    """What a why-view explains: ``layer`` (0: the current operation's layer, else the output layer), ``index``
    (the sample of the outer products, the weight of the scalar form)."""

    layer: int = 0
    index: int = 0


class Session:
    """Engine state, the cursor and the display settings. The app owns one; tests and exports can too."""

    def __init__(
        self, config: NetConfig, network: Network | None = None, max_iteration: int = 10_000_000, digits: int = 3
    ) -> None:
        self.config = config
        self.network = network if network is not None else build(config)
        self.history = History(self.network)
        self.schedule = self.network.schedule
        self.layout: Layout = layout_of(self.network)
        self._steps = Steps(self.layout.sizes, max_iteration)
        # -- the state a key changes ----------------------------------------------------------------
        self.cursor = Cursor()
        """Where the screen is (or is heading: a far jump is computed in a worker first). The only cursor."""
        self.granularity = Granularity.ITERATION
        """How the cursor last moved (auto-play steps the same way)."""
        self.cell_mode = False
        """Whether the last move stepped cells (then the equation spells out the cell's arithmetic)."""
        self.digits = digits
        self.pinned: str | None = None
        """The pane shown in compact layouts; None follows the current operation."""
        self.why: str | None = None
        """The open why-view (one of sessionfile.VIEWS), or None."""
        self.why_picks: dict[str, WhyPick] = {}
        """Each why-view's selection, kept while switching tabs."""
        self.playing: tuple[Granularity, float] | None = None
        """Auto-play: what it steps and the seconds between steps; None when paused."""
        self.notation: Notation = notation_for(self.network)
        """How matrices are named and oriented on screen (notation profiles plug in here, issue 11)."""

    # -- the schedule's arithmetic (cursor.py) ---------------------------------------------------

    @property
    def steps(self) -> Steps:
        return self._steps

    @property
    def max_iteration(self) -> int:
        return self._steps.max_iteration

    @max_iteration.setter
    def max_iteration(self, value: int) -> None:
        self._steps = Steps(self.layout.sizes, value)

    @property
    def last_op(self) -> int:
        return self._steps.last_op

    def size(self, op: int) -> int:
        """Cells in the result of operation ``op``."""
        return self.layout.sizes[op]

    def complete(self, iteration: int) -> Cursor:
        return self._steps.complete(iteration)

    def move(self, c: Cursor, granularity: Granularity, forward: bool) -> Cursor:
        return self._steps.move(c, granularity, forward)

    def previous_op(self, c: Cursor) -> Cursor:
        return self._steps.previous_op(c)

    def jump(self, iteration: int) -> Cursor:
        return self._steps.jump(iteration)

    def fits(self, cursor: Cursor) -> bool:
        """Whether ``cursor`` is a position of this session's schedule (0 ≤ cells ≤ size, as saved files allow)."""
        if not 1 <= cursor.iteration <= self.max_iteration or not -1 <= cursor.op <= self.last_op:
            return False
        return 0 <= cursor.cells <= (self.size(cursor.op) if cursor.op >= 0 else 0)

    # -- changing the state ----------------------------------------------------------------------

    def step(self, granularity: Granularity, forward: bool) -> None:
        """One key's move: ``granularity`` forward or back.

        A cell step right after an operation step (→ showed dW1 whole) steps *that* operation's cells from
        its first: the learner asked to see how dW1 is made, not to skip to the next operation.
        """
        c = self.cursor
        restart = (
            granularity is Granularity.CELL
            and forward
            and self.granularity is Granularity.OPERATION
            and c.op >= 0
            and c.cells == self.size(c.op)
        )
        self.granularity = granularity
        self.cell_mode = granularity is Granularity.CELL
        self.cursor = replace(c, cells=1) if restart else self._steps.move(c, granularity, forward)

    def go(self, cursor: Cursor, cell_mode: bool = False) -> None:
        """Put the cursor at ``cursor`` (jumps, a loaded session, the teacher's screen)."""
        self.cursor = cursor
        self.cell_mode = cell_mode

    def pick(self, view: str, change_layer: int = 0, change_index: int = 0) -> None:
        """Change what why-view ``view`` explains: the layer (cyclically), or the index (which restarts at 0)."""
        pick = self.why_picks.get(view, WhyPick())
        if change_layer:
            L = self.network.L
            pick = WhyPick((self.why_layer(view) - 1 + change_layer) % L + 1, 0)
        pick = replace(pick, index=pick.index + change_index)
        self.why_picks[view] = pick

    def why_layer(self, view: str) -> int:
        """The layer why-view ``view`` explains: the one chosen, else the layer being computed, else the output."""
        L = self.network.L
        chosen = self.why_picks.get(view, WhyPick()).layer
        if chosen:
            return max(1, min(chosen, L))
        op = self.schedule[self.cursor.op] if self.cursor.op >= 0 else None
        # Mid-iteration, the layer being computed; at its start or end (the updates), the output layer.
        if op is not None and op.phase is not Phase.UPDATE and op.layer is not None:  # None for e and C
            return max(1, min(op.layer, L))
        return L

    def adopt_display(self, other: Session) -> None:
        """Take ``other``'s display settings (digits, pane, why-view, notation): a new network, the same screen."""
        self.digits, self.pinned = other.digits, other.pinned
        # A profile names matrices by the network's layers and activations: the same profile, for this network.
        self.notation = notation_for(self.network, other.notation.name)
        self.why = other.why
        self.granularity = other.granularity

    # -- session files -----------------------------------------------------------------------------

    def saved(self, theme: str) -> SavedSession:
        """Everything that restores the screen: config, cursor, theme, digits, pane, open why-view, notation."""
        config = self.config
        if not config.data and os.path.exists(config.dataset):  # inline data: the dataset is only its name
            # A CSV is recorded by absolute path, so the session loads from any directory.
            config = replace(config, dataset=os.path.abspath(config.dataset))
        c = self.cursor
        return SavedSession(
            config=config,
            iteration=c.iteration,
            op=c.op,
            cells=c.cells,
            cell_mode=self.cell_mode,
            theme=theme,
            digits=self.digits,
            pane=self.pinned,
            view=self.why,
            notation=self.notation.name,
        )

    def restore(self, saved: SavedSession) -> None:
        """Put the state where ``saved`` was (all but the theme, which is the App's): cursor, digits, pane, view,
        notation."""
        self.digits = saved.digits
        self.pinned = saved.pane
        self.notation = notation_for(self.network, saved.notation)  # a name the file's loader checked
        if saved.op >= 0 and saved.cells == 0:
            # "Operation k with no cell yet" is shown as operation k − 1 complete, as stepping would.
            cursor = self.previous_op(Cursor(saved.iteration, saved.op, 1))
        else:
            cursor = Cursor(saved.iteration, saved.op, saved.cells)
        self.go(cursor, saved.cell_mode)
        self.why = saved.view
