"""The numpy engine: networks, traces, history and gradient checks. Imports no UI library."""

import itertools

from tuinet.engine.activations import ACTIVATIONS, HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from tuinet.engine.config import NetConfig
from tuinet.engine.datasets import BUILTIN_DATASETS, Dataset, inline_dataset, load_dataset
from tuinet.engine.gradcheck import GradCheck, GradEntry, gradient_check
from tuinet.engine.history import History
from tuinet.engine.network import Network, Params, StepResult
from tuinet.engine.trace import Operand, Operation, OpKind, Phase, Trace
from tuinet.errors import ConfigError, DatasetError, TuinetError

__all__ = [
    "ACTIVATIONS",
    "BUILTIN_DATASETS",
    "HIDDEN_ACTIVATIONS",
    "OUTPUT_ACTIVATIONS",
    "ConfigError",
    "Dataset",
    "DatasetError",
    "GradCheck",
    "GradEntry",
    "History",
    "NetConfig",
    "Network",
    "OpKind",
    "Operand",
    "Operation",
    "Params",
    "Phase",
    "StepResult",
    "Trace",
    "TuinetError",
    "build",
    "gradient_check",
    "load_dataset",
]


def build(config: NetConfig) -> Network:
    """The network a config describes, with its dataset loaded (raises TuinetError on bad input).

    Each limit alone (rows, columns, units per layer, layers) is generous; their product is what
    fills memory. So the numbers one traced iteration holds are counted before anything is computed:
    every a, z, f′(z), δ is batch rows × layer width, every W, dW, W′ is fan-in × fan-out.
    """
    data = (
        inline_dataset(config.dataset, config.data, config.targets)
        if config.data
        else load_dataset(config.dataset, config.targets)
    )
    sizes = (data.n_inputs, *config.hidden, data.n_outputs)
    rows = data.n_rows if config.batch == "full" else 1
    numbers = 4 * rows * sum(sizes) + 3 * sum(a * b for a, b in itertools.pairwise(sizes))
    if numbers > config.max_numbers:
        raise ConfigError(
            f"this network is too large: one iteration holds {numbers:,} numbers ({rows:,} rows through layers of "
            f"{'-'.join(map(str, sizes))}); the limit is {config.max_numbers:,} (raise it with --max-numbers, "
            "or use --batch 1, fewer rows or narrower layers)"
        )
    return Network(config, data)
