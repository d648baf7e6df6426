"""The trace of one iteration: every named matrix, and the schedule of operations that made them.

An iteration of backprop is an ordered list of operations, each producing exactly one named
matrix (``z1 = a0 · W1``, ``a1 = σ(z1)``, … ``W1′ = W1 − lr·dW1``). The UI's cursor is
``(iteration, operation, cell)``; everything it shows is read from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType
from typing import TYPE_CHECKING

from tuinet.engine.divergence import diverged
from tuinet.engine.losses import LossKind
from tuinet.engine.types import Matrix

if TYPE_CHECKING:
    from tuinet.engine.schema import Schema

__all__ = ["OpKind", "Operand", "Operation", "Phase", "Trace"]


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


@dataclass(frozen=True, eq=False)
class Trace:
    """Everything one iteration computed. Immutable: arrays are read-only views."""

    iteration: int
    """1-based iteration number."""
    rows: tuple[int, ...]
    """Which dataset rows this iteration used (all of them in full-batch mode)."""
    matrices: Mapping[str, Matrix]
    schema: Schema
    """The network's names, shapes, producers and schedule (the same object for every trace of a network)."""

    @staticmethod
    def build(iteration: int, rows: tuple[int, ...], matrices: dict[str, Matrix], schema: Schema) -> Trace:
        for array in matrices.values():
            array.setflags(write=False)
        return Trace(iteration, rows, MappingProxyType(matrices), schema)

    def __getitem__(self, name: str) -> Matrix:
        return self.matrices[name]

    def __contains__(self, name: object) -> bool:
        return name in self.matrices

    @property
    def schedule(self) -> tuple[Operation, ...]:
        return self.schema.schedule

    @property
    def layers(self) -> int:
        return self.schema.layers

    @property
    def bias(self) -> bool:
        return self.schema.bias

    @property
    def loss(self) -> float:
        return float(self.matrices["loss"][0, 0])

    @property
    def diverged(self) -> bool:
        """True when this iteration's loss or updated weights are inf or NaN (see tuinet.engine.divergence)."""
        return diverged(self.loss, [self.matrices[name] for name in self.schema.updated])
