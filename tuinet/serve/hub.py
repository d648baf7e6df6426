"""Follow mode's hub: the teacher's app publishes where it is, every student's app receives it.

The engine is deterministic, so the whole state of a screen is the config plus the cursor: the
teacher sends its network as one JSON line when it changes (large with explicit weights) and its
position as another of ~80 bytes at every step (tuinet/classroom/protocol.py). The hub reads no
further than a network line's first bytes: it keeps the latest network and the latest position
(a student who joins late starts where the teacher is) and writes every line to every student.

No socket file exists: each app gets its end of a ``socketpair`` as an inherited file descriptor,
so which end is a teacher's is decided by the server (from the credential that logged in), never
by anything the app says. A student's end is shut for reading on the hub's side: whatever a
student's process might send is refused by the kernel, so students can never drive the teacher.
A student who reads too slowly misses intermediate positions, never a network nor the latest position.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket

from tuinet.classroom.protocol import CONFIG_PREFIX, MAX_FOLLOW_LINE
from tuinet.serve.logs import event
from tuinet.serve.tasks import background

__all__ = ["Hub", "feed_and_close"]

MAX_BACKLOG = 64 * 1024
"""A student whose unread data exceeds this skips messages until it catches up."""


class Hub:
    """Fans the teacher's lines out to the students."""

    def __init__(self) -> None:
        self.latest: bytes | None = None
        """The teacher's latest position line."""
        self.network: bytes | None = None
        """The teacher's latest network line."""
        self._students: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    async def add_teacher(self) -> socket.socket:
        """A socket for a teacher's app to inherit; what it writes is published."""
        ours, theirs = socket.socketpair()
        reader, writer = await asyncio.open_unix_connection(sock=ours, limit=MAX_FOLLOW_LINE)
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
        writer.write(self.state())
        return theirs, writer

    def state(self) -> bytes:
        """What a joiner needs: the latest network and the latest position."""
        return (self.network or b"") + (self.latest or b"")

    def snapshot(self) -> socket.socket:
        """A socket holding only the state, then end-of-file: where an explorer's app starts."""
        ours, theirs = socket.socketpair()
        feed_and_close(ours, self.state())
        return theirs

    def remove_student(self, writer: asyncio.StreamWriter) -> None:
        self._students.discard(writer)
        writer.close()

    async def _read_teacher(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    line = await reader.readline()
                except ValueError:  # longer than MAX_FOLLOW_LINE: skip to the next newline
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
        network = line.startswith(CONFIG_PREFIX)
        if network:
            self.network = line
        else:
            self.latest = line
        for writer in list(self._students):
            if writer.is_closing():
                self._students.discard(writer)
                continue
            if not network and writer.transport.get_write_buffer_size() > MAX_BACKLOG:
                continue  # a slow reader skips positions, never a network (later positions are on it)
            writer.write(line)

    def close(self) -> None:
        for writer in self._students:
            with contextlib.suppress(OSError):
                writer.close()
        self._students.clear()
        for task in self._tasks:
            task.cancel()


def feed_and_close(sock: socket.socket, data: bytes) -> None:
    """Write ``data`` to ``sock`` in the background, then close it: a large network line does not fit a
    socket's buffer, and its reader (an app being started) is not reading yet."""
    sock.setblocking(False)
    try:
        sent = sock.send(data)  # all of it, mostly (a position is ~80 bytes): there before the app reads
    except BlockingIOError:
        sent = 0
    except OSError:
        sock.close()
        return
    if sent == len(data):
        sock.close()
        return
    rest = data[sent:]

    async def feed() -> None:
        try:
            with contextlib.suppress(OSError):
                await asyncio.get_running_loop().sock_sendall(sock, rest)
        finally:
            sock.close()

    background(feed())
