"""One cell of one operation, spelled out with its real numbers.

Cell (i, j) of R = A·B is Σ_k A[i,k]·B[k,j]: row i of the left operand times column j of the
right one. If the left operand is a_prevᵀ, row i of a_prevᵀ is *column* i of a_prev, which is
why the highlight moves to a column of the stored matrix. The UI asks this module which
parts of which matrices to highlight and what the dot product is; it computes nothing itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tuinet.engine.trace import Operation, OpKind, Trace
from tuinet.words.formulas import LOSS_OPERATOR, loss_of
from tuinet.words.names import label
from tuinet.words.numbers import factor, fmt
from tuinet.words.symbols import symbol

__all__ = ["Cell", "Region", "cell_count", "cell_index", "cell_position", "explain_cell"]

RegionKind = Literal["row", "col", "cell", "all"]


@dataclass(frozen=True)
class Region:
    """A part of a stored matrix: a row, a column, one cell, or all of it."""

    kind: RegionKind
    i: int = 0
    j: int = 0

    def contains(self, row: int, col: int) -> bool:
        if self.kind == "all":
            return True
        if self.kind == "row":
            return row == self.i
        if self.kind == "col":
            return col == self.j
        return row == self.i and col == self.j


@dataclass(frozen=True)
class Cell:
    """Cell (row, col) of an operation's result, and how it was made."""

    op: Operation
    row: int
    col: int
    value: float
    """The value in the trace (the truth; the terms below add up to it up to rounding)."""
    terms: tuple[tuple[float, float], ...]
    """For a matmul: the (left, right) factor pairs of the dot product."""
    inputs: tuple[float, ...]
    """For cellwise operations: the operand values at this cell, in operand order."""
    bias: float | None
    gate: float | None
    highlights: dict[str, Region]
    """Stored-matrix name → the part of it this cell reads (and the result cell itself)."""
    text: str
    """The whole equation with numbers, e.g. ``dW2[1,0] = a1[:,1]·δ2[:,0] = 0.73×0.12 + … = 0.31``."""


def cell_count(trace: Trace, op: Operation) -> int:
    """How many cells the result of ``op`` has (1 for the loss): the schema's count."""
    return trace.schema.cells[op.index]


def cell_position(trace: Trace, op: Operation, index: int) -> tuple[int, int]:
    """Row-major position of cell ``index`` in the result of ``op``."""
    return divmod(index, trace.schema.shape(op.result)[1])


def cell_index(trace: Trace, op: Operation, row: int, col: int) -> int:
    return row * trace.schema.shape(op.result)[1] + col


def _ref(trace: Trace, name: str, transpose: bool, axis: Literal["row", "col"], k: int) -> tuple[str, Region]:
    """How row/col k of (possibly transposed) ``name`` is written, and where it lies in the stored matrix."""
    shown = label(trace, name)
    stored = axis if not transpose else ("col" if axis == "row" else "row")
    region = Region("row", i=k) if stored == "row" else Region("col", j=k)
    text = f"{shown}[{k},:]" if stored == "row" else f"{shown}[:,{k}]"
    return text, region


