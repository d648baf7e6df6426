"""The misconception lab: the formulas learners get wrong, run for real with numpy on the current network.

Each mistake is a small alternative formula evaluated on the real trace: numpy's own result or its own exception
text, its shape against the right one, and — where it runs — what it does to the loss over the next iterations
(each iteration is the engine's ``Network.step`` at the weights the mistaken update produced). Nothing here is
written by hand: if numpy accepts a wrong formula on this network, the lab says so and shows why it fits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tuinet.engine.gradcheck import gradient_check, relative_error
from tuinet.engine.network import Network, Params
from tuinet.engine.trace import Trace
from tuinet.engine.types import Matrix
from tuinet.errors import TuinetError
from tuinet.words.numbers import fmt

__all__ = ["MISTAKES", "Attempt", "MistakeError", "Report", "run_mistake"]


class MistakeError(TuinetError):
    """An unknown mistake name."""


@dataclass(frozen=True, eq=False)
class Attempt:
    """One numpy expression, evaluated: its result's shape, or numpy's exception."""

    code: str
    """What was run, e.g. ``W1 -= lr * delta1``."""
    expected: tuple[int, ...]
    """The shape the right formula gives."""
    shape: tuple[int, ...] | None
    """The shape numpy produced, or None when it raised."""
    error: str
    """``ValueError: …`` exactly as numpy says it; '' when it ran."""
    value: Matrix | None = None

    @property
    def ran(self) -> bool:
        return not self.error

    def text(self) -> str:
        want = "×".join(map(str, self.expected))
        if not self.ran:
            return f"{self.code}  →  {self.error}"
        got = "×".join(map(str, self.shape or ()))
        return f"{self.code}  →  runs: {got}" + ("" if got == want else f" (the right result is {want})")


def attempt(code: str, expected: tuple[int, ...], run: Callable[[], Matrix]) -> Attempt:
    """Run ``run`` and record what numpy did (its exception text verbatim, or the result)."""
    try:
        with np.errstate(all="ignore"):
            value = np.asarray(run())
    except (ValueError, TypeError) as error:  # numpy's shape errors: the very message a learner would see
        return Attempt(code, expected, None, f"{type(error).__name__}: {error}".strip())
    return Attempt(code, expected, tuple(value.shape), "", value)


@dataclass(frozen=True, eq=False)
class Report:
    """One mistake on this network: the wrong formula beside the right one, what numpy did, the symptom, the fix."""

    name: str
    title: str
    wrong: str
    right: str
    attempts: tuple[Attempt, ...]
    symptom: str
    fix: str
    losses_wrong: tuple[float, ...] = ()
    """The loss of each of the next iterations when training with the mistake (empty if it cannot run)."""
    losses_right: tuple[float, ...] = ()
    rel_error: float | None = None
    """For double-derivative: the gradient check's largest relative error of the mistaken gradient."""
    rel_error_right: float | None = None

    def lines(self, digits: int = 4) -> list[str]:
        """The report as plain text, one statement a line (screen, transcript)."""
        out = [f"mistake: {self.name} — {self.title}", f"  wrong: {self.wrong}", f"  right: {self.right}"]
        out += [f"  numpy: {a.text()}" for a in self.attempts]
        if self.rel_error is not None:
            out.append(
                f"  gradient check: largest relative error {self.rel_error:.2e} with the mistake, "
                f"{(self.rel_error_right or 0.0):.2e} with the right σ′ (below 1e-05 passes)"
            )
        if self.losses_wrong:
            width = len(self.losses_wrong)
            out.append(f"  loss over the next {width} iterations:")
            out.append("    with the mistake: " + "  ".join(fmt(x, digits) for x in self.losses_wrong))
            out.append("    right:            " + "  ".join(fmt(x, digits) for x in self.losses_right))
        out += [f"  symptom: {self.symptom}", f"  fix: {self.fix}"]
        return out


Update = Callable[[Trace, Params], Params]


