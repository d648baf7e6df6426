"""Modal screens: the ``?`` help and "jump to iteration N"."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from tuinet.words.glossary import GLOSSARY, HELP_CONVENTIONS

__all__ = ["KEYS", "HelpScreen", "JumpScreen"]

KEYS: tuple[tuple[str, str], ...] = (
    ("space", "next iteration (finish the current one, or run the next)"),
    ("backspace", "previous iteration"),
    ("→  l", "next operation"),
    ("←  h", "previous operation"),
    (".  ↓  j", "next matrix cell: watch the product fill in"),
    (",  ↑  k", "previous matrix cell"),
    ("p", "play / pause (steps at the granularity you last used)"),
    ("+  −", "play faster / slower"),
    ("g", "go to iteration N"),
    ("r", "reset to the start of iteration 1"),
    ("o", "why: dW = a_prevᵀ·δ as a sum of per-sample outer products (. , step samples, [ ] layer)"),
    ("c", "why: every weight's backprop gradient beside its finite difference"),
    ("s", "why: e = a − y with −= and e = y − a with +=, side by side: the same new weights"),
    ("m", "why: the network's output over the input square, with the training points"),
    ("d", "why: this step's whole chain-rule derivation"),
    ("n", "notation: your names — tuinet, tutorial, trask, nielsen"),
    ("w", "mistakes lab: wrong formulas run for real"),
    ("x", "export this iteration: a numpy script that recomputes it, or a Markdown handout"),
    ("ctrl+s  ctrl+o", "save / open a session (the exact screen); also tuinet --load FILE"),
    ("1 … 5", "show the Inputs / Weights / Activations / Deltas / Updates pane (small terminals)"),
    ("0", "let the pane follow the current operation (small terminals)"),
    ("ctrl+p", "command palette: themes, keys, quit"),
    ("?", "this help"),
    ("q  ctrl+q  ctrl+c", "quit"),
)

LEGEND = (
    "Reading the panes: negative numbers are red and carry a minus sign; an underlined number changed at "
    "the last step; · is a cell not computed yet. The current operation's operands have highlighted "
    "titles, and at cell level the row and column being multiplied are highlighted; the cell being "
    "written is shown in reverse.\n\n" + HELP_CONVENTIONS
)


class HelpScreen(ModalScreen[None]):
    """Every key, and how to read the panes."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90%; max-width: 100; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close"),
    ]

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for keys, what in KEYS:
            table.add_row(keys, what)
        with VerticalScroll() as scroll:
            scroll.border_title = "tuinet keys"
            scroll.border_subtitle = "esc closes this help · ↓ the glossary"
            yield Static(table)
            yield Static(Text("\n" + LEGEND, style="dim"))
            glossary = Table.grid(padding=(0, 2))
            glossary.add_column(style="bold", no_wrap=True)
            glossary.add_column()
            for term, meaning in GLOSSARY:
                glossary.add_row(Text(term), Text(meaning))  # Text: "[n,j]" is not Rich markup
            yield Static(Text("\nGlossary", style="bold underline"))
            yield Static(glossary, id="glossary")

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)


class JumpScreen(ModalScreen[int | None]):
    """Ask for an iteration number; dismisses with it, or None on escape."""

    DEFAULT_CSS = """
    JumpScreen { align: center middle; }
    JumpScreen > Vertical {
        width: 50; height: auto; border: round $accent; background: $surface; padding: 0 1;
    }
    JumpScreen #jump-error { color: $text-error; height: auto; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, current: int, maximum: int) -> None:
        super().__init__()
        self.current = current
        self.maximum = maximum

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Go to iteration"
            yield Label(f"Iteration number, 1 to {self.maximum:,} (now {self.current}):")
            yield Input(placeholder=str(self.current), type="integer", id="jump-input", max_length=12)
            yield Label("", id="jump-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip().replace(",", "").replace("_", "")
        try:
            number = int(text)
        except ValueError:
            self.query_one("#jump-error", Label).update("Type a whole number, e.g. 100.")
            return
        if not 1 <= number <= self.maximum:
            self.query_one("#jump-error", Label).update(f"Out of range: choose 1 to {self.maximum:,}.")
            return
        self.dismiss(number)

    def action_cancel(self) -> None:
        self.dismiss(None)
