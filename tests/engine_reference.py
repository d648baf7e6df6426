"""An independent backprop, written out plainly for the engine tests to compare against.

Nothing here imports tuinet: if the engine and this file agree, it is not because they share code.
The formulation is deliberately different from the engine's where it can be:

- derivatives are computed from z (tanh′ = 1 − tanh(z)², relu′ = [z > 0]), not from a;
- ∂C/∂W is a sum over samples of outer products a_{l−1}[n] ⊗ δ_l[n] (no transposed matrix product);
- δ is sent back with an explicit index sum (einsum), not with a product by Wᵀ;
- the mean loss divides e by its size instead of multiplying by 1/size.

So results agree to rounding (rtol ~1e-12), not bit for bit — except where the tests say otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]


def _sigmoid(z: Array) -> Array:
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-z))


FUNCTIONS: dict[str, tuple[Callable[[Array], Array], Callable[[Array], Array]]] = {
    "sigmoid": (_sigmoid, lambda z: _sigmoid(z) * (1.0 - _sigmoid(z))),
    "tanh": (np.tanh, lambda z: 1.0 - np.tanh(z) ** 2),
    "relu": (lambda z: np.where(z > 0, z, 0.0), lambda z: np.where(z > 0, 1.0, 0.0)),
    "linear": (lambda z: z.copy(), lambda z: np.ones_like(z)),
}
"""name → (f, f′ as a function of z)."""


@dataclass(frozen=True)
class Spec:
    """A network as the reference sees it: plain values, no engine objects."""

    hidden_activation: str
    output_activation: str
    loss: str
    lr: float
    W: Sequence[Array]
    b: Sequence[Array] = field(default_factory=tuple)
    activations: Sequence[str] = ()
    """One activation per layer, when the layers differ (then the two above are not used)."""
    frozen: frozenset[str] = frozenset()
    """Parameters that are not updated (``W1``, ``b2``): their new values are the old ones."""


def _layers(spec: Spec) -> list[str]:
    if spec.activations:
        return list(spec.activations)
    return [spec.hidden_activation] * (len(spec.W) - 1) + [spec.output_activation]


def forward(spec: Spec, X: Array) -> tuple[list[Array], list[Array]]:
    """(z, a) with z[0] unused and a[0] = X."""
    z: list[Array] = [X]
    a: list[Array] = [X]
    for layer, name in enumerate(_layers(spec)):
        zl = np.matmul(a[-1], spec.W[layer])
        if spec.b:
            zl = zl + spec.b[layer]
        z.append(zl)
        a.append(FUNCTIONS[name][0](zl))
    return z, a


def _cost(kind: str, e: Array) -> float:
    """C written out per loss kind: ½Σe² (sum), Σe² (sse, no ½), ½·mean(e²) (mean)."""
    if kind == "sse":
        return float(np.sum(e**2))
    return float(0.5 * (np.sum(e**2) if kind == "sum" else np.mean(e**2)))


def loss(spec: Spec, X: Array, y: Array) -> float:
    e = forward(spec, X)[1][-1] - y
    return float(_cost(spec.loss, e))


def iteration(spec: Spec, X: Array, y: Array) -> dict[str, Any]:
    """Every matrix of one iteration, keyed like the engine's trace."""
    names = _layers(spec)
    L = len(spec.W)
    z, a = forward(spec, X)
    out: dict[str, Any] = {"a0": X, "y": y}
    for layer in range(1, L + 1):
        out[f"z{layer}"], out[f"a{layer}"], out[f"W{layer}"] = z[layer], a[layer], spec.W[layer - 1]
        if spec.b:
            out[f"b{layer}"] = spec.b[layer - 1]
    e = a[L] - y
    out["e"] = e
    out["loss"] = np.array([[_cost(spec.loss, e)]])
    # dC/da from each cost's own derivative: ½Σe² → e, Σe² → 2e, ½·mean(e²) → e / e.size.
    dC_da = {"sum": e, "sse": 2 * e, "mean": e / e.size}[spec.loss]
    dadz = FUNCTIONS[names[L - 1]][1](z[L])
    delta = dC_da * dadz
    for layer in range(L, 0, -1):
        out[f"delta{layer}"], out[f"dadz{layer}"] = delta, dadz
        prev = a[layer - 1]
        dW = np.zeros_like(spec.W[layer - 1])
        for n in range(X.shape[0]):
            dW += np.outer(prev[n], delta[n])
        out[f"dW{layer}"] = dW
        out[f"W{layer}_new"] = spec.W[layer - 1] if f"W{layer}" in spec.frozen else spec.W[layer - 1] - spec.lr * dW
        if spec.b:
            db = np.zeros((1, delta.shape[1]))
            for n in range(X.shape[0]):
                db[0] += delta[n]
            out[f"db{layer}"] = db
            out[f"b{layer}_new"] = spec.b[layer - 1] if f"b{layer}" in spec.frozen else spec.b[layer - 1] - spec.lr * db
        if layer > 1:
            dadz = FUNCTIONS[names[layer - 2]][1](z[layer - 1])
            # δ_{l−1}[n, i] = Σ_j δ_l[n, j] · W_l[i, j] · f′(z_{l−1})[n, i]
            delta = np.einsum("nj,ij->ni", delta, spec.W[layer - 1]) * dadz
    return out


