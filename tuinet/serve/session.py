"""One SSH session: a follower watching a shared renderer, or a student (or the teacher) in their own app.

In follow mode a student starts as a *follower*: no app of their own, a member of the renderer group
for their terminal's size class (groups.py), their keys read by the server (terminal.FollowerKeys).
``f`` starts their own app (an *explorer*, forked warm from the fork server, at the teacher's
position); when that app ends with REJOIN_STATUS (``f`` again) they are a follower again. The
teacher, and every student without ``--follow``, has their own app from the start.

Own apps get a fair share, not more: they run at a lower priority than the teacher and the
renderers (nice), their keys pass a rate limit (a 1 MB paste cannot queue a minute of work), and
their terminal size is clamped. A follower is never timed out for idleness: watching presses no key.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any, Protocol

import asyncssh

from tuinet.classroom.protocol import REJOIN_STATUS, REPAINT_MARKER
from tuinet.serve.auth import Role
from tuinet.serve.fairshare import Governor
from tuinet.serve.forks import ForkServer, ForkServerError
from tuinet.serve.groups import Group, Renderers
from tuinet.serve.hub import Hub
from tuinet.serve.logs import event
from tuinet.serve.priority import lower_soon
from tuinet.serve.process import AppProcess, clean_term
from tuinet.serve.settings import Settings
from tuinet.serve.spares import Spares
from tuinet.serve.tasks import background
from tuinet.serve.terminal import RESTORE, Command, FollowerKeys, clamp_size, group_key

__all__ = ["EXPLORER_NICE", "AppSession", "InputBudget", "SessionConnection", "SessionServer"]


class SessionServer(Protocol):
    """What a session needs of the server (ssh.ClassroomServer), named here so session.py need not import it."""

    settings: Settings
    forks: ForkServer
    hub: Hub | None
    renderers: Renderers | None
    spares: Spares | None
    governor: Governor
    sessions: set[AppSession]

    def app_args(self) -> list[str]: ...


class SessionConnection(Protocol):
    """What a session needs of its connection (ssh.Connection)."""

    peer: str

    @property
    def server(self) -> SessionServer: ...

    def disconnect(self, reason: str, code: int = ...) -> None: ...

    def session_opened(self) -> None: ...


NEEDS_TERMINAL = b"tuinet needs a terminal: connect with `ssh -t` (and without a command)\r\n"
EXPLORER_NICE = 15
"""A student's own app: well below the renderers (8) and the teacher (0); a hog drops to 19 (fairshare.py).

CFS weights decide who waits when the cores are busy: nice 0 weighs 1024, 8 weighs 134, 15 weighs 36. With
10 explorers busy at 15 (360 in all) the teacher's app still gets a whole core of two, and the renderers
get more than every explorer together; at 10 (110 each, 1,100 in all) ten explorers pushed the teacher
down to about three quarters of a core and the followers' p95 past 150 ms (benchmarks/serve_classroom.py)."""
MAX_RENDERER_RESTARTS = 3
START_BOOST = 0.5
"""Seconds an own app runs at nice 0 before dropping to EXPLORER_NICE: f → first frame stays quick on a
busy machine (the kernel lets the server raise an app's nice, never lower it, so the drop is for good)."""
INPUT_BURST = 4096
INPUT_RATE = 2048
"""Keys per second (bytes) an own app accepts beyond a burst; fast typing or key repeat is ~100."""


class InputBudget:
    """A token bucket: how many of a client's bytes go to its app; the rest are dropped."""

    def __init__(self, burst: int = INPUT_BURST, rate: float = INPUT_RATE) -> None:
        self.burst, self.rate = burst, rate
        self._tokens = float(burst)
        self._at = time.monotonic()
        self.dropped = 0

    def take(self, data: bytes) -> bytes:
        now = time.monotonic()
        self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
        self._at = now
        allowed = int(min(len(data), self._tokens))
        self._tokens -= allowed
        self.dropped += len(data) - allowed
        return data[:allowed]


