"""The numbers the open why-view shows, worked out when the view is built — never while drawing.

One dataclass per view (outer products, gradient check, sign conventions, prediction map). Each carries the
``key`` it was computed for: the builder reuses the previous facts while the key is the same, so stepping
cells inside an iteration does not redo a gradient check. This module imports no UI library.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tuinet.app.notation import Notation
from tuinet.app.shown import Shown
from tuinet.engine import GradCheck, Trace, gradient_check
from tuinet.engine.grid import PredictionGrid, plot_axes, prediction_grid
from tuinet.engine.types import Matrix
from tuinet.words.names import label
from tuinet.words.why import (
    OuterProducts,
    ScalarGradient,
    SignConventions,
    outer_products,
    scalar_gradient,
    sign_conventions,
)

if TYPE_CHECKING:
    from tuinet.app.session import Session

__all__ = ["GRADCHECK_LIMIT", "GradFacts", "MapFacts", "OuterFacts", "SignFacts", "WhyFacts", "why_facts"]

GRADCHECK_LIMIT = 120
"""Weights checked by finite differences, at most (each costs two forward passes)."""


@dataclass(frozen=True, eq=False)
class OuterFacts:
    """dW = a_prevᵀ·δ as the sum over samples: sample ``n`` of ``count``."""

    key: tuple[object, ...]
    layer: int
    n: int
    count: int
    outer: OuterProducts
    a_row: Matrix
    """Sample n's a_prev, as a column."""
    d_row: Matrix
    a_label: str
    d_label: str
    dW_label: str
    """a_prev, δ and dW in the active notation's names (``columns``: its W is outputs×inputs, dW = δ·a_prevᵀ)."""
    columns: bool
    dataset_row: int


@dataclass(frozen=True, eq=False)
class GradFacts:
    key: tuple[object, ...]
    iteration: int
    check: GradCheck
    weights: tuple[str, ...]
    """Each entry's weight as the active notation names it, e.g. ``W1[0,2]`` (transposed indices for columns)."""
    total: int
    """Weights in the network (the check covers the first GRADCHECK_LIMIT)."""


@dataclass(frozen=True, eq=False)
class SignFacts:
    key: tuple[object, ...]
    signs: SignConventions
    layers: int
    scalar: ScalarGradient
    """The textbook's scalar form of the chosen weight."""


@dataclass(frozen=True, eq=False)
class MapFacts:
    key: tuple[object, ...]
    after: int
    """Updates applied to the weights shown (the map shows the weights as they stand)."""
    grid: PredictionGrid | None
    """None when the dataset has no two varying inputs to plot."""
    low: float
    high: float
    lines: int
    inputs: tuple[str, str]
    """The two plotted inputs, in the active notation's names (``x1`` alone in tuinet's)."""
    output: str


WhyFacts = OuterFacts | GradFacts | SignFacts | MapFacts


def why_facts(
    session: Session, view: str, trace: Trace, screen: tuple[int, int], previous: WhyFacts | None = None
) -> WhyFacts:
    """The facts why-view ``view`` shows for the session's state; ``previous`` is reused if still right."""
    cursor, digits = session.cursor, session.digits
    pick = session.why_picks.get(view)
    index = pick.index if pick is not None else 0
    if view == "gradcheck":
        key: tuple[object, ...] = (view, cursor.iteration, session.notation.name)
    elif view == "map":
        # The weights as they stand: after the update once the iteration is finished.
        weights_at = cursor.iteration + 1 if session.steps.is_complete(cursor) else cursor.iteration
        # Sized from the terminal: two grid rows per text line.
        lines = max(4, min(16, screen[1] - 10))
        cols = max(8, min(64, screen[0] - 14))
        key = (view, weights_at, lines, cols, session.notation.name)
    else:
        key = (view, cursor.iteration, session.why_layer(view), index, digits, session.notation.name)
    if previous is not None and previous.key == key:
        return previous
    network, notation = session.network, session.notation
    columns = notation.columns
    if view == "gradcheck":
        params = session.history.params_at(cursor.iteration)
        check = gradient_check(network, params, cursor.iteration, limit=GRADCHECK_LIMIT)
        weights = tuple(
            f"{named(notation, trace, e.name[1:])}[{e.col},{e.row}]"
            if columns
            else f"{named(notation, trace, e.name[1:])}[{e.row},{e.col}]"
            for e in check.entries
        )
        return GradFacts(key, cursor.iteration, check, weights, sum(int(W.size) for W in params.W))
    if view == "map":
        targets = network.data.y[:, 0]
        low, high = min(0.0, float(targets.min())), max(1.0, float(targets.max()))
        grid, found = None, plot_axes(network)
        if found is not None:
            grid = prediction_grid(network, session.history.params_at(weights_at), (2 * lines, cols))
        axes = found[0] if found is not None else (0, 1)
        inputs = (_input(notation, trace, axes[0]), _input(notation, trace, axes[1]))
        output = "output" if notation.name == "tuinet" else f"output {named(notation, trace, f'a{trace.layers}')}"
        return MapFacts(key, weights_at - 1, grid, low, high, lines, inputs, output)
    layer = session.why_layer(view)
    if view == "signs":
        W = trace[f"W{layer}"]
        i, j = divmod(index % int(W.size), int(W.shape[1]))
        return SignFacts(
            key,
            sign_conventions(trace, columns),
            trace.layers,
            scalar_gradient(trace, layer, i, j, digits=digits, columns=columns),
        )
    outer = outer_products(trace, layer, columns=columns)
    count = len(outer.products)
    n = index % count
    a, d = trace[f"a{layer - 1}"], trace[f"delta{layer}"]
    return OuterFacts(
        key,
        layer,
        n,
        count,
        outer,
        a[n : n + 1].T,
        d[n : n + 1],
        named(notation, trace, f"a{layer - 1}"),
        named(notation, trace, f"delta{layer}"),
        named(notation, trace, f"dW{layer}"),
        columns,
        trace.rows[n] if n < len(trace.rows) else n,
    )


def named(notation: Notation, trace: Trace, key: str) -> str:
    """Matrix ``key``'s label in ``notation``: what the main view labels it (the notation's ``present``)."""
    values = trace[key]
    return notation.present(Shown(key, label(trace, key), values, int(values.size))).label


def _input(notation: Notation, trace: Trace, column: int) -> str:
    """Input ``column`` (0-based) of the data: ``x1`` …, with the notation's own name of it when not tuinet's."""
    if notation.name == "tuinet":
        return f"x{column + 1}"
    data = named(notation, trace, "a0")
    return f"x{column + 1} = {data}[{column},:]" if notation.columns else f"x{column + 1} = {data}[:,{column}]"
