"""The presets reproduce their sources' printed numbers, to the source's digits, from tuinet's own engine.

Sources (each also cited at the top of its preset file, tuinet/presets/NAME.toml):
- trask-1layer, trask-2layer: Andrew Trask, "A Neural Network in 11 lines of Python (Part 1)", 12 July 2015,
  https://iamtrask.github.io/2015/07/12/basic-python-network/ — the output blocks under "2 Layer Neural Network"
  and "3 Layer Neural Network".
- mazur: Matt Mazur, "A Step by Step Backpropagation Example", 17 March 2015,
  https://mattmazur.com/2015/03/17/a-step-by-step-backpropagation-example/ — every number of the worked step,
  and the error after the first round and after 10,000.
- hagan: Hagan, Demuth, Beale & De Jesús, Neural Network Design, 2nd ed., ch. 11 "Backpropagation", Example
  (https://hagan.okstate.edu/NNDesign.pdf).

The printed digits live in the preset files ([[printed]]); these tests check, for every one, that tuinet's
engine value rounds to exactly those digits — or, where the preset says the source differs from its own rule,
that it does *not*, and that the rule's value (from an independent numpy computation here) is what tuinet shows.
The independent computations follow each source's own algorithm, in its own orientation and sign convention.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import pytest

from tests.cli_run import run_json
from tuinet.engine import History, build
from tuinet.scenario import PRESETS, load_preset
from tuinet.scenario.quantities import evaluate
from tuinet.words.lessons import matches, rounded_like


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


@functools.cache
def _engine_values(name: str) -> list[tuple[str, str, float, bool]]:
    scenario = load_preset(name)
    assert scenario.lesson is not None
    history = History(build(scenario.config))
    out = []
    for p in scenario.lesson.printed:
        value = evaluate(p.expression, history.trace(p.iteration))
        out.append((p.label, p.printed, value, bool(p.differs)))
        assert matches(value, p) is not bool(p.differs), (p.label, p.printed, rounded_like(value, p.printed, p.figures))
    return out


def test_every_preset_is_listed_with_its_source() -> None:
    assert PRESETS == ("tutorial", "trask-1layer", "trask-2layer", "mazur", "hagan")
    for name in PRESETS:
        scenario = load_preset(name)
        assert scenario.name == name and scenario.source and scenario.url.startswith("https://")


def test_tutorial_preset_is_the_default_network() -> None:
    from tuinet.engine import NetConfig

    assert load_preset("tutorial").config == NetConfig()


@pytest.mark.parametrize("name", ["trask-1layer", "trask-2layer", "mazur", "hagan"])
def test_printed_numbers_match_to_the_sources_digits(name: str) -> None:
    values = _engine_values(name)
    expected_count = {"trask-1layer": 4, "trask-2layer": 6, "mazur": 33, "hagan": 17}[name]
    assert len(values) == expected_count


def test_trask_1layer_is_the_posts_code_bit_for_bit() -> None:
    """The post's 2-layer code, verbatim in numpy: tuinet's iteration 10,000 forward pass is its `print l1`."""
    X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=float)
    y = np.array([[0, 0, 1, 1]], dtype=float).T
    np.random.seed(1)
    syn0 = 2 * np.random.random((3, 1)) - 1
    for _ in range(10000):
        l1 = _sigmoid(np.dot(X, syn0))
        l1_delta = (y - l1) * (l1 * (1 - l1))
        syn0 += np.dot(X.T, l1_delta)
    trace = History(build(load_preset("trask-1layer").config)).trace(10000)
    assert np.array_equal(trace["a1"], l1)
    assert np.array_equal(trace["W1_new"], syn0)
    # The post's output block, 8 decimals.
    assert [f"{v:.8f}" for v in l1.ravel()] == ["0.00966449", "0.00786506", "0.99358898", "0.99211957"]


def test_trask_2layer_error_lines_are_mean_abs_error_before_the_update() -> None:
    X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=float)
    y = np.array([[0, 1, 1, 0]], dtype=float).T
    np.random.seed(1)
    syn0 = 2 * np.random.random((3, 4)) - 1
    syn1 = 2 * np.random.random((4, 1)) - 1
    errors = {}
    for j in range(10001):  # the post's code, to its second "Error:" line (the engine test covers all six)
        l1 = _sigmoid(np.dot(X, syn0))
        l2 = _sigmoid(np.dot(l1, syn1))
        l2_error = y - l2
        if j % 10000 == 0:
            errors[j + 1] = float(np.mean(np.abs(l2_error)))
        l2_delta = l2_error * (l2 * (1 - l2))
        l1_delta = l2_delta.dot(syn1.T) * (l1 * (1 - l1))
        syn1 += l1.T.dot(l2_delta)
        syn0 += X.T.dot(l1_delta)
    history = History(build(load_preset("trask-2layer").config))
    for iteration, error in errors.items():
        assert evaluate("mean(abs(e))", history.trace(iteration)) == error
    assert format(errors[10001], ".12g") == "0.00858452565325"


def _mazur_rule(steps: int, updated_w2_for_hidden: bool = False) -> tuple[float, np.ndarray]:
    """The post's algorithm, neuron by neuron: E = Σ ½(t − o)², biases never updated, all weights from the old
    ones (or, the pre-fix script, the hidden deltas through the already-updated w5…w8). Returns (E, outputs)
    of the forward pass after ``steps`` updates."""
    i1, i2, t1, t2, b1, b2, eta = 0.05, 0.10, 0.01, 0.99, 0.35, 0.60, 0.5
    w = [0.0, 0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55]  # w[1]…w[8], the post's numbering

    def forward() -> tuple[float, float, float, float]:
        h1 = 1 / (1 + math.exp(-(w[1] * i1 + w[2] * i2 + b1)))
        h2 = 1 / (1 + math.exp(-(w[3] * i1 + w[4] * i2 + b1)))
        o1 = 1 / (1 + math.exp(-(w[5] * h1 + w[6] * h2 + b2)))
        o2 = 1 / (1 + math.exp(-(w[7] * h1 + w[8] * h2 + b2)))
        return h1, h2, o1, o2

    for _ in range(steps):
        h1, h2, o1, o2 = forward()
        d1, d2 = (o1 - t1) * o1 * (1 - o1), (o2 - t2) * o2 * (1 - o2)
        new = list(w)
        new[5], new[6], new[7], new[8] = (
            w[5] - eta * d1 * h1,
            w[6] - eta * d1 * h2,
            w[7] - eta * d2 * h1,
            w[8] - eta * d2 * h2,
        )
        back = new if updated_w2_for_hidden else w
        dh1 = (d1 * back[5] + d2 * back[7]) * h1 * (1 - h1)
        dh2 = (d1 * back[6] + d2 * back[8]) * h2 * (1 - h2)
        new[1], new[2], new[3], new[4] = (
            w[1] - eta * dh1 * i1,
            w[2] - eta * dh1 * i2,
            w[3] - eta * dh2 * i1,
            w[4] - eta * dh2 * i2,
        )
        w = new
    _, _, o1, o2 = forward()
    return 0.5 * (t1 - o1) ** 2 + 0.5 * (t2 - o2) ** 2, np.array([o1, o2])


def test_mazur_where_the_post_differs_tuinet_shows_the_posts_own_rule() -> None:
    history = History(build(load_preset("mazur").config))
    E1, _ = _mazur_rule(1)
    assert history.trace(2).loss == pytest.approx(E1, rel=1e-14)
    assert f"{history.trace(2).loss:.9f}" == "0.291027774"
    E10k, out10k = _mazur_rule(10000)
    trace = history.trace(10001)
    assert trace.loss == pytest.approx(E10k, rel=1e-9)
    assert np.allclose(trace["a2"].ravel(), out10k, rtol=1e-12)
    assert [f"{v:.9f}" for v in trace["a2"].ravel()] == ["0.015913620", "0.984064274"]
    assert f"{trace.loss:.10f}" == "0.0000351019"
    # The post's figures are the pre-fix script's (hidden deltas through the updated w5…w8), exactly:
    E1_old, _ = _mazur_rule(1, updated_w2_for_hidden=True)
    assert f"{E1_old:.9f}" == "0.291027924"
    _, out_old = _mazur_rule(10000, updated_w2_for_hidden=True)
    assert [f"{v:.9f}" for v in out_old] == ["0.015912196", "0.984065734"]
    # …while its E after 10,000 (0.0000351085) matches neither; it equals the rule's E after 9,999 updates,
    assert f"{history.trace(10000).loss:.10f}" == "0.0000351085"
    # The post's last digit of ∂E_o2/∂out_h1 comes from its rounded δo2 (as the on-screen note says):
    delta_o2 = history.trace(1)["delta2"][0, 1]
    assert f"{delta_o2:.9f}" == "-0.038098237" and f"{delta_o2 * 0.5:.9f}" == "-0.019049118"
    assert rounded_like(-0.038098237 * 0.5, "-0.019049119") == "-0.019049119"
    # and the post's own outputs give 0.0000350848 (as the on-screen note says).
    assert f"{0.5 * (0.015912196 - 0.01) ** 2 + 0.5 * (0.99 - 0.984065734) ** 2:.10f}" == "0.0000350848"


def test_hagan_in_the_books_orientation_and_signs() -> None:
    """The book's equations, W as outputs×inputs, F = e², s = ∂F/∂n, e = t − a: tuinet's δ equals its s."""
    p, t, alpha = np.array([[1.0]]), 1 + math.sin(math.pi / 4), 0.1
    W1, b1 = np.array([[-0.27], [-0.41]]), np.array([[-0.48], [-0.13]])
    W2, b2 = np.array([[0.09, -0.17]]), np.array([[0.48]])
    a1 = _sigmoid(W1 @ p + b1)
    a2 = W2 @ a1 + b2
    e = t - a2
    s2 = -2 * 1 * e
    s1 = np.diagflat((1 - a1) * a1) @ W2.T @ s2
    trace = History(build(load_preset("hagan").config)).trace(1)
    assert np.allclose(trace["delta2"], s2.T, rtol=1e-15) and np.allclose(trace["delta1"], s1.T, rtol=1e-15)
    assert np.allclose(trace["W2_new"], (W2 - alpha * s2 @ a1.T).T, rtol=1e-15)
    assert np.allclose(trace["b2_new"], (b2 - alpha * s2).T, rtol=1e-15)
    assert np.allclose(trace["W1_new"], (W1 - alpha * s1 @ p.T).T, rtol=1e-15)
    assert np.allclose(trace["b1_new"], (b1 - alpha * s1).T, rtol=1e-15)
    assert trace.loss == pytest.approx(float(e[0, 0] ** 2), rel=1e-15)  # F = e², no ½


@pytest.mark.parametrize("name", ["trask-1layer", "trask-2layer", "mazur", "hagan"])
def test_train_json_reports_every_printed_number(capsys: pytest.CaptureFixture[str], name: str) -> None:
    """`tuinet train --preset NAME --json` runs the source's number of steps and lists each printed number."""
    report = run_json(capsys, "--preset", name)
    scenario = load_preset(name)
    assert scenario.lesson is not None and report["steps"] == scenario.steps
    printed = report["printed"]
    assert [p["label"] for p in printed] == [
        p.label for p in sorted(scenario.lesson.printed, key=lambda p: p.iteration)
    ]
    for entry in printed:
        assert entry["matches"] is (entry["differs"] is None)
        if entry["matches"]:
            assert entry["tuinet_rounded"] == entry["printed"].replace("−", "-")
    values = {label: value for label, _, value, _ in _engine_values(name)}
    assert {p["label"]: p["tuinet"] for p in printed} == values


def test_train_json_mazur_first_step(capsys: pytest.CaptureFixture[str]) -> None:
    report = run_json(capsys, "--preset", "mazur", "--steps", "1")
    assert f"{report['loss'][0]:.9f}" == "0.298371109"
    assert [f"{v:.9f}" for v in report["weights"]["W2"][0]] == ["0.358916480", "0.511301270"]
    assert report["weights"]["b1"] == [[0.35, 0.35]]  # frozen: never updated
    # Only the numbers a 1-step run reaches: the worked step and the error after the first round.
    assert {p["iteration"] for p in report["printed"]} == {1, 2}


def test_train_summary_lists_the_printed_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    from tests.cli_run import run

    code, out, _ = run(capsys, "train", "--preset", "mazur", "--steps", "1")
    assert code == 0
    assert "Matt Mazur prints · tuinet computes" in out
    assert "1: w5⁺: printed 0.35891648 · tuinet 0.35891648 · matches" in out
    assert "2: E_total after the first round: printed 0.291027924 · tuinet 0.291027774 · differs" in out
