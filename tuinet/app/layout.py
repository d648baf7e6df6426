"""Which matrices each pane shows, and which operation produces each matrix: facts of the network, worked out once.

This module imports no UI library.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from tuinet.app.sessionfile import PANES
from tuinet.engine import Network

__all__ = ["PANES", "Layout", "layout_of"]


@dataclass(frozen=True, eq=False)
class Layout:
    """The panes' matrix names, and the producing operation of each name (inputs and weights: none)."""

    panes: Mapping[str, tuple[str, ...]]
    producer: Mapping[str, int]
    sizes: tuple[int, ...]
    """Cells in the result of each operation, in schedule order."""


def _pane_names(network: Network) -> dict[str, tuple[str, ...]]:
    L, bias = network.L, network.config.bias
    layers = range(1, L + 1)
    weights = tuple(n for layer in layers for n in (f"W{layer}", *((f"b{layer}",) if bias else ())))
    updates = tuple(f"dW{layer}" for layer in layers)
    updates += tuple(f"db{layer}" for layer in layers) if bias else ()
    updates += tuple(f"W{layer}_new" for layer in layers)
    updates += tuple(f"b{layer}_new" for layer in layers) if bias else ()
    return {
        "inputs": ("a0", "y"),
        "weights": weights,
        "activations": tuple(n for layer in layers for n in (f"z{layer}", f"a{layer}")),
        "deltas": ("e", *(n for layer in reversed(layers) for n in (f"dadz{layer}", f"delta{layer}"))),
        "updates": updates,
    }


def layout_of(network: Network) -> Layout:
    schedule = network.schedule
    producer = {op.result: op.index for op in schedule}
    for op in schedule:
        # σ′(z) is made alongside δ: it appears with the operation that uses it.
        for name in (op.gate, *(o.name for o in op.operands)):
            if name is not None and name.startswith("dadz"):
                producer[name] = op.index
    sizes = []
    for op in schedule:
        rows, cols = network.shape_of(op.result)
        sizes.append(rows * cols)
    panes = _pane_names(network)
    return Layout(MappingProxyType(panes), MappingProxyType(producer), tuple(sizes))
