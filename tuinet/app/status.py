"""The status line (iteration, phase, operation, loss, loss curve), the equation pane and the pane bar."""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static

from tuinet.app.panes import PANE_TITLES
from tuinet.app.view import PANES, StepView
from tuinet.engine import fmt

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


class StatusBar(Horizontal):
    """Iteration, phase, operation and loss on one line, then the loss curve so far."""

    DEFAULT_CSS = """
    StatusBar {
        height: 1;
        background: $boost;
        #status-text { width: auto; max-width: 70%; padding: 0 1; }
        #loss-curve { width: 1fr; min-width: 8; height: 1; margin: 0 1; color: $text-accent; }
        &.-diverged #status-text { color: $text-error; text-style: bold; }
    }
    """

    view: reactive[StepView | None] = reactive(None)

    def compose(self) -> ComposeResult:
        yield Static(id="status-text")
        yield Static(id="loss-curve")

    def watch_view(self, view: StepView | None) -> None:
        if view is None:
            return
        cursor = view.cursor
        op = view.op
        history = view.session.history
        parts = [("tuinet ", "bold"), ("iteration ", "dim"), (f"{cursor.iteration}", "bold")]
        if op is None:
            parts += [(" · start", "")]
        else:
            parts += [(f" · {op.phase}", ""), (f" · op {op.index + 1}/{len(view.session.schedule)} ", "dim")]
            parts += [(view.trace.label(op.result), "bold")]
            if view.cell_mode:
                size = view.session.size(op.index)
                parts += [(f" · cell {cursor.cells}/{size}", "dim")]
        loss = view.loss
        if loss is not None:
            parts += [(" · loss ", "dim"), (fmt(loss, 4), "bold")]
        if view.diverged:
            parts += [(f" · diverged at iteration {history.diverged_at}", "bold")]
        self.set_class(view.diverged, "-diverged")
        self.query_one("#status-text", Static).update(Text.assemble(*parts))
        # The curve: this run's losses up to the iteration on screen (its own once the loss is known).
        last = cursor.iteration if loss is not None else cursor.iteration - 1
        curve = self.query_one("#loss-curve", Static)
        data = history.loss_curve(last, points=max(8, curve.size.width or 40))
        curve.update(sparkline(data))


class EquationPane(Widget):
    """The current operation in symbols with its shapes; at cell level, the dot product with the numbers."""

    DEFAULT_CSS = """
    EquationPane {
        height: auto;
        max-height: 6;
        padding: 0 1;
        border-left: thick $accent;
        margin: 0 0 0 0;
    }
    """

    view: reactive[StepView | None] = reactive(None)

    def __init__(self) -> None:
        super().__init__(id="equation")
        self._key: tuple[object, ...] | None = None

    def watch_view(self, view: StepView | None) -> None:
        if view is None:
            return
        key = (view.cursor, view.cell_mode, view.digits)
        if key != self._key:
            self._key = key
            self.refresh(layout=True)

    def render(self) -> RenderableType:
        view = self.view
        if view is None:
            return ""
        op = view.op
        if op is None:
            weights = ", ".join(f"W{layer}" for layer in range(1, view.session.network.L + 1))
            return Text.assemble(
                ("start of iteration ", "dim"),
                (str(view.cursor.iteration), "bold"),
                ("   weights ", "dim"),
                weights,
                ("   lr = ", "dim"),
                f"{view.session.config.lr:g}",
            )
        text = Text.assemble((op.formula, "bold"), "    ", (op.shapes, ""), ("   " + op.note, "dim"))
        cell = view.cell
        if cell is not None:
            text.append("\n")
            text.append(cell.text)
        return text


class PaneBar(Static):
    """In compact layouts only one pane shows; this line says which, and how to pick another."""

    DEFAULT_CSS = """
    PaneBar { height: 1; background: $boost; padding: 0 1; }
    """

    def show(self, active: str, follow: bool) -> None:
        text = Text()
        for number, pane in enumerate(PANES, start=1):
            label = f" {number} {PANE_TITLES[pane]} "
            text.append(label, "reverse bold" if pane == active else "dim")
        text.append("   0 follow" + (" ✓" if follow else ""), "dim" if not follow else "bold")
        self.update(text)
