"""The contract between ``tuinet serve`` and the apps it starts. Imports nothing, so both sides can use it.

- Exit statuses: an explorer's app that ends with REJOIN_STATUS asks the server to put its student
  back on the shared (follow) view; any other status ends the SSH session with it.
- Follow lines (server → app, one JSON object per line): the teacher's network ``{"config": …}``, sent
  when it changes (explicit weights can make it large), the teacher's position ``{"iteration": i, "op": k,
  "cells": c, "cell_mode": b}`` (~80 bytes, every step), or REPAINT_LINE, which asks a shared renderer to
  draw its whole screen again for a student who just joined. A position is on the last network sent.
- REPAINT_MARKER: what a renderer writes to its terminal just before that full repaint. The server
  reads every renderer's output itself, strips the marker, and starts sending to a joiner from there,
  so a joiner never receives half an escape sequence. It is an APC string, which terminals ignore
  anyway, should one ever get through.
"""

from __future__ import annotations

__all__ = ["CONFIG_PREFIX", "FOLLOW_FD", "MAX_FOLLOW_LINE", "REJOIN_STATUS", "REPAINT_LINE", "REPAINT_MARKER"]

REJOIN_STATUS = 3
REPAINT_LINE = b'{"repaint":true}\n'
REPAINT_MARKER = b"\x1b_tuinet-repaint\x1b\\"
MAX_FOLLOW_LINE = 8 << 20
"""A longer follow line is dropped: 8 MiB holds the JSON of every weight a served network may have
(256-unit layers at most, ``--max-units`` in serve), at ~20 bytes a number."""
CONFIG_PREFIX = b'{"config":'
"""How a network line starts (the hub keeps the latest one for whoever joins without reading it further)."""
FOLLOW_FD = 3
"""The file descriptor on which a forked app finds its follow socket."""