class AppSession(asyncssh.SSHServerSession[bytes]):
    """One SSH session channel."""

    def __init__(self, connection: SessionConnection, role: Role) -> None:
        self.connection = connection
        self.server = connection.server
        self.role = role
        self.chan: asyncssh.SSHServerChannel[bytes] | None = None
        self.term: str | None = None
        self.size = (80, 24)
        self.process: AppProcess | None = None
        self.group: Group | None = None
        self._keys = FollowerKeys()
        self._command: asyncio.Future[Command | None] | None = None
        self._budget = InputBudget()
        self._early_input = bytearray()
        self._last_input = time.monotonic()
        self._idle_timer: asyncio.TimerHandle | None = None
        self._ended = False
        self._renderer_restarts = 0

    # -- what the client asks for ---------------------------------------------------------------

    def connection_made(self, chan: asyncssh.SSHServerChannel[bytes]) -> None:
        self.chan = chan

    def pty_requested(self, term_type: str, term_size: tuple[int, int, int, int], term_modes: Any) -> bool:
        self.term = clean_term(term_type)
        if term_size[0] > 0 and term_size[1] > 0:
            self.size = (min(term_size[0], 1000), min(term_size[1], 1000))
        return True

    def shell_requested(self) -> bool:
        return True  # "shell" here means the app; without a pty it is refused politely in session_started

    def exec_requested(self, command: str) -> bool:
        event("refused", logging.WARNING, peer=self.connection.peer, what="exec", command=command)
        return False

    def subsystem_requested(self, subsystem: str) -> bool:
        event("refused", logging.WARNING, peer=self.connection.peer, what="subsystem", subsystem=subsystem)
        return False

    def break_received(self, msec: int) -> bool:
        return False

    def session_started(self) -> None:
        assert self.chan is not None
        self.connection.session_opened()
        env = self.chan.get_environment()
        if env:
            event("refused", logging.WARNING, peer=self.connection.peer, what="env", names=",".join(env))
        if self.term is None:
            self.chan.write_stderr(NEEDS_TERMINAL)
            self.chan.exit(1)
            return
        self.server.sessions.add(self)
        background(self._run())

    # -- the session's life --------------------------------------------------------------------------

    async def _run(self) -> None:
        assert self.chan is not None
        size = f"{self.size[0]}x{self.size[1]}"
        event("session", peer=self.connection.peer, role=self.role, term=self.term, size=size)
        following = self.role is Role.STUDENT and self.server.renderers is not None
        self._arm_idle_timer(self.server.settings.idle_timeout)
        while not self._ended:
            if not following:
                own = "explorer" if self.role is Role.STUDENT and self.server.renderers else None
                status = await self._own_app(own or ("teacher" if self.role is Role.TEACHER else "solo"))
                if status == REJOIN_STATUS and own is not None:
                    event("rejoin", peer=self.connection.peer)
                    following = True
                    continue
                self._exit(status)
                return
            command = await self._follow()
            if command is Command.EXPLORE:
                event("explore", peer=self.connection.peer)
                following = False
            elif command is Command.QUIT:
                self.send(RESTORE)
                self._exit(0)
                return

    async def _follow(self) -> Command | None:
        assert self.server.renderers is not None and self.term is not None
        self._command = asyncio.get_running_loop().create_future()
        self.group = self.server.renderers.join(self, group_key(self.size, self.term))
        try:
            return await self._command
        finally:
            self._leave_group()

    def _leave_group(self) -> None:
        if self.group is not None:
            self.group.remove(self)
            self.group = None

    async def _start_app(self, role: str) -> AppProcess:
        """The student's (or teacher's) own app: a warm spare if one is ready, else a fresh fork."""
        assert self.term is not None
        server = self.server
        size = clamp_size(*self.size)
        spare = server.spares.take(self.term, size) if server.spares is not None and role == "explorer" else None
        if spare is not None:
            state = server.hub.state() if server.hub is not None else None
            return spare.hand_over(self._own_output, size, state)
        args = [*server.app_args(), "--served-as", role]
        inherited = None
        if server.hub is not None and role == "teacher":
            inherited = await server.hub.add_teacher()
        elif server.hub is not None and role == "explorer":
            inherited = server.hub.snapshot()
        if inherited is not None:
            args += ["--follow-fd", "3"]
        try:
            return await AppProcess.fork(
                server.forks,
                args,
                term=self.term,
                size=clamp_size(*self.size),
                limits=server.settings.limits,
                nice=0,
                on_output=self._own_output,
                follow=inherited.fileno() if inherited is not None else None,
            )
        finally:
            if inherited is not None:
                inherited.close()  # the child has its own copy

    async def _own_app(self, role: str) -> int:
        assert self.chan is not None and self.term is not None
        server = self.server
        started = time.monotonic()
        try:
            self.process = await self._start_app(role)
        except (OSError, ForkServerError, TimeoutError) as error:
            event("app_failed", logging.ERROR, peer=self.connection.peer, error=error)
            return 1
        event(
            "app",
            peer=self.connection.peer,
            role=role,
            pid=self.process.pid,
            start_ms=f"{(time.monotonic() - started) * 1e3:.0f}",
        )
        if self.role is not Role.TEACHER:
            server.governor.watch(self.process.pid, self.connection.peer)
            asyncio.get_running_loop().call_later(START_BOOST, lower_soon, self.process.pid, EXPLORER_NICE)
        if self._early_input:
            self.process.write(self._budget.take(bytes(self._early_input)))
            self._early_input.clear()
        if self._ended:
            await self.process.stop()
        status = await self.process.wait()
        server.governor.forget(self.process.pid)
        self.process.close()
        self.process = None
        return status

    def _exit(self, status: int) -> None:
        if self.chan is not None and not self._ended:
            self.chan.exit(status)

    # -- bytes both ways (the Follower protocol of groups.py, and asyncssh's callbacks) --------------

    def send(self, data: bytes) -> None:
        if self.chan is not None and not self._ended:
            self.chan.write(data)

    def _own_output(self, data: bytes) -> None:
        # An own app writes REPAINT_MARKER when asked to repaint (a spare, when taken): no terminal needs it.
        self.send(data.replace(REPAINT_MARKER, b"") if REPAINT_MARKER in data else data)

    def backlog(self) -> int:
        return self.chan.get_write_buffer_size() if self.chan is not None else 0

    def renderer_lost(self) -> None:
        """The shared renderer died: join a new one (the group is gone, so joining makes one), a few times."""
        if self.group is None or self.server.renderers is None or self.term is None:
            return
        self._renderer_restarts += 1
        if self._renderer_restarts > MAX_RENDERER_RESTARTS:
            self.group = None
            self.send(RESTORE + b"tuinet: the teacher's screen cannot be shown right now; try again later\r\n")
            if self._command is not None and not self._command.done():
                self._command.set_result(Command.QUIT)
            return
        self.group = self.server.renderers.join(self, group_key(self.size, self.term))

    def pause_writing(self) -> None:
        if self.process is not None:
            self.process.pause()

    def resume_writing(self) -> None:
        if self.process is not None:
            self.process.resume()
        if self.group is not None:
            self.group.drained(self)

    def data_received(self, data: bytes, datatype: asyncssh.DataType) -> None:
        self._last_input = time.monotonic()
        if self.group is not None:
            for command in self._keys.feed(data):
                if self._command is not None and not self._command.done():
                    self._command.set_result(command)
            return
        if self.process is None:
            if len(self._early_input) < 4096:
                self._early_input += data[: 4096 - len(self._early_input)]
            return
        self.process.write(self._budget.take(data))

    def terminal_size_changed(self, width: int, height: int, pixwidth: int, pixheight: int) -> None:
        if width <= 0 or height <= 0:
            return
        self.size = (min(width, 1000), min(height, 1000))
        if self.process is not None:
            self.process.resize(*clamp_size(*self.size))
        elif self.group is not None and self.term is not None and self.server.renderers is not None:
            key = group_key(self.size, self.term)
            if key != self.group.key:
                self.group.remove(self)
                self.group = self.server.renderers.join(self, key)

    # -- the end -------------------------------------------------------------------------------------

    def _arm_idle_timer(self, delay: float) -> None:
        self._idle_timer = asyncio.get_running_loop().call_later(delay, self._check_idle)

    def _check_idle(self) -> None:
        timeout = self.server.settings.idle_timeout
        idle = time.monotonic() - self._last_input
        if self.group is not None or idle < timeout:  # a follower watches: that is not idleness
            self._arm_idle_timer(timeout if self.group is not None else timeout - idle)
            return
        event("idle", peer=self.connection.peer, seconds=f"{idle:.0f}")
        self.connection.disconnect(f"idle for {timeout:.0f} s")

    def connection_lost(self, exc: Exception | None) -> None:
        background(self.end())

    async def end(self) -> None:
        """Stop the app (if still running) and forget the session; safe to call more than once."""
        self._ended = True
        if self._idle_timer is not None:
            self._idle_timer.cancel()
        if self._command is not None and not self._command.done():
            self._command.set_result(None)
        self._leave_group()
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                await self.process.stop()
        self.server.sessions.discard(self)
