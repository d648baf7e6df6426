"""The equation pane's words: formula and shapes, the notes, the chain-rule reason, the cell — fitted to its lines.

The text comes from words/reasons.py through the view's notation profile (the handout and the transcript call the
same functions). At 80×24 the pane has a few lines: the formula and the cell's arithmetic always show, and the
cell line comes last, so the text ends with its result; the reason takes the lines left and, when cut, says that
``d`` shows the whole derivation.
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from tuinet.app.profiles import ProfileNotation
from tuinet.app.view import StepView
from tuinet.engine.trace import Operation
from tuinet.words.notation import DEFAULT, get_profile
from tuinet.words.reasons import Reason
from tuinet.words.terms import Facts

__all__ = ["MORE", "equation_text", "reason_of"]

MORE = " … d: the whole derivation"


def reason_of(view: StepView, op: Operation) -> Reason:
    """The current operation's reason in the view's notation, with the cell just computed (if stepping cells)."""
    notation = view.notation
    if not isinstance(notation, ProfileNotation):  # a view composed without a profile: tuinet's own words
        notation = ProfileNotation(get_profile(DEFAULT), Facts.of_trace(view.trace, view.config))
    cell = view.cell
    at = (cell.row, cell.col) if cell is not None else None
    return notation.explain(op, view.trace, at, view.digits)


def _lines(text: Text, console: Console, width: int) -> list[Text]:
    return list(text.wrap(console, max(10, width)))


def equation_text(view: StepView, op: Operation, console: Console, width: int, height: int) -> Text:
    """Formula and shapes, then the notes and the reason (cut to fit), and the cell last."""
    reason = reason_of(view, op)
    head = Text.assemble((reason.formula, "bold"), "    ", reason.shapes)
    cell = Text(reason.cell) if reason.cell else None
    head_lines = _lines(head, console, width)
    cell_lines = _lines(cell, console, width) if cell is not None else []
    room = max(0, height - len(head_lines) - len(cell_lines)) if height else 99
    # The notes before the reason, and the note on the result's own name first: where a name hides a different
    # quantity ("your dC_dw2 is −δ2 = −∂C/∂z2, not ∂C/∂W2") that is what must survive a cut at 80×24.
    body = Text()
    for note in (*reason.notes[-1:], *reason.notes[:-1]):
        body.append(note + "  ", style="italic")
    body.append(reason.short, style="dim")
    body_lines = _lines(body, console, width)
    if len(body_lines) > room:
        body_lines = body_lines[:room]
        if body_lines:
            last = body_lines[-1]
            keep = max(0, width - len(MORE))
            last.truncate(keep)
            last.append(MORE, style="dim italic")
    out = Text("\n").join([*head_lines, *body_lines, *cell_lines])
    out.no_wrap = True
    out.overflow = "crop"
    return out
