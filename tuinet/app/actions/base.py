"""What every group of actions may use: the session (the one owner of the state) and a publish request."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import App

from tuinet.app.session import Session
from tuinet.words.export import CommandLine

if TYPE_CHECKING:
    from tuinet.scenario import Scenario

__all__ = ["Host"]


class Host(App[None]):
    """The part of the App the action groups see."""

    session: Session
    command_line: CommandLine | None = None
    """Spells the ``tuinet export`` command of an export (given by the CLI through make_app: it owns the parser)."""

    def publish_soon(self) -> None:
        """Show the session's state: once, after any keys already queued (one publish per frame)."""
        raise NotImplementedError

    def stop_play(self) -> None:
        """Stop auto-play (actions/stepping.py)."""
        raise NotImplementedError

    def replace_session(self, session: Session) -> None:
        """Switch to another network (app.py)."""
        raise NotImplementedError

    def open_why(self, key: str) -> None:
        """Show why-view ``key`` (actions/views.py)."""
        raise NotImplementedError

    def current_scenario(self) -> Scenario:
        """The network on screen as a scenario, for exporting it (app.py)."""
        raise NotImplementedError
