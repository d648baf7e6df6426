"""Run the real ``tuinet`` program in a pseudo-terminal, type at it, resize it, signal it, and read its screen.

How the child is set up, and why:

- ``os.openpty()`` + ``subprocess.Popen(start_new_session=True)``: the child leads a new session and
  process group, so ``os.killpg`` cleans up everything it started. (``pty.fork()`` would be shorter, but
  forking a process that has threads — pytest's, pyte's reader below — can deadlock the child.)
- the child first makes the pty its *controlling* terminal (``TIOCSCTTY``, in a two-line launcher run
  before ``tuinet``), exactly as a terminal emulator or sshd does. Only then does a window-size change on
  the master reach it as SIGWINCH, and closing the master send it SIGHUP;
- a reader thread drains the master all the time: a Textual app blocks in ``write`` once the pty's buffer
  (a few KB) is full, so a test that stopped reading would see a frozen app that is not the app's fault.
  The bytes are fed to a ``pyte`` screen only when a test asks what the screen shows.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

import pyte

__all__ = ["KEYS", "PtyApp", "ScreenTimeout", "iteration_shown"]

ROOT = Path(__file__).resolve().parents[1]

KEYS: dict[str, bytes] = {
    "space": b" ",
    "backspace": b"\x7f",
    "right": b"\x1b[C",
    "left": b"\x1b[D",
    "full_stop": b".",
    "comma": b",",
    "enter": b"\r",
    "escape": b"\x1b",
    "ctrl+c": b"\x03",
    "ctrl+q": b"\x11",
    "q": b"q",
    "g": b"g",
}
"""What a terminal sends for each key tuinet binds (xterm, normal cursor-key mode)."""

# Runs in the child before tuinet: take the pty (our stdin) as the controlling terminal, then become tuinet.
_LAUNCHER = (
    "import fcntl, os, sys, termios; fcntl.ioctl(0, termios.TIOCSCTTY, 0); "
    "os.execv(sys.executable, [sys.executable, '-m', 'tuinet', *sys.argv[1:]])"
)


class ScreenTimeout(AssertionError):
    """The program did not show what the test waited for in time; the message shows what it did show."""


def _set_winsize(fd: int, columns: int, rows: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))


def terminal_env() -> dict[str, str]:
    """A 256-colour xterm, without variables that would override the pty's size or change Textual's output."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("COLORTERM", "COLUMNS", "LINES", "NO_COLOR") and not name.startswith("TEXTUAL")
    }
    env["TERM"] = "xterm-256color"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


