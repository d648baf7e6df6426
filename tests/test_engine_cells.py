"""Cells: each cell of each operation, spelled out, adds up to the trace and points at the right numbers."""

from __future__ import annotations

import numpy as np
import pytest

from tests.engine_cases import random_network, with_random_biases
from tests.engine_reference import FUNCTIONS, Array
from tuinet.engine import NetConfig, OpKind, Trace, build
from tuinet.words.cells import Cell, Region, cell_count, cell_index, cell_position, explain_cell
from tuinet.words.formulas import formula
from tuinet.words.names import label as label_of
from tuinet.words.numbers import fmt

DIGITS = 3


def region_values(matrix: Array, region: Region) -> Array:
    """The numbers of a stored matrix that a highlight covers, in reading order."""
    if region.kind == "row":
        return matrix[region.i, :]
    if region.kind == "col":
        return matrix[:, region.j]
    if region.kind == "cell":
        return matrix[region.i : region.i + 1, region.j]
    return matrix.ravel()


def covered(matrix: Array, region: Region) -> set[tuple[int, int]]:
    rows, cols = matrix.shape
    return {(r, c) for r in range(rows) for c in range(cols) if region.contains(r, c)}


def region_text(trace: Trace, name: str, region: Region) -> str:
    label = label_of(trace, name)
    return f"{label}[{region.i},:]" if region.kind == "row" else f"{label}[:,{region.j}]"


def check_every_cell(trace: Trace) -> int:
    checked = 0
    for op in trace.schedule:
        result = trace[op.result]
        assert cell_count(trace, op) == result.size
        for index in range(cell_count(trace, op)):
            row, col = cell_position(trace, op, index)
            assert cell_index(trace, op, row, col) == index
            cell = explain_cell(trace, op, row, col, digits=DIGITS)
            where = f"{formula(op, trace)} cell ({row}, {col})"
            assert cell.value == result[row, col] or (np.isnan(cell.value) and np.isnan(result[row, col])), where
            assert cell.highlights[op.result] == Region("cell", row, col), where
            assert fmt(cell.value, 4 if op.kind is OpKind.LOSS else DIGITS) in cell.text, (where, cell.text)
            _check_kind(trace, op.kind, cell, where)
            checked += 1
    return checked


def _check_kind(trace: Trace, kind: OpKind, cell: Cell, where: str) -> None:
    op, row, col = cell.op, cell.row, cell.col
    if kind is OpKind.MATMUL:
        left, right = op.operands
        A, B = trace[left.name], trace[right.name]
        inner = A.shape[0] if left.transpose else A.shape[1]
        assert len(cell.terms) == inner, where
        total = sum(x * w for x, w in cell.terms)
        if op.bias is not None:
            assert cell.bias is not None and cell.bias == trace[op.bias][0, col]
            assert cell.highlights[op.bias] == Region("cell", 0, col)
            total += cell.bias
        if op.gate is not None:
            assert cell.gate is not None and cell.gate == trace[op.gate][row, col]
            assert cell.highlights[op.gate] == Region("cell", row, col)
            total *= cell.gate
        assert np.isclose(total, cell.value, rtol=1e-12, atol=1e-15 * max(1.0, *(abs(x * w) for x, w in cell.terms)))
        # Row `row` of the left factor and column `col` of the right one, found in the *stored* matrices:
        # a transposed operand's row is a column of what is stored.
        left_region, right_region = cell.highlights[left.name], cell.highlights[right.name]
        assert left_region == (Region("col", j=row) if left.transpose else Region("row", i=row)), where
        assert right_region == (Region("row", i=col) if right.transpose else Region("col", j=col)), where
        np.testing.assert_array_equal(region_values(A, left_region), [x for x, _ in cell.terms])
        np.testing.assert_array_equal(region_values(B, right_region), [w for _, w in cell.terms])
        assert len(covered(A, left_region)) == inner == len(covered(B, right_region))
        assert region_text(trace, left.name, left_region) in cell.text, (where, cell.text)
        assert region_text(trace, right.name, right_region) in cell.text, (where, cell.text)
    elif kind is OpKind.ACTIVATION:
        (z,) = op.operands
        assert cell.inputs == (trace[z.name][row, col],) and cell.highlights[z.name] == Region("cell", row, col)
        expected = float(FUNCTIONS[op.activation][0](np.array([[cell.inputs[0]]]))[0, 0])
        assert np.isclose(cell.value, expected, rtol=1e-14, atol=0), where
    elif kind is OpKind.ELEMENTWISE:
        first, second = op.operands
        assert cell.inputs == (trace[first.name][row, col], trace[second.name][row, col]), where
        assert cell.highlights[first.name] == cell.highlights[second.name] == Region("cell", row, col)
        if op.result == "e":
            assert cell.value == cell.inputs[0] - cell.inputs[1], where
        else:  # δL = (e · scale) ⊙ f′(zL), the very same float operations
            scaled = cell.inputs[0] * op.scale if op.scale != 1.0 else cell.inputs[0]
            assert cell.value == scaled * cell.inputs[1], where
    elif kind is OpKind.LOSS:
        (e,) = op.operands
        assert cell.highlights[e.name] == Region("all")
        np.testing.assert_array_equal(cell.inputs, trace[e.name].ravel())
        assert np.isclose(cell.value, 0.5 * op.scale * sum(x * x for x in cell.inputs), rtol=1e-13), where
    elif kind is OpKind.REDUCE:
        (d,) = op.operands
        assert row == 0 and cell.highlights[d.name] == Region("col", j=col)
        np.testing.assert_array_equal(cell.inputs, trace[d.name][:, col])
        assert np.isclose(cell.value, sum(cell.inputs), rtol=1e-13, atol=1e-300), where
    elif op.frozen:  # W′ = W: a frozen parameter's update reads W alone
        assert kind is OpKind.UPDATE
        (W,) = op.operands
        assert cell.inputs == (trace[W.name][row, col],) and cell.value == cell.inputs[0], where
        assert cell.highlights[W.name] == Region("cell", row, col)
    else:
        assert kind is OpKind.UPDATE
        W, dW = op.operands
        assert cell.inputs == (trace[W.name][row, col], trace[dW.name][row, col]), where
        assert cell.highlights[W.name] == cell.highlights[dW.name] == Region("cell", row, col)
        assert cell.value == cell.inputs[0] - op.scale * cell.inputs[1], where


