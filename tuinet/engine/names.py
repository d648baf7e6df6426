"""How the engine's matrix names are written for people.

Keys are ASCII (``delta2``, ``dW1``, ``W1_new``) so they work in JSON and code; the
display form uses the symbols of the maths (δ2, ∂C/∂W1 is written dW1, W1 after the update
is written W1′).
"""

from __future__ import annotations

import re

__all__ = ["display_name", "layer_of", "shape_text"]

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^delta(\d+)$"), r"δ\1"),
    (re.compile(r"^dadz(\d+)$"), r"f′(z\1)"),
    (re.compile(r"^(W|b)(\d+)_new$"), r"\1\2′"),
    (re.compile(r"^loss$"), "C"),
)


def display_name(name: str) -> str:
    """``delta2`` → ``δ2``; ``W1_new`` → ``W1′``; ``loss`` → ``C``; others unchanged."""
    for pattern, replacement in _PATTERNS:
        if pattern.match(name):
            return pattern.sub(replacement, name)
    return name


def layer_of(name: str) -> int | None:
    """The layer number in a matrix name (``dW2`` → 2), or None for ``e``, ``y``, ``loss``."""
    match = re.search(r"(\d+)", name)
    return int(match.group(1)) if match else None


def shape_text(shape: tuple[int, ...]) -> str:
    """(4, 3) → ``(4×3)``."""
    return "(" + "×".join(str(n) for n in shape) + ")"
