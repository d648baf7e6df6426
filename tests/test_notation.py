"""Notation profiles: every label is an exact name for the engine's numbers under it.

The learners' programs are written out here independently (the README's tutorial loop and its dC_dw variant,
iamtrask's 11 lines, Nielsen's column vectors), run with numpy, and each label a profile shows is *evaluated* in
that program's namespace: ``−a1.T@dC_dw2`` must compute exactly the engine's dW2.
"""

from __future__ import annotations

import numpy as np
import pytest

from tuinet.engine import NetConfig, build
from tuinet.engine.history import History
from tuinet.engine.trace import Trace
from tuinet.engine.types import Matrix
from tuinet.words import notation
from tuinet.words.formulas import formula as engine_formula
from tuinet.words.formulas import shapes as engine_shapes
from tuinet.words.notation import NAMES, NotationError, custom, get_profile, next_name, register, registered
from tuinet.words.terms import Facts, Terms, formula, shapes

X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=float)
Y = np.array([[0, 1, 1, 0]], dtype=float).T


def sigmoid(z: Matrix) -> Matrix:
    return 1.0 / (1.0 + np.exp(-z))


def trace_of(config: NetConfig, iteration: int = 1) -> tuple[Trace, Facts]:
    network = build(config)
    return History(network).trace(iteration), Facts.of(network)


def tutorial_namespace() -> dict[str, object]:
    """The README's loop, in the names learners bring (the dC_dw variant), for one iteration."""
    np.random.seed(1)
    weight1 = np.random.random((3, 4))
    weight2 = np.random.random((4, 1))
    x, y, learningRate = X, Y, 1.0

    def derv_sigmoid(a: Matrix) -> Matrix:
        return a * (1 - a)

    z1 = x @ weight1
    a1 = sigmoid(z1)
    z2 = a1 @ weight2
    a2 = sigmoid(z2)
    delta2 = y - a2
    dC_dw2 = delta2 * derv_sigmoid(a2)
    dC_dw1 = (dC_dw2 @ weight2.T) * derv_sigmoid(a1)
    ns: dict[str, object] = dict(locals())
    ns["weight2_new"] = weight2 + learningRate * a1.T @ dC_dw2
    ns["weight1_new"] = weight1 + learningRate * x.T @ dC_dw1
    return ns


def trask_namespace() -> dict[str, object]:
    """iamtrask's two-layer network, one iteration."""

    def nonlin(x: Matrix, deriv: bool = False) -> Matrix:
        return x * (1 - x) if deriv else 1 / (1 + np.exp(-x))

    np.random.seed(1)
    syn0 = np.random.random((3, 4))
    syn1 = np.random.random((4, 1))
    l0, y = X, Y
    l1 = nonlin(np.dot(l0, syn0))
    l2 = nonlin(np.dot(l1, syn1))
    l2_error = y - l2
    l2_delta = l2_error * nonlin(l2, deriv=True)
    l1_error = l2_delta.dot(syn1.T)
    l1_delta = l1_error * nonlin(l1, deriv=True)
    ns: dict[str, object] = dict(locals())
    ns["syn1_new"] = syn1 + l1.T.dot(l2_delta)
    ns["syn0_new"] = syn0 + l0.T.dot(l1_delta)
    return ns


def evaluate(label: str, ns: dict[str, object]) -> Matrix:
    """A label as Python: ``−`` is minus, ``weight2′`` is the weight after the update."""
    code = label.replace("−", "-").replace("′", "_new")
    return np.asarray(eval(code, {"np": np}, ns))  # our own labels, in a test


KEYS = ["a0", "z1", "a1", "z2", "a2", "y", "e", "dadz2", "delta2", "dW2", "dadz1", "delta1", "dW1", "W1", "W2"]
KEYS += ["W1_new", "W2_new"]


@pytest.mark.parametrize(("name", "namespace"), [("tutorial", tutorial_namespace), ("trask", trask_namespace)])
def test_every_label_computes_the_engine_numbers_in_the_learners_program(name: str, namespace: object) -> None:
    trace, facts = trace_of(NetConfig())
    ns = namespace()  # type: ignore[operator]
    terms = Terms(get_profile(name), facts)
    for key in KEYS:
        label = terms.name(key)
        value = evaluate(label, ns)
        assert np.allclose(value, trace[key], rtol=1e-12, atol=1e-15), (key, label)


def test_tutorial_names_the_quantities_the_issue_lists() -> None:
    _trace, facts = trace_of(NetConfig())
    t = Terms(get_profile("tutorial"), facts)
    assert [t.name(k) for k in ("a0", "W1", "W2", "z1", "a1")] == ["x", "weight1", "weight2", "z1", "a1"]
    # The learner's delta2 = y − a2 is −e and their dC_dw2 is −δ2: the numbers shown are tuinet's, so the
    # labels carry the minus sign.
    assert t.name("e") == "−delta2" and t.name("delta2") == "−dC_dw2" and t.name("delta1") == "−dC_dw1"
    note = get_profile("tutorial").note("delta2", 2)
    assert "your dC_dw2 is −δ2 = −∂C/∂z2, not ∂C/∂W2; ∂C/∂W2 is a1ᵀ·δ2" in note


