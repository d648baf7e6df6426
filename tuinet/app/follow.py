"""The app's side of classroom serving: what a served app may do, and the link to the teacher.

``tuinet serve`` starts each app with ``--served-as ROLE`` (and, in follow mode, ``--follow-fd N``, the
app's end of a socket to the server). A served app runs on the teacher's machine for someone else,
so it never reads or writes files there: save, open and export are off (and the palette's Screenshot).

Roles:
- ``solo``: a student's own app, no teacher.
- ``teacher``: writes its network ``{"config": {...}}`` when it changes, and its position
  ``{"iteration": i, "op": k, "cells": c, "cell_mode": b}`` once its frame of each new view is drawn
  (tuinet/classroom/protocol.py has the format).
- ``student``: a *shared renderer*. It is not one student's app: the server runs one per terminal
  size class and fans its output out to every student of that class who is following. It shows
  the latest teacher line; the server reads the keys of its viewers itself, so none arrive here.
  It also gets REPAINT_LINE when a student joins (tuinet/classroom/protocol.py).
- ``explorer``: a student's own app after ``f``. It starts where the teacher was (the first line
  on its socket) and is then on its own; ``f`` ends it with REJOIN_STATUS, and the server puts the
  student back on the shared view.

Nothing here calls into the App: the link posts messages (TeacherMoved, LinkLost, …) through the
ClassroomHost protocol, and the App's handlers decide what they do to the screen. The socket is
read with ``loop.add_reader`` (no thread). This module imports no SSH library.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
from dataclasses import dataclass
from typing import Any, Protocol

from textual.message import Message

from tuinet.app.session import Cursor, Session
from tuinet.app.view import StepView
from tuinet.classroom.protocol import CONFIG_PREFIX, MAX_FOLLOW_LINE, REJOIN_STATUS, REPAINT_LINE, REPAINT_MARKER
from tuinet.engine import NetConfig, TuinetError, build

__all__ = [
    "NOTICE_SECONDS",
    "REJOIN_STATUS",
    "REPAINT_MARKER",
    "ROLES",
    "ClassNotice",
    "Classroom",
    "ClassroomHost",
    "LinkLost",
    "RejoinRequested",
    "RepaintRequested",
    "TeacherMoved",
    "decode_config",
    "decode_position",
    "encode_config",
    "encode_position",
    "session_for",
]

log = logging.getLogger("tuinet.follow")

ROLES = ("solo", "teacher", "student", "explorer")
FILE_ACTIONS = frozenset({"save", "load", "export"})
"""Off in every served app: they would read or write files on the server."""
RENDERER_ACTIONS = frozenset({"follow", "quit"})
"""All a shared renderer's footer shows: the server reads its viewers' keys, and acts on f and q only."""
NOTICE_SECONDS = 4.0
"""How long a served app's class notice (following, teacher, exploring) stays on screen."""
SERVED_MAX_ITERATION = 100_000
"""How far a served app may compute: a go-to 10,000,000 would hold a core for minutes."""


# -- messages the link posts (the App handles them) ------------------------------------------


@dataclass
class TeacherMoved(Message):
    """The teacher's screen is at ``cursor`` of the network ``config`` (a NetConfig's fields)."""

    config: dict[str, Any]
    cursor: Cursor
    cell_mode: bool


@dataclass
class LinkLost(Message):
    """The teacher's screen is no longer shared (the server or the teacher went away)."""


@dataclass
class RepaintRequested(Message):
    """A student joined this shared renderer: write REPAINT_MARKER, then draw the whole screen."""


@dataclass
class RejoinRequested(Message):
    """An explorer pressed ``f``: end this app with REJOIN_STATUS (the server shows the teacher again)."""


@dataclass
class ClassNotice(Message):
    """A line for the user about the class."""

    text: str
    timeout: float = 3.0


class ClassroomHost(Protocol):
    """What the link needs of the app: somewhere to post its messages."""

    def post_message(self, message: Message) -> bool: ...


# -- the wire format ---------------------------------------------------------------------------


def encode_config(config: NetConfig) -> bytes:
    """The teacher's network as a follow line (sent when it changes: with explicit weights it can be large)."""
    return json.dumps({"config": config.to_dict()}, separators=(",", ":")).encode() + b"\n"


def encode_position(cursor: Cursor, cell_mode: bool) -> bytes:
    """The teacher's position as a follow line of about 80 bytes (sent at every step)."""
    message = {"iteration": cursor.iteration, "op": cursor.op, "cells": cursor.cells, "cell_mode": cell_mode}
    return json.dumps(message, separators=(",", ":")).encode() + b"\n"


def _message(line: bytes) -> dict[str, Any] | None:
    if not line.startswith(b"{"):
        return None
    try:
        message = json.loads(line)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    return message if isinstance(message, dict) else None


def decode_config(line: bytes) -> dict[str, Any] | None:
    """The network of a follow line (a NetConfig's fields, unchecked), or None if it is not a network line."""
    message = _message(line) if line.startswith(CONFIG_PREFIX) else None
    config = message.get("config") if message is not None else None
    return config if isinstance(config, dict) else None


def decode_position(line: bytes) -> tuple[Cursor, bool] | None:
    """The cursor and cell mode of a position line, or None if it is not one."""
    message = _message(line)
    if message is None or "config" in message:
        return None
    numbers: list[int] = []
    for key in ("iteration", "op", "cells"):
        value = message.get(key)
        if not isinstance(value, int) or isinstance(value, bool):
            return None
        numbers.append(value)
    return Cursor(*numbers), bool(message.get("cell_mode"))


