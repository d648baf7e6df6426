"""A matrix as it stands at the cursor: values, how much of it is filled, its role in the current operation.

This module imports no UI library.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from tuinet.engine.types import Matrix
from tuinet.words.cells import Region

BoolMatrix = npt.NDArray[np.bool_]

__all__ = ["BoolMatrix", "Role", "Shown"]


class Role(StrEnum):
    NONE = ""
    OPERAND = "operand"
    RESULT = "result"


@dataclass(frozen=True, eq=False)
class Shown:
    """A matrix as it stands at the cursor."""

    name: str
    label: str
    values: Matrix
    filled: int
    """Cells filled so far, in row-major order (values.size when complete, 0 when not reached)."""
    role: Role = Role.NONE
    region: Region | None = None
    """The part to highlight (a row or column read by the current cell, the cell being written)."""

    def filled_mask(self) -> BoolMatrix:
        """True for the cells computed so far (row-major order fills them)."""
        return np.arange(self.values.size).reshape(self.values.shape) < self.filled
