"""The real program in a pseudo-terminal: quitting, signals, hang-ups, key floods, resizes, divergence, long jumps.

Each test runs ``python -m tuinet`` in a pty (tests/pty_app.py), types at it as a terminal would, and
reads the screen back through pyte. "The terminal is restored" means what a user's shell needs after the
program is gone: every terminal mode the program switched (alternate screen, mouse tracking, hidden
cursor, bracketed paste, no autowrap, focus events, the kitty keyboard protocol) is back to its default,
the tty is in the very mode it was in before (echo, line editing), and no traceback was printed.
"""

from __future__ import annotations

import os
import random
import re
import signal
import sys
import time

import pytest

from tests.pty_app import PtyApp, iteration_shown
from tuinet.app.session import Cursor, Granularity, Session
from tuinet.engine import NetConfig
from tuinet.words.names import label as label_of
from tuinet.words.numbers import fmt

pytestmark = pytest.mark.skipif(not hasattr(os, "openpty") or sys.platform == "win32", reason="needs a POSIX pty")

EXPLODING_RELU = ["--activation", "relu", "--output-activation", "linear", "--lr", "1e6", "--bias"]
"""The issue's "--lr 1e6, exploding relu net": the loss passes 1e304 and overflows to inf at iteration 25."""

_MODE = re.compile(rb"\x1b\[\?(\d+)([hl])")
_KITTY = re.compile(rb"\x1b\[([<>])\d*u")
_DEFAULT_ON = {7, 25}
"""DEC private modes that are on in a fresh terminal: autowrap and the visible cursor. All others are off."""


# -- helpers ------------------------------------------------------------------------------------------------


def assert_terminal_restored(app: PtyApp) -> None:
    """Every mode the program changed is back to its default, the tty mode is as before, and no traceback."""
    output = app.output
    final: dict[int, bool] = {}
    for match in _MODE.finditer(output):
        final[int(match.group(1))] = match.group(2) == b"h"
    left = {mode: "on" if on else "off" for mode, on in final.items() if on != (mode in _DEFAULT_ON)}
    assert not left, f"terminal modes left switched: {left}; the output ended with {output[-300:]!r}"
    assert 1049 in final, "the program never used the alternate screen: did it start at all?"
    pushes = sum(1 for m in _KITTY.finditer(output) if m.group(1) == b">")
    pops = sum(1 for m in _KITTY.finditer(output) if m.group(1) == b"<")
    assert pops >= pushes, "the kitty keyboard mode was pushed but not popped"
    assert b"Traceback" not in output, output[-2000:]
    assert app.tty_attributes() == app.initial_tty_attributes, "the tty was left in raw mode"


def assert_gone(app: PtyApp, timeout: float = 8.0) -> int:
    """The program and everything it started exited within ``timeout``; return its exit status.

    A hang is forever: the margin only has to cover a slow shutdown on a loaded 2-core machine (3 s was not).
    """
    started = time.monotonic()
    code = app.wait_exit(timeout)
    assert code is not None, f"still running {timeout:.0f} s later; the screen shows:\n{app.text()}"
    if app.master >= 0:  # (after a hang-up there is no terminal left to watch)
        assert app.wait_eof(max(0.5, timeout - (time.monotonic() - started))), "something still holds the terminal"
    assert app.proc is not None
    with pytest.raises(ProcessLookupError):
        os.killpg(app.proc.pid, 0)  # nothing left in its process group
    return code


def expected_status(session: Session, cursor: Cursor, cell_mode: bool) -> str:
    """The start of the status line for ``cursor``, built from the engine's schedule and trace (not the UI)."""
    head = f"tuinet iteration {cursor.iteration}"
    if cursor.op < 0:
        return head + " · start"
    op = session.schedule[cursor.op]
    label = label_of(session.history.trace(cursor.iteration), op.result)
    text = f"{head} · {op.phase} · op {op.index + 1}/{len(session.schedule)} {label}"
    if cell_mode or cursor.cells < session.size(cursor.op):
        text += f" · cell {cursor.cells}/{session.size(cursor.op)}"
    return text


