"""How the activations are written: their symbols in equations and f′ in terms of a = f(z)."""

from __future__ import annotations

__all__ = ["PRIME_TEXT", "SYMBOL", "prime_text", "symbol"]

SYMBOL = {"sigmoid": "σ", "tanh": "tanh", "relu": "relu", "linear": "id"}
"""The symbol of each activation (tuinet.engine.activations.ACTIVATIONS) in equations: a1 = σ(z1)."""
PRIME_TEXT = {"sigmoid": "a⊙(1−a)", "tanh": "1−a²", "relu": "[z>0]", "linear": "1"}
"""How f′(z) is written in terms of a = f(z) (what the engine computes: σ′ = a·(1−a), from a)."""


def symbol(activation: str) -> str:
    """``sigmoid`` → ``σ``."""
    return SYMBOL[activation]


def prime_text(activation: str) -> str:
    """``sigmoid`` → ``a⊙(1−a)``."""
    return PRIME_TEXT[activation]
