"""The loss kinds: how C is made from the error e = a_L − y, and what that makes ∂C/∂e.

Three conventions meet a learner in the literature, and each changes the numbers of every gradient:

    sum   C = ½ Σ e²        ∂C/∂e = e            the tutorials' (the ½ cancels the 2 of the square)
    sse   C = Σ e²          ∂C/∂e = 2e           Hagan's F = eᵀe: his sensitivities carry the 2
    mean  C = ½ · mean e²   ∂C/∂e = e / (N·K)    averaged over the N rows and K outputs of the batch

So C = ½·factor·Σ e² and ∂C/∂e = factor·e, with factor 1, 2 or 1/(N·K): ``factor`` below. The values are the
``--loss`` option's; ``sum`` and ``mean`` keep the meaning they always had.
"""

from __future__ import annotations

from enum import StrEnum
from fractions import Fraction

__all__ = ["LOSSES", "LossKind"]


class LossKind(StrEnum):
    HALF_SUM = "sum"
    """C = ½ Σ e² (the default)."""
    HALF_MEAN = "mean"
    """C = ½ · mean(e²), over every row and output of the batch."""
    SUM = "sse"
    """C = Σ e², the sum of squared errors without the ½."""

    def factor(self, errors: int) -> Fraction:
        """∂C/∂e = factor·e for a batch of ``errors`` numbers (N rows × K outputs); C = ½·factor·Σ e²."""
        if self is LossKind.HALF_MEAN:
            return Fraction(1, errors)
        return Fraction(2) if self is LossKind.SUM else Fraction(1)


LOSSES: tuple[str, ...] = tuple(kind.value for kind in LossKind)
"""The ``--loss`` choices: sum, mean, sse."""
