"""The schedule: one operation per named matrix, in DESIGN.md's order, saying truthfully what it computes."""

from __future__ import annotations

import re

import numpy as np
import pytest

from tests.engine_cases import random_network, with_random_biases
from tests.engine_reference import FUNCTIONS, Array
from tuinet.engine import NetConfig, Network, Operation, OpKind, Phase, Trace, build
from tuinet.words.formulas import formula, formula_in, shapes, shapes_in

# DESIGN.md's table for the default net, as the engine writes it (′ for the derivative and the updated
# weight: "W2′ = W2 − lr·dW2" is the table's "W2 ← W2 − lr·dW2").
DEFAULT_SCHEDULE = [
    # phase, kind, result, operands (name, transposed), formula, shapes
    ("forward", "matmul", "z1", [("a0", False), ("W1", False)], "z1 = a0 · W1", "(4×3)·(3×4) → (4×4)"),
    ("forward", "activation", "a1", [("z1", False)], "a1 = σ(z1)", "(4×4) → (4×4)"),
    ("forward", "matmul", "z2", [("a1", False), ("W2", False)], "z2 = a1 · W2", "(4×4)·(4×1) → (4×1)"),
    ("forward", "activation", "a2", [("z2", False)], "a2 = σ(z2)", "(4×1) → (4×1)"),
    ("loss", "elementwise", "e", [("a2", False), ("y", False)], "e = a2 − y", "(4×1) − (4×1) → (4×1)"),
    ("loss", "loss", "loss", [("e", False)], "C = ½ Σ e²", "(4×1) → (1×1)"),
    ("backward", "elementwise", "delta2", [("e", False), ("dadz2", False)], "δ2 = e ⊙ σ′(z2)", "(4×1) ⊙ (4×1) → (4×1)"),
    ("backward", "matmul", "dW2", [("a1", True), ("delta2", False)], "dW2 = a1ᵀ · δ2", "(4×4)ᵀ·(4×1) → (4×1)"),
    (
        "backward",
        "matmul",
        "delta1",
        [("delta2", False), ("W2", True)],
        "δ1 = (δ2 · W2ᵀ) ⊙ σ′(z1)",
        "(4×1)·(4×1)ᵀ ⊙ (4×4) → (4×4)",
    ),
    ("backward", "matmul", "dW1", [("a0", True), ("delta1", False)], "dW1 = a0ᵀ · δ1", "(4×3)ᵀ·(4×4) → (3×4)"),
    ("update", "update", "W2_new", [("W2", False), ("dW2", False)], "W2′ = W2 − lr·dW2", "(4×1) − 1·(4×1) → (4×1)"),
    ("update", "update", "W1_new", [("W1", False), ("dW1", False)], "W1′ = W1 − lr·dW1", "(3×4) − 1·(3×4) → (3×4)"),
]


def test_default_schedule_is_the_design_table() -> None:
    """z1, a1, z2, a2, e, loss, δ2, dW2, δ1, dW1, W2′, W1′ — with DESIGN.md's formulas and shapes."""
    net = build(NetConfig())
    schedule, schema = net.schedule, net.schema
    got = [
        (
            *(op.phase.value, op.kind.value, op.result, [(o.name, o.transpose) for o in op.operands]),
            *(formula_in(op, schema), shapes_in(op, schema)),
        )
        for op in schedule
    ]
    assert got == DEFAULT_SCHEDULE
    assert [op.index for op in schedule] == list(range(len(schedule)))
    delta1 = schedule[8]
    assert delta1.gate == "dadz1" and delta1.bias is None
    assert all(op.bias is None for op in schedule)
    assert schedule[10].scale == schedule[11].scale == 1.0


class _Written:
    """An operation with its words (tuinet.words.formulas), for the assertions below."""

    def __init__(self, op: Operation, net: Network) -> None:
        self.op, self.formula, self.shapes = op, formula_in(op, net.schema), shapes_in(op, net.schema)

    def __getattr__(self, name: str) -> object:
        return getattr(self.op, name)


def test_bias_and_mean_loss_operations() -> None:
    net = build(NetConfig(bias=True, loss="mean", lr=0.5))
    by_result = {op.result: _Written(op, net) for op in net.schedule}
    assert by_result["z1"].formula == "z1 = a0 · W1 + b1" and by_result["z1"].bias == "b1"
    assert by_result["z1"].shapes == "(4×3)·(3×4) + (1×4) → (4×4)"
    assert by_result["db2"].kind is OpKind.REDUCE and by_result["db2"].shapes == "(4×1) → (1×1)"
    assert by_result["b1_new"].formula == "b1′ = b1 − lr·db1" and by_result["b1_new"].scale == 0.5
    assert by_result["W1_new"].shapes == "(3×4) − 0.5·(3×4) → (3×4)"
    assert by_result["loss"].formula == "C = ½ · mean(e²)" and by_result["loss"].scale == 0.25
    assert by_result["delta2"].formula == "δ2 = (e / 4) ⊙ σ′(z2)" and by_result["delta2"].scale == 0.25
    order = [op.result for op in net.schedule]
    assert order == [
        *("z1", "a1", "z2", "a2", "e", "loss", "delta2", "dW2", "db2", "delta1", "dW1", "db1"),
        *("W2_new", "b2_new", "W1_new", "b1_new"),
    ]


