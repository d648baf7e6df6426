"""The network configuration: every option that decides the numbers, and its validation.

A config plus an iteration number is the whole state of a tuinet session: the engine is
deterministic, so everything else is recomputed from these. A scenario (a textbook's worked
example) may also fix what is otherwise drawn or loaded: the initial weights and biases, the data
rows, one activation per layer, the loss convention, and parameters that are never updated.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from tuinet.engine.activations import ACTIVATIONS, HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from tuinet.engine.config_dict import MAX_EXPLICIT_NUMBERS, MAX_LAYERS, Rows, config_values
from tuinet.engine.losses import LOSSES
from tuinet.errors import ConfigError

__all__ = [
    "BATCH_MODES",
    "INITS",
    "KEYS",
    "LOSSES",
    "MAX_EXPLICIT_NUMBERS",
    "MAX_LAYERS",
    "NEW_KEYS",
    "NetConfig",
    "Rows",
]

INITS = ("uniform", "signed", "xavier")
BATCH_MODES = ("full", "1")
DEFAULT_MAX_UNITS = 1024
DEFAULT_MAX_NUMBERS = 20_000_000
"""About 160 MB of float64 per traced iteration: far beyond a teaching network, far below a machine."""

_DEFAULT_ACTIVATION = "sigmoid"

NEW_KEYS = ("activations", "biases", "data", "frozen", "weights")
"""Fields added after session format 1: ``to_dict`` writes them only when they are set."""


@dataclass(frozen=True)
class NetConfig:
    """What the network is and how it learns. Defaults are the classic tutorial's."""

    dataset: str = "xor3"
    """A built-in dataset name (xor3, xor, and, or) or a CSV path; with ``data``, just its name."""
    targets: int = 1
    """How many trailing columns (CSV or ``data``) are targets."""
    hidden: tuple[int, ...] = (4,)
    """Units in each hidden layer; () is a single-layer network."""
    activation: str = _DEFAULT_ACTIVATION
    """Hidden-layer activation: sigmoid, tanh or relu."""
    output_activation: str = _DEFAULT_ACTIVATION
    """Output activation: sigmoid or linear."""
    init: str = "uniform"
    """uniform: U[0,1) like np.random.random; signed: 2u−1; xavier: U(±√(6/(in+out)))."""
    seed: int = 1
    lr: float = 1.0
    bias: bool = False
    batch: str = "full"
    """full: every row each iteration; 1: one row per iteration, order shuffled per epoch."""
    loss: str = "sum"
    """A LossKind value — sum: C = ½ Σ (a−y)²; mean: C = ½ · mean (a−y)²; sse: C = Σ (a−y)²."""
    activations: tuple[str, ...] = ()
    """One activation per weight layer (hidden layers, then the output), any of ACTIVATIONS; () means
    ``activation`` for every hidden layer and ``output_activation`` for the output."""
    frozen: tuple[str, ...] = ()
    """Parameters never updated (W′ = W): W1…WL, b1…bL, or W / b for every layer's."""
    weights: tuple[Rows, ...] = ()
    """Initial W_l (n_{l−1}×n_l, one per layer) replacing the seeded draw; () draws them."""
    biases: tuple[Rows, ...] = ()
    """Initial b_l (one 1×n_l row per layer; needs ``bias``) replacing the zeros; () starts at zero."""
    data: Rows = ()
    """The dataset's rows given inline (inputs, then ``targets`` target columns); () loads ``dataset``."""
    max_units: int = field(default=DEFAULT_MAX_UNITS, compare=False)
    """Refuse hidden layers wider than this (a guard against typos like --hidden 100000)."""
    max_numbers: int = field(default=DEFAULT_MAX_NUMBERS, compare=False)
    """Refuse a network whose one iteration would hold more numbers than this (rows × units, all layers)."""

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise ConfigError with a one-line message for anything out of range.

        What needs the dataset's widths (the shapes of explicit W1 and W_L) is checked when the network
        is built (tuinet.engine.network.check_explicit_params).
        """
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
        self._validate_scenario()

    def _validate_scenario(self) -> None:
        L = self.layers
        if self.activations:
            if len(self.activations) != L:
                raise ConfigError(
                    f"--activations needs one activation per layer ({L}: the hidden layers, then the output), "
                    f"got {len(self.activations)}"
                )
            if (self.activation, self.output_activation) != (_DEFAULT_ACTIVATION, _DEFAULT_ACTIVATION):
                # Both would say what a layer computes; one of them would be silently ignored.
                raise ConfigError("give --activations or --activation/--output-activation, not both")
            for name in self.activations:
                if name not in ACTIVATIONS:
                    raise ConfigError(f"--activations must each be one of {', '.join(ACTIVATIONS)}, got {name!r}")
        for name in self.frozen:
            kind, number = name[:1], name[1:]
            if kind not in ("W", "b") or not (number == "" or (number.isdigit() and 1 <= int(number) <= L)):
                raise ConfigError(f"--freeze takes W1…W{L}, b1…b{L}, W or b, got {name!r}")
            if kind == "b" and not self.bias:
                raise ConfigError(f"--freeze {name}: this network has no biases (add --bias)")
        if self.biases and not self.bias:
            raise ConfigError("explicit biases need a network with biases (bias = true)")
        numbers = 0
        for what, matrices in (("W", self.weights), ("b", self.biases)):
            if matrices and len(matrices) != L:
                raise ConfigError(f"explicit {what} needs one matrix per layer ({L}), got {len(matrices)}")
            for layer, rows in enumerate(matrices, start=1):
                numbers += _check_rows(rows, f"{what}{layer}")
                if what == "b" and len(rows) != 1:
                    raise ConfigError(f"b{layer} must be one row (1×n), got {len(rows)} rows")
        if self.data:
            numbers += _check_rows(self.data, "data", limit=1e12)
            if len(self.data[0]) <= self.targets:
                raise ConfigError(
                    f"data rows have {len(self.data[0])} columns: --targets {self.targets} leaves no input columns"
                )
        if numbers > MAX_EXPLICIT_NUMBERS:
            raise ConfigError(
                f"the config spells out {numbers:,} numbers (weights, biases, data); the limit is "
                f"{MAX_EXPLICIT_NUMBERS:,} (use a CSV file for bigger data)"
            )

    @property
    def layers(self) -> int:
        """L, the number of weight layers."""
        return len(self.hidden) + 1

    @property
    def layer_activations(self) -> tuple[str, ...]:
        """The activation of each weight layer 1…L (hidden layers, then the output)."""
        if self.activations:
            return self.activations
        return (*(self.activation,) * len(self.hidden), self.output_activation)

    def is_frozen(self, param: str) -> bool:
        """Whether parameter ``param`` (``W2``, ``b1``) is never updated."""
        return param in self.frozen or param[:1] in self.frozen

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: tuples become lists. The scenario fields appear only when set, so a config without
        them writes exactly what session format 1 always held."""
        out = asdict(self)
        del out["max_units"], out["max_numbers"]
        for key in NEW_KEYS:
            if not out[key]:
                del out[key]
        lists: dict[str, Any] = _lists(out)
        return lists

    @staticmethod
    def from_dict(
        data: Mapping[str, Any],
        *,
        max_units: int = DEFAULT_MAX_UNITS,
        max_numbers: int = DEFAULT_MAX_NUMBERS,
        where: str = "config",
    ) -> NetConfig:
        """The config a dict describes (``to_dict``'s output, a parsed file, typed CLI options), fully checked.

        Missing keys take the defaults; unknown keys, wrong JSON types and bad values raise ConfigError, one
        line naming ``where.key`` (tuinet.engine.config_dict checks the JSON types).
        """
        given = config_values(data, keys=KEYS, max_units=max_units, where=where)
        try:
            return NetConfig(**given, max_units=max_units, max_numbers=max_numbers)
        except ConfigError as error:  # NetConfig is the authority on choices and combinations
            raise ConfigError(f"{where}: {error}" if where else str(error)) from None


KEYS = tuple(sorted(f.name for f in fields(NetConfig) if f.name not in ("max_units", "max_numbers")))
"""Every key ``from_dict`` reads (``to_dict`` writes the scenario ones only when set)."""


def _lists(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _lists(item) for key, item in value.items()}
    if isinstance(value, tuple | list):
        return [_lists(item) for item in value]
    return value


def _check_rows(rows: Rows, name: str, limit: float = math.inf) -> int:
    """Raise ConfigError unless ``rows`` is a non-empty rectangle of finite numbers; return how many."""
    if not rows or not rows[0]:
        raise ConfigError(f"{name} must have at least one row and one column")
    width = len(rows[0])
    for number, row in enumerate(rows):
        if len(row) != width:
            raise ConfigError(f"{name} row {number} has {len(row)} numbers, expected {width} (ragged rows)")
        for value in row:
            if not math.isfinite(value):
                raise ConfigError(f"{name} row {number} has NaN or infinity; only finite numbers are allowed")
            if abs(value) > limit:
                raise ConfigError(f"{name} row {number} has a value beyond ±{limit:g}; scale the data first")
    return width * len(rows)
