"""Which matrices each pane shows, and which operation produces each matrix: facts of the network, worked out once.

This module imports no UI library.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from tuinet.app.sessionfile import PANES
from tuinet.engine import Network
from tuinet.engine.schema import Role

__all__ = ["PANES", "Layout", "layout_of"]


@dataclass(frozen=True, eq=False)
class Layout:
    """The panes' matrix names, and the producing operation of each name (inputs and weights: none)."""

    panes: Mapping[str, tuple[str, ...]]
    producer: Mapping[str, int]
    sizes: tuple[int, ...]
    """Cells in the result of each operation, in schedule order."""


def _pane_names(network: Network) -> dict[str, tuple[str, ...]]:
    schema, layers = network.schema, range(1, network.L + 1)
    return {
        "inputs": ("a0", "y"),
        "weights": tuple(n for layer in layers for n in schema.at(layer, Role.W, Role.B)),
        "activations": tuple(n for layer in layers for n in schema.at(layer, Role.Z, Role.A)),
        "deltas": ("e", *(n for layer in reversed(layers) for n in schema.at(layer, Role.DADZ, Role.DELTA))),
        "updates": schema.names(Role.DW, Role.DB, Role.W_NEW, Role.B_NEW),
    }


def layout_of(network: Network) -> Layout:
    # From the network's schema: σ′(z) is made alongside δ, by the operation that uses it.
    schema = network.schema
    producer = {name: m.producer for name, m in schema.matrices.items() if m.producer is not None}
    panes = _pane_names(network)
    return Layout(MappingProxyType(panes), MappingProxyType(producer), schema.cells)