def flat(text: str) -> str:
    """Screen text with runs of whitespace (wrapping included) folded to one space."""
    return " ".join(text.split())


def started(app: PtyApp) -> PtyApp:
    app.wait_for("tuinet iteration")
    app.wait_quiet(0.2)
    return app


def jump(app: PtyApp, iteration: int, timeout: float = 20.0) -> str:
    """Go to ``iteration`` with the g dialog; return the status line once it shows that iteration."""
    app.press("g")
    app.wait_for("Go to iteration")
    app.send(f"{iteration}\r".encode())
    app.wait_for(lambda text: f"tuinet iteration {iteration} " in text, timeout=timeout)
    app.wait_quiet(0.2)
    return app.status_line()


# -- quitting, signals and hang-ups -------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["main", "help", "jump dialog"])
@pytest.mark.parametrize("key", ["q", "ctrl+q", "ctrl+c"])
def test_quit_keys_restore_the_terminal(key: str, where: str) -> None:
    """q, ctrl+q and ctrl+c quit, as the help screen says, and restore the terminal.

    ctrl+q and ctrl+c quit from anywhere; in the help screen q closes the help, and in the jump
    dialog it is a character typed into the input.
    """
    with PtyApp(columns=100, rows=50) as app:
        started(app)
        if where == "help":
            app.press("?")
            shown = flat(app.wait_for("esc closes this help"))
            assert "q ctrl+q ctrl+c quit" in shown, shown  # what the help screen promises
        elif where == "jump dialog":
            app.press("g")
            app.wait_for("Go to iteration")
        app.press(key)
        if key == "q" and where != "main":
            app.wait_for(lambda text: "esc closes this help" not in text if where == "help" else "(now 1):" in text)
            assert app.wait_exit(0.5) is None, "q quit from a dialog"
            app.press("escape" if where != "help" else "q")
            if where != "help":
                app.wait_for(lambda text: "Go to iteration" not in text)
                app.press("q")
        assert assert_gone(app) == 0
        assert_terminal_restored(app)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT], ids=lambda s: s.name)
def test_signals_quit_and_restore_the_terminal(sig: signal.Signals) -> None:
    """kill -TERM / -HUP / -INT: the program exits within 3 s through its normal shutdown."""
    with PtyApp() as app:
        started(app)
        app.press("space")
        app.wait_for("tuinet iteration 1 ·")
        app.kill(sig)
        code = assert_gone(app)
        # 128 + N is what a shell reports for signal N; 0 until tuinet/cli.py returns the app's return_code.
        assert code == 128 + sig.value
        assert_terminal_restored(app)


# The real program, but with Textual's output thread stuck the way a vanished terminal leaves it (its thread dead,
# its queue full): stopping it never returns. Seen for real here: a tuinet asleep in WriterThread.stop for an hour.
_STUCK_SHUTDOWN = (
    "import fcntl, sys, termios, threading; fcntl.ioctl(0, termios.TIOCSCTTY, 0)\n"
    "import textual.drivers._writer_thread as w\n"
    "w.WriterThread.stop = lambda self: threading.Event().wait()\n"
    "from tuinet.cli import main\n"
    "sys.exit(main(sys.argv[1:]))"
)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=lambda s: s.name)
def test_a_shutdown_that_hangs_still_ends(sig: signal.Signals, monkeypatch: pytest.MonkeyPatch) -> None:
    """After a signal, a clean shutdown that cannot finish is ended by the watchdog, with the signal's status."""
    from tuinet.app.signals import SHUTDOWN_GRACE

    monkeypatch.setattr("tests.pty_app._LAUNCHER", _STUCK_SHUTDOWN)
    with PtyApp() as app:
        started(app)
        app.kill(sig)
        assert app.wait_exit(SHUTDOWN_GRACE + 8) == 128 + sig.value, "still running: the shutdown hung for good"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=lambda s: s.name)
