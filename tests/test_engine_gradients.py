"""Backprop's gradients equal central finite differences of the loss, on many random networks.

Two independent checks: the finite differences written in tests/engine_reference.py (over a forward
pass that shares no code with the engine), and the engine's own gradient_check — so a bug in
gradcheck cannot hide a bug in the network, nor the other way round.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from tests.engine_cases import describe, random_network, spec_of, with_random_biases
from tests.engine_reference import Array, finite_differences
from tuinet.engine import ACTIVATIONS, NetConfig, Network, Params, build, gradient_check
from tuinet.engine.datasets import Dataset

H = 1e-5
TOLERANCE = 1e-5
"""Relative; measured worst case over 200 random networks is 7e-7."""


def noise(loss: float) -> float:
    """The rounding noise of a central difference: C(w ± h) are each rounded to ~ε·|C|, over 2h (×10 headroom)."""
    return 10 * float(np.finfo(np.float64).eps) * abs(loss) / H + 1e-300


def disagreement(analytic: Array, numeric: Array, loss: float) -> Array:
    """How far each analytic gradient is from its finite difference, in units of what is allowed.

    Allowed: TOLERANCE relative, plus the difference's own noise (a gradient below it cannot be resolved).
    """
    return np.abs(analytic - numeric) / (TOLERANCE * (np.abs(analytic) + np.abs(numeric)) + noise(loss))


def check_against_differences(net: Network, params: Params, iteration: int) -> None:
    trace = net.step(params, iteration)
    assert np.isfinite(trace.loss), "a diverged network would compare NaN with NaN and prove nothing"
    numeric = finite_differences(spec_of(net, params), trace["a0"], trace["y"], H)
    assert set(numeric) == {f"dW{i}" for i in range(1, net.L + 1)} | (
        {f"db{i}" for i in range(1, net.L + 1)} if net.config.bias else set()
    )
    for name, (grad, valid) in numeric.items():
        bad = (disagreement(trace[name], grad, trace.loss) > 1) & valid
        assert not bad.any(), (
            f"{name} at iteration {iteration} ({describe(net)}):\nanalytic\n{trace[name]}\nnumeric\n{grad}"
        )

    # The engine's own check must agree: same verdict on every valid entry, same numbers.
    check = gradient_check(net, params, iteration, h=H, tolerance=TOLERANCE)
    assert len(check.entries) == sum(g.size for g, _ in numeric.values())
    for entry in check.entries:
        grad, valid = numeric[entry.name]
        if not valid[entry.row, entry.col]:
            continue  # a relu kink lies within ±h: neither difference means anything here
        assert entry.analytic == trace[entry.name][entry.row, entry.col]
        assert entry.numeric == pytest.approx(grad[entry.row, entry.col], rel=1e-6, abs=noise(trace.loss)), entry
        assert entry.rel_error <= TOLERANCE, f"{entry} ({describe(net)})"


@pytest.mark.parametrize("seed", range(100))
def test_gradients_match_finite_differences(seed: int) -> None:
    """Random depth 1–3, widths, activations, output, bias, loss, batch, init: at iterations 1 and 4."""
    net = random_network(seed)
    params = with_random_biases(net, net.init_params(), seed)
    check_against_differences(net, params, 1)
    later, _, _ = net.run(params, 1, 3)
    check_against_differences(net, later, 4)


@pytest.mark.parametrize(
    "options",
    [
        {"activation": "relu", "output_activation": "linear", "bias": True, "hidden": (5, 4, 3)},
        {"activation": "tanh", "output_activation": "linear", "loss": "mean", "batch": "1", "hidden": (3,)},
        {"activation": "sigmoid", "output_activation": "sigmoid", "init": "xavier", "hidden": (1,)},
        {"activation": "relu", "output_activation": "sigmoid", "loss": "mean", "bias": True, "hidden": (6, 6)},
    ],
    ids=["relu-linear-bias-deep", "tanh-mean-batch1", "sigmoid-width1", "relu-mean-bias"],
)
def test_gradients_of_chosen_corners(options: dict[str, object]) -> None:
    """Combinations a random draw might miss, over several seeds each."""
    for seed in range(5):
        net = random_network(1000 + seed, **options)
        params = with_random_biases(net, net.init_params(), seed)
        check_against_differences(net, params, 1 + seed)


def test_tutorial_net_gradients_after_training() -> None:
    """The default net, deep into training (small gradients, small loss): still exact."""
    net = build(NetConfig())
    params, _, _ = net.run(net.init_params(), 1, 5000)
    check_against_differences(net, params, 5001)


def test_a_wrong_derivative_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """The checks can fail: with σ′ off by 1 %, both the test's differences and gradient_check object."""
    sigmoid = ACTIVATIONS["sigmoid"]
    wrong = dataclasses.replace(sigmoid, prime=lambda z, a: sigmoid.prime(z, a) * 1.01)
    monkeypatch.setitem(ACTIVATIONS, "sigmoid", wrong)
    net = build(NetConfig())
    params = net.init_params()
    with pytest.raises(AssertionError, match=r"^dW\d at iteration 1 "):
        check_against_differences(net, params, 1)
    assert not gradient_check(net, params, 1).ok


def test_relu_kinks_are_recognised() -> None:
    """A hidden relu unit sitting exactly at z = 0: its weights' differences are flagged, not compared.

    The engine takes relu′(0) = 0, so the analytic gradient into that unit is 0, while a central
    difference straddling the kink sees half the slope; the test's guard must skip exactly those.
    """
    X = np.array([[1.0, 2.0], [0.5, -1.0]])
    y = np.array([[1.0], [0.0]])
    net = Network(NetConfig(dataset="kink", hidden=(2,), activation="relu", output_activation="linear"), _data(X, y))
    W1 = np.array([[2.0, 0.3], [-1.0, 0.2]])  # unit 0 of row 0: 1·2 + 2·(−1) = 0 exactly
    params = Params.frozen([W1, np.array([[0.7], [-0.4]])], [])
    trace = net.step(params, 1)
    assert trace["z1"][0, 0] == 0.0
    numeric = finite_differences(spec_of(net, params), trace["a0"], trace["y"], H)
    grad, valid = numeric["dW1"]
    assert not valid[:, 0].any() and valid[:, 1].all()
    # Straddling the kink, the difference sees half of row 0's slope, which backprop (rightly) leaves out.
    assert abs(grad[0, 0] - trace["dW1"][0, 0]) > 0.1


def _data(X: Array, y: Array) -> Dataset:
    return Dataset("test", X, y)