def relu_masks(spec: Spec, X: Array) -> list[Mask]:
    """Which hidden units are on (z > 0), per layer: a finite difference is only valid if these do not change."""
    if "relu" not in _layers(spec):
        return []
    z, _ = forward(spec, X)
    return [z[layer] > 0 for layer in range(1, len(spec.W) + 1)]


def finite_differences(spec: Spec, X: Array, y: Array, h: float = 1e-5) -> dict[str, tuple[Array, Mask]]:
    """Central differences of the loss for every weight and bias: name → (gradient, valid mask).

    An entry is invalid when moving it by ±h switches a relu unit on or off (a kink lies inside
    [w − h, w + h], where the loss has no derivative).
    """
    base = relu_masks(spec, X)
    result: dict[str, tuple[Array, Mask]] = {}
    groups = [("W", i) for i in range(len(spec.W))] + [("b", i) for i in range(len(spec.b))]
    for kind, index in groups:
        matrix = (spec.W if kind == "W" else spec.b)[index]
        grad = np.zeros_like(matrix)
        valid = np.ones(matrix.shape, dtype=bool)
        for r in range(matrix.shape[0]):
            for c in range(matrix.shape[1]):
                losses = []
                for sign in (1.0, -1.0):
                    moved = matrix.copy()
                    moved[r, c] += sign * h
                    W = [moved if kind == "W" and i == index else w for i, w in enumerate(spec.W)]
                    b = [moved if kind == "b" and i == index else v for i, v in enumerate(spec.b)]
                    shifted = replace(spec, W=W, b=b)
                    losses.append(loss(shifted, X, y))
                    masks = relu_masks(shifted, X)
                    if any(not np.array_equal(m0, m1) for m0, m1 in zip(base, masks, strict=True)):
                        valid[r, c] = False
                grad[r, c] = (losses[0] - losses[1]) / (2 * h)
        result[f"d{kind}{index + 1}"] = (grad, valid)
    return result


def tutorial(X: Array, y: Array, iterations: int, seed: int = 1) -> tuple[Array, Array, list[dict[str, Array]]]:
    """The classic two-layer tutorial loop, verbatim; returns the final W1, W2 and each iteration's matrices."""

    def sig(x: Array) -> Array:
        return 1 / (1 + np.exp(-x))

    state = np.random.get_state()  # leave the global stream as we found it
    try:
        np.random.seed(seed)
        W1 = np.random.random((3, 4))
        W2 = np.random.random((4, 1))
    finally:
        np.random.set_state(state)
    seen = []
    for _ in range(iterations):
        # The loop as tutorials write it, with each intermediate named so that it can be compared.
        z1 = X @ W1
        l1 = sig(z1)
        z2 = l1 @ W2
        l2 = sig(z2)
        error = y - l2
        d2 = error * (l2 * (1 - l2))
        d1 = d2.dot(W2.T) * (l1 * (1 - l1))
        up2, up1 = l1.T.dot(d2), X.T.dot(d1)
        seen.append(
            {"z1": z1, "a1": l1, "z2": z2, "a2": l2, "error": error, "d1": d1, "d2": d2, "up1": up1, "up2": up2}
            | {"W1": W1.copy(), "W2": W2.copy()}
        )
        W2 += up2
        W1 += up1
    return W1, W2, seen
