"""Initial weights come from the learner's own random stream; stochastic batches visit every row."""

from __future__ import annotations

import itertools
import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from tests.engine_cases import random_network
from tuinet.engine import NetConfig, Network, build
from tuinet.engine.datasets import Dataset


def _net(hidden: tuple[int, ...], init: str, seed: int, inputs: int = 3, outputs: int = 2, rows: int = 5) -> Network:
    X = np.arange(rows * inputs, dtype=np.float64).reshape(rows, inputs)
    y = np.zeros((rows, outputs))
    config = NetConfig(dataset="grid", targets=outputs, hidden=hidden, init=init, seed=seed, bias=True)
    return Network(config, Dataset("grid", X, y))


def _numpy_stream(seed: int, sizes: tuple[int, ...]) -> list[np.ndarray]:
    """What a notebook gets from `np.random.seed(seed); np.random.random((n0, n1)); …`."""
    state = np.random.get_state()
    try:
        np.random.seed(seed)
        return [np.random.random((m, n)) for m, n in itertools.pairwise(sizes)]
    finally:
        np.random.set_state(state)


@pytest.mark.parametrize("seed", [0, 1, 2, 42, 12345, 2**32 - 1])
@pytest.mark.parametrize("hidden", [(), (4,), (5, 3), (2, 7, 4)])
def test_uniform_init_is_the_numpy_global_stream(seed: int, hidden: tuple[int, ...]) -> None:
    """Layer by layer, exactly what np.random.seed(seed); np.random.random(shape) draws."""
    net = _net(hidden, "uniform", seed)
    params = net.init_params()
    expected = _numpy_stream(seed, net.sizes)
    assert len(params.W) == len(expected) == len(hidden) + 1
    for W, want in zip(params.W, expected, strict=True):
        assert W.shape == want.shape and np.array_equal(W, want)
    assert all(b.shape == (1, n) and not b.any() for b, n in zip(params.b, net.sizes[1:], strict=True))


def test_default_init_is_the_tutorial() -> None:
    params = build(NetConfig()).init_params()
    np.testing.assert_array_equal(params.W[0], _numpy_stream(1, (3, 4, 1))[0])
    np.testing.assert_array_equal(params.W[1], _numpy_stream(1, (3, 4, 1))[1])
    assert params.b == ()


@pytest.mark.parametrize("seed", [0, 1, 99])
@pytest.mark.parametrize("hidden", [(4,), (5, 3)])
def test_signed_is_two_u_minus_one(seed: int, hidden: tuple[int, ...]) -> None:
    uniform = _net(hidden, "uniform", seed).init_params()
    signed = _net(hidden, "signed", seed).init_params()
    for u, s in zip(uniform.W, signed.W, strict=True):
        assert np.array_equal(s, 2 * u - 1)
        assert (s >= -1).all() and (s < 1).all()


@pytest.mark.parametrize("seed", [0, 1, 99])
def test_xavier_is_scaled_signed_and_within_glorot_bounds(seed: int) -> None:
    net = _net((64, 8), "xavier", seed, inputs=16, outputs=3, rows=2)
    uniform = _net((64, 8), "uniform", seed, inputs=16, outputs=3, rows=2).init_params()
    for W, u, (fan_in, fan_out) in zip(net.init_params().W, uniform.W, [(16, 64), (64, 8), (8, 3)], strict=True):
        bound = math.sqrt(6.0 / (fan_in + fan_out))
        assert W.shape == (fan_in, fan_out)
        assert np.abs(W).max() <= bound
        assert np.abs(W).max() > 0.9 * bound  # the whole range is used, not a narrower one
        np.testing.assert_allclose(W, (2 * u - 1) * bound, rtol=1e-15)


def test_init_depends_on_the_seed_only() -> None:
    a, b, c = (_net((4,), "uniform", s).init_params() for s in (5, 5, 6))
    assert np.array_equal(a.W[0], b.W[0]) and not np.array_equal(a.W[0], c.W[0])


