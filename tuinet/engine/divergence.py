"""Divergence, defined once: an iteration diverged when its loss or its updated parameters are inf or NaN.

A saturated sigmoid can overflow z to ±inf while its output, the loss and the new weights stay finite — that
is not divergence, the network still learns. Non-finite weights never become finite again (inf − x is inf or
NaN), so once an iteration diverged, every later one has too. History, training and traces all ask this.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from tuinet.engine.types import Matrix

__all__ = ["diverged"]


def diverged(loss: float, parameters: Iterable[Matrix]) -> bool:
    """Whether an iteration with this loss and these updated parameters (W′, b′) diverged."""
    return not (math.isfinite(loss) and all(bool(np.isfinite(m).all()) for m in parameters))
