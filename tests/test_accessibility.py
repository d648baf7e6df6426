"""The real program in a pty: the terminal cursor follows the computation; NO_COLOR; 16-colour terminals.

Screen readers and braille displays follow the terminal's cursor, so after every step it must stand on the number
just computed (cell level) or on the equation. NO_COLOR (no-color.org) must mean no colour codes at all, with the
meaning kept by signs, underline, bold and reverse video. TERM=xterm (16 colours, as over many SSH links) must stay
readable: every character drawn in a colour different from its background.
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

import pytest

from tests.pty_app import PtyApp
from tuinet.app.session import Cursor, Granularity, Session
from tuinet.engine import NetConfig
from tuinet.words.formulas import formula
from tuinet.words.numbers import fmt

pytestmark = pytest.mark.skipif(not hasattr(os, "openpty") or sys.platform == "win32", reason="needs a POSIX pty")

_SGR = re.compile(rb"\x1b\[([0-9;]*)m")
_COLOUR = re.compile(r"^(3[0-8]|4[0-8]|9[0-7]|10[0-7])$")
"""SGR parameters that set a colour: 30–37/38 (foreground), 40–47/48 (background), 90–97/100–107 (bright)."""


def sgr_parameters(output: bytes) -> list[list[str]]:
    return [m.group(1).decode().split(";") for m in _SGR.finditer(output)]


def settle(app: PtyApp, *keys: str) -> None:
    app.wait_quiet(0.25, after=app.press(*keys))


def cell_being_written(session: Session, cursor: Cursor) -> str:
    """The number the cell cursor just wrote, as the screen shows it (engine's value, the number rule)."""
    op = session.schedule[cursor.op]
    values = session.history.trace(cursor.iteration)[op.result]
    i, j = divmod(cursor.cells - 1, values.shape[1])
    return fmt(float(values[i, j]), 3)


@pytest.mark.parametrize("size", [(100, 30), (80, 24)])
def test_the_terminal_cursor_stands_on_the_active_cell_after_each_step(size: tuple[int, int]) -> None:
    session = Session(NetConfig())
    cursor = Cursor()
    with PtyApp(columns=size[0], rows=size[1]) as app:
        app.wait_for("tuinet iteration")
        app.wait_quiet(0.3)
        column, row = app.cursor()
        assert app.lines()[row][column:].startswith("start of iteration 1"), (column, row)  # the equation line
        settle(app, "right")  # operation level: the cursor is on the equation
        cursor = session.move(cursor, Granularity.OPERATION, True)
        column, row = app.cursor()
        assert app.lines()[row][column:].startswith(formula(session.schedule[0], session.history.trace(1))), app.text()
        for key, granularity, forward in (
            [("full_stop", Granularity.CELL, True)] * 6
            + [("comma", Granularity.CELL, False)] * 2
            + [("right", Granularity.OPERATION, True), ("full_stop", Granularity.CELL, True)] * 2
        ):
            settle(app, key)
            cursor = session.move(cursor, granularity, forward)
            column, row = app.cursor()
            shown = app.lines()[row][column:]
            if key == "right":
                assert shown.startswith(
                    formula(session.schedule[cursor.op], session.history.trace(cursor.iteration))
                ), (cursor, app.text())
            else:  # on the number just computed, in the Operation pane's result
                number = cell_being_written(session, cursor)
                assert shown.split()[0] == number, (cursor, number, shown, app.text())
                assert app.cell(column, row).reverse or app.cell(column, row).bg != "default"


def test_no_color_writes_no_colour_and_keeps_the_meaning() -> None:
    with PtyApp(columns=100, rows=30, env={"NO_COLOR": "1"}) as app:
        app.wait_for("tuinet iteration")
        app.wait_quiet(0.3)
        for _ in range(3):
            settle(app, "space")  # iteration 3: some numbers are negative (dW, δ)
        settle(app, "right")
        settle(app, "full_stop")
        colours = {p for params in sgr_parameters(app.output) for p in params if _COLOUR.match(p)}
        assert not colours, f"NO_COLOR=1 still wrote colour codes {sorted(colours)}"
        # The meaning: the cell being written is in reverse video, where the cursor stands.
        column, row = app.cursor()
        assert app.cell(column, row).reverse
        settle(app, "L")  # not in this test's way: the plot screen must be colourless too
        settle(app, "escape")
        colours = {p for params in sgr_parameters(app.output) for p in params if _COLOUR.match(p)}
        assert not colours
        # Negatives carry their sign; the last step's changes are underlined.
        settle(app, "space")
        settle(app, "space")
        text = app.text()
        assert "−" in text
        underlined = [(x, y) for y in range(app.rows) for x in range(app.columns) if app.cell(x, y).underscore]
        assert underlined


def test_an_empty_no_color_keeps_colour() -> None:
    """no-color.org: NO_COLOR set to the empty string does not turn colour off."""
    with PtyApp(columns=100, rows=30, env={"NO_COLOR": ""}) as app:
        app.wait_for("tuinet iteration")
        app.wait_quiet(0.3)
        assert any(_COLOUR.match(p) for params in sgr_parameters(app.output) for p in params)


@pytest.mark.parametrize("term", ["xterm", "screen"])
@pytest.mark.parametrize("theme", ["dark", "light", "ansi"])
def test_16_colour_terminals_stay_readable(term: str, theme: str) -> None:
    with PtyApp("--theme", theme, columns=100, rows=30, env={"TERM": term}) as app:
        app.wait_for("tuinet iteration")
        app.wait_quiet(0.3)
        settle(app, "space")
        settle(app, "right")
        settle(app, "full_stop")
        settle(app, "full_stop")
        # Only the 16 colours (no 256-colour or true-colour codes) …
        assert not [p for p in sgr_parameters(app.output) if "38" in p or "48" in p]
        # … and every character in a colour of its own: none drawn in its background's colour.
        same = [
            (x, y, c.data)
            for y in range(app.rows)
            for x in range(app.columns)
            if (c := app.cell(x, y)).data.strip() and c.fg == c.bg and c.fg != "default"
        ]
        assert not same, same[:10]
        column, row = app.cursor()
        cell = app.cell(column, row)
        assert cell.reverse or cell.bg not in ("default", app.cell(0, app.rows - 3).bg)  # the written cell stands out


def test_config_file_and_rebinding_in_the_real_program(tmp_path: Path) -> None:
    """The installed program reads ~/.config/tuinet/config.toml: a setting and a rebinding both take effect."""
    folder = tmp_path / "tuinet"
    folder.mkdir()
    (folder / "config.toml").write_text('digits = 5\n[keymap]\nnext-iteration = "n"\n')
    session = Session(NetConfig())
    with PtyApp(columns=100, rows=30, env={"XDG_CONFIG_HOME": str(tmp_path)}) as app:
        app.wait_for("tuinet iteration")
        app.wait_quiet(0.3)
        app.press("space")  # no longer bound: nothing to draw
        time.sleep(0.5)
        assert "tuinet iteration 1 · start" in app.status_line()
        settle(app, "n")
        assert app.status_line().startswith("tuinet iteration 1 · update")
        w1 = session.history.trace(1)["W1"]
        assert fmt(float(w1[0, 0]), 5) in app.text()  # five decimals, from the file
        assert " n Iteration" in app.lines()[-1]  # the footer shows the key as bound
