"""Exports, session files and go-to: the flows ask (flows/), the App applies what they report."""

from __future__ import annotations

from tuinet.app.actions.base import Host
from tuinet.app.flows.export import ask_export
from tuinet.app.flows.goto import ask_goto
from tuinet.app.flows.messages import GoTo, SessionOpened
from tuinet.app.flows.sessions import ask_open, ask_save
from tuinet.app.sessionfile import SavedSession
from tuinet.app.themes import THEME_NAMES, resolve_theme

__all__ = ["FileActions"]


class FileActions(Host):
    def action_export(self) -> None:
        session = self.session
        ask_export(
            self, session.network, session.history, session.cursor.iteration, self.command_line, self.current_scenario()
        )

    def action_save(self) -> None:
        ask_save(self, self.current_state())

    def action_load(self) -> None:
        ask_open(self, self.session.config)

    def action_jump(self) -> None:
        ask_goto(self, self.session.cursor.iteration, self.session.max_iteration)

    def on_go_to(self, message: GoTo) -> None:
        self.session.go(self.session.jump(message.iteration))
        self.publish_soon()

    def on_session_opened(self, message: SessionOpened) -> None:
        if message.session is not None:
            self.replace_session(message.session)
        self.apply_saved(message.saved)
        self.notify(f"session loaded from {message.path}", title="Loaded")

    def current_state(self) -> SavedSession:
        """The screen as a session file records it."""
        theme = next((short for short, name in THEME_NAMES.items() if name == self.theme), self.theme)
        return self.session.saved(theme)

    def apply_saved(self, saved: SavedSession) -> None:
        """Put the screen where ``saved`` was: theme, then the session's cursor, digits, pane and why-view."""
        theme = resolve_theme(saved.theme, self.available_themes)
        if theme is not None:
            self.theme = theme
        else:
            self.notify(f"theme {saved.theme!r} is not available here; keeping {self.theme}", severity="warning")
        self.session.restore(saved)
        self.publish_soon()
        if saved.view is not None:  # one of sessionfile.VIEWS, checked when the file was loaded
            self.call_after_refresh(self.open_why, saved.view)