def session_for(config: dict[str, Any], current: Session) -> Session | None:
    """``current`` if it already runs ``config``, else a new session for it; None if it is unusable."""
    if config == current.config.to_dict():
        return current
    try:
        new = NetConfig.from_dict(config, max_units=current.config.max_units, where="teacher's config")
        return Session(new, build(new), max_iteration=current.max_iteration)
    except TuinetError as error:
        log.info("follow: cannot use the teacher's network: %s", error)
        return None


# -- the link ------------------------------------------------------------------------------------


class Classroom:
    """How a served app behaves; the app holds one when it was started by ``tuinet serve``."""

    def __init__(self, role: str, follow_fd: int | None = None) -> None:
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
        self.role = role
        self._socket = socket.socket(fileno=follow_fd) if follow_fd is not None else None
        self._host: ClassroomHost | None = None
        self._buffer = bytearray()
        self._sent: bytes | None = None
        """The last position published (teacher), so an unchanged one is not sent again."""
        self._sent_config: bytes | None = None
        self._config_of: NetConfig | None = None
        self._config: dict[str, Any] | None = None
        """The teacher's network as last received (student, explorer): positions are on it."""

    @property
    def linked(self) -> bool:
        return self._socket is not None

    @property
    def following(self) -> bool:
        """Whether this screen shows the teacher's (a shared renderer with its link up)."""
        return self.role == "student" and self.linked

    def limit(self, session: Session) -> None:
        """Cap how far a served session may compute."""
        session.max_iteration = min(session.max_iteration, SERVED_MAX_ITERATION)

    def attach(self, host: ClassroomHost) -> None:
        """Start listening (student, explorer) or get ready to publish (teacher); once the app is mounted."""
        self._host = host
        if self._socket is None:
            return
        if self.role in ("student", "explorer"):
            self._socket.setblocking(False)
            asyncio.get_running_loop().add_reader(self._socket.fileno(), self._readable)
        if self.role == "student":
            host.post_message(ClassNotice("following the teacher's screen — f explores on your own", NOTICE_SECONDS))
        elif self.role == "teacher":
            self._socket.settimeout(0.5)
            host.post_message(ClassNotice("you are the teacher: every student follows your screen", NOTICE_SECONDS))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Textual's check_action: False hides a key, None shows it disabled."""
        if action in FILE_ACTIONS:
            return False
        if action == "follow":
            wanted = bool(parameters[0]) if parameters else True
            # A shared renderer shows "f Explore" (the server acts on it); an explorer "f Follow teacher".
            return (self.role == "student" and not wanted) or (self.role == "explorer" and wanted)
        if self.role == "student":
            return action in RENDERER_ACTIONS  # hidden, not dimmed: at 80 columns "f Explore" must fit
        return True

    def follow_pressed(self) -> None:
        """``f`` in an explorer: ask to rejoin the class."""
        if self.role == "explorer" and self._host is not None:
            self._host.post_message(RejoinRequested())

    def publish(self, view: StepView | None) -> None:
        """The teacher publishes every new view; others do nothing."""
        if self.role != "teacher" or self._socket is None or view is None:
            return
        lines = b""
        if view.config is not self._config_of:
            config = encode_config(view.config)
            if config != self._sent_config:
                lines, self._sent_config = config, config
                self._sent = None  # the position goes again after a new network: it is on that network
            self._config_of = view.config
        position = encode_position(view.cursor, view.cell_mode)
        if position != self._sent:
            lines += position
        if not lines:
            return
        try:
            self._socket.sendall(lines)
        except OSError as error:  # the server went away: the teacher's own screen carries on
            log.info("follow: cannot publish: %s", error)
            self._socket.close()
            self._socket = None
            return
        self._sent = position

    # -- receiving ----------------------------------------------------------------------------

    def _readable(self) -> None:
        assert self._socket is not None
        try:
            data = self._socket.recv(65536)
        except BlockingIOError:
            return
        except OSError as error:
            log.info("follow: link lost: %s", error)
            data = b""
        if not data:
            self._lost()
            return
        self._buffer += data
        if b"\n" not in data:  # a large network line arrives in many reads: split once it is whole
            if len(self._buffer) > MAX_FOLLOW_LINE:
                self._buffer.clear()  # over-long: dropped (its rest, up to the newline, fails to decode)
            return
        *lines, rest = bytes(self._buffer).split(b"\n")
        self._buffer = bytearray(rest[:MAX_FOLLOW_LINE])
        if self._host is None:
            return
        if REPAINT_LINE.strip() in lines:
            self._host.post_message(RepaintRequested())
        if self.role == "explorer" and lines:  # handed to a student now (it may have been a warm spare)
            self._host.post_message(ClassNotice("exploring on your own — f follows the teacher again", NOTICE_SECONDS))
        position: tuple[Cursor, bool] | None = None
        for line in lines:  # in order: a position is on the network sent before it
            config = decode_config(line)
            if config is not None:
                self._config, position = config, None
            else:
                position = decode_position(line) or position  # only the newest valid position matters
        if position is not None and self._config is not None:
            self._host.post_message(TeacherMoved(self._config, *position))
            if self.role == "explorer":  # it only wanted the starting point
                self._close()

    def _close(self) -> None:
        if self._socket is not None:
            asyncio.get_running_loop().remove_reader(self._socket.fileno())
            self._socket.close()
            self._socket = None

    def _lost(self) -> None:
        self._close()
        if self._host is not None and self.role == "student":
            self._host.post_message(LinkLost())
