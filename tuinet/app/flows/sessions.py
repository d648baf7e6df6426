"""Save the screen to a session file, and open one: a bad file must never cost the user the session on screen."""

from __future__ import annotations

from typing import Any

from textual.app import App

from tuinet.app.dialogs import FileRequest, PathDialog
from tuinet.app.flows.messages import SessionOpened
from tuinet.app.session import Session
from tuinet.app.sessionfile import SavedSession, load, save
from tuinet.engine import NetConfig, TuinetError, build

__all__ = ["DEFAULT_SESSION", "ask_open", "ask_save"]

DEFAULT_SESSION = "tuinet-session.json"


def ask_save(app: App[Any], saved: SavedSession) -> None:
    """Ask for a file and write ``saved`` (the screen when the key was pressed) to it."""

    def done(request: FileRequest | None) -> None:
        if request is None:
            return
        try:
            save(request.path, saved)
        except TuinetError as error:
            app.notify(str(error), title="Not saved", severity="error")
            return
        app.notify(f"session saved to {request.path}", title="Saved")

    app.push_screen(PathDialog("Save session", "Session file:", DEFAULT_SESSION), done)


def ask_open(app: App[Any], current: NetConfig) -> None:
    """Ask for a session file, check it, build its network if it is not ``current``; post SessionOpened."""

    def done(request: FileRequest | None) -> None:
        if request is None:
            return
        try:
            saved = load(request.path, max_units=current.max_units)
            session = Session(saved.config, build(saved.config)) if saved.config != current else None
        except TuinetError as error:
            # The session on screen stays as it was.
            app.notify(str(error), title="Not loaded", severity="error")
            return
        app.post_message(SessionOpened(saved, session, request.path))

    app.push_screen(PathDialog("Open session", "Session file:", DEFAULT_SESSION), done)
