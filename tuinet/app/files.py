"""What the app reads and writes: exports of an iteration, and saved sessions. Plus opening the why-views.

Kept out of app.py so the App stays about keys, the cursor and the frame. Every failure here is a
one-line on-screen notice: a bad file must never cost the user the session they have on screen.
"""

from __future__ import annotations

import os
from dataclasses import replace
from typing import TYPE_CHECKING

from tuinet.app.dialogs import FileRequest, PathDialog
from tuinet.app.session import Cursor, Session
from tuinet.app.sessionfile import SavedSession, load, save
from tuinet.app.themes import THEME_NAMES, resolve_theme
from tuinet.engine import TuinetError, build
from tuinet.fileio import write_text
from tuinet.words.export import export_markdown, export_python

if TYPE_CHECKING:
    from tuinet.app.app import TuinetApp

__all__ = ["ask_export", "ask_load", "ask_save", "current_state", "open_why", "restore"]

EXPORT_FORMATS = {"py": "Python script (numpy only) that recomputes this iteration", "md": "Markdown handout"}
DEFAULT_SESSION = "tuinet-session.json"


def open_why(app: TuinetApp, key: str) -> None:
    """Show the why-views, on tab ``key`` (switching tabs if they are already open)."""
    from tuinet.app.why import WhyScreen  # on first use: it is not needed to draw the first frame

    if isinstance(app.screen, WhyScreen):
        app.screen.action_show(key)
    else:
        app.push_screen(WhyScreen(key))


def ask_export(app: TuinetApp) -> None:
    iteration = app.session.cursor.iteration

    def done(request: FileRequest | None) -> None:
        if request is None:
            return
        network, history = app.session.network, app.session.history
        spell = app.command_line
        form = "md" if request.form == "md" else "py"
        command = spell(network.config, iteration, form) if spell is not None else None
        try:
            if request.form == "md":
                text = export_markdown(network, history.trace(iteration), command=command)
            else:
                text = export_python(network, history, iteration, command)
            write_text(text, request.path)
        except TuinetError as error:
            app.notify(str(error), title="Export failed", severity="error")
            return
        app.notify(f"iteration {iteration} written to {request.path}", title="Exported")

    app.push_screen(
        PathDialog(f"Export iteration {iteration}", "File:", f"tuinet-iteration-{iteration}.py", EXPORT_FORMATS),
        done,
    )


def current_state(app: TuinetApp) -> SavedSession:
    """Everything that restores the screen: config, cursor, theme, digits, pane, open why-view."""
    session, cursor = app.session, app.session.cursor
    config = session.config
    if os.path.exists(config.dataset):
        # A CSV is recorded by absolute path, so the session loads from any directory.
        config = replace(config, dataset=os.path.abspath(config.dataset))
    from tuinet.app.why import WhyScreen

    theme = next((short for short, name in THEME_NAMES.items() if name == app.theme), app.theme)
    view = app.screen.active if isinstance(app.screen, WhyScreen) else None
    return SavedSession(
        config=config,
        iteration=cursor.iteration,
        op=cursor.op,
        cells=cursor.cells,
        cell_mode=app.cell_mode,
        theme=theme,
        digits=app.digits,
        pane=app.pinned,
        view=view,
    )


def ask_save(app: TuinetApp) -> None:
    def done(request: FileRequest | None) -> None:
        if request is None:
            return
        try:
            save(request.path, current_state(app))
        except TuinetError as error:
            app.notify(str(error), title="Not saved", severity="error")
            return
        app.notify(f"session saved to {request.path}", title="Saved")

    app.push_screen(PathDialog("Save session", "Session file:", DEFAULT_SESSION), done)


def ask_load(app: TuinetApp) -> None:
    def done(request: FileRequest | None) -> None:
        if request is None:
            return
        try:
            saved = load(request.path, max_units=app.session.config.max_units)
            session = Session(saved.config, build(saved.config)) if saved.config != app.session.config else None
        except TuinetError as error:
            # The session on screen stays as it was.
            app.notify(str(error), title="Not loaded", severity="error")
            return
        if session is not None:
            app.replace_session(session)
        restore(app, saved)
        app.notify(f"session loaded from {request.path}", title="Loaded")

    app.push_screen(PathDialog("Open session", "Session file:", DEFAULT_SESSION), done)


def restore(app: TuinetApp, saved: SavedSession) -> None:
    """Put the screen where ``saved`` was: cursor, cell mode, theme, digits, pane and why-view."""
    theme = resolve_theme(saved.theme, app.available_themes)
    if theme is not None:
        app.theme = theme
    else:
        app.notify(f"theme {saved.theme!r} is not available here; keeping {app.theme}", severity="warning")
    app.digits = saved.digits
    app.pinned = saved.pane
    cells = saved.cells
    if saved.op >= 0 and cells == 0:
        # "Operation k with no cell yet" is shown as operation k − 1 complete, as stepping would.
        cursor = app.session.previous_op(Cursor(saved.iteration, saved.op, 1))
    else:
        cursor = Cursor(saved.iteration, saved.op, cells)
    app.show_cursor(cursor, saved.cell_mode)
    if saved.view is not None:  # one of sessionfile.VIEWS, checked when the file was loaded
        app.call_after_refresh(open_why, app, saved.view)
