"""Central finite differences: the numerical check that backprop's gradients are right.

∂C/∂w ≈ (C(w + h) − C(w − h)) / 2h has error O(h²); with h = 1e-5 in float64 the
analytic and numerical gradients of a smooth network agree to ~1e-8 relative error, so a
real mistake (a missing transpose, a wrong sign, W updated before δ is sent back) stands out
by many orders of magnitude.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tuinet.engine.network import Network, Params

__all__ = ["GradCheck", "GradEntry", "gradient_check", "relative_error"]


@dataclass(frozen=True)
class GradEntry:
    name: str
    """``dW2``, ``db1``, …"""
    row: int
    col: int
    analytic: float
    numeric: float
    rel_error: float


@dataclass(frozen=True)
class GradCheck:
    entries: tuple[GradEntry, ...]
    tolerance: float

    @property
    def max_rel_error(self) -> float:
        return max((e.rel_error for e in self.entries), default=0.0)

    @property
    def mismatches(self) -> tuple[GradEntry, ...]:
        return tuple(e for e in self.entries if not e.rel_error <= self.tolerance)

    @property
    def ok(self) -> bool:
        return not self.mismatches


def relative_error(analytic: float, numeric: float, floor: float = 1e-8) -> float:
    """|a − n| / max(|a| + |n|, floor): relative where the gradient is sizeable, absolute near 0."""
    return abs(analytic - numeric) / max(abs(analytic) + abs(numeric), floor)


def gradient_check(
    network: Network,
    params: Params,
    iteration: int = 1,
    h: float = 1e-5,
    tolerance: float = 1e-5,
    limit: int | None = None,
) -> GradCheck:
    """Compare each dW/db of ``iteration`` (at ``params``) with its central finite difference.

    ``limit`` caps how many weights are checked (first ones of each layer, in order) for big nets.
    """
    trace = network.step(params, iteration)
    # C(w ± h) are each rounded to ~ε·|C|, so the central difference carries an absolute noise of
    # ~ε·|C|/h. A gradient smaller than that cannot be checked relatively: without this floor a
    # correct 6e-9 next to C ≈ 2.6 read as a 0.15% "mismatch". Below the floor, two gradients agree
    # when they differ by less than the noise (the factor 10 is headroom for longer sums).
    noise = 10 * float(np.finfo(np.float64).eps) * abs(trace.loss) / h
    floor = max(1e-8, noise / tolerance)
    entries: list[GradEntry] = []
    groups = [("W", i, W) for i, W in enumerate(params.W)] + [("b", i, b) for i, b in enumerate(params.b)]
    per_group = None if limit is None else max(1, limit // len(groups))
    for kind, index, matrix in groups:
        grad = trace[f"d{kind}{index + 1}"]
        for flat in range(matrix.size if per_group is None else min(per_group, matrix.size)):
            row, col = divmod(flat, matrix.shape[1])
            numeric = _central_difference(network, params, iteration, kind, index, row, col, h)
            analytic = float(grad[row, col])
            entries.append(
                GradEntry(f"d{kind}{index + 1}", row, col, analytic, numeric, relative_error(analytic, numeric, floor))
            )
    return GradCheck(tuple(entries), tolerance)


def _central_difference(
    network: Network, params: Params, iteration: int, kind: str, index: int, row: int, col: int, h: float
) -> float:
    def shifted(delta: float) -> float:
        W = [m.copy() if kind == "W" and i == index else m for i, m in enumerate(params.W)]
        b = [m.copy() if kind == "b" and i == index else m for i, m in enumerate(params.b)]
        target = W[index] if kind == "W" else b[index]
        target[row, col] += delta
        return network.loss_of(Params(tuple(W), tuple(b)), iteration)

    with np.errstate(all="ignore"):
        return (shifted(h) - shifted(-h)) / (2 * h)
