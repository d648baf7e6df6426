"""Numerics never warn or crash: huge values saturate or diverge, and divergence is reported as a state."""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pytest

from tuinet.engine import History, NetConfig, Network, Params, build, gradient_check
from tuinet.engine.activations import sigmoid
from tuinet.engine.datasets import Dataset
from tuinet.words.cells import cell_count, cell_position, explain_cell
from tuinet.words.numbers import fmt


@contextmanager
def strict_numpy() -> Iterator[None]:
    """Any floating-point event that is not silenced on purpose fails the test (warning or exception)."""
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        yield


def _scaled(net: Network, factor: float) -> Params:
    start = net.init_params()
    return Params.frozen([w * factor for w in start.W], [b + factor for b in start.b])


def _explain_everything(history: History, iteration: int) -> None:
    trace = history.trace(iteration)
    for op in trace.schedule:
        for index in range(cell_count(trace, op)):
            cell = explain_cell(trace, op, *cell_position(trace, op, index))
            assert "\n" not in cell.text


def _first_divergence(net: Network, start: Params, count: int) -> int | None:
    """Sequential replay: the first iteration whose loss or updated weights are not finite."""
    params = start
    for t in range(1, count + 1):
        result = net.fast_step(params, t)
        params = result.params
        if not math.isfinite(result.loss) or not all(np.isfinite(m).all() for m in (*params.W, *params.b)):
            return t
    return None


@pytest.mark.parametrize("hidden, bias", [((4, 4), True), ((4,), True), ((), False)])
def test_exploding_relu_linear_net_diverges_quietly(hidden: tuple[int, ...], bias: bool) -> None:
    """Weights ×1e4, lr 1e6, relu + linear output: inf and NaN arrive, and are reported, not raised."""
    net = build(NetConfig(activation="relu", output_activation="linear", lr=1e6, bias=bias, hidden=hidden))
    start = _scaled(net, 1e4)
    with strict_numpy():
        history = History(net, start)
        history.extend(60)
        expected = _first_divergence(net, start, 60)
        assert expected is not None and history.diverged_at == expected
        assert not math.isfinite(history.loss(60)) or not history.latest.finite
        diverged = history.trace(expected)
        assert diverged.diverged
        if expected > 1:
            assert not history.trace(expected - 1).diverged or not math.isfinite(history.loss(expected - 1))
        _explain_everything(history, expected)
        _explain_everything(history, 60)
        last = history.params_at(61)
        net.forward(last, net.data.X)
        net.loss_of(last, 61)
        check = gradient_check(net, last, 61)
        assert not check.ok
        history.extend(5)  # carrying on after divergence is allowed, and quiet
    assert history.head == 65 and history.diverged_at == expected


def test_dead_relus_stop_the_explosion() -> None:
    """Without biases the first huge update kills every relu: the output is 0 for good, the loss stays 1."""
    net = build(NetConfig(activation="relu", output_activation="linear", lr=1e6, hidden=(4, 4)))
    with strict_numpy():
        history = History(net, _scaled(net, 1e4))
        history.extend(20)
        assert history.diverged_at is None and history.losses()[1:] == [1.0] * 19
        assert not history.trace(20)["a2"].any()
        _explain_everything(history, 20)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_huge_pre_activations_saturate_without_warnings(activation: str) -> None:
    """Weights ×1e4 with a sigmoid output: σ saturates at exactly 0 or 1 and stays finite."""
    net = build(NetConfig(activation=activation, hidden=(4, 3), bias=True))
    start = _scaled(net, 1e4)
    with strict_numpy():
        history = History(net, start)
        history.extend(30)
        trace = history.trace(1)
        assert np.abs(trace["z1"]).max() > 700  # e^(−z) overflows for these
        assert set(np.unique(trace["a3"])) <= {0.0, 1.0}
        assert history.diverged_at is None and not trace.diverged
        _explain_everything(history, 1)
        gradient_check(net, start, 1, limit=12)


def test_sigmoid_limits_are_exact_and_quiet() -> None:
    z = np.array([[-1e308, -1e4, -745.2, 0.0, 745.2, 1e4, 1e308]])
    with strict_numpy():
        a = sigmoid(z)
    assert a[0, 0] == a[0, 1] == 0.0 and a[0, 3] == 0.5 and a[0, -1] == a[0, -2] == 1.0
    assert np.all(np.diff(a[0]) >= 0)


def test_huge_inputs_from_data() -> None:
    """Inputs at the CSV limit (±1e12) with a linear output: quiet, and divergence is a state."""
    X = np.array([[1e12, -1e12], [-1e12, 1e12], [3.0, 1e12]])
    y = np.array([[1.0], [0.0], [1e12]])
    net = Network(NetConfig(dataset="huge", output_activation="linear", hidden=(3,)), Dataset("huge", X, y))
    with strict_numpy():
        history = History(net)
        history.extend(300)
        assert history.diverged_at == _first_divergence(net, net.init_params(), 300)
        _explain_everything(history, 1)
        _explain_everything(history, history.diverged_at or 300)


def test_nan_and_inf_are_written_out() -> None:
    assert fmt(float("nan")) == "NaN" and fmt(float("inf")) == "inf" and fmt(-math.inf) == "−inf"
