"""The matrix panes (inputs, weights, activations, deltas, updates); the stage is in stage.py.

Each pane is one small widget with a ``view`` reactive bound to the app's. It redraws only
when what it shows changed (Textual resends everything a widget renders on refresh, so a
pane that did not change must not refresh).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import fields
from typing import ClassVar

from rich.console import RenderableType
from rich.style import Style
from rich.text import Text
from textual.containers import ScrollableContainer
from textual.geometry import Size
from textual.reactive import var
from textual.strip import Strip
from textual.widget import Widget

from tuinet.app.layout import PANES
from tuinet.app.lines import LineCache, own_virtual_size
from tuinet.app.render import Block, Palette, flow_lines, matrix_block
from tuinet.app.view import StepView

__all__ = ["PANE_TITLES", "MatrixLines", "MatrixPane", "MatrixWidget", "PanesScroll"]

GAP = 3
"""Columns between matrices side by side."""

PANE_TITLES = {
    "inputs": "Inputs",
    "weights": "Weights",
    "activations": "Activations",
    "deltas": "Deltas",
    "updates": "Updates",
}


class MatrixWidget(Widget):
    """A widget that draws matrices from the current view, in the theme's colours."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "matrix--positive",
        "matrix--negative",
        "matrix--zero",
        "matrix--empty",
        "matrix--bracket",
        "matrix--title",
        "matrix--shape",
        "matrix--operand",
        "matrix--result",
        "matrix--operand-title",
        "matrix--result-title",
        "matrix--changed",
        "matrix--bad",
    }
    DEFAULT_CSS = """
    MatrixWidget {
        height: auto;
        & > .matrix--positive { color: $text-success; }
        & > .matrix--negative { color: $text-error; }
        & > .matrix--zero { color: $text-muted; }
        & > .matrix--empty { color: $foreground 55%; }  /* ·: a mark, ≥ 3:1 (WCAG non-text) */
        & > .matrix--bracket { color: $text-muted; }
        & > .matrix--title { text-style: bold; color: $text; }
        & > .matrix--shape { color: $text-muted; }
        & > .matrix--operand { background: $primary 35%; text-style: bold; }
        & > .matrix--result { background: $accent; color: $text; text-style: bold; }
        & > .matrix--operand-title { color: $text-primary; text-style: bold underline; }
        & > .matrix--result-title { color: $text-accent; text-style: bold reverse; }
        & > .matrix--changed { text-style: underline; }
        & > .matrix--bad { color: $text-warning; text-style: bold; }
    }
    /* NO_COLOR (themes.apply_no_color): meaning without colour — operands bold, the cell being written in
       reverse video; changed cells stay underlined and negatives keep their minus sign. */
    MatrixWidget:nocolor > .matrix--operand { text-style: bold; }
    MatrixWidget:nocolor > .matrix--result { text-style: bold reverse; }
    """

    view: var[StepView | None] = var(None)
    """The app's view of the cursor; bound with data_bind. Setting it redraws nothing by itself: the
    watcher refreshes only if this widget's own content changed (Textual resends a widget in full)."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._key: tuple[object, ...] | None = None
        self._palette: tuple[str, Palette] | None = None

    def palette(self) -> Palette:
        """The component styles, looked up once per theme (13 lookups cost ~0.3 ms)."""
        if self._palette is not None and self._palette[0] == self.app.theme:
            return self._palette[1]

        def style(name: str) -> Style:
            # Full (not partial) styles: theme colours with alpha, and "auto" text colours, are only
            # resolved against a background; a partial style would leave them unblended.
            return self.get_component_rich_style(f"matrix--{name}")

        # One component class per Palette field: matrix--operand-title styles Palette.operand_title.
        palette = Palette(**{f.name: style(f.name.replace("_", "-")) for f in fields(Palette)})
        self._palette = (self.app.theme, palette)
        return palette

    def _text(self, text: Text) -> Text:
        text.no_wrap = True
        text.overflow = "crop"
        text.end = ""
        return text


class MatrixLines(MatrixWidget):
    """A MatrixWidget whose content is lines of text, drawn through a line cache (Textual's line API):
    a step renders and repaints only the lines it changed. The stage and the panes; the why-views render
    their tables whole, as plain MatrixWidgets."""

    virtual_size = own_virtual_size()

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._laid_out: dict[tuple[int, str], list[Text]] = {}
        self._lines = LineCache()
        """The lines on screen."""
        self._height_for: tuple[object, int, str] | None = None
        self.max_rows = 8

    fits_all = False
    """Whether this widget takes one height that fits every content it may show (then new content never
    needs a layout pass, which would cost a frame of its own)."""

    def content_key(self, view: StepView) -> tuple[object, ...]:
        raise NotImplementedError

    def variants(self, view: StepView, width: int) -> Iterator[list[Text]]:
        """For ``fits_all`` widgets: every content the widget may show at this width (its tallest sets its height)."""
        yield self.build(view, width)

    def _fix_height(self, view: StepView) -> None:
        width = self.content_size.width
        if not width:
            return
        self._height_for = (view.layout, width, view.notation.name)
        tallest = max(len(lines) for lines in self.variants(view, max(10, width)))
        self.styles.height = tallest + 1  # + the top border

    def on_resize(self) -> None:
        if self.fits_all and self.view is not None:
            self._fix_height(self.view)

    @property
    def fixed_height(self) -> bool:
        return self.fits_all and self._height_for is not None

    def build(self, view: StepView, width: int) -> list[Text]:
        """The widget's content laid out for ``width`` columns, line by line (never wrapped: cropped)."""
        raise NotImplementedError

    def watch_view(self, view: StepView | None) -> None:
        if view is None:
            return
        key = self.content_key(view)
        if key == self._key:
            return
        if self.fits_all and (view.layout, self.content_size.width, view.notation.name) != self._height_for:
            self._fix_height(view)
        width = self.content_size.width
        before = self._laid_out.get((width, self.app.theme))
        self._key = key
        self._laid_out.clear()
        if not self.display or not width:
            self._lines.clear()
            return  # hidden (compact layout): it is laid out afresh when shown
        after = self.laid_out(width)
        if not self.fixed_height and (before is None or len(before) != len(after)):
            self._lines.clear()
            self.refresh(layout=True)  # the height changed: a layout pass (it costs a frame of its own)
            return
        # Same height: repaint only the lines that changed (one cell step changes one or two).
        self._lines.repaint(self, after, lambda: after)

    def laid_out(self, width: int) -> list[Text]:
        """The content's lines at ``width``, built once per content, width and theme."""
        width = max(10, width)
        cache_key = (width, self.app.theme)
        lines = self._laid_out.get(cache_key)
        if lines is None:
            lines = [Text("")] if self.view is None else self.build(self.view, width) or [Text("")]
            self._laid_out[cache_key] = lines
        return lines

    def render_line(self, y: int) -> Strip:
        lines = self.laid_out(self.size.width) if self.size.width else []
        return self._lines.render_line(self, y, lines, lambda: lines)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.laid_out(width))

    def render(self) -> RenderableType:
        """The whole content as one text (what ``render_line`` draws line by line): for copying and tests."""
        return self._text(Text("\n").join(self.laid_out(self.content_size.width)))