class PtyApp:
    """``python -m tuinet *args`` in a ``columns`` × ``rows`` pty. A context manager: the child is always killed."""

    def __init__(self, *args: str, columns: int = 100, rows: int = 30, env: dict[str, str] | None = None) -> None:
        self.args = list(args)
        self.env = env or {}
        """Variables set (or overriding terminal_env's) for the program: NO_COLOR, TERM, …"""
        self.columns, self.rows = columns, rows
        self.proc: subprocess.Popen[bytes] | None = None
        self.master = -1
        self._chunks: list[tuple[float, bytes]] = []
        """Everything the child wrote, as (time.monotonic(), bytes); appended only by the reader thread."""
        self._eof = False
        self._cond = threading.Condition()
        self._reader: threading.Thread | None = None
        self._stop = threading.Event()
        self._screen = pyte.Screen(columns, rows)
        self._stream = pyte.ByteStream(self._screen)
        self._fed = 0
        self.initial_tty_attributes: list[object] = []
        """The tty's termios attributes before the program started (echo, line editing, …)."""

    # -- life cycle -------------------------------------------------------------------------------------------

    def __enter__(self) -> PtyApp:
        master, slave = os.openpty()
        _set_winsize(slave, self.columns, self.rows)
        self.initial_tty_attributes = termios.tcgetattr(slave)
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", _LAUNCHER, *self.args],
                stdin=slave,
                stdout=slave,
                stderr=slave,
                start_new_session=True,
                cwd=ROOT,
                env={**terminal_env(), **self.env},
            )
        except BaseException:
            os.close(master)
            raise
        finally:
            os.close(slave)  # only the child holds the slave now: its exit shows up as EIO on the master
        self.master = master
        self._reader = threading.Thread(target=self._read_loop, name="pty-reader", daemon=True)
        self._reader.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Kill the child's process group (if still there), reap it, stop the reader, close the master."""
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=5)
        self.close_master()

    def close_master(self) -> None:
        """Close our end of the pty — a hang-up, as when a terminal window or SSH connection is closed."""
        self._stop.set()  # the reader first, so that it never selects on a closed (or reused) descriptor
        if self._reader is not None:
            self._reader.join(timeout=2)
            self._reader = None
        if self.master >= 0:
            master, self.master = self.master, -1
            with contextlib.suppress(OSError):
                os.close(master)

    def _read_loop(self) -> None:
        fd = self.master
        while not self._stop.is_set():
            try:
                ready, _, _ = select.select([fd], [], [], 0.05)
                data = os.read(fd, 1 << 16) if ready else None
            except OSError:  # EIO: the child and everything it started have closed the terminal
                data = b""
            if data is None:
                continue
            with self._cond:
                if data:
                    self._chunks.append((time.monotonic(), data))
                else:
                    self._eof = True
                self._cond.notify_all()
            if not data:
                break

    # -- input --------------------------------------------------------------------------------------------------

    def send(self, data: bytes) -> float:
        """Write ``data`` to the terminal as if typed, in as few writes as the pty allows; return the time."""
        started = time.monotonic()
        view = memoryview(data)
        while view:
            view = view[os.write(self.master, view) :]
        return started

    def press(self, *keys: str) -> float:
        """Type ``keys`` (names from KEYS, or single characters) in one write; return the time of the write."""
        return self.send(b"".join(KEYS.get(key, key.encode()) for key in keys))

    def resize(self, columns: int, rows: int) -> None:
        """Change the window size; the kernel sends SIGWINCH to the child, as a terminal emulator does."""
        self._feed()  # what arrived so far was drawn for the old size
        self._screen.resize(rows, columns)
        self.columns, self.rows = columns, rows
        _set_winsize(self.master, columns, rows)

    def tty_attributes(self) -> list[object]:
        """The tty's termios attributes now (read through the master: they are the slave's)."""
        return termios.tcgetattr(self.master)

    def kill(self, sig: int) -> None:
        """Send ``sig`` to the program (the process, as ``kill PID`` does)."""
        assert self.proc is not None
        self.proc.send_signal(sig)

    # -- output -------------------------------------------------------------------------------------------------

    @property
    def output(self) -> bytes:
        with self._cond:
            return b"".join(data for _, data in self._chunks)

    def _feed(self) -> None:
        with self._cond:
            pending = self._chunks[self._fed :]
            self._fed = len(self._chunks)
        for _, data in pending:
            self._stream.feed(data)

    def lines(self) -> list[str]:
        """The emulated screen, one string per row (trailing spaces stripped)."""
        self._feed()
        return [line.rstrip() for line in self._screen.display]

    def cursor(self) -> tuple[int, int]:
        """Where the terminal's cursor stands now, as (column, row) from 0 — what a screen reader follows."""
        self._feed()
        return self._screen.cursor.x, self._screen.cursor.y

    def cell(self, column: int, row: int) -> pyte.screens.Char:
        """The character at (column, row) with its attributes (fg, bg, bold, underscore, reverse)."""
        self._feed()
        return self._screen.buffer[row][column]

    def text(self) -> str:
        return "\n".join(self.lines())

    def wait_quiet(self, quiet: float = 0.3, timeout: float = 20.0, after: float | None = None) -> float:
        """Wait until nothing has been written for ``quiet`` seconds (and something after ``after``); return then."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                now = time.monotonic()
                last = self._chunks[-1][0] if self._chunks else None
                arrived = last is not None and (after is None or last > after)
                if (arrived and last is not None and now - last >= quiet) or self._eof:
                    return now
                if now >= deadline:
                    raise ScreenTimeout(f"output did not settle within {timeout:.0f} s")
                wake = (last + quiet - now) if arrived and last is not None else 0.05
                self._cond.wait(timeout=max(0.005, min(wake, deadline - now)))

    def wait_for(self, shows: str | Callable[[str], bool], timeout: float = 20.0) -> str:
        """Wait until the screen contains ``shows`` (or satisfies it); return the screen text."""
        check: Callable[[str], bool] = (lambda text: shows in text) if isinstance(shows, str) else shows
        deadline = time.monotonic() + timeout
        seen = -1
        while True:
            with self._cond:
                count, eof = len(self._chunks), self._eof
                if count == seen and not eof:
                    self._cond.wait(timeout=0.1)
                    count, eof = len(self._chunks), self._eof
            if count != seen:
                seen = count
                text = self.text()
                if check(text):
                    return text
            if eof or time.monotonic() >= deadline:
                what = "the program exited" if eof else f"timed out after {timeout:.0f} s"
                raise ScreenTimeout(f"{what} waiting for {shows!r}; the screen shows:\n{self.text()}")

    def wait_exit(self, timeout: float = 3.0) -> int | None:
        """The exit status once the program has exited (None if it is still running after ``timeout``)."""
        assert self.proc is not None
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def wait_eof(self, timeout: float = 3.0) -> bool:
        """Whether every writer of the pty closed it (the program and anything it started) within ``timeout``."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not self._eof and time.monotonic() < deadline:
                self._cond.wait(timeout=0.05)
            return self._eof

    def status_line(self) -> str:
        """The screen's first line that starts with ``tuinet iteration`` (the status bar)."""
        for line in self.lines():
            if re.search(r"tuinet iteration \d+", line):
                return line.strip()
        raise AssertionError("no status line on the screen:\n" + self.text())


def iteration_shown(status: str) -> int:
    """The iteration number in a status line."""
    match = re.search(r"tuinet iteration (\d+)", status)
    assert match is not None, status
    return int(match.group(1))
