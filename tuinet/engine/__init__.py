"""The numpy engine: networks, traces, history and gradient checks. Imports no UI library."""

from tuinet.engine.activations import ACTIVATIONS, HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from tuinet.engine.cells import Cell, Region, cell_count, cell_position, explain_cell, fmt
from tuinet.engine.config import NetConfig
from tuinet.engine.datasets import BUILTIN_DATASETS, Dataset, load_dataset
from tuinet.engine.errors import ConfigError, DatasetError, TuinetError
from tuinet.engine.gradcheck import GradCheck, GradEntry, gradient_check
from tuinet.engine.history import History
from tuinet.engine.network import Network, Params, StepResult
from tuinet.engine.trace import Operand, Operation, OpKind, Phase, Trace

__all__ = [
    "ACTIVATIONS",
    "BUILTIN_DATASETS",
    "HIDDEN_ACTIVATIONS",
    "OUTPUT_ACTIVATIONS",
    "Cell",
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
    "Region",
    "StepResult",
    "Trace",
    "TuinetError",
    "build",
    "cell_count",
    "cell_position",
    "explain_cell",
    "fmt",
    "gradient_check",
    "load_dataset",
]


def build(config: NetConfig) -> Network:
    """The network a config describes, with its dataset loaded (raises TuinetError on bad input)."""
    return Network(config, load_dataset(config.dataset, config.targets))