def test_signal_at_start_up_still_restores_the_terminal(sig: signal.Signals) -> None:
    """A signal as soon as the program has switched the terminal over (before its first frame)."""
    with PtyApp() as app:
        app.wait_for(lambda _: len(app.output) > 0)
        app.kill(sig)
        assert_gone(app)
        assert_terminal_restored(app)


def test_signal_during_a_long_jump_and_a_dialog() -> None:
    """SIGTERM while a worker computes millions of iterations, then while a dialog is open: still clean."""
    with PtyApp() as app:
        started(app)
        app.press("g")
        app.wait_for("Go to iteration")
        app.send(b"5000000\r")
        app.wait_for("computing")
        app.press("g")  # a dialog on top of the busy app
        app.wait_for("Go to iteration")
        app.kill(signal.SIGTERM)
        assert_gone(app)
        assert_terminal_restored(app)


def test_hang_up_closing_the_terminal() -> None:
    """The terminal goes away (window closed, SSH dropped): the program exits promptly, not killed, nothing left."""
    with PtyApp() as app:
        started(app)
        app.close_master()
        code = assert_gone(app)
        assert code >= 0, f"killed by signal {-code} instead of exiting"


# -- key floods -----------------------------------------------------------------------------------------------

FLOOD = 500
SETTLE_SECONDS = 3.0


@pytest.mark.parametrize(
    "forward, back, granularity",
    [
        ("space", "backspace", Granularity.ITERATION),
        ("right", "left", Granularity.OPERATION),
        ("full_stop", "comma", Granularity.CELL),
    ],
    ids=["iteration", "operation", "cell"],
)
def test_key_floods_settle_quickly_on_the_right_state(forward: str, back: str, granularity: Granularity) -> None:
    """500 buffered presses of a stepping key (one write), then 500 of its opposite: quick, and exactly right."""
    session = Session(NetConfig())
    cursor = Cursor()
    cell_mode = granularity is Granularity.CELL
    with PtyApp() as app:
        started(app)
        for key, ahead in ((forward, True), (back, False)):
            for _ in range(FLOOD):
                cursor = session.move(cursor, granularity, ahead)
            sent = app.press(*[key] * FLOOD)
            settled = app.wait_quiet(0.4, timeout=30, after=sent) - 0.4
            assert settled - sent < SETTLE_SECONDS, f"{FLOOD} × {key} took {settled - sent:.1f} s to settle"
            status = app.status_line()
            assert status.startswith(expected_status(session, cursor, cell_mode)), (key, cursor, status)
            if cursor.op == session.last_op and cursor.cells == session.size(session.last_op):
                assert f"· loss {fmt(session.history.trace(cursor.iteration).loss, 4)}" in status
        # Still responsive afterwards.
        app.press("space")
        cursor = session.move(cursor, Granularity.ITERATION, True)
        app.wait_for(lambda text: f"tuinet iteration {cursor.iteration} · update" in text)


# -- resizes ----------------------------------------------------------------------------------------------------


_CURVE = re.compile(r"\s*[▁▂▃▄▅▆▇█]*$")


def without_curve(lines: list[str]) -> list[str]:
    """The screen with the loss curve cut off the status line (it is compared on its own, below)."""
    return [_CURVE.sub("", lines[0]), *lines[1:]]


def reference_screen(iterations: int, columns: int = 100, rows: int = 30) -> list[str]:
    """What the app shows after ``iterations`` presses of space in a terminal that was never resized."""
    with PtyApp(columns=columns, rows=rows) as reference:
        started(reference)
        reference.press(*["space"] * iterations)
        reference.wait_for(f"tuinet iteration {iterations} ·")
        reference.wait_quiet(0.5)
        return reference.lines()