def _losses(network: Network, params: Params, first: int, count: int, update: Update) -> tuple[float, ...]:
    """C of each of ``count`` iterations from ``first``, each made by the engine at the weights ``update`` gives."""
    losses: list[float] = []
    for iteration in range(first, first + count):
        trace = network.step(params, iteration)
        losses.append(trace.loss)
        if not np.isfinite(trace.loss):
            break
        params = update(trace, params)
    return tuple(losses)


def _right(trace: Trace, params: Params) -> Params:
    L = len(params.W)
    W = [trace[f"W{k}_new"].copy() for k in range(1, L + 1)]
    b = [trace[f"b{k}_new"].copy() for k in range(1, L + 1)] if params.b else []
    return Params(tuple(W), tuple(b))


def _lr(network: Network) -> float:
    return float(network.config.lr)


# -- the five mistakes ------------------------------------------------------------------------------------------


def _no_activation(network: Network, params: Params, trace: Trace, count: int) -> Report:
    L, lr, N = network.L, _lr(network), network.batch_rows
    attempts = []
    for k in range(L, 0, -1):
        W, d = trace[f"W{k}"], trace[f"delta{k}"]

        def run(W: Matrix = W, d: Matrix = d) -> Matrix:
            out = W.copy()
            out -= lr * d  # in place, as a learner writes it: numpy's own broadcasting rules decide
            return out

        attempts.append(attempt(f"W{k} -= lr * delta{k}", W.shape, run))
    runs = {k for k, a in zip(range(L, 0, -1), attempts, strict=True) if a.ran}

    def update(t: Trace, p: Params) -> Params:
        with np.errstate(all="ignore"):
            W = [t[f"W{k}"] - lr * t[f"delta{k}"] if k in runs else t[f"W{k}_new"] for k in range(1, L + 1)]
        b = [t[f"b{k}_new"] for k in range(1, L + 1)] if p.b else []
        return Params(tuple(W), tuple(b))

    out_W, out_d = trace[f"W{L}"], trace[f"delta{L}"]
    if L in runs and out_W.shape == out_d.shape:
        why = (
            f"W{L} −= lr·δ{L} runs here only because δ{L} is {N}×{out_d.shape[1]} ({N} samples) and W{L} is "
            f"{out_W.shape[0]}×{out_W.shape[1]} ({out_W.shape[0]} units below): the same shape by coincidence. "
            "With any other width numpy refuses it."
        )
    elif L in runs:
        why = (
            f"W{L} −= lr·δ{L} runs here only by numpy broadcasting δ{L} ({out_d.shape[0]}×{out_d.shape[1]}) over "
            f"W{L} ({out_W.shape[0]}×{out_W.shape[1]}): every weight of a column gets the same wrong step."
        )
    else:
        why = f"numpy refuses it: δ{L} is samples×units ({N}×{out_d.shape[1]}), W{L} is inputs×outputs."
    wrong = _losses(network, params, trace.iteration, count, update) if runs else ()
    right = _losses(network, params, trace.iteration, count, _right) if runs else ()
    return Report(
        "no-activation",
        "δ mistaken for ∂C/∂W (the a_prevᵀ is missing)",
        "W_l −= lr·δ_l",
        "W_l −= lr·a_{l−1}ᵀ·δ_l   (∂C/∂W_l = a_{l−1}ᵀ·δ_l; δ_l = ∂C/∂z_l)",
        tuple(attempts),
        why + _compared(wrong, right),
        "multiply by the layer's input: dW = a_prevᵀ·δ (samples × inputs)ᵀ·(samples × units) = inputs × units",
        wrong,
        right,
    )


def _compared(wrong: tuple[float, ...], right: tuple[float, ...]) -> str:
    """What the loss does with the mistake, against the right update, said from the numbers."""
    if len(wrong) < 2 or len(right) < 2:
        return ""
    if wrong[-1] > wrong[0]:
        return " It runs silently, and the loss goes up."
    if wrong[-1] > right[-1]:
        return (
            f" It runs silently, and the loss falls more slowly: {fmt(wrong[-1], 4)} after {len(wrong)} iterations "
            f"against {fmt(right[-1], 4)} with the right update."
        )
    return " It runs silently; the loss is no worse over these few iterations, but the update is not the gradient."


