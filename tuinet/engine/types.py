"""Shared type aliases for the engine."""

from __future__ import annotations

from typing import TypeAlias

import numpy as np
import numpy.typing as npt

Matrix: TypeAlias = npt.NDArray[np.float64]
"""Every quantity in tuinet is a 2-D float64 matrix (a scalar is 1×1)."""

__all__ = ["Matrix"]
