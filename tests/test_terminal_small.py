"""Issue 12 in a real pty: keys typed faster than the screen can follow still reach the right place."""

from __future__ import annotations

import os
import sys

import pytest

from tests.pty_app import PtyApp

pytestmark = pytest.mark.skipif(not hasattr(os, "openpty") or sys.platform == "win32", reason="needs a POSIX pty")


def test_digits_typed_right_after_g_go_to_the_dialog_not_the_main_screen() -> None:
    """g25⏎ in one burst (a teacher typing fast over SSH): the jump lands on 25, and 2 and 5 pin no pane."""
    with PtyApp(columns=80, rows=24) as app:
        app.wait_for("tuinet iteration")
        app.wait_quiet(0.2)
        app.send(b"g25\r")
        text = app.wait_for(lambda screen: "tuinet iteration 25 " in screen)
        app.wait_quiet(0.3)
        text = app.text()
        assert "0 follow ✓" in text, text  # no pane pinned by a stray 2 or 5
        assert "Go to iteration" not in text, text
