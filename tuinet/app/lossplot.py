"""The loss plot (key L): the loss of every iteration computed so far, the current one marked, log scale, zoom.

Drawn by textual-plotext (Textualize's widget over plotext) rather than by hand. A run can hold a million
iterations, and a plot is a few hundred columns wide: ``downsample`` keeps, for each column's worth of
iterations, its smallest and its largest loss — so a spike survives while the points drawn stay at most twice
the width, and the plot stays as quick at 10,000 iterations as at 10. A line of words above the plot says the
same facts for a screen reader (range, current loss, smallest loss, scale).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.widgets import Footer, Static
from textual_plotext import PlotextPlot

from tuinet.engine.history import History
from tuinet.words.numbers import fmt

__all__ = ["LossPlotScreen", "PlotRange", "downsample"]

MIN_SPAN = 10
"""The fewest iterations a zoom shows."""


def downsample(first: int, losses: list[float], buckets: int) -> tuple[list[int], list[float]]:
    """(iterations, losses) to draw for iterations ``first``… : every finite one if they fit, else each bucket's
    smallest and largest (in iteration order), at most ``2 * buckets`` points. inf/NaN are left out."""
    points = [(first + k, v) for k, v in enumerate(losses) if math.isfinite(v)]
    if len(points) <= 2 * buckets:
        return [i for i, _ in points], [v for _, v in points]
    size = len(points) / buckets
    xs: list[int] = []
    ys: list[float] = []
    for b in range(buckets):
        chunk = points[round(b * size) : round((b + 1) * size)]
        if not chunk:
            continue
        low = min(chunk, key=lambda p: p[1])
        high = max(chunk, key=lambda p: p[1])
        for i, v in sorted({low, high}):
            xs.append(i)
            ys.append(v)
    return xs, ys


@dataclass(frozen=True)
class PlotRange:
    """Which iterations the plot shows: first…last of 1…head (computed so far)."""

    first: int
    last: int
    head: int

    @classmethod
    def whole(cls, head: int) -> PlotRange:
        return cls(1, max(1, head), head)

    def zoom(self, factor: float, centre: int) -> PlotRange:
        """Shown span times ``factor`` (½ zooms in), around ``centre``, kept inside 1…head."""
        span = max(MIN_SPAN, round((self.last - self.first + 1) * factor))
        span = min(span, max(1, self.head))
        first = max(1, min(centre - span // 2, self.head - span + 1))
        return PlotRange(first, max(first, first + span - 1), self.head)

    def pan(self, direction: int) -> PlotRange:
        """Move by half the shown span (−1 earlier, +1 later)."""
        step = max(1, (self.last - self.first + 1) // 2) * direction
        first = max(1, min(self.first + step, self.head - (self.last - self.first)))
        return PlotRange(first, first + (self.last - self.first), self.head)


class LossPlotScreen(ModalScreen[None]):
    """The loss over every iteration so far; l log scale, + − zoom around the current iteration, ← → pan, 0 all."""

    DEFAULT_CSS = """
    LossPlotScreen { layout: vertical; background: $background; }
    LossPlotScreen #loss-words { height: auto; padding: 0 1; background: $boost; }
    LossPlotScreen PlotextPlot { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,L", "close", "Back", key_display="esc"),
        Binding("l", "log", "Log"),
        Binding("plus,equals_sign", "zoom(0.5)", "Zoom in", key_display="+"),
        Binding("minus", "zoom(2)", "Out", key_display="-"),
        Binding("left", "pan(-1)", "Pan", key_display="← →"),
        Binding("right", "pan(1)", "Later", show=False),
        Binding("0", "whole", "All"),
    ]

    def __init__(self, history: History, current: int, current_loss: float | None = None) -> None:
        super().__init__()
        self.history = history
        self.current = current
        """The iteration on the main screen (marked on the plot)."""
        self.current_loss = history.loss(current) if current <= history.head else current_loss
        """Its loss: from the history, or from the stepper's trace (a jump computes the history up to the one
        before the iteration it lands on); None if not computed yet."""
        self.log_scale = False
        self.range = PlotRange.whole(history.head)
        self.drawn: tuple[list[int], list[float]] = ([], [])
        """The points last handed to the plot (for tests: never more than twice the plot's width)."""

    def compose(self) -> ComposeResult:
        yield Static(id="loss-words")
        yield PlotextPlot(id="loss-plot")
        yield Footer()

    def on_mount(self) -> None:
        self.draw()

    def on_resize(self) -> None:
        self.draw()

    def draw(self) -> None:
        """Hand the shown range, downsampled to the plot's width, to plotext, and say it in words."""
        plot = self.query_one(PlotextPlot)
        r = self.range
        losses = self.history.losses(r.first, r.last)
        width = max(10, plot.size.width - 12)  # less the y axis' labels
        xs, ys = downsample(r.first, losses, width)
        if self.log_scale and ys:
            positive = [v for v in ys if v > 0]
            floor = min(positive, default=1e-300)
            ys = [max(v, floor) for v in ys]  # a log axis cannot show 0
        self.drawn = (xs, ys)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        plt.title("loss per iteration")
        plt.xlabel("iteration")
        plt.yscale("log" if self.log_scale else "linear")
        if xs:
            plt.plot(xs, ys, marker="braille")
            plt.xlim(r.first, max(r.last, r.first + 1))
            ticks = sorted({float(round(r.first + k * (r.last - r.first) / 4)) for k in range(5)})
            plt.xticks(ticks, [f"{t:,.0f}" for t in ticks])  # iterations are whole numbers
        if r.first <= self.current <= r.last:
            plt.vline(self.current)
        plot.refresh()
        words = self.query_one("#loss-words", Static)
        words.update(self._words(losses))
        # The terminal cursor on the words: a screen reader following it reads what the plot shows.
        self.app.cursor_position = words.content_region.offset

    def _words(self, losses: list[float]) -> Text:
        r, head = self.range, self.history.head
        if head == 0:
            return Text("No iteration has been computed yet: space runs one.")
        parts = [f"iterations {r.first:,}–{r.last:,} of {head:,} computed"]
        line = " (the vertical line)" if r.first <= self.current <= r.last else ""
        if self.current_loss is not None:
            parts.append(f"current iteration {self.current:,}{line}: loss {fmt(self.current_loss, 4)}")
        else:
            parts.append(f"current iteration {self.current:,}: its loss is not computed yet")
        finite = [(v, r.first + k) for k, v in enumerate(losses) if math.isfinite(v)]
        if finite:
            low, at = min(finite)
            parts.append(f"smallest shown {fmt(low, 4)} at iteration {at:,}")
        if self.history.diverged_at is not None:
            parts.append(f"diverged at iteration {self.history.diverged_at:,} (inf/NaN not drawn)")
        parts.append("log scale" if self.log_scale else "linear scale")
        return Text(" · ".join(parts))

    def action_close(self) -> None:
        self.dismiss(None)

    def action_log(self) -> None:
        self.log_scale = not self.log_scale
        self.draw()

    def action_zoom(self, factor: float) -> None:
        r = self.range
        centre = self.current if r.first <= self.current <= r.last else (r.first + r.last) // 2
        self.range = r.zoom(factor, centre)
        self.draw()

    def action_pan(self, direction: int) -> None:
        self.range = self.range.pan(direction)
        self.draw()

    def action_whole(self) -> None:
        self.range = PlotRange.whole(self.history.head)
        self.draw()
