"""The operations of a schedule: what each step of an iteration computes, as explicit facts (no words).

An iteration of backprop is an ordered list of operations, each producing exactly one named matrix
(``z1 = a0 · W1``, ``a1 = σ(z1)``, … ``W1′ = W1 − lr·dW1``): its kind, its operands (with transposes), and the
facts the words need — the layer, the activation, the loss convention and its exact factor, a frozen parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from tuinet.engine.losses import LossKind

__all__ = ["OpKind", "Operand", "Operation", "Phase"]


class Phase(StrEnum):
    FORWARD = "forward"
    LOSS = "loss"
    BACKWARD = "backward"
    UPDATE = "update"


class OpKind(StrEnum):
    MATMUL = "matmul"
    """R = A·B, optionally + b (row broadcast) and ⊙ g (an elementwise gate)."""
    ACTIVATION = "activation"
    """a = f(z), cell by cell."""
    ELEMENTWISE = "elementwise"
    """R = A − B or R = s·A ⊙ B, cell by cell."""
    LOSS = "loss"
    """C = ½ Σ e² (or ½ mean e²): one number from a whole matrix."""
    REDUCE = "reduce"
    """db = Σ over rows of δ."""
    UPDATE = "update"
    """W′ = W − lr·dW, cell by cell."""


@dataclass(frozen=True)
class Operand:
    """A matrix used by an operation, possibly transposed."""

    name: str
    transpose: bool = False


@dataclass(frozen=True)
class Operation:
    """One step of the schedule: explicit facts only (tuinet.words.formulas writes them). Its numbers live in
    the trace under ``result`` and the operand names."""

    index: int
    """Position in the schedule, 0-based."""
    phase: Phase
    kind: OpKind
    result: str
    operands: tuple[Operand, ...]
    bias: str | None = None
    """For z = a·W + b: the bias name."""
    gate: str | None = None
    """For δ = (δ·Wᵀ) ⊙ f′(z): the elementwise factor's name."""
    scale: float = 1.0
    """The constant the numbers are multiplied by: lr for an update; for e's loss, C and δ_L, ``float(factor)``."""
    layer: int | None = None
    """The layer l of the matrix this operation writes (z_l, a_l, δ_l, dW_l, db_l, W_l′, b_l′); None for e and C."""
    activation: str = ""
    """The activation whose f (a = f(z)) or f′ (δ = … ⊙ f′(z)) this operation uses, by name (sigmoid, …)."""
    loss: LossKind | None = None
    """For e, C and δ_L: the loss convention (½Σe², Σe² or ½·mean e²)."""
    factor: Fraction = Fraction(1)
    """For e, C and δ_L: ∂C/∂e = factor·e and C = ½·factor·Σe² — 1 (½Σ), 2 (Σ, no ½) or 1/(N·K) (½·mean)."""
    frozen: bool = False
    """For an update: the parameter is not updated (W′ = W; dW is computed all the same)."""

    @property
    def names(self) -> tuple[str, ...]:
        """Every matrix this operation reads, then the one it writes."""
        extra = tuple(n for n in (self.bias, self.gate) if n is not None)
        return (*(o.name for o in self.operands), *extra, self.result)