_SHAPE = re.compile(r"\((\d+)×(\d+)\)(ᵀ?)")


def _inputs(net: Network) -> set[str]:
    """Matrices an iteration starts from (or that are gates, not results of an operation)."""
    names = {"a0", "y"}
    for layer in range(1, net.L + 1):
        names |= {f"W{layer}", f"dadz{layer}"} | ({f"b{layer}"} if net.config.bias else set())
    return names


def _check_schedule(net: Network, trace: Trace) -> None:
    schedule = net.schedule
    phases = [op.phase for op in schedule]
    assert phases == sorted(phases, key=[Phase.FORWARD, Phase.LOSS, Phase.BACKWARD, Phase.UPDATE].index)
    known = _inputs(net)
    for position, op in enumerate(schedule):
        assert op.index == position
        assert op.result in trace, op
        # Operands are inputs or results of earlier operations: the schedule is a valid order.
        for name in op.names[:-1]:
            assert name in trace and name in known, (formula(op, trace), name)
        assert op.result not in known, f"{op.result} is produced twice"
        known.add(op.result)
        # The shapes text names each operand's stored shape (ᵀ when transposed), then the result's.
        found = [((int(r), int(c)), t == "ᵀ") for r, c, t in _SHAPE.findall(shapes(op, trace))]
        expected = [(trace[o.name].shape, o.transpose) for o in op.operands]
        expected += [(trace[n].shape, False) for n in (op.bias, op.gate) if n is not None]
        expected.append((trace[op.result].shape, False))
        assert found == expected, (formula(op, trace), shapes(op, trace))
        assert shapes(op, trace).split(" → ")[-1] == "({}×{})".format(*trace[op.result].shape)
        np.testing.assert_allclose(_evaluate(op, trace), trace[op.result], rtol=1e-12, atol=1e-300)
    produced = {op.result for op in schedule}
    assert produced | _inputs(net) == set(trace.matrices), "every trace matrix is an input or one operation's result"


def _evaluate(op: Operation, trace: Trace) -> Array:
    """What the operation says it computes, from the trace's own operands."""
    args = [trace[o.name].T if o.transpose else trace[o.name] for o in op.operands]
    if op.kind is OpKind.MATMUL:
        result = np.matmul(args[0], args[1])
        if op.bias is not None:
            result = result + trace[op.bias]
        return np.asarray(result * trace[op.gate] if op.gate is not None else result, dtype=np.float64)
    if op.kind is OpKind.ACTIVATION:
        return FUNCTIONS[op.activation][0](args[0])
    if op.kind is OpKind.ELEMENTWISE:
        return args[0] - args[1] if op.result == "e" else np.asarray(op.scale * args[0] * args[1])
    if op.kind is OpKind.LOSS:
        return np.array([[0.5 * op.scale * np.sum(args[0] ** 2)]])
    if op.kind is OpKind.REDUCE:
        return np.asarray(args[0].sum(axis=0, keepdims=True), dtype=np.float64)
    assert op.kind is OpKind.UPDATE
    return np.asarray(args[0] if op.frozen else args[0] - op.scale * args[1])


@pytest.mark.parametrize("seed", range(40))
def test_schedule_describes_the_trace(seed: int) -> None:
    """Random networks: order, operands, shapes text, and each operation recomputed from its operands."""
    net = random_network(seed)
    params = with_random_biases(net, net.init_params(), seed)
    _check_schedule(net, net.step(params, 1 + seed % 5))


@pytest.mark.parametrize("hidden", [(), (4,), (3, 5), (2, 3, 4)])
def test_operation_count(hidden: tuple[int, ...]) -> None:
    """Per layer: z, a, dW, update, and δ sent back (all but the first); plus e, loss and δL."""
    for bias in (False, True):
        net = build(NetConfig(hidden=hidden, bias=bias))
        L = len(hidden) + 1
        assert len(net.schedule) == 4 * L + (L - 1) + 3 + (2 * L if bias else 0)
        assert net.schedule[-1].result == ("b1_new" if bias else "W1_new")
