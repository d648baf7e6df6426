"""Follow mode's hub: the teacher's app publishes where it is, every student's app receives it.

The engine is deterministic, so the whole state of a screen is the config plus the cursor: each
message is one JSON line of about 200 bytes, ``{"config": {...}, "iteration": i, "op": k,
"cells": c, "cell_mode": b}``. The hub does not read it beyond checking its size: it keeps the
latest line (a student who joins late starts where the teacher is) and writes it to every student.

No socket file exists: each app gets its end of a ``socketpair`` as an inherited file descriptor,
so which end is a teacher's is decided by the server (from the credential that logged in), never
by anything the app says. A student's end is shut for reading on the hub's side: whatever a
student's process might send is refused by the kernel, so students can never drive the teacher.
A student who reads too slowly misses intermediate positions, never the latest one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket

from tuinet.serve.logs import event

__all__ = ["MAX_MESSAGE", "Hub"]


MAX_MESSAGE = 4096
"""A longer line from a teacher is dropped (a config and a cursor are a few hundred bytes)."""
MAX_BACKLOG = 64 * 1024
"""A student whose unread data exceeds this skips messages until it catches up."""


class Hub:
    """Fans the teacher's lines out to the students."""

    def __init__(self) -> None:
        self.latest: bytes | None = None
        self._students: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    async def add_teacher(self) -> socket.socket:
        """A socket for a teacher's app to inherit; what it writes is published."""
        ours, theirs = socket.socketpair()
        reader, writer = await asyncio.open_unix_connection(sock=ours, limit=MAX_MESSAGE)
        task = asyncio.create_task(self._read_teacher(reader, writer))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return theirs

    async def add_student(self) -> tuple[socket.socket, asyncio.StreamWriter]:
        """A socket for a student's app to inherit (it only ever receives), and the hub's writer to it."""
        ours, theirs = socket.socketpair()
        ours.shutdown(socket.SHUT_RD)
        _, writer = await asyncio.open_unix_connection(sock=ours)
        self._students.add(writer)
        if self.latest is not None:
            writer.write(self.latest)
        return theirs, writer

    def snapshot(self) -> socket.socket:
        """A socket holding only the latest line, then end-of-file: where an explorer's app starts."""
        ours, theirs = socket.socketpair()
        with contextlib.suppress(OSError):
            if self.latest is not None:
                ours.sendall(self.latest)  # a few hundred bytes: always fits the socket's buffer
        ours.close()
        return theirs

    def remove_student(self, writer: asyncio.StreamWriter) -> None:
        self._students.discard(writer)
        writer.close()

    async def _read_teacher(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    line = await reader.readline()
                except ValueError:  # longer than MAX_MESSAGE: skip to the next newline
                    event("follow_dropped", logging.WARNING, reason="over-long message from the teacher")
                    continue
                if not line:
                    break
                if line.endswith(b"\n"):
                    self.publish(line)
        except (ConnectionError, asyncio.LimitOverrunError) as error:
            event("follow_closed", error=error)
        finally:
            writer.close()

    def publish(self, line: bytes) -> None:
        self.latest = line
        for writer in list(self._students):
            if writer.is_closing():
                self._students.discard(writer)
                continue
            if writer.transport.get_write_buffer_size() > MAX_BACKLOG:
                continue
            writer.write(line)

    def close(self) -> None:
        for writer in self._students:
            with contextlib.suppress(OSError):
                writer.close()
        self._students.clear()
        for task in self._tasks:
            task.cancel()
