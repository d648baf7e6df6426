"""The tuinet App: owns the session, turns keys into cursor moves, and publishes one view per frame.

Data flow: a key runs an action → the session computes the new cursor (integer arithmetic) →
a publish is scheduled once, however many keys arrive before it runs → the publish builds an
immutable StepView and sets it on ``view`` → each pane, bound to ``view``, redraws only if its
own content changed.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import ClassVar

from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, ScrollableContainer
from textual.events import Resize
from textual.geometry import Offset
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from tuinet.app.files import ask_export, ask_load, ask_save, open_why, restore
from tuinet.app.follow import Classroom
from tuinet.app.keymap import bindings_by_id, keys_shown
from tuinet.app.lossplot import LossPlotScreen
from tuinet.app.pace import DEFAULT_SPEED, PLAY_DELAYS
from tuinet.app.panes import MatrixPane, StagePane
from tuinet.app.readercursor import reader_cursor
from tuinet.app.screens import HelpScreen, JumpScreen
from tuinet.app.session import Cursor, Granularity, Session
from tuinet.app.sessionfile import SavedSession
from tuinet.app.signals import exit_on_signals
from tuinet.app.status import EquationPane, PaneBar, StatusBar
from tuinet.app.themes import THEME_NAMES, THEMES, apply_no_color, resolve_theme
from tuinet.app.view import PANES, StepView
from tuinet.engine import NetConfig, Network, OpKind

__all__ = ["MIN_SIZE", "TuinetApp", "make_app"]

MIN_SIZE = (70, 22)
"""Below this the layout cannot show a matrix product legibly; a notice replaces it."""
COMPACT_BELOW = (120, 36)
"""Below this only one matrix pane is shown at a time (keys 1–5, or following the operation)."""
JUMP_CHUNK = 2_000
"""Iterations computed per slice of a long jump, so the worker yields the history lock often."""


class TuinetApp(App[None]):
    """Step through backprop: iteration, operation or matrix cell at a time."""

    CSS_PATH = "app.tcss"
    TITLE = "tuinet"
    # Every binding has an id: config.toml's [keymap] rebinds it by that id (keymap.py), and ? shows the keys as bound.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "step('iteration', True)", "Iteration", key_display="space", id="next-iteration"),
        Binding("backspace", "step('iteration', False)", "Back", key_display="⌫", id="previous-iteration"),
        Binding("right", "step('operation', True)", "Op", key_display="→", id="next-operation"),
        Binding("left", "step('operation', False)", "Op back", key_display="←", show=False, id="previous-operation"),
        Binding("l", "step('operation', True)", "Next operation", show=False, id="next-operation-alt"),
        Binding("h", "step('operation', False)", "Previous operation", show=False, id="previous-operation-alt"),
        Binding("full_stop", "step('cell', True)", "Cell", key_display=".", id="next-cell"),
        Binding("comma", "step('cell', False)", "Cell back", key_display=",", show=False, id="previous-cell"),
        Binding("down,j", "step('cell', True)", "Next cell", show=False, id="next-cell-alt"),
        Binding("up,k", "step('cell', False)", "Previous cell", show=False, id="previous-cell-alt"),
        Binding("p", "play", "Play", id="play"),
        Binding("plus,equals_sign", "speed(1)", "Faster", show=False, id="faster"),
        Binding("minus,underscore", "speed(-1)", "Slower", show=False, id="slower"),
        Binding("g", "jump", "Go to", id="go-to"),
        Binding("o", "why('outer')", "Why", key_display="o c s m", id="why-outer"),
        Binding("c", "why('gradcheck')", "Gradient check", show=False, id="why-gradcheck"),
        Binding("s", "why('signs')", "Sign conventions", show=False, id="why-signs"),
        Binding("m", "why('map')", "Prediction map", show=False, id="why-map"),
        Binding("L", "loss_plot", "Loss plot", show=False, id="loss-plot"),
        Binding("x", "export", "Export", show=False, id="export"),
        Binding("ctrl+s", "save", "Save", show=False, id="save"),
        Binding("ctrl+o", "load", "Open", show=False, id="open"),
        Binding("r", "reset", "Reset", show=False, id="reset"),
        *(Binding(str(n), f"pane({n})", f"Pane {n}", show=False, id=f"pane-{n}") for n in range(1, 6)),
        Binding("0", "pane(0)", "Follow", show=False, id="pane-follow"),
        # Classroom (follow.py): a served student's one key to leave and rejoin the teacher's screen.
        Binding("f", "follow(False)", "Explore", id="explore"),
        Binding("f", "follow(True)", "Follow teacher", id="follow-teacher"),
        Binding("question_mark", "help", "Help", key_display="?", id="help"),
        Binding("q", "quit", "Quit", id="quit"),
        # No id: ctrl+c always quits, whatever the keymap says.
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True),
    ]

    view: reactive[StepView | None] = reactive(None)
    """What the screen shows; every pane is bound to it."""

    def __init__(
        self,
        session: Session,
        theme: str = "dark",
        digits: int = 3,
        saved: SavedSession | None = None,
        classroom: Classroom | None = None,
        speed: int = DEFAULT_SPEED,
        keymap: Mapping[str, str] | None = None,
    ) -> None:
        self._cursor_set = Offset(0, 0)
        self._reader_widgets: tuple[StagePane, EquationPane] | None = None
        super().__init__()
        apply_no_color(self, os.environ)
        self.session = session
        self.classroom = classroom
        """Set when started by `tuinet serve`: no file access, and follow mode (see follow.py)."""
        self.digits = digits
        self._saved = saved
        for t in THEMES:
            self.register_theme(t)
        self.theme = resolve_theme(theme, self.available_themes) or THEME_NAMES["dark"]
        self._target = session.cursor
        self.cell_mode = False
        """Whether the last move stepped cells (then the equation spells out the cell's arithmetic)."""
        self._granularity = Granularity.ITERATION
        self._publish_pending = False
        self._play_timer: Timer | None = None
        self._speed = speed
        self.keymap = dict(keymap or {})
        """Binding id → keys, from config.toml's [keymap] (checked by keymap.check_keymap)."""
        self.set_keymap(self.keymap)
        self.pinned: str | None = None
        """The pane shown in compact layouts; None follows the current operation."""

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield StatusBar().data_bind(TuinetApp.view)
        yield EquationPane().data_bind(TuinetApp.view)
        yield StagePane().data_bind(TuinetApp.view)
        yield PaneBar(id="pane-bar")
        panes = {pane: MatrixPane(pane).data_bind(TuinetApp.view) for pane in PANES}
        with ScrollableContainer(id="panes", can_focus=False):
            # Inputs and weights are small: side by side. The others are one full-width band each.
            with Horizontal(id="pane-top"):
                yield panes["inputs"]
                yield panes["weights"]
            yield panes["activations"]
            yield panes["deltas"]
            yield panes["updates"]
            yield MatrixPane("inputs", compact=True).data_bind(TuinetApp.view)
        yield Static(id="too-small")
        yield Footer()

    def on_load(self) -> None:  # before the terminal is touched: SIGTERM/SIGHUP/SIGINT then quit like q (signals.py)
        exit_on_signals(self)

    def on_mount(self) -> None:
        self._reader_widgets = (self.query_one(StagePane), self.query_one(EquationPane))
        if self._saved is not None:
            restore(self, self._saved)
        self._publish()
        if self.classroom is not None:
            self.classroom.attach(self)

    def on_resize(self, event: Resize) -> None:
        self._apply_size(event.size.width, event.size.height)
        # A terminal that shrinks below its cursor's row scrolls its lines up (xterm, VTE, tmux do): the frame after
        # the new layout repaints every line, so nothing scrolled away is left on screen.
        self.call_after_refresh(self.screen.refresh)

    def _apply_size(self, width: int, height: int) -> None:
        too_small = width < MIN_SIZE[0] or height < MIN_SIZE[1]
        self.set_class(too_small, "-too-small")
        self.set_class(not too_small and (width < COMPACT_BELOW[0] or height < COMPACT_BELOW[1]), "-compact")
        if too_small:
            self.query_one("#too-small", Static).update(
                f"terminal too small (needs {MIN_SIZE[0]}×{MIN_SIZE[1]}, is {width}×{height})\n\n"
                "enlarge the window or the font smaller · q quits"
            )
        self._show_active_pane()

    # -- moving the cursor ----------------------------------------------------------------

    def action_step(self, granularity: str, forward: bool) -> None:
        self._granularity = Granularity(granularity)
        self.cell_mode = self._granularity is Granularity.CELL
        self._go(self.session.move(self._target, self._granularity, forward))

    def action_reset(self) -> None:
        self.action_pause()
        self.cell_mode = False
        self._go(Cursor())

    def show_cursor(self, cursor: Cursor, cell_mode: bool = False) -> None:
        """Move the screen to ``cursor`` (jumps, loaded sessions)."""
        self.cell_mode = cell_mode
        self._go(cursor)

    def _go(self, cursor: Cursor) -> None:
        """Aim at ``cursor``; the screen catches up once, after any keys already queued."""
        self._target = cursor
        if not self._publish_pending:
            self._publish_pending = True
            self.call_later(self._publish)

    def _publish(self) -> None:
        self._publish_pending = False
        target = self._target
        if target.iteration > self.session.history.head + 1 + JUMP_CHUNK:
            self._extend_to(target.iteration)  # far ahead: compute in a worker, keep the keys alive
            return
        view = self.view
        if view is not None and view.cursor == target and view.cell_mode == self.cell_mode:
            return
        self.session.cursor = target
        new = StepView(self.session, target, previous=view, cell_mode=self.cell_mode, digits=self.digits)
        self._show_active_pane(new)  # first, so the pane switch lands in the same frame as the numbers
        self.view = new

    # -- the terminal cursor: where screen readers and braille displays look ------------------------------------

    @property
    def cursor_position(self) -> Offset:
        """Where Textual puts the terminal cursor at the end of each frame it draws.

        On the stepper: the cell being written, else the equation (readercursor.py), computed from the layout of
        that very frame, so it is right after every step, resize and layout. Other screens (an Input's caret, the
        loss plot's words) set it as usual.
        """
        widgets = self._reader_widgets
        if widgets is not None and self._screen_stack and widgets[0].screen is self.screen:
            return reader_cursor(*widgets)
        return self._cursor_set

    @cursor_position.setter
    def cursor_position(self, offset: Offset) -> None:
        self._cursor_set = offset

    # -- panes in compact layouts -----------------------------------------------------------

    def _follow_pane(self, view: StepView | None) -> str:
        if view is None or view.op is None:
            return "inputs"
        op = view.op
        if op.kind is OpKind.LOSS:
            return "deltas"
        for pane in PANES:
            if op.result in view.pane_names[pane]:
                return pane
        return "activations"

    def _show_active_pane(self, view: StepView | None = None) -> None:
        active = self.pinned or self._follow_pane(view or self.view)
        self.query_one("#pane-compact", MatrixPane).show_pane(active)
        self.query_one("#pane-bar", PaneBar).show(active, self.pinned is None)

    def action_pane(self, number: int) -> None:
        self.pinned = PANES[number - 1] if number else None
        self._show_active_pane()

    # -- auto-play ------------------------------------------------------------------------

    def action_play(self) -> None:
        if self.playing:
            self.action_pause()
        else:
            self._restart_timer()
            self.notify(f"playing by {self._granularity}, every {PLAY_DELAYS[self._speed]:g} s — p pauses", timeout=2)

    @property
    def playing(self) -> bool:
        return self._play_timer is not None

    def action_pause(self) -> None:
        if self._play_timer is not None:
            self._play_timer.stop()
            self._play_timer = None

    def _restart_timer(self) -> None:
        if self._play_timer is not None:
            self._play_timer.stop()
        self._play_timer = self.set_interval(PLAY_DELAYS[self._speed], self._tick)

    def _tick(self) -> None:
        before = self._target
        self._go(self.session.move(before, self._granularity, True))
        if self._target == before:  # reached the end
            self.action_pause()

    def action_speed(self, change: int) -> None:
        self._speed = max(0, min(len(PLAY_DELAYS) - 1, self._speed + change))
        if self.playing:
            self._restart_timer()
        self.notify(f"step every {PLAY_DELAYS[self._speed]:g} s", timeout=1.5)

    # -- jumps ------------------------------------------------------------------------------

    def action_jump(self) -> None:
        def done(number: int | None) -> None:
            if number is not None:
                self.cell_mode = False
                self._go(self.session.jump(number))

        self.push_screen(JumpScreen(self._target.iteration, self.session.max_iteration), done)

    @work(thread=True, exclusive=True, group="extend")
    def _extend_to(self, iteration: int) -> None:
        """Compute history up to ``iteration`` in slices, off the event loop, then show it."""
        history = self.session.history
        worker = get_current_worker()
        total = iteration - 1 - history.head
        self.call_from_thread(self.notify, f"computing {total:,} iterations…", timeout=2)
        while history.head + 1 < iteration and not worker.is_cancelled:
            history.extend(min(JUMP_CHUNK, iteration - 1 - history.head))
        if not worker.is_cancelled:
            self.call_from_thread(self._publish)

    # -- why-views, exports, sessions (in files.py) ------------------------------------------

    def action_why(self, key: str) -> None:
        open_why(self, key)

    def action_loss_plot(self) -> None:
        if not isinstance(self.screen, LossPlotScreen):
            loss = self.view.loss if self.view is not None and self.view.cursor == self._target else None
            self.push_screen(LossPlotScreen(self.session.history, self._target.iteration, loss))

    def action_export(self) -> None:
        ask_export(self)

    def action_save(self) -> None:
        ask_save(self)

    def action_load(self) -> None:
        ask_load(self)

    def replace_session(self, session: Session) -> None:
        """Switch to another network (a loaded session); the screen restarts from its cursor."""
        self.action_pause()
        self.workers.cancel_group(self, "extend")
        self.session = session
        self.view = None
        self._target = session.cursor

    # -- classroom hooks (follow.py) ---------------------------------------------------------

    def watch_view(self, view: StepView | None) -> None:
        if self.classroom is not None:
            self.classroom.view_changed(view)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.classroom is not None:
            return self.classroom.check_action(action, parameters)
        return action != "follow"

    def action_follow(self, following: bool) -> None:
        if self.classroom is not None:
            self.classroom.set_following(following)

    # -- the rest -------------------------------------------------------------------------

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            bound = {i: keys_shown(b, self.keymap) for i, b in bindings_by_id(self.BINDINGS).items()}
            self.push_screen(HelpScreen(bound))

    def get_system_commands(self, screen: Screen[object]):  # type: ignore[no-untyped-def]
        yield from super().get_system_commands(screen)
        yield SystemCommand("Keys", "Show every key and how to read the panes", self.action_help)
        yield SystemCommand("Go to iteration", "Jump to iteration N", self.action_jump)
        yield SystemCommand("Reset", "Back to the start of iteration 1", self.action_reset)
        for name, theme in THEME_NAMES.items():
            yield SystemCommand(
                f"Theme: {name}", f"Switch to the {name} theme ({theme})", lambda t=theme: setattr(self, "theme", t)
            )


def make_app(
    config: NetConfig,
    *,
    theme: str = "dark",
    digits: int = 3,
    saved: SavedSession | None = None,
    network: Network | None = None,
    classroom: Classroom | None = None,
    speed: int = DEFAULT_SPEED,
    keymap: Mapping[str, str] | None = None,
) -> TuinetApp:
    """The app for ``config``: the one factory the CLI, the tests and the screenshot script share.

    With ``saved`` (a loaded session file) the app opens exactly where that session was. ``network`` saves
    loading the dataset twice when the caller has built it already.
    """
    if saved is not None:
        config, theme, digits = saved.config, saved.theme, saved.digits
    return TuinetApp(
        Session(config, network),
        theme=theme,
        digits=digits,
        saved=saved,
        classroom=classroom,
        speed=speed,
        keymap=keymap,
    )
