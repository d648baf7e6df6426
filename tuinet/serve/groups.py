"""Shared renderers: one tuinet app per terminal size class, its output fanned out to every follower in it.

Every follower sees the same frame, so drawing it once per size class instead of once per student
is what lets one small machine hold a class: 50 followers cost a handful of renderers, not 50 apps
all redrawing the same frame at the same moment.

A joiner needs the whole screen, not the next partial update: the group sends it PRELUDE (clear,
alternate screen), asks the renderer for a full repaint (REPAINT_LINE on its follow socket), and
starts sending to it exactly at the REPAINT_MARKER the renderer writes before that repaint, so it
never gets half an escape sequence. Several joiners share one repaint. A follower whose SSH
channel backs up is skipped (the renderer never waits for anyone) and re-joined with a fresh
repaint when it drains. An empty group's renderer lingers a little (a student back from exploring
rejoins at once), then stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Protocol

from tuinet.classroom.protocol import REPAINT_LINE, REPAINT_MARKER
from tuinet.serve.forks import ForkServer
from tuinet.serve.hub import Hub
from tuinet.serve.launch import Limits
from tuinet.serve.logs import event
from tuinet.serve.process import AppProcess
from tuinet.serve.tasks import background
from tuinet.serve.terminal import PRELUDE, GroupKey

__all__ = ["RENDERER_NICE", "Follower", "Renderers"]

RENDERER_NICE = 8
"""Renderers yield to the teacher's own app (nice 0 has 7.6× their CFS weight, 1024 against 134): it never
waits for the class."""
LINGER_SECONDS = 30.0
MAX_BACKLOG = 256 * 1024
"""A follower with more than this unsent is skipped until its channel drains."""
GATHER_SECONDS = 0.002
"""How long a renderer's output is held after its first bytes, so that a frame goes out in one piece.

A frame crosses the pty in pieces of 2–4 KB, and the server wakes at the first. Every piece sent on
costs one SSH packet per member (its own encryption and its own send()), so a 9 KB frame sent as it
arrives costs a group of 17 members 3 × 17 packets; gathered, 17. Measured on the class benchmark:
the server's fan-out went from 3–9 ms per piece to one piece per frame."""
MAX_GATHER = 256 * 1024
"""Held output beyond this goes at once (a full repaint of a big screen): holding never costs memory."""


class Follower(Protocol):
    """What a group needs of a following session."""

    def send(self, data: bytes) -> None: ...

    def backlog(self) -> int: ...

    def renderer_lost(self) -> None: ...


