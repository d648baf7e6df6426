"""Run a terminal program in a pseudo-terminal, feed it keys, and watch what it writes.

Used by ``benchmarks/ui.py`` to measure the real app the way a user's terminal sees it:

- the child gets a fresh session with the pty as its controlling terminal (``pty.fork``), so a
  window-size change reaches it as SIGWINCH, exactly as from an xterm or an SSH client;
- a reader thread drains the pty all the time and only stores ``(time, bytes)`` chunks. It must
  never stop reading: a Textual app blocks in ``write`` once the pty buffer (a few KB) is full,
  which would show up as fake latency. It also does no parsing, so it steals no CPU from the app;
- the bytes are fed to a ``pyte`` screen lazily, only when a caller asks what the screen shows
  (and callers ask only while the app is quiet), for the same reason.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import shlex
import signal
import struct
import sys
import termios
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType

import pyte

__all__ = ["AppNeverDrew", "PtyApp", "terminal_env"]


class AppNeverDrew(RuntimeError):
    """The program did not show what we waited for in time (it crashed, hung, or drew something else)."""


def terminal_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of a 256-colour terminal reached over SSH.

    ``TERM=xterm-256color`` without ``COLORTERM`` (SSH does not forward it), so Textual picks
    256 colours rather than truecolor. ``COLUMNS``/``LINES`` would override the pty's window
    size in ``shutil.get_terminal_size``, and ``TEXTUAL_*`` variables (FPS, colour system, debug
    devtools) would change what we measure, so all of those are dropped.
    """
    env = dict(os.environ if base is None else base)
    for name in list(env):
        if name in ("COLORTERM", "COLUMNS", "LINES", "NO_COLOR") or name.startswith("TEXTUAL"):
            del env[name]
    env["TERM"] = "xterm-256color"
    return env


def _set_winsize(fd: int, columns: int, rows: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))


