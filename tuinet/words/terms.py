"""An operation's formula, shapes and one cell's arithmetic, written in a notation profile's names and orientation.

The numbers are always the trace's. For a column-vector profile (Nielsen) every matrix is the engine's transposed,
so R = A·B is written Rᵀ = Bᵀ·Aᵀ (z = W·a, ∇W = δ·a_prevᵀ, δ_prev = (Wᵀ·δ) ⊙ σ′(z)) and the engine's cell
(i, j) is that source's cell (j, i).
"""

from __future__ import annotations

from dataclasses import dataclass

from tuinet.engine.config import NetConfig
from tuinet.engine.network import Network
from tuinet.engine.trace import Operation, OpKind, Trace
from tuinet.words.notation import Profile, slot_of
from tuinet.words.numbers import factor, fmt
from tuinet.words.symbols import symbol

__all__ = ["Facts", "Terms", "cell_terms", "formula", "loss_factor", "shapes"]

_SCALED = ("delta", "dW", "db")
"""The quantities that carry the loss's factor (∂C/∂a_L = factor·e); e itself does not."""

LOSS_KINDS = {"sum": "½ Σ e²", "mean": "½ · mean(e²)", "sse": "Σ e²"}
"""C by loss kind (config.loss): ½Σ over rows and outputs (the tutorials), ½·mean, and Σ without the ½."""


@dataclass(frozen=True)
class Facts:
    """What the words need to know about the network, read from its config (never guessed from a number)."""

    L: int
    activations: tuple[str, ...]
    """Activation name of each layer 1…L."""
    symbols: tuple[str, ...]
    """Its symbol (σ, tanh, relu, id)."""
    loss: str
    """The loss kind: sum (½Σe²), mean (½·mean e²) or sse (Σe²)."""
    N: int
    """Rows per iteration."""
    K: int
    """Outputs."""
    lr: float
    bias: bool

    @staticmethod
    def of(network: Network) -> Facts:
        return Facts(
            network.L,
            tuple(f.name for f in network.f),
            tuple(symbol(f.name) for f in network.f),
            str(network.loss_kind),
            network.batch_rows,
            network.sizes[-1],
            network.config.lr,
            network.config.bias,
        )

    @staticmethod
    def of_trace(trace: Trace, config: NetConfig) -> Facts:
        """From a trace and its config (when no network is at hand, e.g. a view composed in a test)."""
        return _facts_of_trace(trace, config.lr)


def _facts_of_trace(trace: Trace, lr: float) -> Facts:
    """The same facts read from a trace's schedule (its activation and loss operations say them explicitly)."""
    acts = tuple(op for op in trace.schedule if op.kind is OpKind.ACTIVATION)  # one per layer, in order
    loss = next(op for op in trace.schedule if op.kind is OpKind.LOSS)
    e = trace["e"]
    return Facts(
        trace.layers,
        tuple(op.activation for op in acts),
        tuple(symbol(op.activation) for op in acts),
        str(loss.loss),
        int(e.shape[0]),
        int(e.shape[1]),
        lr,
        trace.bias,
    )


def loss_factor(facts: Facts) -> tuple[str, str]:
    """∂C/∂a_L written in e, and the factor as text: ("e", "1"), ("e/(N·K)", "1/(N·K)") or ("2e", "2")."""
    if facts.loss == "mean":
        n = facts.N * facts.K
        return f"e/{n}", f"1/{n}"
    if facts.loss == "sse":
        return "2e", "2"
    return "e", "1"


class Terms:
    """Labels and positions of one profile for one network: the one place names are looked up."""

    def __init__(self, profile: Profile, facts: Facts) -> None:
        self.profile = profile
        self.facts = facts

    def name(self, key: str) -> str:
        """The profile's label for ``key``, exact for this network's loss kind.

        A source built from y − a (the tutorial, Trask) carries no loss factor: with C = Σe² its dC_dw2 is
        −δ2/2, with ½·mean(e²) over N·K cells it is −N·K·δ2. The label then says the factor: ``−2·dC_dw2``,
        ``−dC_dw2/4``.
        """
        label = self.profile.label(key, self.facts.L, self.facts.activations)
        if self.facts.loss == "sum" or not label.startswith("−") or slot_of(key, 0).kind not in _SCALED:
            return label
        if self.facts.loss == "sse":
            return "−2·" + label[1:]
        return f"{label}/{self.facts.N * self.facts.K}"

    def scale_note(self) -> str:
        """Where a negated name needs the loss's factor: what the source's code computes instead."""
        if self.facts.loss == "sum" or not any(self.profile.labels.get(k) for k in _SCALED):
            return ""
        grad = loss_factor(self.facts)[0]
        return (
            f"with this loss ∂C/∂a{self.facts.L} = {grad}, but a program built from y − a has no factor: "
            "the labels carry it (run --loss sum to match that program's steps)"
        )

    def factor_name(self, key: str) -> str:
        """The label inside a product: ``(−dC_dw2)`` keeps its minus sign attached."""
        label = self.name(key)
        return f"({label})" if label.startswith("−") else label

    def at(self, key: str, row: int, col: int) -> str:
        """``name[r,c]`` for the engine's cell (row, col), in the profile's orientation (and its own cell name)."""
        own = self.profile.cell_name(key, row, col)
        r, c = self.profile.position(row, col)
        text = f"{self.indexed(key)}[{r},{c}]"
        return f"{own} = {text}" if own else text

    def operand(self, key: str, row: int, col: int) -> str:
        """A cell read inside an expression: the source's own name alone when it has one (``w5 − lr·dW2[0,0]``),
        else ``name[r,c]`` — never ``w5 = W2[0,0] − …``, which would read as an equation about w5."""
        own = self.profile.cell_name(key, row, col)
        if own:
            return own
        r, c = self.profile.position(row, col)
        return f"{self.indexed(key)}[{r},{c}]"

    def indexed(self, key: str) -> str:
        """The label before an index: ``(−a1.T@dC_dw2)[0,0]``, not ``−a1.T@dC_dw2[0,0]`` (which indexes dC_dw2)."""
        label = self.name(key)
        return f"({label})" if label.startswith("−") or any(c in label for c in "@Σ ") else label

    def line(self, key: str, axis: str, k: int) -> str:
        """Row (``axis="row"``) or column ``k`` of the stored matrix ``key``, as the profile draws it."""
        if self.profile.columns:
            axis = "col" if axis == "row" else "row"
        return f"{self.name(key)}[{k},:]" if axis == "row" else f"{self.name(key)}[:,{k}]"


