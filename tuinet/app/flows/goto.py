"""Go to iteration N: ask for the number (the dialog checks the range), post GoTo."""

from __future__ import annotations

from typing import Any

from textual.app import App

from tuinet.app.flows.messages import GoTo
from tuinet.app.screens import JumpScreen

__all__ = ["ask_goto"]


def ask_goto(app: App[Any], current: int, maximum: int) -> None:
    def done(number: int | None) -> None:
        if number is not None:
            app.post_message(GoTo(number))

    app.push_screen(JumpScreen(current, maximum), done)
