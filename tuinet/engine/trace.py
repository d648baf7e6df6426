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

import numpy as np

from tuinet.engine.losses import LossKind
from tuinet.engine.names import display_name
from tuinet.engine.types import Matrix

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
    """One step of the schedule. Its numbers live in the trace under ``result`` and the operand names."""

    index: int
    """Position in the schedule, 0-based."""
    phase: Phase
    kind: OpKind
    result: str
    operands: tuple[Operand, ...]
    formula: str
    """The operation in symbols, e.g. ``dW2 = a1ᵀ · δ2``."""
    shapes: str
    """The shape arithmetic, e.g. ``(4×4)ᵀ·(4×1) → (4×1)``."""
    note: str = ""
    """Why, in a few words, e.g. ``the shape of W2``."""
    bias: str | None = None
    """For z = a·W + b: the bias name."""
    gate: str | None = None
    """For δ = (δ·Wᵀ) ⊙ f′(z): the elementwise factor's name."""
    scale: float = 1.0
    """The constant the numbers are multiplied by: lr for an update; for e's loss, C and δ_L, ``float(factor)``."""
    symbol: str = ""
    """For activations: the function's symbol (σ, tanh, relu, id)."""
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
    schedule: tuple[Operation, ...]
    labels: Mapping[str, str]
    """Display label for each matrix name (``delta2`` → ``δ2``, ``dadz1`` → ``σ′(z1)``)."""
    layers: int
    bias: bool

    @staticmethod
    def build(
        iteration: int,
        rows: tuple[int, ...],
        matrices: dict[str, Matrix],
        schedule: tuple[Operation, ...],
        labels: Mapping[str, str],
        layers: int,
        bias: bool,
    ) -> Trace:
        for array in matrices.values():
            array.setflags(write=False)
        return Trace(iteration, rows, MappingProxyType(matrices), schedule, labels, layers, bias)

    def __getitem__(self, name: str) -> Matrix:
        return self.matrices[name]

    def __contains__(self, name: object) -> bool:
        return name in self.matrices

    def label(self, name: str) -> str:
        return self.labels.get(name) or display_name(name)

    @property
    def loss(self) -> float:
        return float(self.matrices["loss"][0, 0])

    @property
    def diverged(self) -> bool:
        """True when this iteration's loss or updated weights are inf or NaN.

        The same test as History.diverged_at: a saturated sigmoid can overflow z to ±inf while its output,
        the loss and the new weights stay finite — that is not divergence, the network still learns.
        """
        finals = [m for name, m in self.matrices.items() if name == "loss" or name.endswith("_new")]
        return not all(bool(np.isfinite(m).all()) for m in finals)

    def json_keys(self) -> list[str]:
        """The matrices of ``tuinet train --trace``, in order: a0, z1, a1, …, W…, b…, e, delta…, dW…, db…, loss."""
        L = self.layers
        keys = ["a0"]
        for layer in range(1, L + 1):
            keys += [f"z{layer}", f"a{layer}"]
        keys += [f"W{layer}" for layer in range(1, L + 1)]
        if self.bias:
            keys += [f"b{layer}" for layer in range(1, L + 1)]
        keys.append("e")
        keys += [f"delta{layer}" for layer in range(1, L + 1)]
        keys += [f"dW{layer}" for layer in range(1, L + 1)]
        if self.bias:
            keys += [f"db{layer}" for layer in range(1, L + 1)]
        keys.append("loss")
        return keys
