"""The contract between ``tuinet serve`` and the apps it starts. Imports nothing, so both sides can use it.

- Exit statuses: an explorer's app that ends with REJOIN_STATUS asks the server to put its student
  back on the shared (follow) view; any other status ends the SSH session with it.
- Follow lines (server → app, one JSON object per line): the teacher's position
  ``{"config": …, "iteration": i, "op": k, "cells": c, "cell_mode": b}``, or REPAINT_LINE, which asks a
  shared renderer to draw its whole screen again for a student who just joined.
- REPAINT_MARKER: what a renderer writes to its terminal just before that full repaint. The server
  reads every renderer's output itself, strips the marker, and starts sending to a joiner from there,
  so a joiner never receives half an escape sequence. It is an APC string, which terminals ignore
  anyway, should one ever get through.
"""

from __future__ import annotations

__all__ = ["FOLLOW_FD", "REJOIN_STATUS", "REPAINT_LINE", "REPAINT_MARKER"]

REJOIN_STATUS = 3
REPAINT_LINE = b'{"repaint":true}\n'
REPAINT_MARKER = b"\x1b_tuinet-repaint\x1b\\"
FOLLOW_FD = 3
"""The file descriptor on which a forked app finds its follow socket."""
