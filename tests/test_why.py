"""The "why" explanations agree with the trace: outer products sum to dW, both sign conventions give the same
weights, the scalar gradient is dW[i,j], and the prediction grid is the network's own forward pass."""

from __future__ import annotations

import numpy as np
import pytest

from tuinet.engine import NetConfig, Network, Trace, TuinetError, build
from tuinet.engine.datasets import Dataset
from tuinet.engine.grid import GridError, NotPlottableError, plot_axes, prediction_grid
from tuinet.engine.history import History
from tuinet.words.why import WhyError, outer_products, scalar_gradient, sign_conventions

CONFIGS: dict[str, tuple[NetConfig, int]] = {
    "default": (NetConfig(), 1),
    "default later": (NetConfig(), 40),
    "batch 1": (NetConfig(batch="1"), 7),
    "bias, 2 hidden tanh, mean": (NetConfig(hidden=(3, 5), activation="tanh", bias=True, loss="mean", lr=0.5), 6),
    "relu, linear, signed": (NetConfig(activation="relu", output_activation="linear", init="signed", seed=3), 4),
    "no hidden, bias, batch 1": (NetConfig(hidden=(), bias=True, batch="1", dataset="and"), 9),
    "3 hidden xavier lr 2": (NetConfig(hidden=(4, 3, 2), init="xavier", lr=2.0, seed=7), 5),
}


def trace_of(name: str) -> Trace:
    config, iteration = CONFIGS[name]
    return History(build(config)).trace(iteration)


def grown(net: Network, iteration: int) -> History:
    history = History(net)
    history.params_at(iteration)
    return history


# -- outer products ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(CONFIGS))
def test_outer_products_sum_to_dW(name: str) -> None:
    """Σ_n a_prev[n]ᵀ ⊗ δ[n] is dW for every layer, one outer product per sample of the batch."""
    trace = trace_of(name)
    for layer in range(1, trace.layers + 1):
        parts = outer_products(trace, layer)
        a, d, dW = trace[f"a{layer - 1}"], trace[f"delta{layer}"], trace[f"dW{layer}"]
        assert parts.rows == trace.rows and len(parts.products) == len(trace.rows) == a.shape[0]
        assert parts.complete
        running = np.zeros_like(dW)
        for n, (P, S) in enumerate(zip(parts.products, parts.running, strict=True)):
            assert P.shape == dW.shape
            np.testing.assert_array_equal(P, a[n][:, None] * d[n][None, :])
            running = running + P
            np.testing.assert_array_equal(S, running)
        np.testing.assert_array_equal(parts.running[-1], parts.total)
        np.testing.assert_allclose(parts.total, dW, rtol=1e-12, atol=1e-15)
        assert parts.max_abs_diff == float(np.max(np.abs(parts.total - dW)))
        assert parts.max_abs_diff < 1e-12


def test_outer_products_keep_at_most_max_samples() -> None:
    """A big batch keeps only the first products, but the total still covers every sample."""
    trace = trace_of("default")
    parts = outer_products(trace, 1, max_samples=2)
    assert len(parts.products) == len(parts.running) == 2 and not parts.complete
    np.testing.assert_allclose(parts.total, trace["dW1"], rtol=1e-12)


def test_why_transpose_names_the_shapes() -> None:
    """The sentence is built from the real shapes of the iteration."""
    trace = trace_of("default")
    assert outer_products(trace, 2).why_transpose == (
        "a1 is 4×4 (samples × units) and δ2 is 4×1 (samples × outputs): a1ᵀ·δ2 sums over the 4 samples and gives "
        "4×1, the shape of W2 — a Kronecker product would give 16×4."
    )
    assert outer_products(trace, 1).why_transpose.startswith(
        "a0 is 4×3 (samples × inputs) and δ1 is 4×4 (samples × units): a0ᵀ·δ1 sums over the 4 samples and gives 3×4"
    )
    assert "would give 12×16" in outer_products(trace, 1).why_transpose
    deep = trace_of("bias, 2 hidden tanh, mean")
    assert "a1 is 4×3 (samples × units) and δ2 is 4×5 (samples × units)" in outer_products(deep, 2).why_transpose
    single = outer_products(trace_of("batch 1"), 2).why_transpose
    assert single.startswith("a1 is 1×4 (samples × units) and δ2 is 1×1 (samples × outputs)")
    assert "gives 4×1, the shape of W2" in single and "Kronecker" in single


