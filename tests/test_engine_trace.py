"""Every matrix of a trace equals a straightforward numpy loop written in the tests.

The default network must be the classic tutorial bit for bit (a learner's notebook shows the same
numbers); other networks agree with tests/engine_reference.py to rtol 1e-12.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.engine_cases import describe, random_network, spec_of, with_random_biases
from tests.engine_reference import Array, iteration, tutorial
from tuinet.engine import NetConfig, Network, Params, Trace, build
from tuinet.words.names import label


def _next_params(net: Network, trace: Trace) -> Params:
    """The weights after a traced iteration, as the next iteration starts from them."""
    W = tuple(trace[f"W{i}_new"] for i in range(1, net.L + 1))
    b = tuple(trace[f"b{i}_new"] for i in range(1, net.L + 1)) if net.config.bias else ()
    return Params(W, b)


def expected_keys(L: int, bias: bool) -> set[str]:
    keys = {"a0", "y", "e", "loss"}
    for layer in range(1, L + 1):
        keys |= {f"z{layer}", f"a{layer}", f"W{layer}", f"W{layer}_new", f"delta{layer}", f"dadz{layer}", f"dW{layer}"}
        if bias:
            keys |= {f"b{layer}", f"b{layer}_new", f"db{layer}"}
    return keys


def test_default_net_is_the_tutorial_bit_for_bit() -> None:
    """1000 iterations of `np.random.seed(1); W1=np.random.random((3,4)) …`: every matrix identical."""
    net = build(NetConfig())
    X, y = net.data.X.copy(), net.data.y.copy()
    W1, W2, seen = tutorial(X, y, 1000)
    params = net.init_params()
    for t, ours in enumerate(seen, start=1):
        trace = net.step(params, t)
        for name in ("W1", "W2", "z1", "a1", "z2", "a2"):
            assert np.array_equal(trace[name], ours[name]), (t, name)
        # The tutorial writes y − a, (y − a)·σ′ and W += …; tuinet writes e = a − y, δ = e·σ′ and W −= lr·dW:
        # exact negatives of each other, bit for bit.
        for name, theirs in (("e", "error"), ("delta2", "d2"), ("delta1", "d1"), ("dW2", "up2"), ("dW1", "up1")):
            assert np.array_equal(trace[name], -ours[theirs]), (t, name)
        params = _next_params(net, trace)
    assert np.array_equal(params.W[0], W1) and np.array_equal(params.W[1], W2)
    final, losses, _ = net.run(net.init_params(), 1, 1000)
    assert np.array_equal(final.W[0], W1) and np.array_equal(final.W[1], W2)
    assert len(losses) == 1000 and losses[-1] < losses[0]


def _assert_matches_reference(net: Network, params: Params, t: int) -> None:
    trace = net.step(params, t)
    X, y = net.data.X[list(trace.rows)], net.data.y[list(trace.rows)]
    assert np.array_equal(trace["a0"], X) and np.array_equal(trace["y"], y)
    ref = iteration(spec_of(net, params), X, y)
    assert set(trace.matrices) == expected_keys(net.L, net.config.bias) == set(ref)
    for name, expected in ref.items():
        got = trace[name]
        assert got.shape == np.shape(expected), (name, got.shape, np.shape(expected))
        scale = float(np.max(np.abs(expected))) if np.size(expected) else 0.0
        assert np.allclose(got, expected, rtol=1e-12, atol=1e-13 * scale), (
            f"{name} at iteration {t} ({describe(net)}):\ntrace\n{got}\nreference\n{expected}"
        )


@pytest.mark.parametrize("seed", range(60))
def test_every_trace_matrix_matches_the_reference(seed: int) -> None:
    """Random networks, at iterations 1 and 3 (so batch-1 runs use other rows)."""
    net = random_network(seed)
    params = with_random_biases(net, net.init_params(), seed)
    _assert_matches_reference(net, params, 1)
    later, _, _ = net.run(params, 1, 2)
    _assert_matches_reference(net, later, 3)


@pytest.mark.parametrize(
    "config",
    [
        NetConfig(),
        NetConfig(bias=True, lr=0.5),
        NetConfig(hidden=(3, 2), activation="tanh", output_activation="linear", init="signed", loss="mean"),
        NetConfig(hidden=(), init="xavier", batch="1", seed=7),
        NetConfig(hidden=(5, 4, 3), activation="relu", output_activation="linear", init="xavier", bias=True),
        NetConfig(dataset="and", hidden=(2,), batch="1", loss="mean", bias=True, lr=3.0),
    ],
    ids=["tutorial", "bias", "tanh-linear-mean", "no-hidden-batch1", "relu-deep", "and-batch1-mean"],
)
def test_named_configs_match_the_reference(config: NetConfig) -> None:
    """Built-in datasets, including a network with no hidden layer, at iterations 1, 2 and 50."""
    net = build(config)
    params = with_random_biases(net, net.init_params(), 3)
    for t in (1, 2, 50):
        at_t, _, _ = net.run(params, 1, t - 1)
        _assert_matches_reference(net, at_t, t)


@pytest.mark.parametrize("seed", range(40))
def test_traced_and_untraced_paths_are_bit_identical(seed: int) -> None:
    """run, fast_step and a chain of step() compute the same bits; forward/loss_of agree with the trace."""
    net = random_network(seed)
    start = with_random_biases(net, net.init_params(), seed)
    ran, losses, output = net.run(start, 1, 12)
    stepped = start
    for t in range(1, 13):
        trace = net.step(stepped, t)
        fast = net.fast_step(stepped, t)
        assert trace.loss == losses[t - 1] == fast.loss or np.isnan(losses[t - 1])
        for mine, theirs in zip((*fast.params.W, *fast.params.b), _flat(_next_params(net, trace)), strict=True):
            assert np.array_equal(mine, theirs, equal_nan=True)
        X = net.data.X[list(trace.rows)]
        assert np.array_equal(net.forward(stepped, X), trace[f"a{net.L}"], equal_nan=True)
        assert net.loss_of(stepped, t) == trace.loss or np.isnan(trace.loss)
        stepped = fast.params
    for mine, theirs in zip(_flat(ran), _flat(stepped), strict=True):
        assert np.array_equal(mine, theirs, equal_nan=True)
    assert output is not None and np.array_equal(output, trace[f"a{net.L}"], equal_nan=True)


def test_trace_and_params_are_read_only() -> None:
    """Nothing the engine hands out can be changed by accident (the UI shares these arrays)."""
    net = build(NetConfig(bias=True))
    params = net.init_params()
    trace = net.step(params, 1)
    for name, matrix in trace.matrices.items():
        with pytest.raises(ValueError, match="read-only"):
            matrix[0, 0] = 1.0
        assert matrix.dtype == np.float64 and matrix.ndim == 2, name
    for matrix in (*params.W, *params.b, *net.fast_step(params, 1).params.W, *net.run(params, 1, 3)[0].W):
        with pytest.raises(ValueError, match="read-only"):
            matrix[0, 0] = 1.0
    with pytest.raises(TypeError):
        trace.matrices["W1"] = params.W[0]  # type: ignore[index]


def test_trace_records_the_iteration_and_rows() -> None:
    net = build(NetConfig())
    trace = net.step(net.init_params(), 7)
    assert trace.iteration == 7 and trace.rows == (0, 1, 2, 3) and trace.layers == 2 and not trace.bias
    assert list(trace.schema.json_keys) == [
        *("a0", "z1", "a1", "z2", "a2", "W1", "W2", "e", "delta1", "delta2", "dW1", "dW2", "loss"),
    ]
    assert set(trace.schema.json_keys) <= set(trace.matrices)
    assert label(trace, "delta2") == "δ2" and label(trace, "W1_new") == "W1′" and label(trace, "dadz1") == "σ′(z1)"


def _flat(params: Params) -> tuple[Array, ...]:
    return (*params.W, *params.b)
