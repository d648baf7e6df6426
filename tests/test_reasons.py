"""The chain-rule reasons: their sentences per operation kind, and their numbers against the engine's trace."""

from __future__ import annotations

import re

import numpy as np
import pytest

from tuinet.engine import NetConfig, build
from tuinet.engine.history import History
from tuinet.engine.trace import Operation, Trace
from tuinet.words.export import export_python
from tuinet.words.notation import NAMES, get_profile
from tuinet.words.numbers import factor, fmt
from tuinet.words.reasons import explain
from tuinet.words.terms import Facts


def setup(config: NetConfig | None = None) -> tuple[Trace, Facts, dict[str, Operation]]:
    network = build(config or NetConfig())
    trace = History(network).trace(1)
    return trace, Facts.of(network), {op.result: op for op in trace.schedule}


def test_delta_is_dC_dz_and_e_is_dC_da_never_both_the_error() -> None:
    trace, facts, ops = setup()
    p = get_profile("tuinet")
    e = explain(ops["e"], trace, facts, p)
    d2 = explain(ops["delta2"], trace, facts, p)
    assert "∂C/∂a2 = e" in e.short and "e is ∂C/∂a" in e.short and "δ is ∂C/∂z" in e.short
    assert d2.short.startswith("δ2 = ∂C/∂z2 = ∂C/∂a2 ⊙ ∂a2/∂z2 = e ⊙ σ′(z2)")
    assert "σ′(z) = a(1 − a)" in d2.short
    for op in trace.schedule:
        for line in explain(op, trace, facts, p).lines(expanded=True):
            assert "the error" not in line


@pytest.mark.parametrize(("loss", "want"), [("sum", "∂C/∂a2 = e "), ("mean", "∂C/∂a2 = e/4")])
def test_the_loss_kind_decides_dC_da(loss: str, want: str) -> None:
    trace, facts, ops = setup(NetConfig(loss=loss))
    reason = explain(ops["delta2"], trace, facts, get_profile("tuinet"), cell=(0, 0))
    assert want in " ".join(reason.full) + " "
    if loss == "mean":  # the cell: δ2[0,0] = 1/4 × e[0,0] × σ′(z2)[0,0], and the number is the engine's
        e, s = trace["e"][0, 0], trace["dadz2"][0, 0]
        assert reason.cell.endswith(fmt(float(trace["delta2"][0, 0]), 3))
        assert np.isclose(trace["delta2"][0, 0], e / 4 * s)
        assert "1/4 × e[0,0] × σ′(z2)[0,0]" in reason.cell


def test_sse_loss_says_2e() -> None:
    trace, facts, ops = setup(NetConfig(loss="sse"))
    assert facts.loss == "sse"  # from the network's explicit loss kind
    reason = explain(ops["delta2"], trace, facts, get_profile("tuinet"), cell=(1, 0))
    assert "∂C/∂a2 = 2e" in " ".join(reason.full) and "2e ⊙ σ′(z2)" in reason.formula
    assert np.isclose(trace["delta2"][1, 0], 2 * trace["e"][1, 0] * trace["dadz2"][1, 0], rtol=1e-14)
    assert reason.cell.startswith("δ2[1,0] = 2 × e[1,0] × σ′(z2)[1,0]")
    assert reason.cell.endswith(fmt(float(trace["delta2"][1, 0]), 3))
    loss = explain(ops["loss"], trace, facts, get_profile("tuinet"), cell=(0, 0))
    assert loss.formula == "C = Σ e²" and loss.cell.endswith(fmt(trace.loss, 4))


def test_frozen_update_is_said() -> None:
    trace, facts, ops = setup(NetConfig(frozen=("W1",)))
    assert ops["W1_new"].frozen
    reason = explain(ops["W1_new"], trace, facts, get_profile("tuinet"), cell=(0, 1))
    assert reason.cell == f"W1′[0,1] = W1[0,1] = {fmt(float(trace['W1'][0, 1]), 3)}  (frozen: not updated)"
    assert "W1 is frozen in this network: W1′ = W1." in reason.full and reason.formula == "W1′ = W1 (frozen)"