# -- stochastic batches -------------------------------------------------------------------------


def _stochastic(seed: int, rows: int) -> Network:
    X = np.arange(rows, dtype=np.float64).reshape(rows, 1)
    return Network(NetConfig(dataset="rows", batch="1", seed=seed), Dataset("rows", X, X.copy()))


@pytest.mark.parametrize("rows", [1, 2, 4, 7, 30])
def test_batch_one_visits_every_row_once_per_epoch(rows: int) -> None:
    net = _stochastic(3, rows)
    epochs = [[net.rows_for(t) for t in range(1 + e * rows, 1 + (e + 1) * rows)] for e in range(6)]
    for epoch in epochs:
        assert all(len(r) == 1 for r in epoch)
        assert sorted(r[0] for r in epoch) == list(range(rows))
    if rows >= 4:
        assert len({tuple(epoch) for epoch in epochs}) > 1  # a fresh shuffle each epoch, not one order repeated


def test_batch_one_trace_uses_that_row() -> None:
    net = _stochastic(11, 7)
    params = net.init_params()
    for t in (1, 2, 7, 8, 50):
        (row,) = net.rows_for(t)
        trace = net.step(params, t)
        assert trace.rows == (row,)
        assert np.array_equal(trace["a0"], net.data.X[row : row + 1])
        assert np.array_equal(trace["y"], net.data.y[row : row + 1])
        assert trace["z1"].shape == (1, 4)


def test_batch_one_order_is_deterministic_for_a_seed() -> None:
    first = [_stochastic(8, 9).rows_for(t) for t in range(1, 100)]
    again = [_stochastic(8, 9).rows_for(t) for t in range(1, 100)]
    other = [_stochastic(9, 9).rows_for(t) for t in range(1, 100)]
    assert first == again and first != other
    # Any iteration's row is known without walking through the ones before it.
    net = _stochastic(8, 9)
    assert [net.rows_for(t) for t in range(99, 0, -1)] == first[::-1]


def test_batch_one_training_is_reproducible() -> None:
    one = random_network(5, batch="1")
    two = random_network(5, batch="1")
    W1, losses1, _ = one.run(one.init_params(), 1, 40)
    W2, losses2, _ = two.run(two.init_params(), 1, 40)
    assert losses1 == losses2 and all(np.array_equal(a, b) for a, b in zip(W1.W, W2.W, strict=True))


def test_full_batch_uses_every_row_in_order() -> None:
    net = build(NetConfig(dataset="or"))
    assert net.rows_for(1) == net.rows_for(1000) == (0, 1, 2, 3)
    assert np.array_equal(net.step(net.init_params(), 3)["a0"], net.data.X)


@pytest.mark.parametrize("seed", [0, 1, 2**32 - 1])
def test_batch_one_order_is_randomstate_of_seed_and_epoch(seed: int) -> None:
    """The documented contract: epoch e walks RandomState([seed, e]).permutation(rows)."""
    net = _stochastic(seed, 6)
    for epoch in (0, 1, 2, 1000):
        order = np.random.RandomState([seed, epoch]).permutation(6)
        assert [net.rows_for(1 + epoch * 6 + k)[0] for k in range(6)] == order.tolist()


def test_batch_one_rows_are_right_from_many_threads() -> None:
    """Threads asking for rows of different epochs at once all get the sequential answer."""
    expected = [_stochastic(4, 5).rows_for(t) for t in range(1, 2001)]
    net = _stochastic(4, 5)
    iterations = list(range(1, 2001))
    shuffled = iterations[::7] + iterations[3::7] + iterations[1::7] + iterations[5::7]
    shuffled += iterations[2::7] + iterations[6::7] + iterations[4::7]
    with ThreadPoolExecutor(max_workers=4) as pool:
        got = dict(zip(shuffled, pool.map(net.rows_for, shuffled), strict=True))
    assert [got[t] for t in iterations] == expected
