"""The matrix panes (inputs, weights, activations, deltas, updates) and the stage.

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
from textual.geometry import Offset, Size
from textual.reactive import var
from textual.widget import Widget

from tuinet.app.cursor import Cursor
from tuinet.app.layout import PANES
from tuinet.app.render import Block, Palette, flow, flow_focus, matrix_block, symbol_block
from tuinet.app.view import StepView
from tuinet.engine import OpKind
from tuinet.words.formulas import LOSS_HEAD, loss_of
from tuinet.words.symbols import symbol

__all__ = ["PANE_TITLES", "MatrixPane", "MatrixWidget", "StagePane"]

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
        & > .matrix--empty { color: $text-disabled; }
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
        self._laid_out: dict[tuple[int, str], Text] = {}
        self._palette: tuple[str, Palette] | None = None
        self._height_for: tuple[object, int, str] | None = None
        self.max_rows = 8

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

    fits_all = False
    """Whether this widget takes one height that fits every content it may show (then new content never
    needs a layout pass, which would cost a frame of its own)."""

    def content_key(self, view: StepView) -> tuple[object, ...]:
        raise NotImplementedError

    def variants(self, view: StepView, width: int) -> Iterator[Text]:
        """For ``fits_all`` widgets: every content the widget may show at this width (its tallest sets its height)."""
        yield self.build(view, width)

    def _fix_height(self, view: StepView) -> None:
        width = self.content_size.width
        if not width:
            return
        self._height_for = (view.layout, width, view.notation.name)
        tallest = max(len(text.split()) for text in self.variants(view, max(10, width)))
        self.styles.height = tallest + 1  # + the top border

    def on_resize(self) -> None:
        if self.fits_all and self.view is not None:
            self._fix_height(self.view)

    @property
    def fixed_height(self) -> bool:
        return self.fits_all and self._height_for is not None

    def build(self, view: StepView, width: int) -> Text:
        """The widget's content laid out for ``width`` columns."""
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
            return  # hidden (compact layout): it is laid out afresh when shown
        if self.fixed_height:
            self.refresh()
            return
        # Re-layout only when the height changes: a layout pass costs a frame of its own.
        after = self.laid_out(width) if width else None
        same_height = before is not None and after is not None and len(before.split()) == len(after.split())
        self.refresh(layout=not same_height)

    def laid_out(self, width: int) -> Text:
        """The content at ``width``, built once per content, width and theme."""
        width = max(10, width)
        cache_key = (width, self.app.theme)
        text = self._laid_out.get(cache_key)
        if text is None:
            text = Text("") if self.view is None else self._text(self.build(self.view, width))
            self._laid_out[cache_key] = text
        return text

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.laid_out(width).split())

    def render(self) -> RenderableType:
        return self.laid_out(self.content_size.width)

    def _text(self, text: Text) -> Text:
        text.no_wrap = True
        text.overflow = "crop"
        text.end = ""
        return text


