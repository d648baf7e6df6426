"""How an operation is written: its formula, its shape arithmetic and a short note, from its explicit facts.

One function per text, each taking the operation and the trace (``*_in`` variants take the schema, for text
made before any trace exists). The screen's equation line, the Markdown handout and the stage all call these.
Everything that spells a loss or its gradient reads the operation's ``loss`` and ``factor`` fields (set by the
engine's schedule), never a number: ``factor`` is exact (a Fraction), so ``1/4`` is written ``e / 4``.
"""

from __future__ import annotations

from fractions import Fraction

from tuinet.engine.losses import LossKind
from tuinet.engine.schema import Role, Schema
from tuinet.engine.trace import Operation, OpKind, Trace
from tuinet.words.names import label_in, shape_text
from tuinet.words.symbols import prime_text, symbol

__all__ = [
    "LOSS_HEAD",
    "LOSS_OPERATOR",
    "LOSS_TEXT",
    "formula",
    "formula_in",
    "loss_of",
    "note",
    "note_in",
    "scaled",
    "scaled_error",
    "shapes",
    "shapes_in",
]

LOSS_TEXT = {LossKind.HALF_SUM: "½ Σ e²", LossKind.SUM: "Σ e²", LossKind.HALF_MEAN: "½ · mean(e²)"}
"""C for each loss kind."""
LOSS_OPERATOR = {LossKind.HALF_SUM: "½ Σ", LossKind.SUM: "Σ", LossKind.HALF_MEAN: "½ · mean"}
"""The operator in front of (e²) in a worked loss: C = ½ Σ(0.5² + …)."""
LOSS_HEAD = {LossKind.HALF_SUM: "½Σ", LossKind.SUM: "Σ", LossKind.HALF_MEAN: "½·mean"}
"""The loss written compactly around its operand, as in ½Σ(e)²."""


def loss_of(op: Operation) -> LossKind:
    """The loss kind of e, C or δ_L (a ValueError for any other operation: a bug, not a user's mistake)."""
    if op.loss is None:
        raise ValueError(f"operation {op.result} has no loss kind")
    return op.loss


def scaled_error(op: Operation, e: str = "e") -> str:
    """∂C/∂a written for ``op`` (e, C or δ_L): ``e`` (½Σ), ``2e`` (Σ, no ½) or ``(e / 4)`` (½·mean over 4)."""
    return scaled(op.factor, e)


def scaled(factor: Fraction, e: str = "e") -> str:
    if factor == 1:
        return e
    if factor.denominator == 1:
        return f"{factor.numerator}{e}"
    if factor.numerator == 1:
        return f"({e} / {factor.denominator})"
    return f"({factor}·{e})"


# -- the operation in symbols, its shapes and a note: one function each, from the operation and the trace --------


def formula(op: Operation, trace: Trace) -> str:
    """The operation in symbols, e.g. ``dW2 = a1ᵀ · δ2``, ``δ2 = (e / 4) ⊙ σ′(z2)``, ``W1′ = W1 − lr·dW1``."""
    return formula_in(op, trace.schema)


def formula_in(op: Operation, schema: Schema) -> str:
    def lb(name: str) -> str:
        return label_in(schema, name)

    R = lb(op.result)
    if op.kind is OpKind.MATMUL:
        A, B = (lb(o.name) + ("ᵀ" if o.transpose else "") for o in op.operands)
        product = f"{A} · {B}" + (f" + {lb(op.bias)}" if op.bias else "")
        return f"{R} = ({product}) ⊙ {lb(op.gate)}" if op.gate else f"{R} = {product}"
    if op.kind is OpKind.ACTIVATION:
        return f"{R} = {symbol(op.activation)}({lb(op.operands[0].name)})"
    if op.kind is OpKind.LOSS:
        return f"C = {LOSS_TEXT[loss_of(op)]}"
    if op.kind is OpKind.REDUCE:
        return f"{R} = Σ_rows {lb(op.operands[0].name)}"
    if op.frozen:
        return f"{R} = {lb(op.operands[0].name)}"
    first, second = (lb(o.name) for o in op.operands)
    if op.kind is OpKind.UPDATE:
        return f"{R} = {first} − lr·{second}"
    if schema.role_of(op.result) is Role.E:
        return f"{R} = {first} − {second}"
    return f"{R} = {scaled_error(op, first)} ⊙ {second}"  # δ_L = (factor·e) ⊙ f′(z_L)


def shapes(op: Operation, trace: Trace) -> str:
    """The shape arithmetic, e.g. ``(4×4)ᵀ·(4×1) → (4×1)``."""
    return shapes_in(op, trace.schema)


def shapes_in(op: Operation, schema: Schema) -> str:
    def st(name: str, transpose: bool = False) -> str:
        return shape_text(schema.shape(name)) + ("ᵀ" if transpose else "")

    result = st(op.result)
    if op.kind is OpKind.MATMUL:
        left, right = op.operands
        text = f"{st(left.name, left.transpose)}·{st(right.name, right.transpose)}"
        text += f" + {st(op.bias)}" if op.bias else ""
        text += f" ⊙ {st(op.gate)}" if op.gate else ""
        return f"{text} → {result}"
    if op.kind in (OpKind.ACTIVATION, OpKind.LOSS, OpKind.REDUCE) or op.frozen:
        return f"{st(op.operands[0].name)} → {result}"
    first, second = (st(o.name) for o in op.operands)
    if op.kind is OpKind.UPDATE:
        return f"{first} − {op.scale:g}·{second} → {result}"
    sign = "−" if schema.role_of(op.result) is Role.E else "⊙"
    return f"{first} {sign} {second} → {result}"


def note(op: Operation, trace: Trace) -> str:
    """Why, in a few words, e.g. ``the shape of W2``."""
    return note_in(op, trace.schema)


def note_in(op: Operation, schema: Schema) -> str:
    role, layer = schema.role_of(op.result), op.layer
    if role is Role.Z:
        return "one row per sample, one column per unit"
    if role is Role.A:
        return "applied to each cell"
    if role is Role.E:
        return f"∂C/∂a = {scaled(op.factor)}, so the sign of e is the direction of the error"
    if role is Role.LOSS:
        return "averaged over rows and outputs" if op.loss is LossKind.HALF_MEAN else "summed over rows and outputs"
    if role is Role.DELTA and op.gate is None:
        return f"{symbol(op.activation)}′(z) = {prime_text(op.activation)}"
    if role is Role.DELTA:
        W = op.operands[1].name
        return f"δ = ∂C/∂z sent back through {W}; {symbol(op.activation)}′(z) = {prime_text(op.activation)}"
    if role is Role.DW:
        a, d = op.operands[0].name, label_in(schema, op.operands[1].name)
        return f"the shape of W{layer}; Σ over samples n of {a}[n]ᵀ ⊗ {d}[n]"
    if role is Role.DB:
        return f"the shape of b{layer}"
    param = op.operands[0].name
    if op.frozen:
        return f"{param} is frozen: not updated (d{param} is not applied)"
    if role is Role.W_NEW:
        return f"lr = {op.scale:g}; the same as {param} += lr·a{(layer or 1) - 1}ᵀ·(−δ{layer})"
    return f"lr = {op.scale:g}"