def formula(op: Operation, t: Terms) -> str:
    """The operation in the profile's names, e.g. ``−a1.T@dC_dw2 = a1ᵀ · (−dC_dw2)`` or ``z1 = W1·a0``."""
    n, fn, cols = t.name, t.factor_name, t.profile.columns
    R = n(op.result)
    if op.kind is OpKind.MATMUL and op.gate is None and not op.operands[0].transpose:
        a, W = op.operands
        plus = f" + {fn(op.bias)}" if op.bias else ""
        return f"{R} = {fn(W.name)} · {fn(a.name)}{plus}" if cols else f"{R} = {fn(a.name)} · {fn(W.name)}{plus}"
    if op.kind is OpKind.MATMUL and op.gate is None:  # dW = a_prevᵀ·δ
        a, d = op.operands
        return f"{R} = {fn(d.name)} · {fn(a.name)}ᵀ" if cols else f"{R} = {fn(a.name)}ᵀ · {fn(d.name)}"
    if op.kind is OpKind.MATMUL:  # δ_prev = (δ·Wᵀ) ⊙ f′(z_prev)
        d, W = op.operands
        inner = f"{fn(W.name)}ᵀ · {fn(d.name)}" if cols else f"{fn(d.name)} · {fn(W.name)}ᵀ"
        return f"{R} = ({inner}) ⊙ {fn(str(op.gate))}"
    if op.kind is OpKind.ACTIVATION:
        return f"{R} = {symbol(op.activation)}({fn(op.operands[0].name)})"
    if op.kind is OpKind.LOSS:
        e = fn("e")
        return "C = " + LOSS_KINDS.get(t.facts.loss, "½ Σ e²").replace("e²", f"{e}²")  # not the e of mean
    if op.kind is OpKind.REDUCE:
        return f"{R} = Σ_n {fn(op.operands[0].name)}[n,:]"
    if op.kind is OpKind.UPDATE and op.frozen:  # a frozen parameter's update reads W alone
        return f"{R} = {fn(op.operands[0].name)} (frozen)"
    if op.kind is OpKind.UPDATE:
        W, dW = op.operands
        return f"{R} = {fn(W.name)} − lr·{fn(dW.name)}"
    first, second = op.operands
    if op.result == "e":
        return f"{R} = {fn(first.name)} − {fn(second.name)}"
    grad = loss_factor(t.facts)[0].replace("e", fn("e"), 1)
    grad = f"({grad})" if "/" in grad else grad  # (e/4) ⊙ σ′(z2): the division before the product
    return f"{R} = {grad} ⊙ {fn(second.name)}"


def shapes(op: Operation, trace: Trace, t: Terms) -> str:
    """The shape arithmetic in the profile's orientation, e.g. ``(4×4)ᵀ·(4×1) → (4×1)``."""

    def st(key: str, transpose: bool = False) -> str:
        return t.profile.shape_text(trace[key].shape) + ("ᵀ" if transpose else "")

    R = st(op.result)
    if op.kind is OpKind.MATMUL:
        A, B = op.operands
        left, right = st(A.name, A.transpose), st(B.name, B.transpose)
        product = f"{right}·{left}" if t.profile.columns else f"{left}·{right}"
        plus = f" + {st(op.bias)}" if op.bias else ""
        gate = f" ⊙ {st(op.gate)}" if op.gate else ""
        return f"{product}{plus}{gate} → {R}"
    if op.kind is OpKind.LOSS:
        return f"{st('e')} → (1×1)"
    if op.kind in (OpKind.ACTIVATION, OpKind.REDUCE) or op.frozen:
        return f"{st(op.operands[0].name)} → {R}"
    A, B = op.operands
    sign = "−" if op.result == "e" or op.kind is OpKind.UPDATE else "⊙"
    lr = f"{t.facts.lr:g}·" if op.kind is OpKind.UPDATE else ""
    return f"{st(A.name)} {sign} {lr}{st(B.name)} → {R}"


