"""A warm spare explorer: a student's own app, already started and idle, handed over the moment they press ``f``.

Forking from the fork server skips the imports, but a new app still spends ~130 ms of CPU on its
first frame (the App, its CSS, compose, layout). A spare has done all that before anyone needs it:
on ``f`` it is resized to the student's terminal and sent the teacher's position and a repaint
request, which costs one frame. Of what it wrote while waiting, only the terminal modes it set
(alternate screen, mouse, bracketed paste, keyboard protocol) are sent to the student first; its old
frame is not, the repaint covers the screen. The spare is replaced at once, in the background.

Three are kept (a refill takes about a second), in the app's two layouts: two at 80×24 (the compact one)
and one at 120×36, the smallest full one. A student gets the largest that fits their terminal, so the
hand-over resizes within a layout; a resize across it (compact to full: other panes, every widget
restyled) made the first frame ~100 ms later. They are 256-colour (what SSH clients almost always are);
another colour system gets a fresh fork.
"""

from __future__ import annotations

import contextlib
import logging
import re
import socket
from collections.abc import Callable

from tuinet.classroom.protocol import REPAINT_LINE
from tuinet.serve.forks import ForkServer
from tuinet.serve.hub import feed_and_close
from tuinet.serve.launch import Limits
from tuinet.serve.logs import event
from tuinet.serve.process import AppProcess
from tuinet.serve.tasks import background
from tuinet.serve.terminal import colour_term

__all__ = ["Spare", "Spares"]

SPARE_TERM = "xterm-256color"
SPARE_SIZES = ((80, 24), (80, 24), (120, 36))
"""The spares kept ready, by size. 120×36 is the app's COMPACT_BELOW: the smallest terminal with the full layout."""
MAX_RECORDED = 1 << 20
MODES = re.compile(rb"\x1b\[\?[0-9;]*[hl]|\x1b\[[>=<][0-9;]*u")
"""DEC private mode sets and resets, and the kitty keyboard protocol's: the state a terminal keeps."""


class Spare:
    """One idle explorer app; its output is kept until someone takes it."""

    def __init__(self, size: tuple[int, int]) -> None:
        self.size = size
        self.process: AppProcess | None = None
        self.follow: socket.socket | None = None
        self._recorded = bytearray()
        self._sink: Callable[[bytes], None] | None = None

    def output(self, data: bytes) -> None:
        if self._sink is not None:
            self._sink(data)
        elif len(self._recorded) + len(data) <= MAX_RECORDED:
            self._recorded += data

    def hand_over(self, sink: Callable[[bytes], None], size: tuple[int, int], state: bytes | None) -> AppProcess:
        """Give the app to a student: its output to ``sink``, their size, the teacher's position."""
        assert self.process is not None and self.follow is not None
        sink(b"".join(MODES.findall(self._recorded)))
        self._recorded.clear()
        self._sink = sink
        # The position first, then the size: a resize repaints everything anyway (then no repaint line is
        # needed, which would cost a second full frame); at the spare's own size, ask for the repaint.
        # The explorer only wants its starting point: then end-of-file.
        feed_and_close(self.follow, (state or b"") + (REPAINT_LINE if size == self.size else b""))
        self.process.resize(*size)
        self.follow = None
        return self.process


class Spares:
    """Keeps a spare explorer ready for each of ``sizes``."""

    def __init__(
        self, forks: ForkServer, app_args: list[str], limits: Limits, sizes: tuple[tuple[int, int], ...] = SPARE_SIZES
    ) -> None:
        self.forks = forks
        self.app_args = app_args
        self.limits = limits
        self.sizes = sizes
        self.ready: list[Spare] = []
        self._making: list[tuple[int, int]] = []
        self._closed = False

    def fill(self) -> None:
        if self._closed:
            return
        wanted = list(self.sizes)
        for size in [spare.size for spare in self.ready] + self._making:
            if size in wanted:
                wanted.remove(size)
        for size in wanted:
            self._making.append(size)
            background(self._make(size))

    async def _make(self, size: tuple[int, int]) -> None:
        spare = Spare(size)
        ours, theirs = socket.socketpair()
        try:
            spare.process = await AppProcess.fork(
                self.forks,
                [*self.app_args, "--served-as", "explorer", "--follow-fd", "3"],
                term=SPARE_TERM,
                size=size,
                limits=self.limits,
                nice=0,  # reniced when taken (session.START_BOOST): an idle spare costs no CPU anyway
                on_output=spare.output,
                follow=theirs.fileno(),
            )
        except OSError as error:
            ours.close()
            event("spare_failed", logging.WARNING, error=error)
            return
        finally:
            theirs.close()
            self._making.remove(size)
        spare.follow = ours
        if self._closed:
            await spare.process.stop()
            ours.close()
            return
        self.ready.append(spare)
        background(self._watch(spare))

    async def _watch(self, spare: Spare) -> None:
        assert spare.process is not None
        await spare.process.wait()
        if spare in self.ready:  # died while waiting: make another
            self.ready.remove(spare)
            spare.process.close()
            if spare.follow is not None:
                spare.follow.close()
            self.fill()

    def take(self, term: str, size: tuple[int, int]) -> Spare | None:
        """A ready spare for a terminal of this kind and size, or None (then fork a fresh app): the largest that
        fits in the terminal (the same layout as it will have), else the smallest."""
        if colour_term(term) != SPARE_TERM or not self.ready:
            self.fill()
            return None
        fits = [s for s in self.ready if s.size[0] <= size[0] and s.size[1] <= size[1]]
        if fits:
            spare = max(fits, key=lambda s: s.size[0] * s.size[1])
        else:
            spare = min(self.ready, key=lambda s: s.size[0] * s.size[1])
        self.ready.remove(spare)
        self.fill()
        return spare

    async def close(self) -> None:
        self._closed = True
        spares, self.ready = self.ready, []
        for spare in spares:
            if spare.follow is not None:
                spare.follow.close()
            if spare.process is not None:
                with contextlib.suppress(ProcessLookupError):
                    await spare.process.stop()