def test_bad_layer_is_a_clear_error() -> None:
    trace = trace_of("default")
    for layer in (0, 3):
        with pytest.raises(WhyError, match="layer must be from 1 to 2"):
            outer_products(trace, layer)


# -- sign conventions ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(CONFIGS))
def test_both_sign_conventions_give_identical_weights(name: str) -> None:
    """e = y − a with += and e = a − y with −= are the same step: bit-identical W′ and b′."""
    trace = trace_of(name)
    signs = sign_conventions(trace)
    assert signs.identical and signs.close and signs.max_abs_diff == 0.0
    A, B = signs.descent, signs.tutorial
    L = trace.layers
    np.testing.assert_array_equal(B.e, trace["y"] - trace[f"a{L}"])
    np.testing.assert_array_equal(A.e, trace["e"])
    for layer in range(1, L + 1):
        index = layer - 1
        np.testing.assert_array_equal(A.deltas[index], trace[f"delta{layer}"])
        np.testing.assert_array_equal(B.deltas[index], -trace[f"delta{layer}"])
        np.testing.assert_array_equal(B.steps[index], -trace[f"dW{layer}"])
        np.testing.assert_array_equal(A.W_new[index], trace[f"W{layer}_new"])
        np.testing.assert_array_equal(B.W_new[index], trace[f"W{layer}_new"])
        if trace.bias:
            np.testing.assert_array_equal(B.b_new[index], trace[f"b{layer}_new"])
    assert len(B.b_new) == (L if trace.bias else 0)
    assert f"e = y − a{L}" in B.formulas and f"e = a{L} − y" in A.formulas
    assert "W1′ = W1 + lr·(a0ᵀ·δ1)" in B.formulas and "W1′ = W1 − lr·(a0ᵀ·δ1)" in A.formulas
    assert "bit-identical" in signs.explanation


def test_sign_formulas_show_the_mean() -> None:
    signs = sign_conventions(trace_of("bias, 2 hidden tanh, mean"))
    assert "δ3 = (e / 4) ⊙ σ′(z3)" in signs.tutorial.formulas
    assert "δ1 = (δ2 · W2ᵀ) ⊙ tanh′(z1)" in signs.descent.formulas
    assert "b2′ = b2 + lr·Σ_rows δ2" in signs.tutorial.formulas


# -- the scalar gradient -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["default later", "batch 1", "bias, 2 hidden tanh, mean", "3 hidden xavier lr 2"])
def test_scalar_gradient_is_dW(name: str) -> None:
    """Σ_n a_prev[n,i]·δ[n,j] is dW[i,j] for every weight of every layer."""
    trace = trace_of(name)
    for layer in range(1, trace.layers + 1):
        dW, a, d = trace[f"dW{layer}"], trace[f"a{layer - 1}"], trace[f"delta{layer}"]
        for i in range(dW.shape[0]):
            for j in range(dW.shape[1]):
                grad = scalar_gradient(trace, layer, i, j)
                assert grad.terms == tuple((float(a[n, i]), float(d[n, j])) for n in range(a.shape[0]))
                assert grad.dW == float(dW[i, j])
                assert grad.total == pytest.approx(grad.dW, rel=1e-12, abs=1e-15)
                assert grad.rows == trace.rows


def test_scalar_gradient_text() -> None:
    trace = trace_of("default")
    grad = scalar_gradient(trace, 2, 1, 0, digits=3)
    assert grad.text.startswith("∂C/∂W2[1,0] = Σ_n a1[n,1]·δ2[n,0] = ")
    assert grad.text.count("×") == 4
    with pytest.raises(WhyError, match="no weight"):
        scalar_gradient(trace, 2, 4, 0)


