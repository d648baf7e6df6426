"""The tuinet App: composes the screen, and publishes one view of the session per frame.

Data flow: a key runs an action (actions/) → the session moves its cursor (integer arithmetic) → a publish is
scheduled once, however many keys arrive before it runs → the publish builds an immutable StepView
(view.py: ``build_view``) and sets it on ``view`` → each widget, bound to ``view``, redraws only if its own
content changed. Flows that ask the user (flows/) post messages the App applies.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult, SystemCommand
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.events import Event, Key, Resize
from textual.geometry import Offset
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import get_current_worker

from tuinet.app.actions.explain import ExplainActions
from tuinet.app.actions.files import FileActions
from tuinet.app.actions.stepping import SteppingActions
from tuinet.app.actions.views import ViewActions
from tuinet.app.bindings import BINDINGS
from tuinet.app.follow import (
    REJOIN_STATUS,
    REPAINT_MARKER,
    ClassNotice,
    Classroom,
    LinkLost,
    RejoinRequested,
    RepaintRequested,
    TeacherMoved,
    session_for,
)
from tuinet.app.footer import FoldingFooter
from tuinet.app.layout import PANES
from tuinet.app.pace import DEFAULT_SPEED
from tuinet.app.palette import save_screenshot, textual_commands
from tuinet.app.panes import MatrixPane, PanesScroll
from tuinet.app.profiles import notation_for
from tuinet.app.readercursor import reader_cursor
from tuinet.app.screens import JumpScreen
from tuinet.app.session import Cursor, Session
from tuinet.app.sessionfile import SavedSession
from tuinet.app.signals import exit_on_signals
from tuinet.app.stage import StagePane
from tuinet.app.status import EquationPane, PaneBar, StatusBar
from tuinet.app.themes import THEME_NAMES, THEMES, apply_no_color, resolve_theme
from tuinet.app.view import StepView, build_view
from tuinet.engine import NetConfig, Network
from tuinet.words.export import CommandLine

if TYPE_CHECKING:
    from tuinet.scenario import Scenario

__all__ = ["MIN_SIZE", "TuinetApp", "make_app"]

MIN_SIZE = (70, 22)
"""Below this the layout cannot show a matrix product legibly; a notice replaces it."""
COMPACT_BELOW = (120, 36)
"""Below this only one matrix pane is shown at a time (keys 1–5, or following the operation)."""
JUMP_CHUNK = 2_000
"""Iterations computed per slice of a long jump, so the worker yields the history lock often."""


class TuinetApp(SteppingActions, FileActions, ViewActions, ExplainActions):
    """Step through backprop: iteration, operation or matrix cell at a time."""

    CSS_PATH = "app.tcss"
    TITLE = "tuinet"
    BINDINGS: ClassVar[list[BindingType]] = BINDINGS

    view: var[StepView | None] = var(None)
    """What the screen shows; every widget is bound to it. A ``var``: a new view repaints only the widgets
    whose own content changed (a ``reactive`` here would repaint the whole screen at every step)."""

    def __init__(
        self,
        session: Session,
        theme: str = "dark",
        digits: int = 3,
        saved: SavedSession | None = None,
        classroom: Classroom | None = None,
        scenario: Scenario | None = None,
        speed: int = DEFAULT_SPEED,
        keymap: Mapping[str, str] | None = None,
    ) -> None:
        self._cursor_set = Offset(0, 0)
        self._reader_widgets: tuple[StagePane, EquationPane] | None = None
        self._sized = False
        super().__init__()
        apply_no_color(self, os.environ)
        self.session = session
        self.scenario = scenario
        """The scenario or preset the app was started with: its lesson and names show in the lesson pane."""
        self._first_session = session
        session.digits = digits
        self.classroom = classroom
        """Set when started by `tuinet serve`: no file access, and follow mode (see follow.py)."""
        self._saved = saved
        for t in THEMES:
            self.register_theme(t)
        self.theme = resolve_theme(theme, self.available_themes) or THEME_NAMES["dark"]
        self._publish_pending = False
        self._speed = speed
        self.keymap = dict(keymap or {})
        """Binding id → keys, from config.toml's [keymap] (checked by keymap.check_keymap)."""
        self.set_keymap(self.keymap)
        self._curve_points = 40
        """Losses the status line's curve has room for (StatusBar reports its width)."""

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield StatusBar().data_bind(TuinetApp.view)
        yield EquationPane().data_bind(TuinetApp.view)
        yield StagePane().data_bind(TuinetApp.view)
        yield PaneBar(id="pane-bar").data_bind(TuinetApp.view)
        panes = {pane: MatrixPane(pane).data_bind(TuinetApp.view) for pane in PANES}
        with PanesScroll(id="panes", can_focus=False):
            # Inputs and weights are small: side by side. The others are one full-width band each.
            with Horizontal(id="pane-top"):
                yield panes["inputs"]
                yield panes["weights"]
            yield panes["activations"]
            yield panes["deltas"]
            yield panes["updates"]
            yield MatrixPane("inputs", compact=True).data_bind(TuinetApp.view)
        if self.scenario is not None and (self.scenario.lesson is not None or self.scenario.names):
            from tuinet.app.lesson import LessonPane  # only with a scenario: the app starts as fast without

            yield LessonPane(self.scenario, self.session).data_bind(TuinetApp.view)
        yield Static(id="too-small")
        yield FoldingFooter()

    async def on_event(self, event: Event) -> None:
        # Keys typed right after g, before its dialog is ready, belong to the dialog (screens.py: early_key).
        if isinstance(event, Key) and isinstance(self.screen, JumpScreen) and self.screen.early_key(event):
            return
        await super().on_event(event)

    def on_load(self) -> None:  # before the terminal is touched: SIGTERM/SIGHUP/SIGINT then quit like q (signals.py)
        exit_on_signals(self)

    def on_mount(self) -> None:
        self._reader_widgets = (self.query_one(StagePane), self.query_one(EquationPane))
        if self.classroom is not None:
            self.classroom.limit(self.session)
        if self._saved is not None:
            self.apply_saved(self._saved)
        self._publish()
        if self.classroom is not None:
            self.classroom.attach(self)
        # What start-up made (widgets, styles, the first trace) lives as long as the app: moved out of the
        # collector's reach once the first frame is drawn, a full collection no longer walks it — that walk
        # was a ~40 ms stall every few hundred steps (measured with gc.callbacks at 120×40). Not in tests'
        # headless apps: many apps in one process, and a frozen dead app is never collected.
        if not self.is_headless:
            self.call_after_refresh(gc.freeze)

    def on_resize(self, event: Resize) -> None:
        width, height = event.size.width, event.size.height
        too_small = width < MIN_SIZE[0] or height < MIN_SIZE[1]
        self.set_class(too_small, "-too-small")
        compact = not too_small and (width < COMPACT_BELOW[0] or height < COMPACT_BELOW[1])
        self.set_class(compact, "-compact")
        self.query_one(StagePane).set_compact(compact)
        if too_small:
            self.query_one("#too-small", Static).update(
                f"terminal too small (needs {MIN_SIZE[0]}×{MIN_SIZE[1]}, is {width}×{height})\n\n"
                "enlarge the window or the font smaller · q quits"
            )
        if self.session.why is not None:  # the prediction map is sized from the terminal
            self.publish_soon()
        # A terminal that shrinks below its cursor's row scrolls its lines up (xterm, VTE, tmux do): after a window
        # change (not the first size, at start) the frame after the new layout repaints every line.
        if self._sized:
            self.call_after_refresh(self.screen.refresh)
        self._sized = True

    def on_status_bar_curve_room(self, message: StatusBar.CurveRoom) -> None:
        if message.points != self._curve_points:
            self._curve_points = message.points
            self.publish_soon()

    # -- publishing: one view per frame -----------------------------------------------------------

    def publish_soon(self) -> None:
        """Show the session's state; the screen catches up once, after any keys already queued."""
        if not self._publish_pending:
            self._publish_pending = True
            self.call_later(self._publish)

    def show_cursor(self, cursor: Cursor, cell_mode: bool = False) -> None:
        """Move the screen to ``cursor`` (the classroom's teacher; follow.py)."""
        self.session.go(cursor, cell_mode)
        self.publish_soon()

    def _publish(self) -> None:
        self._publish_pending = False
        session = self.session
        target = session.cursor
        if target.iteration > session.history.head + 1 + JUMP_CHUNK:
            self._extend_to(target.iteration)  # far ahead: compute in a worker, keep the keys alive
            return
        new = build_view(
            session, self.view, curve_points=self._curve_points, screen=(self.size.width, self.size.height)
        )
        compact = next(iter(self.query("#pane-compact").results(MatrixPane)), None)
        if compact is None:  # a signal at start-up: the app is exiting before its screen was mounted
            return
        compact.show_pane(new.active_pane)  # same frame as the numbers
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
        if widgets is not None and self._screen_stack and widgets[0].is_attached and widgets[0].screen is self.screen:
            return reader_cursor(*widgets)
        return self._cursor_set

    @cursor_position.setter
    def cursor_position(self, offset: Offset) -> None:
        self._cursor_set = offset

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

    def replace_session(self, session: Session) -> None:
        """Switch to another network (a loaded session, the teacher's); the display settings carry over."""
        self.stop_play()
        self.workers.cancel_group(self, "extend")
        session.adopt_display(self.session)
        self.session = session
        self.view = None
        for pane in self.query("#lesson"):
            pane.display = False  # the lesson was written for the network the app started with
        self.publish_soon()

    # -- classroom hooks (follow.py) ---------------------------------------------------------

    def watch_view(self, view: StepView | None) -> None:
        # The class sees a step once the teacher's own frame of it is drawn: the renderers' work (a frame
        # per size class) then never competes with the teacher's, whose screen never waits for the class.
        # Views come one per frame already (publish_soon), and publish sends only what changed.
        classroom = self.classroom
        if classroom is not None:
            self.call_after_refresh(lambda: classroom.publish(self.view))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "step" and parameters[:1] == ("cell",) and type(self.screen).__name__ == "WhyScreen":
            return False  # the why-views' . , choose a sample or weight; a hidden cell step there shows nothing
        if self.classroom is not None:
            return self.classroom.check_action(action, parameters)
        return action != "follow"

    def action_follow(self, following: bool) -> None:
        if self.classroom is not None:
            self.classroom.follow_pressed()

    def on_teacher_moved(self, message: TeacherMoved) -> None:
        session = session_for(message.config, self.session)
        if session is None:
            return
        if session is not self.session:
            self.replace_session(session)
        if session.fits(message.cursor):  # a teacher's line is checked, never trusted
            self.show_cursor(message.cursor, message.cell_mode)

    def on_link_lost(self, message: LinkLost) -> None:
        self.notify("the teacher's screen is no longer shared", title="Class")
        self.refresh_bindings()

    def on_class_notice(self, message: ClassNotice) -> None:
        self.notify(message.text, title="Class", timeout=message.timeout)

    def on_rejoin_requested(self, message: RejoinRequested) -> None:
        self.exit(return_code=REJOIN_STATUS)

    def on_repaint_requested(self, message: RepaintRequested) -> None:
        # The server starts a joiner's stream at the marker; the full frame after it covers the screen.
        if self._driver is not None:
            self._driver.write(REPAINT_MARKER.decode("ascii"))
        self.screen.refresh()

    # -- lessons (lesson.py) -------------------------------------------------------------------

    def action_lesson(self, forward: bool) -> None:
        """Move to the next (or previous) place the lesson speaks at."""
        from tuinet.app.lesson import LessonPane, next_place

        panes = self.query(LessonPane)
        if not panes or self.session is not self._first_session:
            self.notify("no lesson: start with --lesson tutorial, a --preset or a --scenario", timeout=2)
            return
        target = next_place(panes.first().places, self.session.cursor, forward)
        if target is None:
            self.notify("end of the lesson" if forward else "start of the lesson", timeout=1.5)
            return
        self.session.go(target, False)
        self.publish_soon()

    def current_scenario(self) -> Scenario:
        """The network on screen as a scenario: the one the app started with (names, lesson), or a loaded one's."""
        if self.scenario is not None and self.session is self._first_session:
            return replace(self.scenario, config=self.session.config)
        from tuinet.scenario import Scenario

        return Scenario(name="tuinet", config=self.session.config)

    def action_toggle_lesson(self) -> None:
        for pane in self.query("#lesson"):
            pane.display = self.session is self._first_session and not pane.display

    # -- the palette ----------------------------------------------------------------------------

    def get_system_commands(self, screen: Screen[object]):  # type: ignore[no-untyped-def]
        yield from textual_commands(super().get_system_commands(screen))
        yield SystemCommand("Keys", "Show every key and how to read the panes", self.action_help)
        if self.classroom is None:  # a served student has no files here
            yield SystemCommand(
                "Screenshot", "Save an SVG picture of this screen in the current directory", self.take_screenshot
            )
        yield SystemCommand("Go to iteration", "Jump to iteration N", self.action_jump)
        yield SystemCommand("Reset", "Back to the start of iteration 1", self.action_reset)
        for name, theme in THEME_NAMES.items():
            yield SystemCommand(
                f"Theme: {name}", f"Switch to the {name} theme ({theme})", lambda t=theme: setattr(self, "theme", t)
            )

    screenshot_dir: Path | None = None
    """Where the palette's Screenshot writes (None: the current directory)."""

    def take_screenshot(self) -> None:
        save_screenshot(self, self.screenshot_dir)


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
    notation: str = "tuinet",
    scenario: Scenario | None = None,
    command_line: CommandLine | None = None,
) -> TuinetApp:
    """The app for ``config``: the one factory the CLI, the tests and the screenshot script share.

    With ``saved`` (a loaded session file) the app opens exactly where that session was. ``network`` saves
    loading the dataset twice when the caller has built it already.
    """
    if saved is not None:
        config, theme, digits = saved.config, saved.theme, saved.digits
    session = Session(config, network)
    session.notation = notation_for(session.network, notation)
    app = TuinetApp(
        session,
        theme=theme,
        digits=digits,
        saved=saved,
        classroom=classroom,
        scenario=scenario,
        speed=speed,
        keymap=keymap,
    )
    app.command_line = command_line
    return app
