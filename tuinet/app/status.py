"""The status line (iteration, phase, operation, loss, loss curve), the equation pane and the pane bar."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual.message import Message
from textual.reactive import var
from textual.widget import Widget

from tuinet.app.layout import PANES
from tuinet.app.panes import PANE_TITLES
from tuinet.app.reasons import equation_text
from tuinet.app.view import StepView
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
        parts = [("tuinet ", "bold"), ("iteration ", "dim"), (f"{cursor.iteration}", "bold")]
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
    """The current operation in symbols with its shapes; at cell level, the dot product with the numbers."""

    DEFAULT_CSS = """
    EquationPane {
        height: 6;
        padding: 0 1;
        border-left: thick $accent;
        margin: 0 0 0 0;
    }
    """

    view: var[StepView | None] = var(None)
    """Bound to the app's; a var, so only a changed equation (the key below) repaints these lines."""

    def __init__(self) -> None:
        super().__init__(id="equation")
        self._key: tuple[object, ...] | None = None

    def watch_view(self, view: StepView | None) -> None:
        if view is None:
            return
        key = (view.layout, view.cursor, view.cell_mode, view.digits, view.notation.name)  # layout: one per network
        if key != self._key:
            self._key = key
            self.refresh()  # a fixed height (app.tcss): new text never needs a layout pass

    def render(self) -> RenderableType:
        view = self.view
        if view is None:
            return ""
        op = view.op
        if op is None:
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
        return equation_text(view, op, self.app.console, self.content_size.width, self.content_size.height)


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