def _dot(pairs: list[tuple[float, float]], digits: int, limit: int = 6) -> str:
    shown = [f"{factor(x, digits)}×{factor(w, digits)}" for x, w in pairs[:limit]]
    if len(pairs) > limit:
        shown.append(f"… ({len(pairs) - limit} more)")
    return " + ".join(shown)


def cell_terms(op: Operation, trace: Trace, t: Terms, row: int, col: int, digits: int = 3) -> str:
    """Cell (row, col) of ``op``'s result (engine orientation) with its terms and numbers, ending with its value."""
    v, at, cols = fmt(float(trace[op.result][row, col]), digits), t.operand, t.profile.columns
    R = t.at(op.result, row, col)  # the result keeps both names: w5⁺ = W2′[0,0]
    if op.kind is OpKind.MATMUL:
        left, right = op.operands
        A = trace[left.name].T if left.transpose else trace[left.name]
        B = trace[right.name].T if right.transpose else trace[right.name]
        k = "n" if left.transpose else ("j" if op.gate else "i")
        # Row `row` of op(A) and column `col` of op(B), named by where they lie in the stored matrices.
        ln, rn = t.indexed(left.name), t.indexed(right.name)
        a_part = f"{ln}[{k},{row}]" if left.transpose else f"{ln}[{row},{k}]"
        b_part = f"{rn}[{col},{k}]" if right.transpose else f"{rn}[{k},{col}]"
        if cols:  # the same products, each factor indexed as the transposed drawing has it
            a_part = f"{ln}[{row},{k}]" if left.transpose else f"{ln}[{k},{row}]"
            b_part = f"{rn}[{k},{col}]" if right.transpose else f"{rn}[{col},{k}]"
            pairs = [(float(B[m, col]), float(A[row, m])) for m in range(A.shape[1])]
            sym = f"Σ_{k} {b_part}·{a_part}"
        else:
            pairs = [(float(A[row, m]), float(B[m, col])) for m in range(A.shape[1])]
            sym = f"Σ_{k} {a_part}·{b_part}"
        dot = _dot(pairs, digits)
        if op.bias is not None:
            sym += f" + {at(op.bias, 0, col)}"
            dot += f" + {factor(float(trace[op.bias][0, col]), digits)}"
        if op.gate is not None:
            gate = float(trace[op.gate][row, col])
            sym = f"({sym}) × {at(op.gate, row, col)}"
            dot = f"({dot}) × {factor(gate, digits)}"
        return f"{R} = {sym} = {dot} = {v}"
    if op.kind is OpKind.ACTIVATION:
        z = op.operands[0].name
        zv = fmt(float(trace[z][row, col]), digits)
        f = symbol(op.activation)
        return f"{R} = {f}({at(z, row, col)}) = {f}({zv}) = {v}"
    if op.kind is OpKind.LOSS:
        E = [float(x) for x in trace["e"].ravel()]
        squares = " + ".join(f"{factor(x, digits)}²" for x in E[:6])
        squares += f" + … ({len(E) - 6} more)" if len(E) > 6 else ""
        head = {"mean": f"½ · (1/{len(E)}) · (", "sse": "("}.get(t.facts.loss, "½ · (")
        return f"C = {head}{squares}) = {fmt(float(trace['loss'][0, 0]), 4)}"
    if op.kind is OpKind.REDUCE:
        d = op.operands[0].name
        column = [fmt(float(x), digits) for x in trace[d][:, col]]
        parts = " + ".join(column[:6]) + (f" + … ({len(column) - 6} more)" if len(column) > 6 else "")
        n_at = f"{t.indexed(d)}[{col},n]" if cols else f"{t.indexed(d)}[n,{col}]"
        return f"{R} = Σ_n {n_at} = {parts} = {v}"
    if op.kind is OpKind.UPDATE and op.frozen:
        return f"{R} = {at(op.operands[0].name, row, col)} = {v}  (frozen: not updated)"
    first, second = op.operands
    x, w = (float(trace[o.name][row, col]) for o in op.operands)
    A_, B_ = at(first.name, row, col), at(second.name, row, col)
    if op.kind is OpKind.UPDATE:
        lr = t.facts.lr
        return f"{R} = {A_} − lr·{B_} = {fmt(x, digits)} − {lr:g}×{factor(w, digits)} = {v}"
    if op.result == "e":
        return f"{R} = {A_} − {B_} = {factor(x, digits)} − {factor(w, digits)} = {v}"
    grad, scale = loss_factor(t.facts)
    if grad == "e":
        return f"{R} = {A_} × {B_} = {factor(x, digits)} × {factor(w, digits)} = {v}"
    return f"{R} = {scale} × {A_} × {B_} = {scale} × {factor(x, digits)} × {factor(w, digits)} = {v}"