def explain_cell(trace: Trace, op: Operation, row: int, col: int, digits: int = 3, max_terms: int = 6) -> Cell:
    """Everything the equation pane and the highlights need for cell (row, col) of ``op``."""
    R = trace[op.result]
    value = float(R[row, col])
    name = f"{label(trace, op.result)}[{row},{col}]"
    highlights: dict[str, Region] = {op.result: Region("cell", row, col)}
    terms: tuple[tuple[float, float], ...] = ()
    inputs: tuple[float, ...] = ()
    bias = gate = None
    v = fmt(value, digits)

    if op.kind is OpKind.MATMUL:
        left, right = op.operands
        A = trace[left.name].T if left.transpose else trace[left.name]
        B = trace[right.name].T if right.transpose else trace[right.name]
        terms = tuple((float(A[row, k]), float(B[k, col])) for k in range(A.shape[1]))
        ltext, highlights[left.name] = _ref(trace, left.name, left.transpose, "row", row)
        rtext, highlights[right.name] = _ref(trace, right.name, right.transpose, "col", col)
        shown = [f"{factor(x, digits)}×{factor(w, digits)}" for x, w in terms[:max_terms]]
        if len(terms) > max_terms:
            shown.append(f"… ({len(terms) - max_terms} more)")
        dot = " + ".join(shown)
        text = f"{name} = {ltext}·{rtext}"
        if op.bias is not None:
            bias = float(trace[op.bias][0, col])
            highlights[op.bias] = Region("cell", 0, col)
            text += f" + {label(trace, op.bias)}[0,{col}]"
            dot += f" + {factor(bias, digits)}"
        if op.gate is not None:
            gate = float(trace[op.gate][row, col])
            highlights[op.gate] = Region("cell", row, col)
            text = f"{name} = ({ltext}·{rtext}) × {label(trace, op.gate)}[{row},{col}]"
            dot = f"({dot}) × {factor(gate, digits)}"
        text += f" = {dot} = {v}"
    elif op.kind is OpKind.ACTIVATION:
        (z,) = op.operands
        inputs = (float(trace[z.name][row, col]),)
        highlights[z.name] = Region("cell", row, col)
        f = symbol(op.activation)
        text = f"{name} = {f}({z.name}[{row},{col}]) = {f}({fmt(inputs[0], digits)}) = {v}"
    elif op.kind is OpKind.ELEMENTWISE:
        first, second = op.operands
        inputs = (float(trace[first.name][row, col]), float(trace[second.name][row, col]))
        highlights[first.name] = Region("cell", row, col)
        highlights[second.name] = Region("cell", row, col)
        a_text, b_text = (f"{label(trace, o.name)}[{row},{col}]" for o in op.operands)
        x, w = (factor(n, digits) for n in inputs)
        k = op.factor  # δ_L = (k·e) ⊙ f′(z_L): k = ∂C/∂e ÷ e, 1 (½Σ), 2 (Σ) or 1/(N·K) (½·mean)
        if op.result == "e":
            text = f"{name} = {a_text} − {b_text} = {x} − {w} = {v}"
        elif k.numerator == 1 and k.denominator != 1:
            text = f"{name} = ({a_text} ÷ {k.denominator}) × {b_text} = ({x} ÷ {k.denominator}) × {w} = {v}"
        elif k != 1:
            text = f"{name} = ({k} × {a_text}) × {b_text} = ({k} × {x}) × {w} = {v}"
        else:
            text = f"{name} = {a_text} × {b_text} = {x} × {w} = {v}"
    elif op.kind is OpKind.LOSS:
        (e,) = op.operands
        E = trace[e.name].ravel()
        highlights[e.name] = Region("all")
        inputs = tuple(float(x) for x in E)
        squares = " + ".join(f"{factor(x, digits)}²" for x in inputs[:max_terms])
        if len(inputs) > max_terms:
            squares += f" + … ({len(inputs) - max_terms} more)"
        head = LOSS_OPERATOR[loss_of(op)]
        text = f"C = {head}(e²) = {head}({squares}) = {fmt(value, 4)}"
    elif op.kind is OpKind.REDUCE:
        (d,) = op.operands
        column = trace[d.name][:, col]
        inputs = tuple(float(x) for x in column)
        highlights[d.name] = Region("col", j=col)
        parts = " + ".join(fmt(x, digits) for x in inputs[:max_terms])
        if len(inputs) > max_terms:
            parts += f" + … ({len(inputs) - max_terms} more)"
        text = f"{name} = Σ_n {label(trace, d.name)}[n,{col}] = {parts} = {v}"
    elif op.frozen:  # W′ = W: the update reads W alone
        (W,) = op.operands
        inputs = (float(trace[W.name][row, col]),)
        highlights[W.name] = Region("cell", row, col)
        text = f"{name} = {W.name}[{row},{col}] = {v}  ({W.name} is frozen: d{W.name} is not applied)"
    else:  # UPDATE
        W, dW = op.operands
        inputs = (float(trace[W.name][row, col]), float(trace[dW.name][row, col]))
        highlights[W.name] = Region("cell", row, col)
        highlights[dW.name] = Region("cell", row, col)
        text = (
            f"{name} = {W.name}[{row},{col}] − lr·{dW.name}[{row},{col}]"
            f" = {fmt(inputs[0], digits)} − {op.scale:g}×{factor(inputs[1], digits)} = {v}"
        )
    return Cell(op, row, col, value, terms, inputs, bias, gate, highlights, text)