def test_rapid_resizes_leave_a_correct_screen() -> None:
    """50 resizes (tiny, too small, huge, and back), keys typed in between: the same screen as never resized."""
    rnd = random.Random(50)
    sizes = [(rnd.randint(20, 200), rnd.randint(5, 60)) for _ in range(44)]
    sizes[10:10] = [(40, 10), (69, 22), (70, 21), (10, 3), (70, 22)]
    sizes.append((100, 30))
    assert len(sizes) == 50
    expected = reference_screen(28)
    with PtyApp(columns=100, rows=30) as app:
        started(app)
        app.press("space", "space", "space")
        for number, (columns, rows) in enumerate(sizes):
            app.resize(columns, rows)
            if number % 2:
                app.press("space")  # 25 presses, each under a different size
            time.sleep(rnd.uniform(0, 0.02))
        app.wait_for("tuinet iteration 28 ·")
        app.wait_quiet(0.5)
        shown = app.lines()
        assert "too small" not in "\n".join(shown)
        assert without_curve(shown) == without_curve(expected), "\n".join(shown)
        assert any("q Quit" in line for line in shown[-2:]), "the footer is missing"
        # Below the minimum: the notice, with the real size; and back again.
        app.resize(40, 10)
        notice = flat(app.wait_for("too small"))
        assert "terminal too small (needs 70×22, is 40×10)" in notice, notice
        app.resize(100, 30)
        app.wait_for(lambda text: "too small" not in text and "tuinet iteration 28 ·" in text)
        app.wait_quiet(0.5)
        assert without_curve(app.lines()) == without_curve(expected)
        app.press("space")
        app.wait_for("tuinet iteration 29 ·")


def test_the_loss_curve_follows_a_resize() -> None:
    """100 steps taken at 200 columns, then the window shrinks to 100: the status line is as if always 100 wide."""
    expected = reference_screen(100)
    with PtyApp(columns=200, rows=60) as app:
        started(app)
        app.press(*["space"] * 100)
        app.wait_for("tuinet iteration 100 ·")
        app.wait_quiet(0.3)
        app.resize(100, 30)
        # Wait for the redraw itself (a fixed quiet spell can end before a loaded machine even starts it); a
        # status line that never becomes the 100-column one times out with the screen shown.
        app.wait_for(lambda text: text.splitlines()[0] == expected[0], timeout=15)
        app.wait_quiet(0.3)
        assert app.lines()[0] == expected[0]


# -- divergence and long jumps ----------------------------------------------------------------------------------


def test_divergence_is_shown_and_the_app_keeps_working() -> None:
    """An exploding relu net: "diverged at iteration 25" and an inf loss; stepping back shows finite numbers."""
    session = Session(NetConfig(activation="relu", output_activation="linear", lr=1e6, bias=True))
    session.history.extend(40)
    assert session.history.diverged_at == 25
    with PtyApp(*EXPLODING_RELU) as app:
        started(app)
        status = jump(app, 40)
        assert "diverged at iteration 25" in status and "loss inf" in status, status
        app.press(*["backspace"] * 16)
        app.wait_for("tuinet iteration 24 ·")
        app.wait_quiet(0.3)
        status = app.status_line()
        assert "diverged" not in status and f"loss {fmt(session.history.loss(24), 4)}" in status, status
        assert "e304" in status  # the 1e304 loss, legible
        app.press("space")
        app.wait_for(lambda text: "tuinet iteration 25 ·" in text and "diverged at iteration 25" in text)


def test_a_long_jump_and_back_gives_the_original_numbers() -> None:
    """Jump to iteration 100,000 (computed off the event loop), then back to 1: the very same screen as before."""
    with PtyApp(columns=120, rows=40) as app:
        started(app)
        app.press("space")
        app.wait_for("tuinet iteration 1 · update")
        app.wait_quiet(0.3)
        first = app.lines()
        status = jump(app, 100_000, timeout=60)
        assert iteration_shown(status) == 100_000
        jump(app, 1)
        app.wait_for(lambda text: "computing" not in text)  # the progress toast has gone
        app.wait_quiet(0.3)
        assert app.lines() == first