# -- the prediction grid -------------------------------------------------------------------------------------


def test_prediction_grid_is_the_forward_pass_over_the_unit_square() -> None:
    """xor3's constant third input is held at 1; x1 along columns, x2 along rows with the largest at the top."""
    net = build(NetConfig())
    params = grown(net, 60).params_at(60)
    grid = prediction_grid(net, params, (5, 9))
    assert grid.axes == (0, 1) and grid.fixed == ((2, 1.0),)
    assert grid.values.shape == (5, 9)
    np.testing.assert_array_equal(grid.x1, np.linspace(0, 1, 9))
    np.testing.assert_array_equal(grid.x2, np.linspace(1, 0, 5))
    for r, x2 in enumerate(grid.x2):
        for c, x1 in enumerate(grid.x1):
            expected = net.forward(params, np.array([[x1, x2, 1.0]]))[0, 0]
            assert grid.values[r, c] == pytest.approx(expected, rel=1e-12)
    cells = {(p.x1, p.x2): (p.row, p.col, p.target) for p in grid.points}
    assert cells == {(0, 0): (4, 0, 0.0), (0, 1): (0, 0, 1.0), (1, 0): (4, 8, 1.0), (1, 1): (0, 8, 0.0)}
    outputs = net.forward(params, net.data.X)
    for p in grid.points:  # the corners are grid points: the cell shows the point's own output
        assert grid.values[p.row, p.col] == pytest.approx(outputs[p.index, 0], rel=1e-12)


def test_prediction_grid_pads_data_outside_the_unit_square() -> None:
    X = np.array([[-2.0, 10.0], [3.0, 20.0], [0.5, 15.0]])
    y = np.array([[0.0], [1.0], [0.5]])
    net = Network(NetConfig(dataset="wide"), Dataset("wide", X, y))
    params = net.init_params()
    grid = prediction_grid(net, params, (11, 21))
    assert grid.fixed == () and grid.axes == (0, 1)
    assert grid.x1[0] < -2.0 and grid.x1[-1] > 3.0 and grid.x2[0] > 20.0 and grid.x2[-1] < 10.0
    step1, step2 = grid.x1[1] - grid.x1[0], grid.x2[0] - grid.x2[1]
    for p, (x1, x2) in zip(grid.points, X, strict=True):
        assert abs(grid.x1[p.col] - x1) <= step1 / 2 + 1e-12 and abs(grid.x2[p.row] - x2) <= step2 / 2 + 1e-12
    assert [p.target for p in grid.points] == [0.0, 1.0, 0.5]
    expected = net.forward(params, np.array([[grid.x1[3], grid.x2[7]]]))[0, 0]
    assert grid.values[7, 3] == pytest.approx(expected, rel=1e-12)


def test_prediction_grid_of_plain_xor_and_one_cell() -> None:
    net = build(NetConfig(dataset="xor", bias=True))
    grid = prediction_grid(net, net.init_params(), (1, 1))
    assert grid.axes == (0, 1) and grid.values.shape == (1, 1)
    assert grid.x1.tolist() == [0.5] and grid.x2.tolist() == [0.5]
    assert {(p.row, p.col) for p in grid.points} == {(0, 0)}


@pytest.mark.parametrize("inputs", [1, 3])
def test_prediction_grid_refuses_datasets_without_two_varying_inputs(inputs: int) -> None:
    rng = np.random.RandomState(0)
    data = Dataset("odd", rng.uniform(size=(5, inputs)), rng.uniform(size=(5, 1)))
    net = Network(NetConfig(dataset="odd"), data)
    assert plot_axes(net) is None
    with pytest.raises(NotPlottableError, match="not two varying") as raised:
        prediction_grid(net, net.init_params())
    assert isinstance(raised.value, TuinetError)


def test_prediction_grid_refuses_bad_resolutions() -> None:
    net = build(NetConfig())
    for resolution in [(0, 5), (5, 0), (1001, 5)]:
        with pytest.raises(GridError, match="1 to 1000"):
            prediction_grid(net, net.init_params(), resolution)
