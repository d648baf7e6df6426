"""What the network predicts between the training points: its output over the input plane, as a grid.

For a 2-input dataset (or one whose other inputs are constant, like xor3's always-1 third input) the
first output unit is evaluated on a rows×cols lattice of the input plane, laid out as on a plot: x1
along the columns (left to right), x2 along the rows (row 0 at the top, the largest x2). The training
points are placed on the lattice with their targets, so a learner sees the decision surface form.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tuinet.engine.network import Network, Params
from tuinet.engine.types import Matrix
from tuinet.errors import TuinetError

__all__ = [
    "MAX_GRID_SIDE",
    "GridError",
    "GridPoint",
    "NotPlottableError",
    "PredictionGrid",
    "plot_axes",
    "prediction_grid",
]

MAX_GRID_SIDE = 1000
"""prediction_grid refuses a resolution above this many rows or columns (a million forward passes)."""


class GridError(TuinetError):
    """A prediction grid that cannot be drawn: a bad resolution, or a dataset with no 2-D picture."""


class NotPlottableError(GridError):
    """prediction_grid on a dataset without exactly two varying inputs (see ``plot_axes``)."""


@dataclass(frozen=True)
class GridPoint:
    """A training row placed on the prediction grid."""

    index: int
    """Its row in the dataset."""
    row: int
    col: int
    x1: float
    x2: float
    target: float
    """Its first target (the grid shows the first output unit)."""


@dataclass(frozen=True, eq=False)
class PredictionGrid:
    """The first output unit over a rectangle of the input plane: values[r, c] = output at (x1[c], x2[r]).

    x1 runs along the columns (left to right, increasing), x2 along the rows (row 0 is the top, the
    largest x2), as on a plot. The sample points include the rectangle's corners, so a training point at
    a corner (XOR's 0/1 inputs) lies exactly on a grid point.
    """

    values: Matrix
    """rows × cols outputs."""
    x1: Matrix
    """1-D, the x1 of each column, increasing."""
    x2: Matrix
    """1-D, the x2 of each row, decreasing (row 0 is the top)."""
    axes: tuple[int, int]
    """The input columns plotted as x1 and x2."""
    fixed: tuple[tuple[int, float], ...]
    """(column, value) of every other input: constant over the dataset, so held at that constant."""
    points: tuple[GridPoint, ...]

    def cell_of(self, x1: float, x2: float) -> tuple[int, int]:
        """The (row, col) of the grid point nearest to (x1, x2), clipped to the grid."""
        return _nearest(self.x2, x2), _nearest(self.x1, x1)


def _nearest(axis: Matrix, value: float) -> int:
    if axis.size == 1:
        return 0
    first, last = float(axis[0]), float(axis[-1])
    position = (value - first) / (last - first) * (axis.size - 1)
    return int(min(max(round(position), 0), axis.size - 1))


def plot_axes(network: Network) -> tuple[tuple[int, int], tuple[tuple[int, float], ...]] | None:
    """The two input columns a prediction grid can plot, and the constant value of every other input.

    Two inputs: those two. More inputs: the two that vary over the dataset, provided every other column is
    constant — ``xor3``'s third input is always 1 (a bias in disguise), so it is held at 1 and x1, x2 are
    plotted. Anything else (one input, or three varying ones) has no faithful 2-D picture: None.
    """
    X = network.data.X
    if X.shape[1] == 2:
        return (0, 1), ()
    constant = np.all(X[0] == X, axis=0)
    varying = [int(c) for c in np.flatnonzero(~constant)]
    if X.shape[1] < 2 or len(varying) != 2:
        return None
    return (varying[0], varying[1]), tuple((int(c), float(X[0, c])) for c in np.flatnonzero(constant))


def _span(column: Matrix) -> tuple[float, float]:
    """The unit interval when the data lie in it, else the data's range padded by 10% (or ±0.5 if flat)."""
    low, high = float(column.min()), float(column.max())
    if low >= 0.0 and high <= 1.0:
        return 0.0, 1.0
    pad = 0.1 * (high - low) if high > low else 0.5
    return low - pad, high + pad


def _samples(low: float, high: float, count: int) -> Matrix:
    return np.linspace(low, high, count) if count > 1 else np.array([(low + high) / 2])


def prediction_grid(network: Network, params: Params, resolution: tuple[int, int] = (21, 41)) -> PredictionGrid:
    """The network's first output over the input plane, at ``resolution`` = (rows, cols) sample points.

    Raises NotPlottableError when ``plot_axes`` is None (check it first to hide a plot instead), and
    GridError for a resolution outside 1…MAX_GRID_SIDE.
    """
    rows, cols = resolution
    if not (1 <= rows <= MAX_GRID_SIDE and 1 <= cols <= MAX_GRID_SIDE):
        raise GridError(f"a prediction grid is 1 to {MAX_GRID_SIDE} rows and columns, got {rows}×{cols}")
    found = plot_axes(network)
    if found is None:
        raise NotPlottableError(
            f"dataset {network.data.name!r} has {network.data.n_inputs} inputs, not two varying ones: "
            "there is no 2-D prediction map"
        )
    (c1, c2), fixed = found
    X, y = network.data.X, network.data.y
    x1 = _samples(*_span(X[:, c1]), cols)
    high, low = _span(X[:, c2])[::-1]
    x2 = _samples(high, low, rows)  # descending: row 0 is the top of the plot
    inputs = np.empty((rows * cols, X.shape[1]))
    for column, value in fixed:
        inputs[:, column] = value
    inputs[:, c1] = np.tile(x1, rows)  # row-major: grid cell (r, c) is input row r·cols + c
    inputs[:, c2] = np.repeat(x2, cols)
    values = np.ascontiguousarray(network.forward(params, inputs)[:, 0].reshape(rows, cols))
    for array in (values, x1, x2):
        array.setflags(write=False)
    grid = PredictionGrid(values, x1, x2, (c1, c2), fixed, ())
    points = tuple(
        GridPoint(n, *grid.cell_of(float(X[n, c1]), float(X[n, c2])), float(X[n, c1]), float(X[n, c2]), float(y[n, 0]))
        for n in range(X.shape[0])
    )
    return PredictionGrid(values, x1, x2, (c1, c2), fixed, points)
