"""Auto-play speeds: one fact shared by the app (the p, + and − keys) and the command line (--play-every).

It imports nothing, so the CLI can check ``--play-every`` (or ``play-every`` in config.toml) without Textual.
"""

from __future__ import annotations

__all__ = ["DEFAULT_SPEED", "PLAY_DELAYS"]

PLAY_DELAYS = (2.0, 1.0, 0.5, 0.25, 0.12, 0.06, 0.03)
"""Seconds between auto-play steps, slowest to fastest."""
DEFAULT_SPEED = 2
"""The index into PLAY_DELAYS a session starts at (0.5 s)."""