def _kron(network: Network, params: Params, trace: Trace, count: int) -> Report:
    lr = _lr(network)
    attempts = []
    for k in range(network.L, 0, -1):
        a, d, W = trace[f"a{k - 1}"], trace[f"delta{k}"], trace[f"W{k}"]

        def product(a: Matrix = a, d: Matrix = d) -> Matrix:
            return np.asarray(np.kron(a.T, d), dtype=np.float64)

        attempts.append(attempt(f"np.kron(a{k - 1}.T, delta{k})", W.shape, product))

        def run(a: Matrix = a, d: Matrix = d, W: Matrix = W) -> Matrix:
            out = W.copy()
            out -= lr * np.kron(a.T, d)
            return out

        attempts.append(attempt(f"W{k} -= lr * np.kron(a{k - 1}.T, delta{k})", W.shape, run))
    a0, d1 = trace["a0"], trace["delta1"]
    return Report(
        "kron",
        "a Kronecker product instead of a matrix product",
        "dW_l = kron(a_{l−1}ᵀ, δ_l)",
        "dW_l = a_{l−1}ᵀ·δ_l = Σ_n a_{l−1}[n]ᵀ ⊗ δ_l[n]   (one outer product per sample, summed: o view)",
        tuple(attempts),
        f"kron pairs every cell of a0ᵀ ({a0.shape[1]}×{a0.shape[0]}) with all of δ1 ({d1.shape[0]}×{d1.shape[1]}): "
        f"{a0.shape[1] * d1.shape[0]}×{a0.shape[0] * d1.shape[1]}, and it never sums over the samples — "
        f"∂C/∂W1 must be W1's {trace['W1'].shape[0]}×{trace['W1'].shape[1]}.",
        "use the matrix product a_prev.T.dot(delta): it sums a_prev[n,i]·δ[n,j] over the samples n",
    )


def _no_transpose(network: Network, params: Params, trace: Trace, count: int) -> Report:
    attempts = []
    notes = []
    for k in range(network.L, 0, -1):
        a, d, dW = trace[f"a{k - 1}"], trace[f"delta{k}"], trace[f"dW{k}"]

        def product(a: Matrix = a, d: Matrix = d) -> Matrix:
            return np.asarray(a.dot(d), dtype=np.float64)

        tried = attempt(f"a{k - 1}.dot(delta{k})", dW.shape, product)
        attempts.append(tried)
        if tried.ran and tried.value is not None and tried.value.shape == dW.shape:
            diff = float(np.max(np.abs(tried.value - dW)))
            notes.append(
                f"a{k - 1}.dot(delta{k}) runs only because a{k - 1} is square ({a.shape[0]}×{a.shape[1]}: "
                f"{a.shape[0]} samples, {a.shape[1]} units) — its numbers are wrong by up to {fmt(diff, 4)}"
            )
    return Report(
        "no-transpose",
        "the transpose forgotten",
        "dW_l = a_{l−1}·δ_l",
        "dW_l = a_{l−1}ᵀ·δ_l   (row i of a_{l−1}ᵀ is input i over every sample n)",
        tuple(attempts),
        "; ".join(notes) or "numpy refuses it: a_prev is samples×inputs and δ samples×units — the samples must meet",
        "transpose the layer input: a_prev.T.dot(delta), so the sum runs over the samples",
    )


def _sign(network: Network, params: Params, trace: Trace, count: int) -> Report:
    lr = _lr(network)

    def update(t: Trace, p: Params) -> Params:
        L = len(p.W)
        with np.errstate(all="ignore"):
            W = [t[f"W{k}"] + lr * t[f"dW{k}"] for k in range(1, L + 1)]
            b = [t[f"b{k}"] + lr * t[f"db{k}"] for k in range(1, L + 1)] if p.b else []
        return Params(tuple(W), tuple(b))

    wrong = _losses(network, params, trace.iteration, count, update)
    right = _losses(network, params, trace.iteration, count, _right)
    rises = len(wrong) > 1 and wrong[-1] > wrong[0]
    return Report(
        "sign",
        "a gradient step uphill: += with e = a − y",
        "e = a − y, W += lr·a_prevᵀ·δ",
        "e = a − y with W −= lr·a_prevᵀ·δ, or e = y − a with W += lr·a_prevᵀ·δ (the same step: s view)",
        (),
        (
            "the loss goes up instead of down: the step follows ∂C/∂W, which points uphill"
            if rises
            else "the loss does not fall as it should: the step follows ∂C/∂W, which points uphill"
        ),
        "flip one sign, not two: keep e = a − y and subtract, or use y − a and add",
        wrong,
        right,
    )


