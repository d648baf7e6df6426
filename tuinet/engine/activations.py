"""Activation functions and their derivatives.

Each activation knows f(z) and f'(z). The derivative is allowed to use the
already-computed a = f(z): for the sigmoid, σ'(z) = a·(1 − a) is both cheaper and
exactly what the classic tutorials write, so tuinet's numbers match theirs to the bit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tuinet.engine.types import Matrix

__all__ = ["ACTIVATIONS", "HIDDEN_ACTIVATIONS", "OUTPUT_ACTIVATIONS", "Activation", "sigmoid"]


def sigmoid(z: Matrix) -> Matrix:
    """σ(z) = 1 / (1 + e^(−z)), written exactly as the tutorials write it.

    For z ≪ 0, e^(−z) overflows to inf and 1/inf = 0.0, which *is* the correct limit, so the
    only thing to make it "stable" is to silence the overflow flag. Keeping the tutorial's
    formula (rather than the exp(z)/(1+exp(z)) branch) keeps every bit identical to theirs.
    For z ≫ 0, e^(−z) underflows to 0 (the right limit again), flagged only if someone asked.
    """
    with np.errstate(over="ignore", under="ignore"):
        return 1.0 / (1.0 + np.exp(-z))


def _sigmoid_unguarded(z: Matrix) -> Matrix:
    # The same formula without the errstate: the network calls activations inside one
    # np.errstate(all="ignore") per run, and entering an errstate costs ~0.8 µs — a tenth of a
    # whole iteration of the default net.
    return 1.0 / (1.0 + np.exp(-z))


def _sigmoid_prime(z: Matrix, a: Matrix) -> Matrix:
    # σ'(z) = σ(z)·(1 − σ(z)) = a·(1 − a)
    return a * (1.0 - a)


def _tanh_prime(z: Matrix, a: Matrix) -> Matrix:
    # tanh'(z) = 1 − tanh²(z) = 1 − a²
    return 1.0 - a * a


def _relu(z: Matrix) -> Matrix:
    return np.maximum(z, 0.0)


def _relu_prime(z: Matrix, a: Matrix) -> Matrix:
    # relu'(z) = 1 where z > 0, else 0 (we take 0 at the kink, as most libraries do)
    return (z > 0.0).astype(np.float64)


def _identity(z: Matrix) -> Matrix:
    return z.copy()


def _identity_prime(z: Matrix, a: Matrix) -> Matrix:
    return np.ones_like(z)


@dataclass(frozen=True)
class Activation:
    """An activation: its name, f and f'. How it is written (σ, a⊙(1−a)) is tuinet.words.symbols."""

    name: str
    f: Callable[[Matrix], Matrix]
    """f(z). May overflow (sigmoid of z ≪ 0): call it inside ``np.errstate(all="ignore")``."""
    prime: Callable[[Matrix, Matrix], Matrix]
    """f'(z), given z and a = f(z)."""


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation("sigmoid", _sigmoid_unguarded, _sigmoid_prime),
    "tanh": Activation("tanh", np.tanh, _tanh_prime),
    "relu": Activation("relu", _relu, _relu_prime),
    "linear": Activation("linear", _identity, _identity_prime),
}

HIDDEN_ACTIVATIONS = ("sigmoid", "tanh", "relu")
OUTPUT_ACTIVATIONS = ("sigmoid", "linear")
