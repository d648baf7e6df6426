"""The server's side of the fork server (tuinet/classroom/forkserver.py): ask it for an app, learn when it ends.

The fork server is a program of its own (it imports numpy and Textual; serve imports neither). It is
started once, talks over a SOCK_SEQPACKET socketpair, and hands back a pid per request; exit statuses
come back on the same socket, because only the fork server, the apps' parent, can reap them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

from tuinet.serve.launch import Limits
from tuinet.serve.logs import event

__all__ = ["ForkServer", "ForkServerError"]


START_TIMEOUT = 60.0


class ForkServerError(OSError):
    """The fork server could not start an app (or is gone)."""


class ForkServer:
    """A running fork server; ``spawn`` starts an app on a pty slave and returns its pid."""

    def __init__(self, env: dict[str, str], cwd: str) -> None:
        self._env = env
        self._cwd = cwd
        self._sock: socket.socket | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._pending: dict[int, asyncio.Future[int]] = {}
        self._exits: dict[int, asyncio.Future[int]] = {}
        self._next = 0
        self._ready: asyncio.Future[None] | None = None
        self._closed = False
        self._restarting: asyncio.Task[None] | None = None

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "tuinet.classroom.forkserver"],
                stdin=theirs.fileno(),
                stdout=subprocess.DEVNULL,
                env=self._env,
                cwd=self._cwd,
                close_fds=True,
            )
        finally:
            theirs.close()
        ours.setblocking(False)
        self._sock = ours
        self._ready = loop.create_future()
        loop.add_reader(ours.fileno(), self._readable)
        try:
            await asyncio.wait_for(asyncio.shield(self._ready), START_TIMEOUT)
        except TimeoutError:
            raise ForkServerError("the fork server did not start") from None

    @property
    def running(self) -> bool:
        return self._sock is not None

    def _readable(self) -> None:
        assert self._sock is not None
        try:
            data = self._sock.recv(65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self._gone()
            return
        try:
            message: dict[str, Any] = json.loads(data)
        except ValueError:
            return
        if "ready" in message and self._ready is not None and not self._ready.done():
            self._ready.set_result(None)
        elif "exited" in message:
            future = self._exits.pop(int(message["exited"]), None)
            if future is not None and not future.done():
                future.set_result(int(message["status"]))
        elif "id" in message:
            waiter = self._pending.pop(int(message["id"]), None)
            if waiter is None or waiter.done():
                return
            if "pid" in message:
                pid = int(message["pid"])
                self._exits[pid] = asyncio.get_running_loop().create_future()
                waiter.set_result(pid)
            else:
                waiter.set_exception(ForkServerError(str(message.get("error"))))

    def _gone(self) -> None:
        if self._sock is None:
            return
        event("forkserver_gone", logging.ERROR, pid=self._process.pid if self._process is not None else None)
        asyncio.get_running_loop().remove_reader(self._sock.fileno())
        self._sock.close()
        self._sock = None
        for future in [*self._pending.values(), *self._exits.values()]:
            if not future.done():
                future.set_exception(ForkServerError("the fork server has gone"))
        if self._ready is not None and not self._ready.done():
            self._ready.set_exception(ForkServerError("the fork server exited at start"))
        self._pending.clear()
        self._exits.clear()

    async def spawn(
        self,
        argv: Sequence[str],
        *,
        slave: int,
        env: dict[str, str],
        limits: Limits,
        nice: int,
        follow: int | None = None,
    ) -> tuple[int, asyncio.Future[int]]:
        """Start ``tuinet argv`` on the pty ``slave``; its pid and a future of its exit status.

        A fork server that has gone (killed, out of memory) is started again here, once, for everyone
        waiting: the apps it had started are lost with it, but the class can log in again.
        """
        if self._sock is None and not self._closed:
            await self._restart()
        if self._sock is None:
            raise ForkServerError("the fork server is not running")
        self._next += 1
        request = {
            "id": self._next,
            "argv": list(argv),
            "env": env,
            "cwd": self._cwd,
            "nice": nice,
            "limits": [limits.memory, limits.cpu, limits.processes],
        }
        waiter: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._pending[self._next] = waiter
        fds = [slave] if follow is None else [slave, follow]
        try:
            socket.send_fds(self._sock, [json.dumps(request).encode()], fds)
        except OSError as error:
            self._pending.pop(self._next, None)
            raise ForkServerError(f"cannot reach the fork server: {error}") from None
        pid = await asyncio.wait_for(waiter, START_TIMEOUT)
        return pid, self._exits[pid]

    async def _restart(self) -> None:
        if self._restarting is None or self._restarting.done():
            self._restarting = asyncio.get_running_loop().create_task(self._start_again())
        await asyncio.shield(self._restarting)

    async def _start_again(self) -> None:
        if self._process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._process.pid, 9)  # a fork server whose socket closed is of no use, whatever it is doing
            await asyncio.to_thread(self._process.wait)
        try:
            await self.start()
        except ForkServerError as error:
            event("forkserver_restart_failed", logging.ERROR, error=error)
            return
        event("forkserver_restarted", logging.WARNING, pid=self._process.pid if self._process is not None else None)

    async def close(self) -> None:
        self._closed = True
        if self._sock is not None:
            asyncio.get_running_loop().remove_reader(self._sock.fileno())
            self._sock.close()  # the fork server sees EOF, hangs up on its children and exits
            self._sock = None
        if self._process is not None:
            try:
                await asyncio.wait_for(asyncio.to_thread(self._process.wait), 5)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self._process.pid, 9)
                self._process.wait()