class Group:
    def __init__(self, key: GroupKey, renderers: Renderers) -> None:
        self.key = key
        self._renderers = renderers
        self.members: set[Follower] = set()
        self.waiting: set[Follower] = set()
        self.stalled: set[Follower] = set()
        self.process: AppProcess | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._repaint_asked = False
        self._held = b""
        self._gathered = bytearray()
        self._gather: asyncio.TimerHandle | None = None
        self._linger: asyncio.TimerHandle | None = None
        self._starting: asyncio.Task[None] | None = None

    @property
    def empty(self) -> bool:
        return not (self.members or self.waiting or self.stalled)

    async def start(self) -> None:
        sock, self._writer = await self._renderers.hub.add_student()
        try:
            self.process = await AppProcess.fork(
                self._renderers.forks,
                [*self._renderers.app_args, "--no-mouse", "--served-as", "student", "--follow-fd", "3"],
                term=self.key.term,
                size=(self.key.columns, self.key.rows),
                limits=self._renderers.limits,
                nice=RENDERER_NICE,
                on_output=self._output,
                follow=sock.fileno(),
            )
        finally:
            sock.close()
        event("renderer", group=self.key, pid=self.process.pid)
        if self.waiting:
            self._ask_repaint()
        background(self._watch(self.process))

    async def _watch(self, process: AppProcess) -> None:
        status = await process.wait()
        process.close()
        if self._renderers.groups.get(self.key) is self:
            del self._renderers.groups[self.key]
        if self._writer is not None:
            self._renderers.hub.remove_student(self._writer)
        if not self.empty:
            event("renderer_lost", logging.WARNING, group=self.key, pid=process.pid, status=status)
        for member in [*self.members, *self.waiting, *self.stalled]:
            member.renderer_lost()

    # -- membership ---------------------------------------------------------------------------

    def add(self, member: Follower) -> None:
        if self._linger is not None:
            self._linger.cancel()
            self._linger = None
        self.stalled.discard(member)
        member.send(PRELUDE)
        self.waiting.add(member)
        if self.process is not None:
            self._ask_repaint()

    def remove(self, member: Follower) -> None:
        for members in (self.members, self.waiting, self.stalled):
            members.discard(member)
        if self.empty and self._linger is None:
            self._linger = asyncio.get_running_loop().call_later(self._renderers.linger, self._stop)

    def drained(self, member: Follower) -> None:
        """A stalled member's channel has room again: give it a fresh screen."""
        if member in self.stalled:
            self.add(member)

    def _ask_repaint(self) -> None:
        if not self._repaint_asked and self._writer is not None and not self._writer.is_closing():
            self._repaint_asked = True
            self._writer.write(REPAINT_LINE)

    def _stop(self) -> None:
        self._linger = None
        if self.empty and self.process is not None:
            if self._renderers.groups.get(self.key) is self:
                del self._renderers.groups[self.key]
            background(self.process.stop())

    # -- fan-out ---------------------------------------------------------------------------------

    def _output(self, data: bytes) -> None:
        self._gathered += data
        if len(self._gathered) >= MAX_GATHER:
            self._flush()
        elif self._gather is None:
            self._gather = asyncio.get_running_loop().call_later(GATHER_SECONDS, self._flush)

    def _flush(self) -> None:
        if self._gather is not None:
            self._gather.cancel()
            self._gather = None
        data = self._held + bytes(self._gathered)
        self._gathered.clear()
        self._held = b""
        while (index := data.find(REPAINT_MARKER)) >= 0:
            self._send(data[:index])
            self.members |= self.waiting
            self.waiting.clear()
            self._repaint_asked = False
            data = data[index + len(REPAINT_MARKER) :]
        # A marker may straddle two reads: hold back a tail that could be its start.
        for size in range(min(len(REPAINT_MARKER) - 1, len(data)), 0, -1):
            if REPAINT_MARKER.startswith(data[-size:]):
                data, self._held = data[:-size], data[-size:]
                break
        self._send(data)
        if self.waiting:  # joined after the marker went by (a repaint asked earlier): ask again
            self._ask_repaint()

    def _send(self, data: bytes) -> None:
        if not data:
            return
        for member in list(self.members):
            if member.backlog() > MAX_BACKLOG:
                self.members.discard(member)
                self.stalled.add(member)
                continue
            member.send(data)


class Renderers:
    """The groups of a follow-mode server, by size class and colour system."""

    def __init__(self, hub: Hub, forks: ForkServer, app_args: list[str], limits: Limits) -> None:
        self.hub = hub
        self.forks = forks
        self.app_args = app_args
        # A renderer lives all lesson long and only draws the teacher's steps: no CPU-time limit.
        self.limits = Limits(limits.memory, None, limits.processes)
        self.groups: dict[GroupKey, Group] = {}
        self.linger = LINGER_SECONDS

    def join(self, member: Follower, key: GroupKey) -> Group:
        group = self.groups.get(key)
        if group is None:
            group = self.groups[key] = Group(key, self)
            group.add(member)
            background(self._start(group))
        else:
            group.add(member)
        return group

    async def _start(self, group: Group) -> None:
        try:
            await group.start()
        except OSError as error:
            event("renderer_failed", logging.ERROR, group=group.key, error=error)
            if self.groups.get(group.key) is group:
                del self.groups[group.key]
            for member in [*group.members, *group.waiting]:
                member.renderer_lost()

    async def close(self) -> None:
        processes = [g.process for g in self.groups.values() if g.process is not None]
        self.groups.clear()
        for process in processes:
            with contextlib.suppress(ProcessLookupError):
                await process.stop()
