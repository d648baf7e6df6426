"""How the matrices are named for people: the schema's ASCII keys in the symbols of the maths.

Keys are ASCII (``delta2``, ``dadz1``, ``W1_new``) so they work in JSON and code; the labels use the maths:
δ2, σ′(z1) (the activation's own symbol), W1′ for W1 after the update, C for the loss. ``label`` asks the
network's schema (tuinet.engine.schema) for a matrix's role and activation; ``display_name`` is the fallback for
a bare key, with no network at hand.
"""

from __future__ import annotations

import re

from tuinet.engine.schema import Role, Schema
from tuinet.engine.trace import Trace
from tuinet.words.symbols import symbol

__all__ = ["display_name", "label", "label_in", "shape_text"]

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^delta(\d+)$"), r"δ\1"),
    (re.compile(r"^dadz(\d+)$"), r"f′(z\1)"),
    (re.compile(r"^(W|b)(\d+)_new$"), r"\1\2′"),
    (re.compile(r"^loss$"), "C"),
)


def display_name(name: str) -> str:
    """A trace key in symbols without knowing the network: ``delta2`` → ``δ2``, ``dadz1`` → ``f′(z1)`` (``label``
    writes the activation's own symbol, σ′(z1)), ``W1_new`` → ``W1′``, ``loss`` → ``C``; others unchanged."""
    for pattern, replacement in _PATTERNS:
        if pattern.match(name):
            return pattern.sub(replacement, name)
    return name


def label(trace: Trace, name: str) -> str:
    """``delta2`` → ``δ2``; ``dadz1`` → ``σ′(z1)``; ``W1_new`` → ``W1′``; ``loss`` → ``C``; others unchanged."""
    return label_in(trace.schema, name)


def label_in(schema: Schema, name: str) -> str:
    """``label`` from the schema alone (for text written before any trace exists)."""
    info = schema.matrices.get(name)
    if info is not None and info.role is Role.DADZ and info.layer is not None:
        return f"{symbol(schema.activations[info.layer - 1])}′(z{info.layer})"
    return display_name(name)


def shape_text(shape: tuple[int, ...]) -> str:
    """(4, 3) → ``(4×3)``."""
    return "(" + "×".join(str(n) for n in shape) + ")"
