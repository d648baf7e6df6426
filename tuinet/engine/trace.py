"""The trace of one iteration: every named matrix, and the schedule of operations that made them.

An iteration of backprop is an ordered list of operations, each producing exactly one named
matrix (``z1 = a0 · W1``, ``a1 = σ(z1)``, … ``W1′ = W1 − lr·dW1``). The UI's cursor is
``(iteration, operation, cell)``; everything it shows is read from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from tuinet.engine.divergence import diverged
from tuinet.engine.operations import Operand, Operation, OpKind, Phase
from tuinet.engine.schema import Schema
from tuinet.engine.types import Matrix

__all__ = ["OpKind", "Operand", "Operation", "Phase", "Trace"]


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