def test_trask_names() -> None:
    _trace, facts = trace_of(NetConfig())
    t = Terms(get_profile("trask"), facts)
    got = [t.name(k) for k in ("a0", "a1", "a2", "W1", "W2", "e", "delta2", "delta1")]
    assert got == ["l0", "l1", "l2", "syn0", "syn1", "−l2_error", "−l2_delta", "−l1_delta"]
    # l1_error is not an engine matrix: its relation is said in δ1's note, and checked here.
    ns = trask_namespace()
    trace, _ = trace_of(NetConfig())
    assert np.allclose(-np.asarray(ns["l1_error"]), trace["delta2"].dot(trace["W2"].T))
    assert "l1_error = l2_delta.dot(syn1.T) is −(δ2·W2ᵀ)" in get_profile("trask").note("delta1", 2)


def test_nielsen_draws_column_vectors_with_the_same_numbers() -> None:
    trace, facts = trace_of(NetConfig())
    p = get_profile("nielsen")
    W1, a0, z1 = (p.orient(trace[k]) for k in ("W1", "a0", "z1"))
    assert W1.shape == (4, 3) and a0.shape == (3, 4)  # W outputs×inputs, a units×samples
    assert np.array_equal(W1.dot(a0), z1)  # z = W·a, bit for bit (the same products, transposed)
    d1, dW1 = p.orient(trace["delta1"]), p.orient(trace["dW1"])
    assert np.allclose(d1.dot(a0.T), dW1, rtol=1e-14)  # ∇W = δ·a_prevᵀ
    t = Terms(p, facts)
    ops = {op.result: op for op in trace.schedule}
    assert formula(ops["z1"], t) == "z1 = W1 · a0"
    assert formula(ops["dW1"], t) == "∇W1 = δ1 · a0ᵀ"
    assert formula(ops["delta1"], t) == "δ1 = (W2ᵀ · δ2) ⊙ σ′(z1)"
    assert shapes(ops["z1"], trace, t) == "(4×3)·(3×4) → (4×4)"
    assert "tuinet's W1 is this W1ᵀ" in p.once


def test_tuinet_formulas_equal_the_words_formulas() -> None:
    """The tuinet profile writes what words/formulas.py (arch's one place for formulas) writes."""
    for config in (NetConfig(), NetConfig(bias=True, hidden=(3, 2)), NetConfig(loss="mean")):
        trace, facts = trace_of(config)
        t = Terms(get_profile("tuinet"), facts)
        for op in trace.schedule:
            got = formula(op, t).replace(" ", "")
            want = engine_formula(op, trace).replace(" ", "")
            if op.kind == "reduce":  # db1 = Σ_rows δ1 is written with its index: db1 = Σ_n δ1[n,:]
                want = want.replace("Σ_rows", "Σ_n") + "[n,:]"
            assert got == want, (got, want)
            assert shapes(op, trace, t).replace(" ", "") == engine_shapes(op, trace).replace(" ", ""), op.result


def test_presets_supply_their_own_names_and_cell_names() -> None:
    mazur = custom("mazur-test", names={"W1": "w"}, cells={"W1": {(0, 0): "w1", (1, 0): "w2"}})
    register(mazur)
    try:
        _check_preset()
    finally:
        notation._REGISTRY.pop("mazur-test")  # other tests cycle the built-ins only


def _check_preset() -> None:
    assert registered()[-1] == "mazur-test"
    p = get_profile("mazur-test")
    _trace, facts = trace_of(NetConfig())
    t = Terms(p, facts)
    assert t.name("W1") == "w" and t.name("W2") == "W2"
    assert t.at("W1", 1, 0) == "w2 = w[1,0]"
    with pytest.raises(NotationError):
        register(custom("tuinet"))
    assert next_name("mazur-test", ("mazur-test",)) == NAMES[0]
    assert next_name("nielsen", ("mazur-test",)) == "mazur-test"


def test_cycle_and_errors() -> None:
    assert [next_name(n) for n in NAMES] == [*NAMES[1:], NAMES[0]]
    with pytest.raises(NotationError, match="--notation must be one of tuinet, tutorial, trask, nielsen"):
        get_profile("textbook")


@pytest.mark.parametrize(("loss", "dW2"), [("mean", "−a1.T@dC_dw2/4"), ("sse", "−2·a1.T@dC_dw2")])
def test_labels_carry_the_loss_factor_the_learners_program_lacks(loss: str, dW2: str) -> None:
    """The tutorial's y − a has no factor; with C = ½·mean or Σe² the labels say it, and stay exact."""
    trace, facts = trace_of(NetConfig(loss=loss))
    ns = tutorial_namespace()  # the same program: it knows nothing of the loss kind
    terms = Terms(get_profile("tutorial"), facts)
    assert terms.name("dW2") == dW2 and terms.name("e") == "−delta2"  # e = a − y carries no factor
    for key in ("e", "delta2", "dW2", "delta1", "dW1"):
        label = terms.name(key).replace("·", "*")
        assert np.allclose(evaluate(label, ns), trace[key], rtol=1e-12, atol=1e-15), (key, label)
    assert "the labels carry it" in terms.scale_note()
