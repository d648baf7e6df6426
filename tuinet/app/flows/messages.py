"""What the flows report to the App, which applies it (state down, messages up)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from tuinet.app.session import Session
from tuinet.app.sessionfile import SavedSession

__all__ = ["GoTo", "SessionOpened"]


@dataclass
class SessionOpened(Message):
    """A session file was read and checked: show it."""

    saved: SavedSession
    session: Session | None
    """A new session for the file's network, or None when it is the network already on screen."""
    path: str


@dataclass
class GoTo(Message):
    """The user asked for iteration ``iteration`` (already checked against the range)."""

    iteration: int