class PtyApp:
    """One run of ``argv`` in a ``columns`` × ``rows`` pty. Use as a context manager: the child is always killed."""

    def __init__(
        self,
        argv: Sequence[str],
        columns: int,
        rows: int,
        *,
        env: Mapping[str, str] | None = None,
        cwd: str | None = None,
    ) -> None:
        self.argv = list(argv)
        self.columns = columns
        self.rows = rows
        self.env = terminal_env() if env is None else dict(env)
        self.cwd = cwd
        self.pid = -1
        self.fd = -1
        self.spawned_at = 0.0
        # Everything the child wrote, as (perf_counter time, bytes); appended only by the reader thread.
        self.chunks: list[tuple[float, bytes]] = []
        self.eof = False
        self._cond = threading.Condition()
        self._reader: threading.Thread | None = None
        self._stop = threading.Event()
        self._screen = pyte.Screen(columns, rows)
        self._stream = pyte.ByteStream(self._screen)
        self._fed = 0  # chunks already fed to the pyte screen

    # -- life cycle ---------------------------------------------------------------------------------------------

    def start(self) -> float:
        """Fork the child; return the spawn time (``time.perf_counter``)."""
        # fork() with other threads alive can deadlock the child; ours are joined in close(), so the
        # only thread here is the main one. Check rather than hope.
        if threading.active_count() > 1:
            raise RuntimeError("PtyApp.start() needs a single-threaded process (close the previous PtyApp first)")
        self.spawned_at = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # the child: size the window before exec, so the app's very first query sees it
            try:
                _set_winsize(0, self.columns, self.rows)
                if self.cwd is not None:
                    os.chdir(self.cwd)
                os.execvpe(self.argv[0], self.argv, self.env)
            except BaseException as error:  # anything here must end the child, never return into our code
                os.write(2, f"exec {self.argv[0]} failed: {error}\r\n".encode())
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        self._reader = threading.Thread(target=self._read_loop, name="pty-reader", daemon=True)
        self._reader.start()
        return self.spawned_at

    def _read_loop(self) -> None:
        while not self._stop.is_set():
            try:
                ready, _, _ = select.select([self.fd], [], [], 0.05)
                if not ready:
                    continue
                data = os.read(self.fd, 1 << 16)
            except OSError:  # EIO: every slave fd is closed, i.e. the child (and its children) exited
                data = b""
            now = time.perf_counter()
            with self._cond:
                if data:
                    self.chunks.append((now, data))
                else:
                    self.eof = True
                self._cond.notify_all()
            if not data:
                return

    def close(self) -> None:
        """Kill the child's whole process group, reap it, stop the reader and close the pty. Idempotent."""
        if self.pid > 0:
            for sig in (signal.SIGTERM, signal.SIGKILL):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.pid, sig)  # pty.fork made the child a session (and group) leader
                deadline = time.monotonic() + 1.0
                while time.monotonic() < deadline:
                    with contextlib.suppress(ChildProcessError):
                        done, _ = os.waitpid(self.pid, os.WNOHANG)
                        if done == 0:
                            time.sleep(0.01)
                            continue
                    self.pid = -1
                    break
                if self.pid == -1:
                    break
            if self.pid > 0:  # SIGKILL did not reap within a second: block rather than leave a zombie
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(self.pid, 0)
                self.pid = -1
        self._stop.set()
        if self._reader is not None:
            self._reader.join(timeout=2.0)
            self._reader = None
        if self.fd >= 0:
            with contextlib.suppress(OSError):
                os.close(self.fd)
            self.fd = -1

    def __enter__(self) -> PtyApp:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    # -- input ----------------------------------------------------------------------------------------------------

    def send(self, data: bytes) -> float:
        """Write ``data`` as if typed (all at once); return the time just before the write."""
        now = time.perf_counter()
        view = memoryview(data)
        while view:  # a pty accepts ~4 KB of unread input; loop in case a write is partial
            written = os.write(self.fd, view)
            view = view[written:]
        return now

    def resize(self, columns: int, rows: int) -> float:
        """Change the window size (the kernel sends SIGWINCH to the child); return the time of the change."""
        self.screen()  # bytes so far were drawn for the old size: feed them before pyte changes size
        self._screen.resize(rows, columns)
        self.columns, self.rows = columns, rows
        now = time.perf_counter()
        _set_winsize(self.fd, columns, rows)
        return now

    def cpu_seconds(self) -> float | None:
        """CPU time the child has used so far (all its threads), or None where /proc does not tell.

        Output going quiet does not prove the app is done: between two frames it may compute silently
        (a layout pass, a garbage collection) for longer than any quiet window. Its CPU clock does tell.
        ``/proc/PID/task/*/schedstat`` is used because it counts nanoseconds, unlike the tick-based
        ``/proc/PID/stat``.
        """
        total = 0
        try:
            tasks = os.listdir(f"/proc/{self.pid}/task")
        except OSError:
            return None
        for task in tasks:
            try:
                with open(f"/proc/{self.pid}/task/{task}/schedstat") as stat:
                    total += int(stat.read().split()[0])
            except (OSError, ValueError, IndexError):  # the thread ended meanwhile, or no schedstats in this kernel
                continue
        return total / 1e9

    # -- output ---------------------------------------------------------------------------------------------------

    @property
    def total_bytes(self) -> int:
        with self._cond:
            return sum(len(data) for _, data in self.chunks)

    def bytes_between(self, start: float, end: float) -> int:
        """Bytes that arrived in ``(start, end]``."""
        with self._cond:
            return sum(len(data) for t, data in self.chunks if start < t <= end)

    def bursts(self, start: float, end: float, gap: float) -> list[int]:
        """Byte counts of the bursts in ``(start, end]``: runs of chunks less than ``gap`` seconds apart.

        Textual writes a frame with one ``write`` (the pty hands it over in 4 KB pieces within a
        fraction of a millisecond), so a burst is a frame, or frames drawn back to back.
        """
        sizes: list[int] = []
        previous = None
        with self._cond:
            for t, data in self.chunks:
                if not start < t <= end:
                    continue
                if previous is None or t - previous > gap:
                    sizes.append(0)
                sizes[-1] += len(data)
                previous = t
        return sizes

    def last_output_time(self) -> float | None:
        with self._cond:
            return self.chunks[-1][0] if self.chunks else None

    def wait_quiet(self, after: float, quiet: float, timeout: float) -> float | None:
        """Wait for output after ``after``, then for ``quiet`` seconds without any; return the time of its last byte.

        Returns None when nothing at all arrived within ``timeout`` (the key did not change the screen).
        Raises AppNeverDrew if output keeps flowing for the whole ``timeout`` or the child exits.
        """
        deadline = time.perf_counter() + timeout
        with self._cond:
            while True:
                now = time.perf_counter()
                last = self.chunks[-1][0] if self.chunks else None
                if last is not None and last > after and now - last >= quiet:
                    return last
                if self.eof:
                    raise AppNeverDrew(f"`{shlex.join(self.argv)}` exited; it last showed:\n{self._tail()}")
                if now >= deadline:
                    if last is None or last <= after:
                        return None
                    raise AppNeverDrew(f"output did not stop for {quiet * 1000:.0f} ms within {timeout:.1f} s")
                # Sleep exactly until the window could close (or the next chunk wakes us).
                wake = (last + quiet - now) if last is not None and last > after else deadline - now
                self._cond.wait(timeout=max(1e-4, min(wake, deadline - now)))

    def wait_for(
        self, shows: Callable[[list[str]], bool], quiet: float, timeout: float, what: str, after: float | None = None
    ) -> float:
        """Wait until the output is quiet and the screen satisfies ``shows``; return the last byte's time.

        The screen is parsed only once the output has gone quiet, so pyte's pure-Python parsing
        never runs while the app is busy drawing (on a 2-core machine it would slow the app down).
        """
        start = self.spawned_at if after is None else after
        deadline = time.perf_counter() + timeout
        while True:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise AppNeverDrew(
                    f"timed out after {timeout:.0f} s waiting for {what}; the screen shows:\n" + self._tail()
                )
            last = self.wait_quiet(start, quiet, remaining)
            if last is None:
                continue  # nothing yet: loop re-checks the deadline
            if shows(self.screen()):
                return last
            start = last  # drawn, but not what we wait for yet: wait for the next burst

    def screen(self) -> list[str]:
        """The emulated screen's lines, after feeding it everything received so far."""
        with self._cond:
            pending = self.chunks[self._fed :]
            self._fed = len(self.chunks)
        for _, data in pending:
            self._stream.feed(data)
        return list(self._screen.display)

    def _tail(self) -> str:
        lines = [line.rstrip() for line in self.screen()]
        shown = "\n".join(f"  | {line}" for line in lines if line)
        return shown or "  (a blank screen)"


if __name__ == "__main__":  # a quick manual check: python -m benchmarks.pty_driver CMD…
    with PtyApp(sys.argv[1:] or ["ls", "-l"], 80, 24) as run:
        run.wait_quiet(run.spawned_at, 0.3, 10)
        print("\n".join(line.rstrip() for line in run.screen()))