class MatrixPane(MatrixLines):
    """One of the five panes: its matrices, laid out to fit."""

    DEFAULT_CSS = """
    MatrixPane {
        border-top: round $foreground 55%;  /* ≥ 3:1 on the background in every theme (test_contrast.py) */
        border-title-color: $text-muted;
        padding: 0 1;
    }
    /* On white, a lightened panel is white itself in 16 colours (TERM=xterm): a mid grey stays a visible rule,
       and at 50% it keeps 3:1 against the white (tests/test_contrast.py). */
    MatrixPane:light { border-top: round $foreground 50%; }
    """

    def __init__(self, pane: str, *, compact: bool = False) -> None:
        super().__init__(
            id="pane-compact" if compact else f"pane-{pane}", classes="compact-pane" if compact else "pane"
        )
        self.compact = compact
        """The compact layout's one pane: it shows whichever pane is active, at one fixed height."""
        self.fits_all = compact
        self.pane = pane
        self.border_title = self._title()

    def _title(self) -> str:
        return f"{PANES.index(self.pane) + 1} {PANE_TITLES[self.pane]}"

    def show_pane(self, pane: str) -> None:
        """Switch the compact pane to ``pane`` (no layout pass: its height fits every pane)."""
        if pane == self.pane:
            return
        self.pane = pane
        self._key = None
        self.watch_view(self.view)

    def content_key(self, view: StepView) -> tuple[object, ...]:
        return (self.pane, view.pane_key(self.pane), view.digits, self.app.theme, view.notation.name)

    def variants(self, view: StepView, width: int) -> Iterator[list[Text]]:
        """The five panes: the compact pane is as tall as the tallest, so switching never re-lays out."""
        current = self.pane
        try:
            for pane in PANES:
                self.pane = pane
                yield self.build(view, width)
        finally:
            self.pane = current

    def watch_view(self, view: StepView | None) -> None:
        if view is not None:
            involved = view.op is not None and any(n in view.op.names for n in view.pane_names[self.pane])
            # Marked in the title, not with a CSS class: a class change restyles the widget's whole
            # subtree (measured: ~11 ms a step at 200×60), a title change only repaints its line.
            title = ("▶ " if involved else "") + self._title()
            if title != self.border_title:
                self.border_title = title
            # Stepping one row at a time, the Inputs pane says which (the compact pane only while it shows inputs).
            batch = self.pane == "inputs" and view.config.batch != "full"
            subtitle = f"row {view.trace.rows[0]} of X" if batch else ""
            if subtitle != (self.border_subtitle or ""):  # the setter repaints even when the value is the same
                self.border_subtitle = subtitle
        super().watch_view(view)

    def _blocks(self, view: StepView, width: int) -> list[Block]:
        palette = self.palette()
        return [
            matrix_block(
                view.shown(name),
                palette,
                view.digits,
                changed=view.changed(name),
                max_rows=self.max_rows,
                max_width=width,
            )
            for name in view.pane_names[self.pane]
        ]

    def get_content_width(self, container: Size, viewport: Size) -> int:
        """For ``width: auto``: all matrices side by side, if the container allows."""
        if self.view is None:
            return 10
        blocks = self._blocks(self.view, container.width)
        return min(container.width, sum(b.width for b in blocks) + GAP * (len(blocks) - 1))

    def build(self, view: StepView, width: int) -> list[Text]:
        return flow_lines(self._blocks(view, width), width, gap=GAP)


class PanesScroll(ScrollableContainer):
    """The scrolling area of the matrix panes (#panes). Its height changes with the stage's at 80×24; the
    layout pass that gives it the new height draws it, so its new virtual size asks for nothing more."""

    virtual_size = own_virtual_size()