def test_weight_gradient_derivation_and_its_cell_terms() -> None:
    trace, facts, ops = setup()
    reason = explain(ops["dW2"], trace, facts, get_profile("tuinet"), cell=(2, 0))
    assert "z2 = a1·W2 ⇒ ∂z2[n,j]/∂W2[i,j] = a1[n,i] ⇒ ∂C/∂W2[i,j] = Σ_n a1[n,i]·δ2[n,j]" in reason.short
    assert "Σ_n because C sums over samples" in reason.short
    full = " ".join(reason.full)
    assert "that is where a1ᵀ comes from" in full and "Kronecker product does not sum: it would be 16×4" in full
    assert "∂C/∂w_ij = δ_j·x_i is one sample's term" in full
    # The terms are a1[n,2]·δ2[n,0] for each sample, and they end with the engine's dW2[2,0].
    a1, d2 = trace["a1"], trace["delta2"]
    terms = " + ".join(f"{factor(float(a1[n, 2]), 3)}×{factor(float(d2[n, 0]), 3)}" for n in range(4))
    assert reason.cell == f"dW2[2,0] = Σ_n a1[n,2]·δ2[n,0] = {terms} = {fmt(float(trace['dW2'][2, 0]), 3)}"
    assert np.isclose(sum(a1[n, 2] * d2[n, 0] for n in range(4)), trace["dW2"][2, 0], rtol=1e-14)


def test_backprop_says_why_W_transposed() -> None:
    trace, facts, ops = setup()
    reason = explain(ops["delta1"], trace, facts, get_profile("tuinet"), cell=(1, 3))
    assert "through W2[i,j] (row i of W2)" in reason.short and "(δ2·W2ᵀ)[n,i]" in reason.short
    assert "It uses W2 before its update" in " ".join(reason.full)
    want = float(trace["delta2"][1, 0] * trace["W2"][3, 0] * trace["dadz1"][1, 3])
    assert np.isclose(want, trace["delta1"][1, 3], rtol=1e-14)
    assert reason.cell.startswith("δ1[1,3] = (Σ_j δ2[1,j]·W2[3,j]) × σ′(z1)[1,3]")
    assert reason.cell.endswith(fmt(float(trace["delta1"][1, 3]), 3))


def test_activation_says_why_derv_sigmoid_takes_a() -> None:
    trace, facts, ops = setup()
    reason = explain(ops["a1"], trace, facts, get_profile("tutorial"))
    full = " ".join(reason.full)
    assert "σ′(z) = σ(z)·(1 − σ(z)) = a(1 − a)" in full and "derv_sigmoid takes a, not z" in full


def test_update_and_bias_reasons() -> None:
    trace, facts, ops = setup(NetConfig(bias=True))
    p = get_profile("tuinet")
    up = explain(ops["W2_new"], trace, facts, p, cell=(0, 0))
    assert "points uphill" in up.short
    assert up.cell.endswith(fmt(float(trace["W2_new"][0, 0]), 3))
    db = explain(ops["db1"], trace, facts, p, cell=(0, 2))
    assert "∂C/∂b1[j] = Σ_n δ1[n,j]" in db.short
    column = " + ".join(fmt(float(x), 3) for x in trace["delta1"][:, 2])
    assert db.cell == f"db1[0,2] = Σ_n δ1[n,2] = {column} = {fmt(float(trace['db1'][0, 2]), 3)}"


@pytest.mark.parametrize("name", NAMES)
def test_every_profile_every_operation_every_cell_ends_with_the_engines_value(name: str) -> None:
    trace, facts, _ = setup(NetConfig(bias=True, hidden=(3, 2)))
    profile = get_profile(name)
    for op in trace.schedule:
        R = trace[op.result]
        for row in range(R.shape[0]):
            for col in range(R.shape[1]):
                reason = explain(op, trace, facts, profile, cell=(row, col))
                digits = 4 if op.result == "loss" else 3
                assert reason.cell.endswith("= " + fmt(float(R[row, col]), digits)), (name, op.result, reason.cell)
                if profile.columns and op.result != "loss":  # the cell is named where the drawing has it
                    assert re.search(rf"\[{col},{row}\] = ", reason.cell), reason.cell
        assert reason.short and reason.full and reason.formula


def test_short_form_fits_a_few_lines_at_80_columns() -> None:
    trace, facts, _ = setup()
    for name in NAMES:
        for op in trace.schedule:
            reason = explain(op, trace, facts, get_profile(name))
            assert len(reason.short) <= 3 * 78, (name, op.result, len(reason.short))


def test_loss_formula_in_a_renamed_notation_keeps_its_words() -> None:
    trace, facts, ops = setup(NetConfig(loss="mean"))
    reason = explain(ops["loss"], trace, facts, get_profile("tutorial"))
    assert reason.formula == "C = ½ · mean((−delta2)²)"


def test_linear_output_says_its_derivative() -> None:
    trace, facts, ops = setup(NetConfig(output_activation="linear"))
    reason = explain(ops["delta2"], trace, facts, get_profile("tuinet"))
    assert "id′(z) = 1." in reason.short and "see below" not in reason.short


def test_the_handouts_never_call_delta_the_error() -> None:
    network = build(NetConfig(loss="mean"))
    history = History(network)
    script = export_python(network, history, 1)
    assert "the error sent back" not in script and "δ1 = ∂C/∂z1" in script
    assert "∂C/∂a2 = e/4" in script  # the mean loss's factor, not a bare "∂C/∂a = e"
