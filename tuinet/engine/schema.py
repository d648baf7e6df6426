"""The schema of a network: every matrix one iteration makes, by name, role and layer, built once.

For the default 3-4-1 net fed its 4 rows: a0 = X (4×3), y (4×1); W1 (3×4), W2 (4×1); z1, a1, f′(z1), δ1 (4×4);
z2, a2, f′(z2), δ2, e (4×1); C (1×1); dW_l and W_l′ the shape of W_l; with biases b_l, db_l, b_l′ (1×n_l).
Which operation of the schedule produces each matrix, how many cells each operation fills, how many numbers an
iteration holds, and which matrices ``tuinet train --trace`` prints, in order: all of it is read from here, so
the cursor's arithmetic, the limits and the reports can never disagree about a network's shape.

Names are ASCII trace keys (``delta2``, ``dadz1``, ``W1_new``); how they are written for people is tuinet.words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from types import MappingProxyType

from tuinet.engine.config import NetConfig
from tuinet.engine.operations import Operation
from tuinet.engine.schedule import build_schedule

__all__ = ["MatrixInfo", "Role", "Schema", "matrix_name"]


class Role(StrEnum):
    """What a matrix is. The value is its name's stem: ``matrix_name(Role.DELTA, 2) == "delta2"``."""

    A = "a"
    """a_l = f(z_l); a0 is the input X."""
    Y = "y"
    """The targets."""
    Z = "z"
    """z_l = a_{l−1}·W_l (+ b_l)."""
    DADZ = "dadz"
    """f′(z_l), the activation's derivative."""
    E = "e"
    """e = a_L − y."""
    LOSS = "loss"
    """C, one number."""
    DELTA = "delta"
    """δ_l = ∂C/∂z_l."""
    W = "W"
    B = "b"
    DW = "dW"
    """∂C/∂W_l."""
    DB = "db"
    """∂C/∂b_l."""
    W_NEW = "W_new"
    """W_l′, after the update."""
    B_NEW = "b_new"


_UNLAYERED = (Role.Y, Role.E, Role.LOSS)
_PARAMETER_ROLES = (Role.W, Role.B, Role.DW, Role.DB, Role.W_NEW, Role.B_NEW)


def matrix_name(role: Role, layer: int | None = None) -> str:
    """The trace key of ``role`` at ``layer``: (DELTA, 2) → ``delta2``; (W_NEW, 1) → ``W1_new``; (E, None) → ``e``."""
    if role in _UNLAYERED:
        return role.value
    if layer is None:
        raise ValueError(f"{role} needs a layer")
    stem, _, suffix = role.value.partition("_")
    return f"{stem}{layer}" + (f"_{suffix}" if suffix else "")


@dataclass(frozen=True)
class MatrixInfo:
    """One matrix of an iteration."""

    name: str
    role: Role
    layer: int | None
    """l for a_l, z_l, W_l, …; None for y, e and C."""
    shape: tuple[int, int]
    producer: int | None
    """The index of the operation that makes it; None for what an iteration starts from (a0, y, W_l, b_l).
    f′(z_l) is made alongside δ_l, by δ_l's operation, the one that uses it."""

    @property
    def size(self) -> int:
        return self.shape[0] * self.shape[1]


