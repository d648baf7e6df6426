"""``w``: the misconception lab — the formulas learners get wrong, run for real on the current network.

One mistake at a time (``[`` ``]`` or 1–5 pick it): numpy's own result or error, the shapes, the loss over the
next iterations beside the right update's, the symptom and the fix (words/mistakes.py computes it all, from the
iteration on screen). The stepping keys still work underneath; the lab follows the iteration.
"""

from __future__ import annotations

from typing import ClassVar, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tuinet.app.actions.base import Host
from tuinet.app.derivation import STEP_BINDINGS
from tuinet.app.view import StepView
from tuinet.words.mistakes import MISTAKES, run_mistake

__all__ = ["MistakesScreen"]

NAMES = tuple(MISTAKES)
ITERATIONS = 5
"""Iterations of loss shown beside the right update's."""


class MistakesScreen(ModalScreen[None]):
    """The lab, on one mistake at a time."""

    DEFAULT_CSS = """
    MistakesScreen { align: center middle; }
    MistakesScreen > VerticalScroll {
        width: 98%; max-width: 130; height: auto; max-height: 92%;
        border: round $warning; background: $surface; padding: 0 1;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,w", "dismiss", "Close"),
        Binding("right_square_bracket,tab", "pick(1)", "Next mistake", key_display="]"),
        Binding("left_square_bracket,shift+tab", "pick(-1)", "Previous mistake", key_display="["),
        *(Binding(str(n), f"choose({n - 1})", NAMES[n - 1], show=False) for n in range(1, len(NAMES) + 1)),
        *STEP_BINDINGS,
    ]

    def __init__(self, index: int = 0) -> None:
        super().__init__()
        self.index = index
        self._iteration = 0

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = "mistakes lab: [ ] or 1–5 pick one · w or esc closes"
            yield Static(id="mistake")

    def on_mount(self) -> None:
        self.watch(self.app, "view", self._follow, init=True)

    def _follow(self, view: StepView | None) -> None:
        if view is not None and view.cursor.iteration != self._iteration:
            self._iteration = view.cursor.iteration
            self._show()

    def _show(self) -> None:
        session = cast(Host, self.app).session
        iteration = max(1, self._iteration)
        name = NAMES[self.index]
        report = run_mistake(name, session.network, session.history.params_at(iteration), iteration, ITERATIONS)
        text = Text()
        tabs = Text()
        for number, other in enumerate(NAMES, start=1):
            tabs.append(f" {number} {other} ", "reverse bold" if other == name else "dim")
        text.append_text(tabs)
        text.append(f"\n\nat iteration {iteration}, on this network\n\n", "dim")
        for line in report.lines(digits=session.digits + 1):
            head, _, rest = line.strip().partition(": ")
            style = {"wrong": "bold red", "right": "bold green", "symptom": "bold", "fix": "bold"}.get(head, "")
            top = not line.startswith("    ")  # the loss table's rows are indented further: kept as they are
            if top and rest and head in ("mistake", "wrong", "right", "numpy", "symptom", "fix", "gradient check"):
                text.append(f"{head}: ", style or "bold")
                text.append(rest + "\n")
            else:
                text.append(line + "\n")
        self.query_one("#mistake", Static).update(text)

    def action_pick(self, change: int) -> None:
        self.index = (self.index + change) % len(NAMES)
        self._show()

    def action_choose(self, index: int) -> None:
        self.index = index
        self._show()

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)
