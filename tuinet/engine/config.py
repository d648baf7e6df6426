"""The network configuration: every option that decides the numbers, and its validation.

A config plus an iteration number is the whole state of a tuinet session: the engine is
deterministic, so everything else is recomputed from these.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

from tuinet.engine.activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from tuinet.errors import ConfigError

__all__ = ["BATCH_MODES", "INITS", "LOSSES", "MAX_LAYERS", "NetConfig"]

INITS = ("uniform", "signed", "xavier")
LOSSES = ("sum", "mean")
BATCH_MODES = ("full", "1")
MAX_LAYERS = 16
DEFAULT_MAX_UNITS = 1024
DEFAULT_MAX_NUMBERS = 20_000_000
"""About 160 MB of float64 per traced iteration: far beyond a teaching network, far below a machine."""


@dataclass(frozen=True)
class NetConfig:
    """What the network is and how it learns. Defaults are the classic tutorial's."""

    dataset: str = "xor3"
    """A built-in dataset name (xor3, xor, and, or) or a CSV path."""
    targets: int = 1
    """How many trailing CSV columns are targets."""
    hidden: tuple[int, ...] = (4,)
    """Units in each hidden layer; () is a single-layer network."""
    activation: str = "sigmoid"
    """Hidden-layer activation: sigmoid, tanh or relu."""
    output_activation: str = "sigmoid"
    """Output activation: sigmoid or linear."""
    init: str = "uniform"
    """uniform: U[0,1) like np.random.random; signed: 2u−1; xavier: U(±√(6/(in+out)))."""
    seed: int = 1
    lr: float = 1.0
    bias: bool = False
    batch: str = "full"
    """full: every row each iteration; 1: one row per iteration, order shuffled per epoch."""
    loss: str = "sum"
    """sum: C = ½ Σ (a−y)²; mean: C = ½ · mean (a−y)²."""
    max_units: int = field(default=DEFAULT_MAX_UNITS, compare=False)
    """Refuse hidden layers wider than this (a guard against typos like --hidden 100000)."""
    max_numbers: int = field(default=DEFAULT_MAX_NUMBERS, compare=False)
    """Refuse a network whose one iteration would hold more numbers than this (rows × units, all layers)."""

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise ConfigError with a one-line message for anything out of range."""
        if len(self.hidden) > MAX_LAYERS:
            raise ConfigError(f"--hidden has {len(self.hidden)} layers; the limit is {MAX_LAYERS}")
        for units in self.hidden:
            if units < 1:
                raise ConfigError(f"--hidden sizes must be positive, got {units}")
            if units > self.max_units:
                raise ConfigError(
                    f"--hidden {units} is wider than the limit of {self.max_units} units (raise it with --max-units)"
                )
        if self.activation not in HIDDEN_ACTIVATIONS:
            raise ConfigError(f"--activation must be one of {', '.join(HIDDEN_ACTIVATIONS)}, got {self.activation!r}")
        if self.output_activation not in OUTPUT_ACTIVATIONS:
            raise ConfigError(
                f"--output-activation must be one of {', '.join(OUTPUT_ACTIVATIONS)}, got {self.output_activation!r}"
            )
        if self.init not in INITS:
            raise ConfigError(f"--init must be one of {', '.join(INITS)}, got {self.init!r}")
        if self.loss not in LOSSES:
            raise ConfigError(f"--loss must be one of {', '.join(LOSSES)}, got {self.loss!r}")
        if self.batch not in BATCH_MODES:
            raise ConfigError(f"--batch must be 'full' or '1', got {self.batch!r}")
        if not (0 <= self.seed < 2**32):
            raise ConfigError(f"--seed must be between 0 and 2**32 − 1, got {self.seed}")
        if not math.isfinite(self.lr) or self.lr <= 0:
            raise ConfigError(f"--lr must be a positive finite number, got {self.lr}")
        if self.max_numbers < 1:
            raise ConfigError(f"--max-numbers must be positive, got {self.max_numbers}")
        if self.targets < 1:
            raise ConfigError(f"--targets must be at least 1, got {self.targets}")

    @property
    def layers(self) -> int:
        """L, the number of weight layers."""
        return len(self.hidden) + 1

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["hidden"] = list(self.hidden)
        del out["max_units"], out["max_numbers"]
        return out
