"""``d``: the whole derivation of the current operation (and cell), following the cursor as you step."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tuinet.app.reasons import reason_of
from tuinet.app.view import StepView

__all__ = ["STEP_BINDINGS", "DerivationScreen", "derivation_text"]

STEP_BINDINGS: tuple[BindingType, ...] = (
    # A modal screen hides the app's bindings: these hand the stepping keys down, so the text follows them.
    Binding("space", "app.step('iteration', True)", "Iteration", key_display="space"),
    Binding("backspace", "app.step('iteration', False)", "Back", key_display="⌫"),
    Binding("right,l", "app.step('operation', True)", "Op", key_display="→"),
    Binding("left,h", "app.step('operation', False)", "Op back", show=False),
    Binding("full_stop,down,j", "app.step('cell', True)", "Cell", key_display="."),
    Binding("comma,up,k", "app.step('cell', False)", "Cell back", show=False),
)


def derivation_text(view: StepView) -> Text:
    """Formula, shapes, every step of the chain rule, every note, the cell with its numbers; plain words."""
    op = view.op
    if op is None:
        return Text("Start of the iteration: → runs the first operation; its derivation shows here.")
    reason = reason_of(view, op)
    text = Text.assemble((reason.formula, "bold"), "    ", reason.shapes, "\n\n")
    for number, line in enumerate(reason.full, start=1):
        text.append(f"{number}. ", "bold")
        text.append(line + "\n")
    if reason.notes:
        text.append("\nIn your names:\n", "bold")
        for note in reason.notes:
            text.append(f"• {note}\n", "italic")
    if reason.cell:
        text.append("\nThis cell:\n", "bold")
        text.append(reason.cell + "\n")
    notation = view.notation
    once = getattr(getattr(notation, "profile", None), "once", "")
    if once:
        text.append(f"\n{once}\n", "dim")
    return text


class DerivationScreen(ModalScreen[None]):
    """The full derivation; the stepping keys still work underneath, and it follows them."""

    DEFAULT_CSS = """
    DerivationScreen { align: center middle; }
    DerivationScreen > VerticalScroll {
        width: 96%; max-width: 120; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,d", "dismiss", "Close"), *STEP_BINDINGS]

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = "why: the derivation (d or esc closes; → . space still step)"
            yield Static(id="derivation")

    def on_mount(self) -> None:
        self.watch(self.app, "view", self._follow, init=True)

    def _follow(self, view: StepView | None) -> None:
        if view is not None:
            self.query_one("#derivation", Static).update(derivation_text(view))

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)