class MatrixPane(MatrixWidget):
    """One of the five panes: its matrices, laid out to fit."""

    DEFAULT_CSS = """
    MatrixPane {
        border-top: round $panel-lighten-2;
        border-title-color: $text-muted;
        padding: 0 1;
    }
    /* On white, a lightened panel is white itself in 16 colours (TERM=xterm): a mid grey stays a visible rule. */
    MatrixPane:light { border-top: round $foreground 40%; }
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

    def variants(self, view: StepView, width: int) -> Iterator[Text]:
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

    def build(self, view: StepView, width: int) -> Text:
        return flow(self._blocks(view, width), width, gap=GAP)


class StagePane(MatrixWidget):
    """The current operation with its operands and result side by side: watch the product form.

    Transposed operands are drawn transposed (a1ᵀ, not a1), so "row i of the left times
    column j of the right" is literally what the highlights show.
    """

    DEFAULT_CSS = """
    StagePane {
        border-top: round $accent 60%;
        border-title-color: $text-accent;
        padding: 0 1;
    }
    """

    def __init__(self) -> None:
        super().__init__(id="stage")
        self.border_title = "Operation"
        self.max_rows = 10
        self._focus: tuple[tuple[Cursor, int], tuple[int, int] | None] | None = None
        """((cursor, width), where the cell being written is in the content) for the view on screen."""

    def cell_offset(self) -> Offset | None:
        """The screen position of the cell being written (cell level, on screen), for the terminal cursor."""
        view, width = self.view, self.content_size.width
        if view is None or not view.cell_mode or not width or not self.display:
            return None
        self.laid_out(width)  # built once per content: the render of this frame reuses it
        if self._focus is None or self._focus[0] != (view.cursor, max(10, width)) or self._focus[1] is None:
            return None
        line, column = self._focus[1]
        region = self.content_region
        y = region.y + line - round(self.scroll_offset.y)
        if not (region.y <= y < region.bottom and column < region.width):
            return None  # cropped (a matrix taller than the stage): the equation line tells instead
        return Offset(region.x + column, y)

    def content_key(self, view: StepView) -> tuple[object, ...]:
        if view.op is None:
            return ("start", view.layout, view.cursor.iteration, view.digits, self.app.theme, view.notation.name)
        names = view.op.names
        parts = [(view.shown(n).filled, view.shown(n).region) for n in names]
        key = (view.layout, view.cursor.iteration, view.op.index, tuple(parts), view.digits, self.app.theme)
        return (*key, view.notation.name)

    def watch_view(self, view: StepView | None) -> None:
        if view is not None:
            op = view.op
            title = (
                f"Iteration {view.cursor.iteration}"
                if op is None
                else f"Operation {op.index + 1}/{view.op_count} · {op.phase}"
            )
            if title != self.border_title:  # the setter refreshes even when the value is the same
                self.border_title = title
        super().watch_view(view)

    fits_all = True

    def variants(self, view: StepView, width: int) -> Iterator[Text]:
        """Every operation of the iteration on screen, complete."""
        for variant in view.stage_variants:
            yield self.build(variant, width)

    def build(self, view: StepView, width: int) -> Text:
        op = view.op
        if op is None:
            return Text.assemble(
                ("Iteration ", "bold"),
                (str(view.cursor.iteration), "bold"),
                " is about to start: the inputs and weights below are all there is.\n",
                ("→", "bold"),
                " runs one operation, ",
                (".", "bold"),
                " one matrix cell, ",
                ("space", "bold"),
                " the whole iteration.",
            )
        palette = self.palette()
        digits = view.digits

        def block(name: str, transpose: bool = False, label: str | None = None) -> Block:
            return matrix_block(
                view.shown(name, standing=False),  # the operands as the operation read them
                palette,
                digits,
                max_rows=self.max_rows,
                max_width=width,
                transpose=transpose,
                label=label,
            )

        parts: list[Block] = []
        kind = op.kind
        operands = [block(o.name, o.transpose) for o in op.operands]
        if kind is OpKind.MATMUL:
            if view.notation.columns:  # column vectors: Rᵀ = Bᵀ·Aᵀ, so z = W·a and ∇W = δ·a_prevᵀ
                operands.reverse()
            parts = [operands[0], _op("·"), operands[1]]
            if op.bias:
                parts += [_op("+"), block(op.bias)]
            if op.gate:
                parts += [_op("⊙"), block(op.gate)]
        elif kind is OpKind.ACTIVATION:
            parts = [_op(f"{symbol(op.activation)}("), operands[0], _op(")")]
        elif kind is OpKind.ELEMENTWISE:
            parts = [operands[0], _op("−" if op.result == "e" else "⊙"), operands[1]]
        elif kind is OpKind.LOSS:
            parts = [_op(f"{LOSS_HEAD[loss_of(op)]}("), operands[0], _op(")²")]  # the op's loss kind, not its scale
        elif kind is OpKind.REDUCE:
            parts = [_op("Σ_rows"), operands[0]]
        else:  # update
            # A frozen parameter's update reads W alone: W′ = W.
            parts = [operands[0]] if op.frozen else [operands[0], _op(f"− {op.scale:g}·"), operands[1]]
        parts += [_op("→"), block(op.result)]
        height = max(len(p.lines) for p in parts)
        parts = [symbol_block(p.lines[0].plain, height) if p.width and not p.lines[1:] else p for p in parts]
        if view is self.view:  # not one of the variants measured for the height
            self._focus = ((view.cursor, width), flow_focus(parts, width, gap=1))
        return flow(parts, width, gap=1)


def _op(symbol: str) -> Block:
    """A placeholder block for an operator; sized once the band height is known."""
    return Block([Text(f" {symbol} ")], len(symbol) + 2)