def _backward(network: Network, trace: Trace, wrong: bool) -> dict[str, Matrix]:
    """dW (and db) from the trace's forward pass, with each f′ fed z in place of a when ``wrong``."""
    L, f = network.L, network.f
    loss = network.config.loss
    e = trace["e"]
    g = e / e.size if loss == "mean" else (2 * e if loss == "sse" else e)  # ∂C/∂a_L by the loss kind

    def prime(k: int) -> Matrix:
        z, a = trace[f"z{k}"], trace[f"a{k}"]
        return f[k - 1].prime(z, z) if wrong else f[k - 1].prime(z, a)  # the mistake: derv_sigmoid(z) = z(1 − z)

    grads: dict[str, Matrix] = {}
    with np.errstate(all="ignore"):
        delta = g * prime(L)
        for k in range(L, 0, -1):
            grads[f"dW{k}"] = trace[f"a{k - 1}"].T.dot(delta)
            if trace.bias:
                grads[f"db{k}"] = delta.sum(axis=0, keepdims=True)
            if k > 1:
                delta = delta.dot(trace[f"W{k}"].T) * prime(k - 1)
    return grads


def _double_derivative(network: Network, params: Params, trace: Trace, count: int) -> Report:
    check = gradient_check(network, params, trace.iteration, limit=200)
    grads = _backward(network, trace, wrong=True)
    errors = [relative_error(float(grads[e.name][e.row, e.col]), e.numeric) for e in check.entries]
    worst = max(errors, default=0.0)
    lr = _lr(network)

    def update(t: Trace, p: Params) -> Params:
        g = _backward(network, t, wrong=True)
        L = len(p.W)
        with np.errstate(all="ignore"):
            W = [t[f"W{k}"] - lr * g[f"dW{k}"] for k in range(1, L + 1)]
            b = [t[f"b{k}"] - lr * g[f"db{k}"] for k in range(1, L + 1)] if p.b else []
        return Params(tuple(W), tuple(b))

    names = {f.name for f in network.f}
    affected = names & {"sigmoid", "tanh"}
    return Report(
        "double-derivative",
        "the derivative written for a, fed z",
        "σ′ = derv_sigmoid(z) = z·(1 − z)",
        "σ′(z) = derv_sigmoid(a) = a·(1 − a), with a = σ(z)   (the helper takes the activation)",
        (),
        (
            f"training still runs, but the gradient check fails: relative error up to {worst:.3g}"
            if affected
            else "this network's activations (relu/linear) take z anyway: the mistake changes nothing here"
        ),
        "pass the activation: derv_sigmoid(a2), not derv_sigmoid(z2) — σ′(z) = σ(z)(1 − σ(z)) = a(1 − a)",
        _losses(network, params, trace.iteration, count, update),
        _losses(network, params, trace.iteration, count, _right),
        worst,
        check.max_rel_error,
    )


MISTAKES: dict[str, Callable[[Network, Params, Trace, int], Report]] = {
    "no-activation": _no_activation,
    "kron": _kron,
    "no-transpose": _no_transpose,
    "sign": _sign,
    "double-derivative": _double_derivative,
}
"""Mistake name → its experiment, in the order the lab shows them."""


def run_mistake(name: str, network: Network, params: Params, iteration: int, iterations: int = 5) -> Report:
    """Run mistake ``name`` at ``iteration`` (starting from ``params``) and over the next ``iterations``."""
    try:
        experiment = MISTAKES[name]
    except KeyError:
        raise MistakeError(f"--mistake must be one of {', '.join(MISTAKES)}, got {name!r}") from None
    return experiment(network, params, network.step(params, iteration), iterations)
