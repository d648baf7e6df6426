"""A student's terminal as the server sees it: its size class, its colour system, and the keys it sends.

Followers do not run an app each: students whose terminals fall in the same size class and colour
system watch one shared renderer (groups.py). Sizes snap *down* to a few classes, so a class of 50
needs a handful of renderers; the renderer's screen is drawn in the top-left corner of a larger
terminal, and the rest stays blank (it was cleared when the student joined).

While following, the server reads the student's keys itself (FollowerKeys): ``f`` explores, ``q``,
ctrl+q and ctrl+c leave; everything else, including escape sequences and pastes, is skipped.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from enum import Enum

__all__ = [
    "MAX_APP_SIZE",
    "PRELUDE",
    "RESTORE",
    "Command",
    "FollowerKeys",
    "GroupKey",
    "clamp_size",
    "colour_term",
    "group_key",
]

WIDTHS = (80, 100, 120, 160, 200)
HEIGHTS = (24, 30, 40, 50, 60)
"""The size classes. 80×24 is the classic terminal; 200×60 is about a full-screen window."""
MAX_APP_SIZE = (300, 100)
"""An own app's terminal is clamped to this: a 1000×1000 terminal makes every frame cost 50× more."""

PRELUDE = b"\x1b[?1049h\x1b[?25l\x1b[0m\x1b[H\x1b[2J"
"""What a joiner's terminal gets before the shared screen: alternate screen, no cursor, cleared."""
RESTORE = b"\x1b[0m\x1b[2J\x1b[?25h\x1b[?1049l"
"""What a follower's terminal gets when they leave: the screen they had before."""


@dataclass(frozen=True)
class GroupKey:
    """Which shared renderer a follower watches."""

    columns: int
    rows: int
    term: str

    def __str__(self) -> str:
        return f"{self.columns}x{self.rows}/{self.term}"


def _snap(value: int, classes: tuple[int, ...]) -> int:
    index = bisect.bisect_right(classes, value)
    return classes[index - 1] if index else max(1, value)  # smaller than every class: its own size


def colour_term(term: str) -> str:
    """The TERM a renderer gets for a student's TERM: only its colour system matters to Textual."""
    name = term.lower()
    if name.endswith(("256color", "truecolor", "direct")) or "kitty" in name:
        return "xterm-256color"
    return "xterm"


def group_key(size: tuple[int, int], term: str) -> GroupKey:
    return GroupKey(_snap(size[0], WIDTHS), _snap(size[1], HEIGHTS), colour_term(term))


def clamp_size(columns: int, rows: int) -> tuple[int, int]:
    return max(1, min(columns, MAX_APP_SIZE[0])), max(1, min(rows, MAX_APP_SIZE[1]))


class Command(Enum):
    EXPLORE = "explore"
    QUIT = "quit"


_QUIT = frozenset(b"q\x11\x03")  # q, ctrl+q, ctrl+c
_PASTE_START, _PASTE_END = b"[200~", b"\x1b[201~"


class FollowerKeys:
    """Turns a follower's input bytes into commands, skipping escape sequences (even split across reads)."""

    def __init__(self) -> None:
        self._state = "ground"
        self._sequence = bytearray()

    def feed(self, data: bytes) -> list[Command]:
        commands: list[Command] = []
        for byte in data:
            command = self._byte(byte)
            if command is not None:
                commands.append(command)
        return commands

    def _byte(self, byte: int) -> Command | None:
        state = self._state
        if state == "ground":
            if byte == 0x1B:
                self._state = "escape"
            elif byte == ord("f"):
                return Command.EXPLORE
            elif byte in _QUIT:
                return Command.QUIT
        elif state == "escape":
            if byte == ord("["):
                self._state, self._sequence = "csi", bytearray(b"[")
            elif byte in b"]_PX^":
                self._state = "string"  # OSC, APC, DCS, SOS, PM: up to BEL or ESC \
            elif byte == 0x1B:
                pass
            else:
                self._state = "ground"  # ESC x (alt+x, SS3's O then one more byte is harmless)
                if byte == ord("O"):
                    self._state = "ss3"
        elif state == "ss3":
            self._state = "ground"
        elif state == "csi":
            self._sequence.append(byte)
            if 0x40 <= byte <= 0x7E:
                self._state = "paste" if bytes(self._sequence) == _PASTE_START else "ground"
                self._sequence = bytearray()
            elif len(self._sequence) > 64:  # not a real sequence: give up on it
                self._state = "ground"
        elif state == "string":
            if byte == 0x07:
                self._state = "ground"
            elif byte == 0x1B:
                self._state = "string-escape"
        elif state == "string-escape":
            self._state = "ground" if byte == ord("\\") else "string"
        elif state == "paste":  # a bracketed paste: skipped whole, however long
            self._sequence.append(byte)
            del self._sequence[: -len(_PASTE_END)]
            if self._sequence == _PASTE_END:
                self._state, self._sequence = "ground", bytearray()
        return None
