"""How the matrices are named for people: the schema's ASCII keys in the symbols of the maths.

Keys are ASCII (``delta2``, ``dadz1``, ``W1_new``) so they work in JSON and code; the labels use the maths:
δ2, σ′(z1) (the activation's own symbol), W1′ for W1 after the update, C for the loss. The roles come from the
network's schema (tuinet.engine.schema), never from parsing a name.
"""

from __future__ import annotations

from tuinet.engine.schema import Role, Schema
from tuinet.engine.trace import Trace
from tuinet.words.symbols import symbol

__all__ = ["label", "label_in", "shape_text"]


def label(trace: Trace, name: str) -> str:
    """``delta2`` → ``δ2``; ``dadz1`` → ``σ′(z1)``; ``W1_new`` → ``W1′``; ``loss`` → ``C``; others unchanged."""
    return label_in(trace.schema, name)


def label_in(schema: Schema, name: str) -> str:
    """``label`` from the schema alone (for text written before any trace exists)."""
    info = schema.matrices.get(name)
    if info is None:
        return name
    role, layer = info.role, info.layer
    if role is Role.DELTA:
        return f"δ{layer}"
    if role is Role.DADZ and layer is not None:
        return f"{symbol(schema.activations[layer - 1])}′(z{layer})"
    if role in (Role.W_NEW, Role.B_NEW):
        return f"{role.value[0]}{layer}′"
    if role is Role.LOSS:
        return "C"
    return name


def shape_text(shape: tuple[int, ...]) -> str:
    """(4, 3) → ``(4×3)``."""
    return "(" + "×".join(str(n) for n in shape) + ")"
