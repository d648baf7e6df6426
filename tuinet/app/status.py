"""The status line (iteration, phase, operation, loss, loss curve), the equation pane and the pane bar."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual.message import Message
from textual.reactive import var
from textual.strip import Strip
from textual.widget import Widget

from tuinet.app.layout import PANES
from tuinet.app.lines import LineCache, own_virtual_size, split_lines
from tuinet.app.panes import PANE_TITLES
from tuinet.app.reasons import equation_text, reason_of
from tuinet.app.view import StepView
from tuinet.words.formulas import formula, shapes
from tuinet.words.numbers import fmt

__all__ = ["EquationPane", "PaneBar", "StatusBar", "sparkline"]

BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[float]) -> str:
    """One bar per value, scaled from the smallest (▁) to the largest (█)."""
    if len(values) < 2:
        return ""
    low, high = min(values), max(values)
    span = high - low
    if span <= 0:
        return BARS[0] * len(values)
    return "".join(BARS[min(7, int((v - low) / span * 7.999))] for v in values)


class StatusBar(Widget):
    """Iteration, phase, operation and loss on one line, then the loss curve so far.

    One widget drawing one line: updating it repaints that line and never re-lays out the screen.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"status--curve", "status--diverged"}
    DEFAULT_CSS = """
    StatusBar {
        height: 1;
        background: $boost;
        padding: 0 1;
        & > .status--curve { color: $text-accent; }
        & > .status--diverged { color: $text-error; text-style: bold; }
    }
    """

    view: var[StepView | None] = var(None)

    @dataclass
    class CurveRoom(Message):
        """The loss curve has room for ``points`` losses now (the view's curve is sampled to fit)."""

        points: int

    def __init__(self) -> None:
        super().__init__(id="status")
        self._parts: tuple[Text, tuple[float, ...]] | None = None

    def watch_view(self, view: StepView | None) -> None:
        if view is None:
            return
        cursor = view.cursor
        op = view.op
        # While auto-play runs, its indicator takes the name's place, first on the line: it must not be cut.
        play = view.playing
        head = ("tuinet ", "bold") if play is None else (f"▶ {play[0]}s every {play[1]:g} s · ", "bold reverse")
        parts = [head, ("iteration ", "dim"), (f"{cursor.iteration}", "bold")]
        if op is None:
            parts += [(" · start", "")]
        else:
            parts += [(f" · {op.phase}", ""), (f" · op {op.index + 1}/{view.op_count} ", "dim")]
            parts += [(view.shown(op.result).label, "bold")]
            if view.cell_mode:
                parts += [(f" · cell {cursor.cells}/{view.op_size}", "dim")]
        loss = view.loss
        if loss is not None:
            parts += [(" · loss ", "dim"), (fmt(loss, 4), "bold")]
        text = Text.assemble(*parts)
        if view.diverged_at is not None:
            text.append(
                f" · diverged at iteration {view.diverged_at}", self.get_component_rich_style("status--diverged")
            )
        state = (text, view.curve)
        if state != self._parts:
            self._parts = state
            self.refresh()

    def on_resize(self) -> None:
        # The curve's points depend on the width: the app samples the next view's curve to fit.
        self.post_message(self.CurveRoom(max(8, min(64, self.content_size.width // 3 or 40))))

    def render(self) -> RenderableType:
        if self._parts is None:
            return ""
        text, curve = self._parts
        line = text.copy()
        bars = sparkline(list(curve))
        gap = self.content_size.width - line.cell_len - len(bars)
        if bars and gap >= 2:
            line.append(" " * gap)
            line.append(bars, self.get_component_rich_style("status--curve"))
        line.no_wrap, line.overflow = True, "ellipsis"
        return line


class EquationPane(Widget):
    """The current operation in symbols with its shapes, its reason (reasons.py); at cell level, the dot product.

    The pane is as tall as its text needs, so the formula and the cell explanation always end with their result
    (at 80 columns a cell's dot product takes two or three lines); the reason gets the rest and is cut to fit.
    Its height only changes when the text needs more lines: the formula lines are those of the longest
    operation, and a cell's lines grow while its operation is stepped (never shrink), so stepping cells
    re-lays out the screen at most a few times per operation.
    """

    DEFAULT_CSS = """
    EquationPane {
        height: 6;
        padding: 0 1;
        border-left: thick $accent;
        margin: 0 0 0 0;
    }
    """

    virtual_size = own_virtual_size()
    view: var[StepView | None] = var(None)
    """Bound to the app's; a var, so only a changed equation (the key below) repaints these lines."""

    def __init__(self) -> None:
        super().__init__(id="equation")
        self._key: tuple[object, ...] | None = None
        self._formula_lines: tuple[object, int] | None = None
        self._cell_lines: tuple[object, int] | None = None
        self._shown = LineCache()

    def watch_view(self, view: StepView | None) -> None:
        if view is None:
            return
        key = (view.layout, view.cursor, view.cell_mode, view.digits, view.notation.name, self.content_size.width)
        if key == self._key:
            return
        self._key = key
        if self._fit(view) or not self.size.width:
            self._shown.clear()
            self.refresh()  # a new height: the layout pass that follows repaints it all
            return
        # The formula lines stay while the cells are stepped: repaint only the lines that changed.
        self._shown.repaint(self, (key, self.size.height), self._content)

    def on_resize(self) -> None:
        # Only a new width re-wraps the text; a new height is this pane's own doing (_fit), already drawn.
        if self.view is not None and self._key is not None and self._key[-1] != self.content_size.width:
            self.watch_view(self.view)

    def _lines(self, text: Text) -> int:
        width = self.content_size.width
        return len(text.wrap(self.app.console, width)) if width > 0 else 1

    def _fit(self, view: StepView) -> bool:
        """Set the height the text needs; whether it changed."""
        width = self.content_size.width
        if width <= 0:
            return False
        compact = self.app.has_class("-compact")
        if self._formula_lines is None or self._formula_lines[0] != (view.layout, width, compact):
            # The formula and shapes of the longest operation, and room for the reason (cut to fit by reasons.py).
            schedule = view.trace.schedule
            trace = view.trace
            tallest = max(
                self._lines(Text.assemble((formula(op, trace), "bold"), "    ", shapes(op, trace))) for op in schedule
            )
            reason = 1 if compact else 3
            self._formula_lines = ((view.layout, width, compact), max(tallest + reason, self._lines(self._start(view))))
        lines = self._formula_lines[1]
        cell = view.cell
        if cell is not None and view.op is not None:
            op_key = (view.layout, view.cursor.iteration, view.cursor.op, width, view.digits)
            needed = self._lines(Text(reason_of(view, view.op).cell or cell.text))  # the cell as reasons.py words it
            if self._cell_lines is not None and self._cell_lines[0] == op_key:
                needed = max(needed, self._cell_lines[1])
            self._cell_lines = (op_key, needed)
            lines += needed
        if self.styles.height is None or self.styles.height.value != lines:
            self.styles.height = lines
            return True
        return False

    @staticmethod
    def _start(view: StepView) -> Text:
        weights = ", ".join(f"W{layer}" for layer in range(1, view.trace.layers + 1))
        return Text.assemble(
            ("start of iteration ", "dim"),
            (str(view.cursor.iteration), "bold"),
            ("   weights ", "dim"),
            weights,
            ("   lr = ", "dim"),
            f"{view.config.lr:g}",
            ("\nwhy each step: ", "dim"),
            ("d", "bold"),
            (" the derivation · ", "dim"),
            ("n", "bold"),
            (f" your notation (now {view.notation.name}) · ", "dim"),
            ("w", "bold"),
            (" common mistakes · ", "dim"),
            ("?", "bold"),
            (" glossary", "dim"),
        )

    def _content(self) -> list[Text]:
        """The lines to show: the start's text wrapped, or the equation (laid out to the pane's size)."""
        view = self.view
        width, height = self.size
        if view is None or width <= 0:
            return []
        op = view.op
        if op is None:
            return list(self._start(view).wrap(self.app.console, width))
        return split_lines(equation_text(view, op, self.app.console, width, height))

    def render(self) -> Text:
        """The whole content as one text (what ``render_line`` draws line by line): for copying and tests."""
        return Text("\n").join(self._content())

    def render_line(self, y: int) -> Strip:
        return self._shown.render_line(self, y, (self._key, self.size.height), self._content)


class PaneBar(Widget):
    """In compact layouts only one pane shows; this line says which, and how to pick another."""

    DEFAULT_CSS = """
    PaneBar { height: 1; background: $boost; padding: 0 1; }
    """

    view: var[StepView | None] = var(None)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown: tuple[str, bool] | None = None

    def watch_view(self, view: StepView | None) -> None:
        if view is not None and (view.active_pane, view.pane_follows) != self._shown:
            self._shown = (view.active_pane, view.pane_follows)
            self.refresh()  # a repaint of this line only: its size never changes

    def render(self) -> RenderableType:
        if self._shown is None:
            return ""
        active, follow = self._shown
        text = Text()
        for number, pane in enumerate(PANES, start=1):
            label = f" {number} {PANE_TITLES[pane]} "
            text.append(label, "reverse bold" if pane == active else "dim")
        text.append("   0 follow" + (" ✓" if follow else ""), "dim" if not follow else "bold")
        return text
