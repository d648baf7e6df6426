"""What a scenario's lesson says at one place (iteration, operation): the one source for the lesson pane
(tuinet/app/lesson.py) and the transcript (``tuinet transcript --preset …``).

The narration's ``{expression}`` fields are filled from the trace; every printed number is set beside tuinet's
own, rounded the way the source rounds; the matrices the operation touches are listed with their per-cell names.
"""

from __future__ import annotations

from dataclasses import dataclass

from tuinet.engine import Operation, Trace
from tuinet.scenario.quantities import evaluate
from tuinet.scenario.schema import Scenario
from tuinet.words.lessons import fill, matches, rounded_like

__all__ = ["LessonAt", "PrintedRow", "lesson_at", "lesson_lines", "names_text"]

_UNAVAILABLE = (KeyError, ValueError, IndexError, ZeroDivisionError)


@dataclass(frozen=True)
class PrintedRow:
    label: str
    printed: str
    ours: str
    """tuinet's value, rounded as the source rounds; "" if this network has no such quantity."""
    same: bool
    differs: str


@dataclass(frozen=True)
class LessonAt:
    narration: str
    """Markdown with the engine's numbers filled in; "" when the lesson is silent here."""
    source: str
    """Who printed the numbers below (the source's first words)."""
    printed: tuple[PrintedRow, ...]
    names: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...]
    """The named matrices this operation reads or writes, with their cell names."""
    cell: str = ""
    """Stepping cells: the cell just computed by its source name, e.g. ``w5⁺ = W2′[0,0] = 0.358916``."""


def _names(scenario: Scenario, op: Operation | None) -> tuple[tuple[str, tuple[tuple[str, ...], ...]], ...]:
    if op is None:
        return ()
    out: list[tuple[str, tuple[tuple[str, ...], ...]]] = []
    for name in op.names:
        base = name.removesuffix("_new")
        base = base[1:] if base[:2] in ("dW", "db") else base  # dW2 and W2′ are named cell for cell like W2
        cells = scenario.names_of(base)
        if cells is not None and base not in (n for n, _ in out):
            out.append((base, cells))
    return tuple(out)


def _cell(scenario: Scenario, trace: Trace, op: Operation, cell: tuple[int, int], digits: int) -> str:
    """``w5⁺ = W2′[0,0] = 0.359`` when the result's cells have names (dW2's cells are ∂C/∂w…, W2′'s w…⁺)."""
    result = op.result
    base = result.removesuffix("_new")
    gradient = base[:2] in ("dW", "db")
    names = scenario.names_of(base[1:] if gradient else base)
    row, col = cell
    if names is None:
        return ""
    name = names[row][col]
    name = f"∂C/∂{name}" if gradient else f"{name}⁺" if result.endswith("_new") else name
    written = result.replace("_new", "′").replace("delta", "δ")  # W2_new → W2′, delta1 → δ1, as the stage writes them
    return f"{name} = {written}[{row},{col}] = {float(trace[result][row, col]):.{digits}f}"


def lesson_at(
    scenario: Scenario,
    trace: Trace,
    op: Operation | None,
    digits: int,
    at_start: bool,
    cell: tuple[int, int] | None = None,
) -> LessonAt:
    """The lesson at iteration ``trace.iteration``, operation ``op`` (None: before the first operation), and
    ``cell`` of its result when stepping cells."""
    lesson = scenario.lesson
    result = op.result if op is not None else None
    narration, rows = "", []
    if lesson is not None:
        printed = lesson.printed_at(trace.iteration, result)
        stop = lesson.stop_at(trace.iteration, result)
        # A stop for the whole iteration introduces it: it gives way where the source's own numbers are listed.
        if stop is not None and stop.op is None and printed and result is not None:
            stop = None
        text = stop.text if stop is not None else (lesson.intro if at_start else "")
        narration = fill(text, lambda e: evaluate(e, trace), digits) if text else ""
        for p in printed:
            try:
                value = evaluate(p.expression, trace)
            except _UNAVAILABLE:
                rows.append(PrintedRow(p.label, p.printed, "", False, p.differs))
                continue
            ours = rounded_like(value, p.printed, p.figures)
            rows.append(PrintedRow(p.label, p.printed, ours, matches(value, p), p.differs))
    source = scenario.source.split(",")[0] if scenario.source else "the source"
    named = _cell(scenario, trace, op, cell, digits) if op is not None and cell is not None else ""
    return LessonAt(narration, source, tuple(rows), _names(scenario, op), named)


def names_text(names: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...]) -> str:
    return "   ".join(f"{name} = [" + "; ".join(" ".join(row) for row in cells) + "]" for name, cells in names)


def lesson_lines(at: LessonAt) -> list[str]:
    """The lesson at one place as plain text lines (the transcript)."""
    out: list[str] = []
    if at.cell:
        out.append(f"cell: {at.cell}")
    if at.names:
        out.append("names: " + names_text(at.names))
    if at.narration:
        out += [f"lesson: {line}" if i == 0 else f"        {line}" for i, line in enumerate(at.narration.splitlines())]
    if at.printed:
        out.append(f"{at.source} prints · tuinet computes:")
    for row in at.printed:
        verdict = "matches" if row.same else "differs"
        ours = row.ours or "(not in this network)"
        out.append(f"  {row.label}: printed {row.printed} · tuinet {ours} · {verdict}")
        if row.differs:
            out.append(f"    {row.differs}")
    return out
