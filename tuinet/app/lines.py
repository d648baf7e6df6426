"""A widget's content as cached lines (Textual's line API), so a step repaints only the lines it changed.

Textual's default path re-renders a widget's whole content (``render()`` → Content → strips) on
every refresh, and sends every line of it again. For a matrix pane, the stage or the equation,
one cell step changes a few lines: LineCache renders a content once (Rich's own renderer, cheaper
than the Content conversion), keeps each line's text beside its strip, re-renders only the lines
whose text changed, and says which lines those are, so the widget refreshes just them. Fewer lines
rendered is less CPU per step; fewer lines refreshed is fewer bytes per step — what a shared
classroom renderer pays once per size class, and the SSH server once per student.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Region, Size
from textual.reactive import Reactive
from textual.strip import Strip
from textual.widget import Widget

__all__ = ["LineCache", "own_virtual_size", "split_lines"]


def own_virtual_size() -> Reactive[Size]:
    """A ``virtual_size`` for a widget that sets its own height and repaints its own lines.

    Textual's lays out the screen again whenever a widget's virtual size changes, and that happens
    during a layout pass: a widget whose height changed (the stage, the equation, a pane, when the
    operation changes) would cost a second pass and a second frame, ~25 ms after the first (Textual
    waits for its next frame tick). The widget's new size is already laid out and repainted by the
    first pass, so here the change does neither.
    """
    return Reactive(Size(0, 0), layout=False, repaint=False)


def split_lines(text: Text) -> list[Text]:
    """``text``'s lines as laid out (never wrapped: a matrix layout is cropped, not folded)."""
    return list(text.split("\n"))


def _same(a: Text, b: Text) -> bool:
    return a.style == b.style and a == b  # Text's == compares the characters and the spans, not the base style


def _plain_segments(line: Text, base: Style, over_base: dict[Style, Style]) -> list[Segment] | None:
    """The segments of a line whose spans follow one another without overlapping (every matrix line, and
    most text): each span's style over ``base``, the gaps in ``base``. None for anything else — nested or
    unordered spans, named styles, a style on the whole line, tabs — which Rich's renderer handles. Five
    times faster than that renderer on a matrix row (its general pass sorts and stacks the spans)."""
    plain = line.plain
    if line.style or "\t" in plain:
        return None
    segments: list[Segment] = []
    position = 0
    for start, end, style in line.spans:
        if start < position or isinstance(style, str):
            return None
        if start > position:
            segments.append(Segment(plain[position:start], base))
        if end > start:
            combined = over_base.get(style)
            if combined is None:
                combined = over_base[style] = base + style
            segments.append(Segment(plain[start:end], combined))
            position = end
    if position < len(plain):
        segments.append(Segment(plain[position:], base))
    return segments


class LineCache:
    """The lines a widget shows, kept between frames: each line's text and its rendered strip."""

    def __init__(self) -> None:
        self._key: object = None
        self._width = -1
        self._base: Style | None = None
        self._texts: list[Text] = []
        self._strips: list[Strip] = []

    def clear(self) -> None:
        self._key = None

    def strips(
        self, console: Console, key: object, width: int, base: Style, make: Callable[[], list[Text]]
    ) -> list[Strip]:
        """The strips of the content ``key`` (its lines made by ``make``), each exactly ``width`` cells.

        The lines' spans carry full styles (colours resolved by the theme); ``base`` — the widget's own
        style — fills what they leave unset, as Textual does for a widget's content. A line whose text is
        the same as the line drawn before at that row (same width and base) keeps its strip.
        """
        if (key is self._key or key == self._key) and width == self._width and base == self._base:
            return self._strips
        texts = make()
        reuse = width == self._width and base == self._base
        options = console.options.update(width=width, height=None, no_wrap=True, overflow="crop", highlight=False)
        over_base: dict[Style, Style] = {}
        strips: list[Strip] = []
        for y, line in enumerate(texts):
            if reuse and y < len(self._texts) and _same(self._texts[y], line):
                strips.append(self._strips[y])
                continue
            segments = _plain_segments(line, base, over_base)
            if segments is None:
                segments = console.render_lines(line, options, style=base, pad=True, new_lines=False)[0]
            strips.append(Strip(segments).adjust_cell_length(width, base))
        self._key, self._width, self._base, self._texts, self._strips = key, width, base, texts, strips
        return strips

    def update(
        self, console: Console, key: object, width: int, base: Style, make: Callable[[], list[Text]]
    ) -> list[Region] | None:
        """Bring the lines up to ``key``; the regions (content coordinates) that changed, or None if all did."""
        same = self._key is not None and width == self._width and base == self._base
        before = self._strips
        after = self.strips(console, key, width, base, make)
        if not same:
            return None
        pairs = enumerate(zip(before, after, strict=False))
        regions = [Region(0, y, width, 1) for y, (old, new) in pairs if old != new]
        shorter, longer = sorted((len(before), len(after)))
        if longer > shorter:
            regions.append(Region(0, shorter, width, longer - shorter))
        return regions

    def line(self, y: int, width: int, base: Style) -> Strip:
        """Row ``y`` of what ``strips`` last made (blank beyond it)."""
        return self._strips[y] if y < len(self._strips) else Strip.blank(width, base)

    # -- for a widget: what its step and its render_line do with the cache --------------------------------------

    def repaint(self, widget: Widget, key: object, make: Callable[[], list[Text]]) -> None:
        """Bring ``widget``'s lines up to ``key`` and refresh only the rows that changed (all, if its width or
        style did)."""
        regions = self.update(widget.app.console, key, widget.size.width, widget.rich_style, make)
        if regions is None:
            widget.refresh()
        elif regions:
            widget.refresh(*regions)

    def render_line(self, widget: Widget, y: int, key: object, make: Callable[[], list[Text]]) -> Strip:
        """Row ``y`` of ``widget``'s content ``key``: Textual's ``render_line``, from the cache."""
        width, base = widget.size.width, widget.rich_style
        if width:
            self.strips(widget.app.console, key, width, base, make)
        return self.line(y, width, base)
