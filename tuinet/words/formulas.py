"""How the explicit facts of an operation are written: the loss kinds and the factor ∂C/∂e = factor·e.

Everything that spells a loss or its gradient reads the operation's ``loss`` and ``factor`` fields (set by the
engine's schedule), never a number: ``factor`` is exact (a Fraction), so ``1/4`` is written ``e / 4``.
"""

from __future__ import annotations

from fractions import Fraction

from tuinet.engine.losses import LossKind
from tuinet.engine.trace import Operation

__all__ = ["LOSS_HEAD", "LOSS_OPERATOR", "LOSS_TEXT", "loss_of", "scaled", "scaled_error"]

LOSS_TEXT = {LossKind.HALF_SUM: "½ Σ e²", LossKind.SUM: "Σ e²", LossKind.HALF_MEAN: "½ · mean(e²)"}
"""C for each loss kind."""
LOSS_OPERATOR = {LossKind.HALF_SUM: "½ Σ", LossKind.SUM: "Σ", LossKind.HALF_MEAN: "½ · mean"}
"""The operator in front of (e²) in a worked loss: C = ½ Σ(0.5² + …)."""
LOSS_HEAD = {LossKind.HALF_SUM: "½Σ", LossKind.SUM: "Σ", LossKind.HALF_MEAN: "½·mean"}
"""The loss written compactly around its operand, as in ½Σ(e)²."""


def loss_of(op: Operation) -> LossKind:
    """The loss kind of e, C or δ_L (a ValueError for any other operation: a bug, not a user's mistake)."""
    if op.loss is None:
        raise ValueError(f"operation {op.result} has no loss kind")
    return op.loss


def scaled_error(op: Operation, e: str = "e") -> str:
    """∂C/∂a written for ``op`` (e, C or δ_L): ``e`` (½Σ), ``2e`` (Σ, no ½) or ``(e / 4)`` (½·mean over 4)."""
    return scaled(op.factor, e)


def scaled(factor: Fraction, e: str = "e") -> str:
    if factor == 1:
        return e
    if factor.denominator == 1:
        return f"{factor.numerator}{e}"
    if factor.numerator == 1:
        return f"({e} / {factor.denominator})"
    return f"({factor}·{e})"
