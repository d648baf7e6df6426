"""One ``tuinet`` process in its own pseudo-terminal: start it, feed it, resize it, and make sure it ends.

The server owns one AppProcess per SSH session. Bytes flow through the pty master, which is
non-blocking and read from the event loop (``loop.add_reader``): the app's output goes to
``on_output`` as it arrives, and reading pauses when the consumer says it is full (``pause``),
so a slow client costs a bounded buffer, never an unbounded one.

The child is started in a new session (``start_new_session``) by ``tuinet.serve.launch``, which
makes the pty its controlling terminal: setting the window size on the master then delivers
SIGWINCH to the app, and closing the master delivers SIGHUP. ``stop`` sends SIGHUP to the whole
process group and SIGKILL after a grace period, so nothing outlives its session.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import fcntl
import logging
import os
import pty
import signal
import struct
import subprocess
import sys
import termios
from collections.abc import Callable, Sequence

from tuinet.serve.environment import app_env, clean_term
from tuinet.serve.forks import ForkServer
from tuinet.serve.launch import Limits
from tuinet.serve.logs import event

__all__ = ["AppProcess", "app_env", "clean_term", "set_winsize"]


READ_CHUNK = 65536
MAX_BATCH = 1 << 20
MAX_PENDING_INPUT = 1 << 20
"""Keys not yet accepted by the app beyond this are dropped (the app reads input as fast as it comes)."""
GRACE_SECONDS = 2.0
"""How long a process has to quit after SIGHUP before SIGKILL."""


def set_winsize(fd: int, columns: int, rows: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", max(1, rows), max(1, columns), 0, 0))


class AppProcess:
    """A tuinet process on a pty; ``wait()`` returns its exit status.

    Made by ``launch`` (a fresh interpreter through tuinet.serve.launch) or ``fork`` (from the fork
    server: warm and copy-on-write); either way the server holds the pty's master end.
    """

    def __init__(self, master: int, pid: int, exit_status: asyncio.Future[int], on_output: Callable[[bytes], None]):
        self._loop = asyncio.get_running_loop()
        self._on_output = on_output
        self._pending = bytearray()
        self._reading = False
        self.master = master
        self.pid = pid
        self._exit_status = exit_status
        self._exited = asyncio.Event()
        self.returncode: int | None = None
        self._watch = self._loop.create_task(self._reap())  # held: asyncio keeps only weak refs to tasks
        self.resume()

    @classmethod
    def launch(
        cls,
        app_args: Sequence[str],
        *,
        term: str,
        size: tuple[int, int],
        limits: Limits,
        on_output: Callable[[bytes], None],
        cwd: str,
        pass_fds: Sequence[int] = (),
    ) -> AppProcess:
        """A new interpreter (slow to start: it imports everything), for when there is no fork server."""
        master, slave = pty.openpty()
        try:
            set_winsize(slave, *size)
            os.set_blocking(master, False)
            argv = [sys.executable, "-m", "tuinet.serve.launch", *limits.argv(), "--", *app_args]
            process = subprocess.Popen(
                argv,
                stdin=slave,
                stdout=slave,
                stderr=slave,
                cwd=cwd,
                env=app_env(term),
                start_new_session=True,
                close_fds=True,
                pass_fds=tuple(pass_fds),
            )
        except BaseException:
            os.close(master)
            raise
        finally:
            os.close(slave)
        loop = asyncio.get_running_loop()
        return cls(master, process.pid, loop.create_task(_wait_popen(process)), on_output)

    @classmethod
    async def fork(
        cls,
        forks: ForkServer,
        app_args: Sequence[str],
        *,
        term: str,
        size: tuple[int, int],
        limits: Limits,
        nice: int,
        on_output: Callable[[bytes], None],
        follow: int | None = None,
    ) -> AppProcess:
        """An app forked from the fork server: its first frame in well under a second, its memory shared."""
        master, slave = pty.openpty()
        try:
            set_winsize(slave, *size)
            os.set_blocking(master, False)
            pid, status = await forks.spawn(
                app_args, slave=slave, env=app_env(term), limits=limits, nice=nice, follow=follow
            )
        except BaseException:
            os.close(master)
            raise
        finally:
            os.close(slave)
        return cls(master, pid, status, on_output)

    # -- output ---------------------------------------------------------------------------

    def pause(self) -> None:
        """Stop reading the app's output until ``resume`` (the consumer's buffer is full)."""
        if self._reading:
            self._loop.remove_reader(self.master)
            self._reading = False

    def resume(self) -> None:
        if not self._reading and self.master >= 0:
            self._loop.add_reader(self.master, self._readable)
            self._reading = True

    def _readable(self) -> None:
        # Drain what is there: a frame arrives in several pty reads, and handing it on in one piece
        # costs one SSH write per viewer instead of one per read (a renderer has dozens of viewers).
        chunks: list[bytes] = []
        size = 0
        ended = False
        while size < MAX_BATCH:
            try:
                data = os.read(self.master, READ_CHUNK)
            except BlockingIOError:
                break
            except OSError as error:  # EIO: every slave end is closed, the app has gone
                if error.errno != errno.EIO:
                    event("pty_error", logging.WARNING, pid=self.pid, error=error)
                data = b""
            if not data:
                ended = True
                break
            chunks.append(data)
            size += len(data)
        if chunks:
            self._on_output(b"".join(chunks))
        if ended:
            self.pause()

    # -- input and size -------------------------------------------------------------------

    def write(self, data: bytes) -> None:
        """Send keys to the app (buffered if the pty is momentarily full)."""
        if self.master < 0:
            return
        if self._pending:
            if len(self._pending) + len(data) <= MAX_PENDING_INPUT:
                self._pending += data
            return
        try:
            written = os.write(self.master, data)
        except BlockingIOError:
            written = 0
        except OSError:
            return  # the app is gone; the reaper ends the session
        if written < len(data):
            self._pending += data[written:]
            self._loop.add_writer(self.master, self._flush)

    def _flush(self) -> None:
        try:
            written = os.write(self.master, self._pending)
        except BlockingIOError:
            return
        except OSError:
            written = len(self._pending)
        del self._pending[:written]
        if not self._pending:
            self._loop.remove_writer(self.master)

    def resize(self, columns: int, rows: int) -> None:
        """Tell the app its new size: the kernel sends SIGWINCH to the pty's foreground process group."""
        if self.master >= 0:
            set_winsize(self.master, columns, rows)

    # -- the end ----------------------------------------------------------------------------

    async def _reap(self) -> None:
        try:
            returncode = await self._exit_status
        except OSError:  # the fork server has gone: so has the app (it is sent SIGHUP)
            returncode = 1
        # Whatever the app wrote last is still in the pty: hand it over before reporting the end.
        while self.master >= 0:
            try:
                data = os.read(self.master, READ_CHUNK)
            except OSError:
                break
            if not data:
                break
            self._on_output(data)
        self.returncode = returncode
        self._exited.set()

    async def wait(self) -> int:
        await self._exited.wait()
        return self.returncode if self.returncode is not None else 1

    @property
    def running(self) -> bool:
        return not self._exited.is_set()

    def _signal_group(self, sig: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, sig)

    async def stop(self, grace: float = GRACE_SECONDS) -> None:
        """End the app and everything in its process group: SIGHUP, then SIGKILL after ``grace`` seconds."""
        if self.running:
            self._signal_group(signal.SIGHUP)
            try:
                await asyncio.wait_for(asyncio.shield(self._exited.wait()), grace)
            except TimeoutError:
                event("killed", logging.WARNING, pid=self.pid, reason=f"ignored SIGHUP for {grace:.1f} s")
        # Also when the leader has exited: anything it left in its group goes too.
        self._signal_group(signal.SIGKILL)
        await self._exited.wait()
        self.close()

    def close(self) -> None:
        """Release the pty (once the process has been reaped)."""
        if self.master >= 0:
            self.pause()
            if self._pending:
                self._loop.remove_writer(self.master)
                self._pending.clear()
            os.close(self.master)
            self.master = -1


async def _wait_popen(process: subprocess.Popen[bytes]) -> int:
    """The exit status of a child of the server; a pidfd says when, so no thread per session and no polling."""
    loop = asyncio.get_running_loop()
    pidfd = os.pidfd_open(process.pid)
    exited = asyncio.Event()
    loop.add_reader(pidfd, exited.set)
    try:
        await exited.wait()
    finally:
        loop.remove_reader(pidfd)
        os.close(pidfd)
    code = process.wait()
    return code if code >= 0 else 128 - code
