"""Helpers for the serve tests: a classroom server on loopback, and SSH clients that read the screen.

The server runs in the test's own event loop (port 0, a temporary host-key directory); clients are
asyncssh's, and each keeps a pyte screen of what the app drew, so tests wait for text, not bytes.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import asyncssh
import pyte

from tuinet.serve.auth import Credentials, Throttle
from tuinet.serve.hostkey import load_host_key
from tuinet.serve.settings import Settings
from tuinet.serve.ssh import ClassroomServer

__all__ = ["AppClient", "classroom", "connect_app", "pid_alive", "wait_until"]

CLASS_PASSWORD = "class-secret"
TEACHER_PASSWORD = "teacher-secret"
APP_ARGS = ["--max-units", "256", "--no-mouse"]
TIMEOUT = 20.0


@contextlib.asynccontextmanager
async def classroom(tmp_path: Path, **overrides: Any) -> AsyncIterator[ClassroomServer]:
    """A server on 127.0.0.1:<free port> with the class password; keyword arguments override Settings."""
    key, _, _ = load_host_key(tmp_path / "data")
    settings = Settings(
        credentials=Credentials(CLASS_PASSWORD),
        host_key_dir=tmp_path / "data",
        host="127.0.0.1",
        port=0,
        app_args=APP_ARGS,
        fail_delay=0.01,
        throttle=Throttle(),
    )
    server = ClassroomServer(replace(settings, **overrides), key)
    await server.start()
    try:
        yield server
    finally:
        await server.close()


class AppClient(asyncssh.SSHClientSession[bytes]):
    """A client session that renders everything it receives on a pyte screen."""

    def __init__(self, columns: int, rows: int) -> None:
        self.screen = pyte.Screen(columns, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.received = asyncio.Event()
        self.closed = asyncio.Event()
        self.chan: asyncssh.SSHClientChannel[bytes] | None = None
        self.last_data = time.monotonic()

    def connection_made(self, chan: asyncssh.SSHClientChannel[bytes]) -> None:
        self.chan = chan

    def data_received(self, data: bytes, datatype: asyncssh.DataType) -> None:
        self.stream.feed(data)
        self.last_data = time.monotonic()
        self.received.set()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed.set()
        self.received.set()

    def text(self) -> str:
        return "\n".join(self.screen.display)

    async def wait_for(self, needle: str, timeout: float = TIMEOUT) -> float:
        """Wait until ``needle`` is on screen; returns when it appeared (time.monotonic)."""
        deadline = time.monotonic() + timeout
        while needle not in self.text():
            if self.closed.is_set():
                raise AssertionError(f"session closed before {needle!r} appeared:\n{self.text()}")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"{needle!r} not on screen after {timeout} s:\n{self.text()}")
            self.received.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.received.wait(), remaining)
        return time.monotonic()

    def send(self, keys: str) -> None:
        assert self.chan is not None
        self.chan.write(keys.encode())

    def resize(self, columns: int, rows: int) -> None:
        assert self.chan is not None
        self.screen.resize(rows, columns)
        self.chan.change_terminal_size(columns, rows)


async def connect_app(
    port: int, *, size: tuple[int, int] = (100, 30), **auth: Any
) -> tuple[asyncssh.SSHClientConnection, AppClient]:
    """Log in with ``auth`` (password=… or client_keys=[…]) and open the app in a pty of ``size``."""
    options = auth if auth else {"password": CLASS_PASSWORD}
    conn = await asyncssh.connect(
        "127.0.0.1",
        port,
        username="student",
        known_hosts=None,
        agent_path=None,
        client_keys=options.pop("client_keys", None),
        **options,
    )
    _, client = await conn.create_session(
        lambda: AppClient(*size), term_type="xterm-256color", term_size=size, encoding=None
    )
    return conn, client


def pid_alive(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie counts as gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


async def wait_until(condition: Any, timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)