@dataclass(frozen=True, eq=False)
class Schema:
    """Every matrix of one iteration of a network, and the schedule of operations that makes them."""

    sizes: tuple[int, ...]
    """n0 (inputs), the hidden widths, n_L (outputs)."""
    batch_rows: int
    """N, the rows one iteration uses (all of them, or 1 with --batch 1)."""
    bias: bool
    activations: tuple[str, ...]
    """The activation of each layer 1…L, by name."""
    schedule: tuple[Operation, ...]
    matrices: Mapping[str, MatrixInfo]
    """Every matrix of the trace, by name: inputs first, then in the order of the schedule."""
    cells: tuple[int, ...]
    """cells[k]: how many cells operation k fills (its result's size; 1 for C)."""
    json_keys: tuple[str, ...]
    """The matrices of ``tuinet train --trace``, in order: a0, z1, a1, …, W…, b…, e, delta…, dW…, db…, loss."""

    @staticmethod
    def build(config: NetConfig, sizes: tuple[int, ...], batch_rows: int) -> Schema:
        """The schema of ``config``'s network over a dataset of n0 = sizes[0] inputs and n_L = sizes[-1] outputs."""
        L, bias = len(sizes) - 1, config.bias
        schedule = build_schedule(config, batch_rows * sizes[-1])
        shapes: dict[str, tuple[Role, int | None, tuple[int, int]]] = {}

        def put(role: Role, layer: int | None, shape: tuple[int, int]) -> None:
            shapes[matrix_name(role, layer)] = (role, layer, shape)

        put(Role.A, 0, (batch_rows, sizes[0]))
        put(Role.Y, None, (batch_rows, sizes[-1]))
        for layer in range(1, L + 1):
            for role in (Role.W, Role.B) if bias else (Role.W,):
                put(role, layer, _parameter_shape(role, sizes, layer))
        for layer in range(1, L + 1):
            for role in (Role.Z, Role.A, Role.DADZ, Role.DELTA):
                put(role, layer, (batch_rows, sizes[layer]))
            for role in (Role.DW, Role.DB, Role.W_NEW, Role.B_NEW) if bias else (Role.DW, Role.W_NEW):
                put(role, layer, _parameter_shape(role, sizes, layer))
        put(Role.E, None, (batch_rows, sizes[-1]))
        put(Role.LOSS, None, (1, 1))
        producer: dict[str, int] = {}
        for op in schedule:
            producer[op.result] = op.index
            for name in (op.gate, *(o.name for o in op.operands)):
                if name is not None and shapes[name][0] is Role.DADZ:
                    producer[name] = op.index  # f′(z_l) is computed by the operation that uses it
        order = [*(n for n in shapes if n not in producer), *sorted(producer, key=lambda n: producer[n])]
        matrices = {
            name: MatrixInfo(name, shapes[name][0], shapes[name][1], shapes[name][2], producer.get(name))
            for name in order
        }
        for op in schedule:  # every operand and result of the schedule is a matrix of the schema
            for name in op.names:
                if name not in matrices:
                    raise ValueError(f"operation {op.index} names {name!r}, which is not in the schema")
        cells = tuple(matrices[op.result].size for op in schedule)
        keys = ["a0"]
        for layer in range(1, L + 1):
            keys += [f"z{layer}", f"a{layer}"]
        per_layer = (Role.W, Role.B) if bias else (Role.W,)
        keys += [matrix_name(role, layer) for role in per_layer for layer in range(1, L + 1)]
        keys.append("e")
        grads = (Role.DELTA, Role.DW, Role.DB) if bias else (Role.DELTA, Role.DW)
        keys += [matrix_name(role, layer) for role in grads for layer in range(1, L + 1)]
        keys.append("loss")
        return Schema(
            sizes, batch_rows, bias, config.layer_activations, schedule, MappingProxyType(matrices), cells, tuple(keys)
        )

    # -- reading --------------------------------------------------------------------------------

    @property
    def layers(self) -> int:
        """L, the number of weight layers."""
        return len(self.sizes) - 1

    def __contains__(self, name: object) -> bool:
        return name in self.matrices

    def __getitem__(self, name: str) -> MatrixInfo:
        return self.matrices[name]

    def shape(self, name: str) -> tuple[int, int]:
        return self.matrices[name].shape

    def name(self, role: Role, layer: int | None = None) -> str:
        """The name of ``role`` at ``layer`` in this network (KeyError if it has none, e.g. b1 without biases)."""
        name = matrix_name(role, layer)
        if name not in self.matrices:
            raise KeyError(name)
        return name

    def names(self, *roles: Role) -> tuple[str, ...]:
        """The matrices of ``roles``, role by role, each in layer order (a0 first): names(W, B) = W1…WL, b1…bL."""
        return tuple(
            info.name
            for role in roles
            for info in sorted((m for m in self.matrices.values() if m.role is role), key=lambda m: m.layer or 0)
        )

    def at(self, layer: int, *roles: Role) -> tuple[str, ...]:
        """The matrices of ``roles`` at ``layer`` that this network has, in the order given: at(1, W, B) = (W1, b1)."""
        return tuple(name for role in roles if (name := matrix_name(role, layer)) in self.matrices)

    def role_of(self, name: str) -> Role:
        return self.matrices[name].role

    def layer_of(self, name: str) -> int | None:
        return self.matrices[name].layer

    def producer(self, name: str) -> int | None:
        return self.matrices[name].producer

    @cached_property
    def updated(self) -> tuple[str, ...]:
        """The parameters after the update (W_l′, b_l′): with C, what decides whether an iteration diverged."""
        return self.names(Role.W_NEW, Role.B_NEW)

    @cached_property
    def parameters(self) -> tuple[str, ...]:
        """W1…WL, then b1…bL: what an iteration starts from besides its data."""
        return self.names(Role.W, Role.B)

    # -- counting -------------------------------------------------------------------------------

    @cached_property
    def numbers_per_iteration(self) -> int:
        """How many numbers one traced iteration holds (every matrix above): what build's --max-numbers limits."""
        return sum(info.size for info in self.matrices.values())

    @cached_property
    def trace_numbers(self) -> int:
        """How many numbers one step of ``tuinet train --trace`` prints (the sizes of ``json_keys``)."""
        return sum(self.matrices[name].size for name in self.json_keys)

    @cached_property
    def export_numbers(self) -> int:
        """How many numbers a py export hard-codes: the batch (a0 and y) and the parameters."""
        return sum(self.matrices[name].size for name in ("a0", "y", *self.parameters))


def _parameter_shape(role: Role, sizes: tuple[int, ...], layer: int) -> tuple[int, int]:
    # W_l, dW_l, W_l′ are n_{l−1}×n_l (rows: the layer's inputs); b_l, db_l, b_l′ are one row of n_l.
    if role in (Role.W, Role.DW, Role.W_NEW):
        return (sizes[layer - 1], sizes[layer])
    assert role in _PARAMETER_ROLES
    return (1, sizes[layer])
