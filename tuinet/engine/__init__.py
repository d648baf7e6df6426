"""The numpy engine: networks, traces, history and gradient checks. Imports no UI library."""

from tuinet.engine.activations import ACTIVATIONS, HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from tuinet.engine.config import NetConfig
from tuinet.engine.datasets import BUILTIN_DATASETS, Dataset, inline_dataset, load_dataset
from tuinet.engine.gradcheck import GradCheck, GradEntry, gradient_check
from tuinet.engine.history import History
from tuinet.engine.losses import LOSSES, LossKind
from tuinet.engine.network import Network, Params, StepResult
from tuinet.engine.schema import MatrixInfo, Role, Schema
from tuinet.engine.trace import Operand, Operation, OpKind, Phase, Trace
from tuinet.errors import ConfigError, DatasetError, TuinetError

__all__ = [
    "ACTIVATIONS",
    "BUILTIN_DATASETS",
    "HIDDEN_ACTIVATIONS",
    "LOSSES",
    "OUTPUT_ACTIVATIONS",
    "ConfigError",
    "Dataset",
    "DatasetError",
    "GradCheck",
    "GradEntry",
    "History",
    "LossKind",
    "MatrixInfo",
    "NetConfig",
    "Network",
    "OpKind",
    "Operand",
    "Operation",
    "Params",
    "Phase",
    "Role",
    "Schema",
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
    fills memory. So the numbers one traced iteration holds (its schema counts every a, z, f′(z), δ of
    batch rows × layer width and every W, dW, W′ of fan-in × fan-out) are checked before anything is computed.
    """
    data = (
        inline_dataset(config.dataset, config.data, config.targets)
        if config.data
        else load_dataset(config.dataset, config.targets)
    )
    network = Network(config, data)  # builds the schema and schedule only: no matrix of the iteration yet
    numbers = network.schema.numbers_per_iteration
    if numbers > config.max_numbers:
        sizes, rows = network.sizes, network.batch_rows
        raise ConfigError(
            f"this network is too large: one iteration holds {numbers:,} numbers ({rows:,} rows through layers of "
            f"{'-'.join(map(str, sizes))}); the limit is {config.max_numbers:,} (raise it with --max-numbers, "
            "or use --batch 1, fewer rows or narrower layers)"
        )
    return network