@pytest.mark.parametrize(
    "config",
    [
        NetConfig(),
        NetConfig(bias=True, loss="mean", lr=0.5),
        NetConfig(hidden=(3, 2), activation="tanh", output_activation="linear", batch="1", loss="mean", bias=True),
        NetConfig(hidden=(5, 4), activation="relu", output_activation="linear", init="signed", lr=0.1),
        NetConfig(hidden=(), dataset="and"),
    ],
    ids=["tutorial", "bias-mean", "tanh-batch1-mean", "relu", "no-hidden"],
)
def test_every_cell_of_every_operation(config: NetConfig) -> None:
    net = build(config)
    params = with_random_biases(net, net.init_params(), 4)
    for t in (1, 9):
        at_t, _, _ = net.run(params, 1, t - 1)
        assert check_every_cell(net.step(at_t, t)) == sum(net.step(at_t, t)[op.result].size for op in net.schedule)


@pytest.mark.parametrize("seed", range(15))
def test_cells_of_random_networks(seed: int) -> None:
    net = random_network(seed)
    check_every_cell(net.step(with_random_biases(net, net.init_params(), seed), 2))


def test_default_cell_reads_like_the_tutorial() -> None:
    """dW2[1,0] = a1[:,1]·δ2[:,0]: the column of a1 (a1ᵀ's row), with its four real products."""
    net = build(NetConfig())
    trace = net.step(net.init_params(), 1)
    op = next(op for op in trace.schedule if op.result == "dW2")
    cell = explain_cell(trace, op, 1, 0)
    a1, d2 = trace["a1"], trace["delta2"]
    assert cell.terms == tuple((float(a1[n, 1]), float(d2[n, 0])) for n in range(4))
    assert cell.text.startswith("dW2[1,0] = a1[:,1]·δ2[:,0] = ")
    assert f"{fmt(a1[0, 1], 3)}×{fmt(d2[0, 0], 3)}" in cell.text.replace("(", "").replace(")", "")
    assert cell.text.endswith(f"= {fmt(trace['dW2'][1, 0], 3)}")


def test_long_dot_products_are_elided() -> None:
    wide = build(NetConfig(hidden=(9,)))
    trace = wide.step(wide.init_params(), 1)
    op = next(op for op in trace.schedule if op.result == "z2")
    cell = explain_cell(trace, op, 0, 0, max_terms=4)
    assert len(cell.terms) == 9 and "… (5 more)" in cell.text


def test_fmt_spells_out_special_values() -> None:
    assert fmt(float("nan")) == "NaN" and fmt(float("inf")) == "inf" and fmt(float("-inf")) == "−inf"
    assert fmt(-1.5) == "−1.50" and fmt(0.125, 3) == "0.125" and fmt(2.0, 0) == "2"
