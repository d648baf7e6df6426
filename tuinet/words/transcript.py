"""``tuinet transcript``: what the screen explains, step by step, as plain UTF-8 text.

No colour, no box drawing, one statement a line: for screen readers, handouts and logs. It calls the very
functions the screen calls (words/reasons.py, words/mistakes.py), so the words and numbers are the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from tuinet.engine.history import History
from tuinet.engine.network import Network
from tuinet.engine.trace import Operation, Trace
from tuinet.engine.types import Matrix
from tuinet.words.glossary import GLOSSARY
from tuinet.words.mistakes import run_mistake
from tuinet.words.notation import Profile
from tuinet.words.numbers import fmt
from tuinet.words.reasons import explain
from tuinet.words.terms import Facts, Terms

__all__ = ["GRANULARITIES", "MAX_CELLS", "MAX_SIDE", "matrix_lines", "transcript"]

GRANULARITIES = ("iteration", "operation", "cell")
MAX_SIDE = 12
"""Rows and columns printed of a matrix; a bigger one is cut, and the cut is said."""
MAX_CELLS = 64
"""Cells spelled out per operation at cell granularity; the rest are counted."""


def matrix_lines(label: str, matrix: Matrix, profile: Profile, digits: int, max_side: int = MAX_SIDE) -> list[str]:
    """``label (r×c) =`` then one bracketed row a line, in the profile's orientation; the numbers are the engine's."""
    shown = profile.orient(matrix)
    rows, cols = shown.shape
    cells = [[fmt(float(shown[i, j]), digits) for j in range(min(cols, max_side))] for i in range(min(rows, max_side))]
    width = max((len(c) for row in cells for c in row), default=1)
    out = [f"{label} {profile.shape_text(matrix.shape)} ="]
    for row in cells:
        out.append("  [ " + "  ".join(c.rjust(width) for c in row) + (" …" if cols > max_side else "") + " ]")
    if rows > max_side or cols > max_side:
        out.append(f"  (showing {min(rows, max_side)} of {rows} rows, {min(cols, max_side)} of {cols} columns)")
    return out


def _header(network: Network, profile: Profile) -> list[str]:
    config = network.config
    out = [
        f"tuinet transcript: {network.data.name}, layers {'-'.join(map(str, network.sizes))}, "
        f"{config.activation}/{config.output_activation}, loss {config.loss}, lr {config.lr:g}, seed {config.seed}",
        f"notation: {profile.name} — {profile.title}",
    ]
    if profile.once:
        out.append(profile.once)
    out += [f"  {term}: {meaning}" for term, meaning in GLOSSARY]
    return [*out, ""]


Narrate = Callable[[Trace, Operation | None], list[str]]
"""A lesson's lines at one place (None: the iteration's start); tuinet/scenario/narrate.py makes them."""


def _iteration(
    network: Network,
    trace: Trace,
    profile: Profile,
    granularity: str,
    digits: int,
    facts: Facts,
    narrate: Narrate | None = None,
) -> Iterator[str]:
    t = Terms(profile, facts)
    yield f"== iteration {trace.iteration} (rows {', '.join(map(str, trace.rows))}) =="
    if narrate is not None:
        yield from narrate(trace, None)
    for op in trace.schedule:
        if granularity == "iteration":
            reason = explain(op, trace, facts, profile, digits=digits)
            yield f"{op.index + 1}. {reason.formula}    {reason.shapes}"
            continue
        reason = explain(op, trace, facts, profile, digits=digits)
        yield f"-- operation {op.index + 1}/{len(trace.schedule)} ({op.phase}): {reason.formula}    {reason.shapes}"
        yield from (f"   {line}" for line in reason.full)
        yield from (f"   note: {note}" for note in reason.notes)
        result = trace[op.result]
        if granularity == "cell":
            cols = result.shape[1]
            for index in range(min(result.size, MAX_CELLS)):
                row, col = divmod(index, cols)
                yield "   cell: " + explain(op, trace, facts, profile, (row, col), digits).cell
            if result.size > MAX_CELLS:
                yield f"   … {result.size - MAX_CELLS} more cells"
        if op.result == "loss":
            yield f"   C = {fmt(trace.loss, 6)}"
        else:
            yield from (f"   {line}" for line in matrix_lines(t.name(op.result), result, profile, digits))
        if narrate is not None:
            yield from (f"   {line}" for line in narrate(trace, op))
    yield f"loss C = {fmt(trace.loss, 6)}" + ("  (diverged: inf/NaN)" if trace.diverged else "")
    if granularity == "iteration":
        for layer in range(1, network.L + 1):
            yield from matrix_lines(t.name(f"W{layer}_new"), trace[f"W{layer}_new"], profile, digits)
    yield ""


def transcript(
    network: Network,
    profile: Profile,
    iterations: int = 1,
    granularity: str = "operation",
    digits: int = 3,
    mistake: str | None = None,
    first: int = 1,
    narrate: Narrate | None = None,
) -> Iterator[str]:
    """The transcript's lines: ``iterations`` iterations from ``first``, or with ``mistake`` that mistake's report
    at iteration ``first`` with the loss over the next ``iterations`` iterations."""
    if granularity not in GRANULARITIES:
        raise ValueError(f"granularity must be one of {', '.join(GRANULARITIES)}")
    history = History(network)
    facts = Facts.of(network)
    yield from _header(network, profile)
    if mistake is not None:
        report = run_mistake(mistake, network, history.params_at(first), first, max(2, iterations))
        yield from report.lines()
        return
    for iteration in range(first, first + iterations):
        trace = history.trace(iteration)
        yield from _iteration(network, trace, profile, granularity, digits, facts, narrate)
        if trace.diverged:
            yield f"stopped: the run diverged at iteration {iteration}"
            return
