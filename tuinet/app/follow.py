"""The app's side of classroom serving: what a served app may do, and follow-the-teacher mode.

``tuinet serve`` starts each session's app with ``--served-as solo|teacher|student`` (and, in follow
mode, ``--follow-fd N``: the app's end of a socket to the server's hub). A served app runs on the
teacher's machine for someone else, so it never reads or writes files there: save, open and export
are switched off.

Follow mode: the engine is deterministic, so config + cursor is the whole state of a screen.
- the teacher's app writes one JSON line per new view (views are already coalesced to at most
  one per frame): ``{"config": {...}, "iteration": i, "op": k, "cells": c, "cell_mode": b}``;
- a student's app reads those lines (``loop.add_reader``: no thread) and shows the latest one,
  unless the student pressed ``f`` to explore alone; ``f`` again jumps back to the teacher. While
  following, the keys that move the cursor are off (the footer shows them dimmed).
A student's socket is read-only (the hub shuts it for reading), so nothing here can drive the teacher.

This module imports no SSH library: the app knows only a file descriptor.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
from typing import TYPE_CHECKING, Any

from tuinet.app.session import Cursor, Session
from tuinet.app.view import StepView
from tuinet.engine import NetConfig, TuinetError, build

if TYPE_CHECKING:
    from tuinet.app.app import TuinetApp

__all__ = ["ROLES", "Classroom", "decode", "encode"]

log = logging.getLogger("tuinet.follow")

ROLES = ("solo", "teacher", "student")
FILE_ACTIONS = frozenset({"save", "load", "export"})
"""Off in every served app: they would read or write files on the server."""
DRIVING_ACTIONS = frozenset({"step", "play", "speed", "jump", "reset"})
"""Off while a student follows the teacher."""
MAX_LINE = 4096


def encode(config: NetConfig, cursor: Cursor, cell_mode: bool) -> bytes:
    """One follow message: a JSON line of about 200 bytes."""
    message = {
        "config": config.to_dict(),
        "iteration": cursor.iteration,
        "op": cursor.op,
        "cells": cursor.cells,
        "cell_mode": cell_mode,
    }
    return json.dumps(message, separators=(",", ":")).encode() + b"\n"


def decode(line: bytes) -> tuple[dict[str, Any], Cursor, bool] | None:
    """The config, cursor and cell mode of a follow message, or None if it is not one."""
    try:
        message = json.loads(line)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(message, dict) or not isinstance(message.get("config"), dict):
        return None
    numbers: list[int] = []
    for key in ("iteration", "op", "cells"):
        value = message.get(key)
        if not isinstance(value, int) or isinstance(value, bool):
            return None
        numbers.append(value)
    return message["config"], Cursor(*numbers), bool(message.get("cell_mode"))


class Classroom:
    """How a served app behaves; the app holds one when it was started by ``tuinet serve``."""

    def __init__(self, role: str, follow_fd: int | None = None) -> None:
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
        self.role = role
        self.following = role == "student" and follow_fd is not None
        """A student's screen shows the teacher's (until ``f``)."""
        self._socket = socket.socket(fileno=follow_fd) if follow_fd is not None else None
        self._app: TuinetApp | None = None
        self._buffer = bytearray()
        self._latest: tuple[dict[str, Any], Cursor, bool] | None = None
        self._sent: bytes | None = None

    @property
    def linked(self) -> bool:
        return self._socket is not None

    # -- wiring into the app ---------------------------------------------------------------

    def attach(self, app: TuinetApp) -> None:
        """Start listening (student) or get ready to publish (teacher); called once the app is mounted."""
        self._app = app
        if self._socket is None:
            return
        if self.role == "student":
            self._socket.setblocking(False)
            asyncio.get_running_loop().add_reader(self._socket.fileno(), self._readable)
            app.notify("following the teacher's screen — f explores on your own", title="Class", timeout=4)
        elif self.role == "teacher":
            self._socket.settimeout(0.5)
            app.notify("you are the teacher: every student follows your screen", title="Class", timeout=4)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Textual's check_action: False hides a key, None shows it disabled."""
        if action in FILE_ACTIONS:
            return False
        if action == "follow":
            wanted = bool(parameters[0]) if parameters else True
            return self.role == "student" and self.linked and wanted != self.following
        if self.following and action in DRIVING_ACTIONS:
            return None
        return True

    def view_changed(self, view: StepView | None) -> None:
        """The teacher publishes every new view; others do nothing."""
        if self.role != "teacher" or self._socket is None or view is None:
            return
        line = encode(view.config, view.cursor, view.cell_mode)
        if line == self._sent:
            return
        try:
            self._socket.sendall(line)
        except OSError as error:  # the server went away: the teacher's own screen carries on
            log.info("follow: cannot publish: %s", error)
            self._socket.close()
            self._socket = None
            return
        self._sent = line

    def set_following(self, following: bool) -> None:
        app = self._app
        if app is None or self.role != "student":
            return
        self.following = following
        if following:
            app.action_pause()
            app.notify("following the teacher again", title="Class", timeout=2)
            if self._latest is not None:
                self._apply(*self._latest)
        else:
            app.notify("exploring on your own — f follows the teacher again", title="Class", timeout=3)
        app.refresh_bindings()

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
        *lines, rest = bytes(self._buffer).split(b"\n")
        self._buffer = bytearray(rest[:MAX_LINE])
        for line in reversed(lines):  # only the newest valid message matters
            message = decode(line)
            if message is not None:
                self._latest = message
                if self.following:
                    self._apply(*message)
                break

    def _lost(self) -> None:
        assert self._socket is not None
        asyncio.get_running_loop().remove_reader(self._socket.fileno())
        self._socket.close()
        self._socket = None
        self.following = False
        if self._app is not None:
            self._app.notify("the teacher's screen is no longer shared: you are on your own", title="Class")
            self._app.refresh_bindings()

    def _apply(self, config: dict[str, Any], cursor: Cursor, cell_mode: bool) -> None:
        app = self._app
        if app is None:
            return
        session = app.session
        if config != session.config.to_dict():
            try:
                fields = {**config, "hidden": tuple(config.get("hidden", ()))}
                new = NetConfig(**fields, max_units=session.config.max_units)
                app.replace_session(Session(new, build(new)))
            except (TuinetError, TypeError) as error:
                log.info("follow: cannot use the teacher's network: %s", error)
                return
            session = app.session
        if not 1 <= cursor.iteration <= session.max_iteration or not -1 <= cursor.op <= session.last_op:
            return
        limit = session.size(cursor.op) if cursor.op >= 0 else 0
        if not 0 <= cursor.cells <= limit:
            return
        app.show_cursor(cursor, cell_mode)
