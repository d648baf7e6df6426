"""The misconception lab: each mistake's numbers and messages, recomputed here independently with numpy."""

from __future__ import annotations

import numpy as np
import pytest

from tests.cli_run import run
from tuinet.engine import NetConfig, Params, build
from tuinet.engine.history import History
from tuinet.engine.network import Network
from tuinet.engine.types import Matrix
from tuinet.words.mistakes import MISTAKES, MistakeError, Report, run_mistake


def lab(name: str, config: NetConfig | None = None, iterations: int = 5) -> tuple[Report, Network]:
    network = build(config or NetConfig())
    return run_mistake(name, network, History(network).params_at(1), 1, iterations), network


def numpy_error(run: object) -> str:
    try:
        run()  # type: ignore[operator]
    except ValueError as error:
        return f"ValueError: {error}".strip()  # numpy ends some messages with a space
    raise AssertionError("numpy accepted it")


def sigmoid(z: Matrix) -> Matrix:
    return 1.0 / (1.0 + np.exp(-z))


def tutorial_losses(update: str, steps: int) -> list[float]:
    """The tutorial loop written out, with a chosen (possibly wrong) update; the loss before each update."""
    np.random.seed(1)
    W1, W2 = np.random.random((3, 4)), np.random.random((4, 1))
    X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=float)
    y = np.array([[0, 1, 1, 0]], dtype=float).T
    losses = []
    for _ in range(steps):
        a1 = sigmoid(X.dot(W1))
        a2 = sigmoid(a1.dot(W2))
        e = a2 - y
        losses.append(0.5 * float(np.sum(e * e)))
        d2 = e * a2 * (1 - a2)
        d1 = d2.dot(W2.T) * a1 * (1 - a1)
        if update == "no-activation":
            W2, W1 = W2 - d2, W1 - X.T.dot(d1)  # W1 −= δ1 cannot run: numpy refuses (3,4) − (4,4)
        elif update == "sign":
            W2, W1 = W2 + a1.T.dot(d2), W1 + X.T.dot(d1)
        else:
            W2, W1 = W2 - a1.T.dot(d2), W1 - X.T.dot(d1)
    return losses


def test_no_activation_runs_on_the_default_net_only_by_coincidence_and_its_loss() -> None:
    report, _ = lab("no-activation")
    out, hidden = report.attempts
    assert out.code == "W2 -= lr * delta2" and out.ran and out.shape == (4, 1)
    W1, d1 = np.ones((3, 4)), np.ones((4, 4))

    def inplace() -> None:
        W1.__isub__(d1)

    assert hidden.error == numpy_error(inplace)
    assert "4 samples" in report.symptom and "same shape by coincidence" in report.symptom
    assert report.losses_wrong == pytest.approx(tutorial_losses("no-activation", 5), rel=1e-12)
    assert report.losses_right == pytest.approx(tutorial_losses("right", 5), rel=1e-12)


def test_no_activation_with_another_width_is_numpys_shape_error() -> None:
    report, _ = lab("no-activation", NetConfig(hidden=(5,)))
    assert not report.attempts[0].ran
    assert report.attempts[0].error == numpy_error(lambda: np.ones((5, 1)).__isub__(np.ones((4, 1))))
    assert report.losses_wrong == ()


def test_kron_shape_against_W() -> None:
    report, network = lab("kron")
    trace = network.step(network.init_params(), 1)
    by_code = {a.code: a for a in report.attempts}
    k = by_code["np.kron(a0.T, delta1)"]
    assert k.shape == (12, 16) == np.kron(trace["a0"].T, trace["delta1"]).shape and k.expected == (3, 4)
    assert by_code["W1 -= lr * np.kron(a0.T, delta1)"].error == numpy_error(
        lambda: np.ones((3, 4)).__isub__(np.ones((12, 16)))
    )
    assert "12×16" in report.symptom and "3×4" in report.symptom


def test_no_transpose_numpy_message_and_the_square_coincidence() -> None:
    report, network = lab("no-transpose")
    trace = network.step(network.init_params(), 1)
    by_code = {a.code: a for a in report.attempts}
    assert by_code["a0.dot(delta1)"].error == numpy_error(lambda: trace["a0"].dot(trace["delta1"]))
    assert "not aligned" in by_code["a0.dot(delta1)"].error
    assert by_code["a1.dot(delta2)"].ran  # a1 is 4×4: it runs, with wrong numbers
    assert "a1.dot(delta2) runs only because a1 is square" in report.symptom


def test_sign_loss_goes_up_beside_the_right_update() -> None:
    report, _ = lab("sign", iterations=6)
    assert report.losses_wrong == pytest.approx(tutorial_losses("sign", 6), rel=1e-12)
    assert report.losses_right == pytest.approx(tutorial_losses("right", 6), rel=1e-12)
    assert all(b > a for a, b in zip(report.losses_wrong, report.losses_wrong[1:], strict=False))
    assert report.losses_right[-1] < report.losses_right[0]
    assert "goes up" in report.symptom


def test_double_derivative_fails_the_gradient_check() -> None:
    report, network = lab("double-derivative")
    assert report.rel_error is not None and report.rel_error > 1e-2
    assert report.rel_error_right is not None and report.rel_error_right < 1e-5
    # Recompute one wrong gradient here: dW2 with σ′ fed z2, against the central difference.
    trace = network.step(network.init_params(), 1)
    z2 = trace["z2"]
    wrong = trace["a1"].T.dot(trace["e"] * z2 * (1 - z2))
    params = network.init_params()
    h = 1e-5
    Wp, Wm = params.W[1].copy(), params.W[1].copy()
    Wp[0, 0] += h
    Wm[0, 0] -= h
    plus, minus = (network.loss_of(Params((params.W[0], W), ()), 1) for W in (Wp, Wm))
    numeric = (plus - minus) / (2 * h)
    rel = abs(wrong[0, 0] - numeric) / (abs(wrong[0, 0]) + abs(numeric))
    assert rel <= report.rel_error + 1e-12 and rel > 1e-2
    assert "gradient check fails" in report.symptom


def test_relu_has_no_double_derivative_mistake() -> None:
    report, _ = lab("double-derivative", NetConfig(activation="relu", output_activation="linear"))
    assert "changes nothing here" in report.symptom


def test_every_mistake_has_text() -> None:
    for name in MISTAKES:
        report, _ = lab(name)
        text = "\n".join(report.lines())
        assert report.wrong in text and report.right in text and "symptom:" in text and "fix:" in text
    with pytest.raises(MistakeError, match="--mistake must be one of"):
        lab("typo")


def test_transcript_mistake_cli(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "transcript", "--mistake", "no-transpose")
    assert code == 0 and err == ""
    assert "ValueError: shapes (4,3) and (4,4) not aligned: 3 (dim 1) != 4 (dim 0)" in out
    code, out, _ = run(capsys, "transcript", "--mistake", "sign", "--iterations", "3")
    report, _ = lab("sign", iterations=3)
    assert report.lines()[-4] in out.splitlines()
