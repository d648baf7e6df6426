"""Why each operation is what it is: the chain rule, per operation kind, with the numbers of the current cell.

One function per operation kind builds the explanation from the operation, the network's facts (loss kind,
activations, lr) and the notation profile. Screen, handout and transcript all call ``explain``, so they can never
disagree. Two words are kept apart everywhere: **e = a_L − y** is (up to the loss's factor) ∂C/∂a_L, the error of
the *outputs*; **δ_l = ∂C/∂z_l** is the gradient at each unit's *input* z. Neither is called "the error" alone.

The reasons use the maths' symbols (δ, e, a, z, W) in the profile's orientation; the formula line uses the
profile's own names; the profile's notes bridge the two.
"""

from __future__ import annotations

from dataclasses import dataclass

from tuinet.engine.trace import Operation, OpKind, Trace
from tuinet.words.notation import Profile
from tuinet.words.symbols import symbol
from tuinet.words.terms import Facts, Terms, cell_terms, formula, loss_factor, shapes

__all__ = ["PRIME_WHY", "Reason", "explain"]


@dataclass(frozen=True)
class Reason:
    """Everything said about one operation (and, when given, one of its cells)."""

    formula: str
    """In the profile's names, e.g. ``dW2 = a1ᵀ · δ2``."""
    shapes: str
    """In the profile's orientation, e.g. ``(4×4)ᵀ·(4×1) → (4×1)``."""
    short: str
    """The chain-rule reason in one or two sentences: what fits at 80×24."""
    full: tuple[str, ...]
    """The whole derivation, one step a line."""
    notes: tuple[str, ...]
    """The profile's notes for the names this operation uses."""
    cell: str = ""
    """The current cell with its terms and numbers, ending with its value (empty without a cell)."""

    def lines(self, expanded: bool = False) -> list[str]:
        """The text as screen and transcript print it: formula and shapes, the profile's notes, the reason, the cell.

        The notes come before the reason: where a name hides a different quantity ("your dC_dw2 is −δ2, not
        ∂C/∂W2") that is what the learner must not miss when a small screen has room for only part of the text.
        """
        out = [f"{self.formula}    {self.shapes}"]
        out += list(self.notes)
        out += list(self.full) if expanded else [self.short]
        if self.cell:
            out.append(self.cell)
        return out


PRIME_WHY = {
    "sigmoid": (
        "σ′(z) = σ(z)·(1 − σ(z)) = a(1 − a): written with a = σ(z), already computed — that is why the tutorials' "
        "derv_sigmoid takes a, not z (given z it would compute z(1 − z), which is not σ′(z))"
    ),
    "tanh": "tanh′(z) = 1 − tanh²(z) = 1 − a²: written with a, already computed, so the helper takes a, not z",
    "relu": "relu′(z) = 1 where z > 0, else 0: it needs z (or a > 0, the same test)",
    "linear": "id′(z) = 1: a linear output passes ∂C/∂a through unchanged",
}


_PRIME_SHORT = {"σ": "a(1 − a)", "tanh": "1 − a²", "relu": "1 where z > 0, else 0", "id": "1"}


def _prime(facts: Facts, layer: int) -> str:
    return PRIME_WHY.get(facts.activations[layer - 1], "f′(z) is the activation's derivative")


def _dC_da(facts: Facts) -> str:
    """∂C/∂a_L for the network's loss kind, with why."""
    L = facts.L
    if facts.loss == "mean":
        n = facts.N * facts.K
        return f"C = ½·mean(e²) over N·K = {n} cells ⇒ ∂C/∂a{L} = e/{n} (the ½ cancels the 2 of the square)"
    if facts.loss == "sse":
        return f"C = Σ e² (no ½) ⇒ ∂C/∂a{L} = 2e"
    return f"C = ½ Σ e² ⇒ ∂C/∂a{L} = e (the ½ cancels the 2 of the square)"


def explain(
    op: Operation,
    trace: Trace,
    facts: Facts,
    profile: Profile,
    cell: tuple[int, int] | None = None,
    digits: int = 3,
) -> Reason:
    """The formula, shapes, chain-rule reason and profile notes of ``op``; with ``cell`` (engine orientation,
    row-major), that cell's terms with the trace's numbers."""
    t = Terms(profile, facts)
    short, full = _WHY[op.kind](op, trace, facts, profile.columns)
    keys = dict.fromkeys(n for n in op.names if n not in ("y", "loss"))
    notes = tuple(note for note in (profile.note(k, facts.L, facts.activations) for k in keys) if note)
    scale = t.scale_note()
    if scale and any(t.name(k) != profile.label(k, facts.L, facts.activations) for k in keys):
        notes = (*notes, scale)
    text = cell_terms(op, trace, t, *cell, digits=digits) if cell is not None else ""
    return Reason(formula(op, t), shapes(op, trace, t), short, full, notes, text)


# -- one function per operation kind: (op, trace, facts, columns) → (short, full) ---------------------------------


def _layer(name: str) -> int:
    return int("".join(ch for ch in name if ch.isdigit()) or 0)


def _matmul(op: Operation, trace: Trace, facts: Facts, cols: bool) -> tuple[str, tuple[str, ...]]:
    if op.gate is not None:
        return _backprop(op, trace, facts, cols)
    if op.operands[0].transpose:
        return _weight_gradient(op, trace, facts, cols)
    ly = _layer(op.result)
    p = ly - 1
    n_in, n_out = trace[f"W{ly}"].shape
    b = f" + b{ly}[j]" if op.bias else ""
    if cols:
        short = (
            f"Unit j of layer {ly} sums its inputs weighted by row j of W{ly}: "
            f"z{ly}[j,n] = Σ_i W{ly}[j,i]·a{p}[i,n]{b}; "
            "one column per sample."
        )
        full = (
            f"z{ly} = W{ly}·a{p}: column n is sample n, row j is unit j of layer {ly}.",
            f"z{ly}[j,n] = Σ_i W{ly}[j,i]·a{p}[i,n]{b}: W{ly}[j,i] is the weight from unit i to unit j, "
            f"so W{ly} is outputs×inputs ({n_out}×{n_in}).",
            f"Hence ∂z{ly}[j,n]/∂W{ly}[j,i] = a{p}[i,n]: why a{p}ᵀ appears in ∇W{ly} = δ{ly}·a{p}ᵀ.",
        )
        return short, full
    short = (
        f"Unit j of layer {ly} sums its inputs weighted by column j of W{ly}: "
        f"z{ly}[n,j] = Σ_i a{p}[n,i]·W{ly}[i,j]{b}; "
        "one row per sample."
    )
    full = (
        f"z{ly} = a{p}·W{ly}: row n is sample n, column j is unit j of layer {ly}.",
        f"z{ly}[n,j] = Σ_i a{p}[n,i]·W{ly}[i,j]{b}: W{ly}[i,j] is the weight from unit i to unit j, "
        f"so W{ly} is inputs×outputs ({n_in}×{n_out}).",
        f"Hence ∂z{ly}[n,j]/∂W{ly}[i,j] = a{p}[n,i]: why a{p}ᵀ appears in dW{ly} = a{p}ᵀ·δ{ly}.",
    )
    return short, full


def _weight_gradient(op: Operation, trace: Trace, facts: Facts, cols: bool) -> tuple[str, tuple[str, ...]]:
    ly = _layer(op.result)
    p = ly - 1
    N = trace[f"a{p}"].shape[0]
    n_in, n_out = trace[f"W{ly}"].shape
    kron = f"{n_in * N}×{N * n_out}"
    if cols:
        short = (
            f"z{ly} = W{ly}·a{p} ⇒ ∂z{ly}[j,n]/∂W{ly}[j,i] = a{p}[i,n] ⇒ ∂C/∂W{ly}[j,i] = Σ_n δ{ly}[j,n]·a{p}[i,n] "
            f"= (δ{ly}·a{p}ᵀ)[j,i]; Σ_n because C sums over samples."
        )
        full = (
            f"∇W{ly} = ∂C/∂W{ly}, the shape of W{ly} ({n_out}×{n_in}); δ{ly} = ∂C/∂z{ly}.",
            f"W{ly}[j,i] enters only z{ly}[j,n] = Σ_i W{ly}[j,i]·a{p}[i,n], once per sample n, times a{p}[i,n].",
            f"Chain rule: ∂C/∂W{ly}[j,i] = Σ_n ∂C/∂z{ly}[j,n]·∂z{ly}[j,n]/∂W{ly}[j,i] = Σ_n δ{ly}[j,n]·a{p}[i,n].",
            "The Σ_n is there because C sums over samples: each sample adds its own term.",
            f"Σ_n δ{ly}[j,n]·a{p}[i,n] is row j of δ{ly} times column i of a{p}ᵀ: hence δ{ly}·a{p}ᵀ, a matrix "
            f"product that sums over n (a Kronecker product does not sum: it would be {kron}).",
            f"The textbook's ∂C/∂w_ji = δ_j·a_i is one sample's term; the matrix form adds all {N}.",
        )
        return short, full
    short = (
        f"z{ly} = a{p}·W{ly} ⇒ ∂z{ly}[n,j]/∂W{ly}[i,j] = a{p}[n,i] ⇒ ∂C/∂W{ly}[i,j] = Σ_n a{p}[n,i]·δ{ly}[n,j] "
        f"= (a{p}ᵀ·δ{ly})[i,j]; Σ_n because C sums over samples."
    )
    full = (
        f"dW{ly} = ∂C/∂W{ly}, the shape of W{ly} ({n_in}×{n_out}); δ{ly} = ∂C/∂z{ly}.",
        f"W{ly}[i,j] enters only z{ly}[n,j] = Σ_i a{p}[n,i]·W{ly}[i,j], once per sample n, times a{p}[n,i].",
        f"Chain rule: ∂C/∂W{ly}[i,j] = Σ_n ∂C/∂z{ly}[n,j]·∂z{ly}[n,j]/∂W{ly}[i,j] = Σ_n a{p}[n,i]·δ{ly}[n,j].",
        "The Σ_n is there because C sums over samples: each sample adds its own term.",
        f"Σ_n a{p}[n,i]·δ{ly}[n,j] is row i of a{p}ᵀ times column j of δ{ly}: that is where a{p}ᵀ comes from — "
        f"a matrix product, summing over n (a Kronecker product does not sum: it would be {kron}).",
        f"The textbook's ∂C/∂w_ij = δ_j·x_i is one sample's term; the matrix form adds all {N}.",
    )
    return short, full


def _backprop(op: Operation, trace: Trace, facts: Facts, cols: bool) -> tuple[str, tuple[str, ...]]:
    p = _layer(op.result)
    ly = p + 1
    N, n_p = trace[f"a{p}"].shape
    n_l = trace[f"W{ly}"].shape[1]
    prime = _prime(facts, p)
    f = facts.symbols[p - 1]
    if cols:
        short = (
            f"Unit i of layer {p} reaches every unit j of layer {ly} through W{ly}[j,i] (column i of W{ly}), so "
            f"∂C/∂a{p}[i,n] = Σ_j W{ly}[j,i]·δ{ly}[j,n] = (W{ly}ᵀ·δ{ly})[i,n]; ⊙ {f}′(z{p}) gives δ{p} = ∂C/∂z{p}."
        )
        full = (
            f"δ{p} = ∂C/∂z{p}. a{p}[i,n] feeds z{ly}[j,n] = Σ_i W{ly}[j,i]·a{p}[i,n] for every unit j of layer {ly}.",
            f"Chain rule over every path: ∂C/∂a{p}[i,n] = Σ_j δ{ly}[j,n]·∂z{ly}[j,n]/∂a{p}[i,n] "
            f"= Σ_j W{ly}[j,i]·δ{ly}[j,n].",
            f"That sum runs down column i of W{ly}, i.e. row i of W{ly}ᵀ: W{ly}ᵀ·δ{ly}, ({n_p}×{n_l})·({n_l}×{N}) → "
            f"{n_p}×{N}.",
            f"Then through a{p} = {f}(z{p}), cell by cell: δ{p} = (W{ly}ᵀ·δ{ly}) ⊙ {f}′(z{p}); {prime}.",
            f"It uses W{ly} before its update: the gradient is of C at the current weights.",
        )
        return short, full
    short = (
        f"Unit i of layer {p} reaches every unit j of layer {ly} through W{ly}[i,j] (row i of W{ly}), so "
        f"∂C/∂a{p}[n,i] = Σ_j δ{ly}[n,j]·W{ly}[i,j] = (δ{ly}·W{ly}ᵀ)[n,i]; ⊙ {f}′(z{p}) gives δ{p} = ∂C/∂z{p}."
    )
    full = (
        f"δ{p} = ∂C/∂z{p}. a{p}[n,i] feeds z{ly}[n,j] = Σ_i a{p}[n,i]·W{ly}[i,j] for every unit j of layer {ly}.",
        f"Chain rule over every path: ∂C/∂a{p}[n,i] = Σ_j δ{ly}[n,j]·∂z{ly}[n,j]/∂a{p}[n,i] "
        f"= Σ_j δ{ly}[n,j]·W{ly}[i,j].",
        f"That sum runs along row i of W{ly}, i.e. column i of W{ly}ᵀ: δ{ly}·W{ly}ᵀ, ({N}×{n_l})·({n_l}×{n_p}) → "
        f"{N}×{n_p}.",
        f"Then through a{p} = {f}(z{p}), cell by cell: δ{p} = (δ{ly}·W{ly}ᵀ) ⊙ {f}′(z{p}); {prime}.",
        f"It uses W{ly} before its update: the gradient is of C at the current weights.",
    )
    return short, full


def _activation(op: Operation, trace: Trace, facts: Facts, cols: bool) -> tuple[str, tuple[str, ...]]:
    ly = _layer(op.result)
    f = symbol(op.activation)
    short = f"a{ly} = {f}(z{ly}), cell by cell; the backward pass will need {f}′(z{ly})."
    full = (
        f"a{ly}[n,j] = {f}(z{ly}[n,j]): each unit's output depends only on its own input."
        if not cols
        else f"a{ly}[j,n] = {f}(z{ly}[j,n]): each unit's output depends only on its own input.",
        _prime(facts, ly) + ".",
    )
    return short, full


def _elementwise(op: Operation, trace: Trace, facts: Facts, cols: bool) -> tuple[str, tuple[str, ...]]:
    L = facts.L
    if op.result == "e":
        grad = loss_factor(facts)[0]
        short = (
            f"e = a{L} − y; {_dC_da(facts)}. e is ∂C/∂a (at the outputs), δ is ∂C/∂z (at the units' inputs)."
            if grad == "e"
            else f"e = a{L} − y; {_dC_da(facts)}. So ∂C/∂a{L} is {grad}, not e itself; δ will be ∂C/∂z."
        )
        full = (
            f"e[n,k] = a{L}[n,k] − y[n,k]: positive where an output is too high.",
            _dC_da(facts) + ".",
            "e is about the outputs a; δ (next) is ∂C/∂z, about the units' inputs z.",
            "Tutorials that write y − a use −e; with += instead of −= they take the very same step (s view).",
        )
        return short, full
    grad = loss_factor(facts)[0]
    f = facts.symbols[L - 1]
    prime = _prime(facts, L)
    short = (
        f"δ{L} = ∂C/∂z{L} = ∂C/∂a{L} ⊙ ∂a{L}/∂z{L} = {grad} ⊙ {f}′(z{L}), cell by cell (chain rule through "
        f"a = {f}(z)); {f}′(z) = {_PRIME_SHORT.get(f, 'f′(z)')}."
    )
    full = (
        f"δ{L} is ∂C/∂z{L}: how C changes with each output unit's input z, per sample.",
        f"a{L}[n,k] = {f}(z{L}[n,k]) depends only on z{L}[n,k], so ∂C/∂z{L}[n,k] = ∂C/∂a{L}[n,k]·{f}′(z{L}[n,k]).",
        _dC_da(facts) + f" ⇒ δ{L} = {grad} ⊙ {f}′(z{L}); ⊙ multiplies cell by cell.",
        prime + ".",
    )
    return short, full


def _loss(op: Operation, trace: Trace, facts: Facts, cols: bool) -> tuple[str, tuple[str, ...]]:
    n = facts.N * facts.K
    C = {"mean": f"½·(1/{n})·Σ_n Σ_k e[n,k]²", "sse": "Σ_n Σ_k e[n,k]²"}.get(facts.loss, "½ Σ_n Σ_k e[n,k]²")
    short = f"C = {C}: one number for the whole batch — C sums over samples, so every gradient below does too."
    full = (
        f"C = {C}, over the {facts.N} samples and {facts.K} outputs.",
        "C = Σ_n C_n (one term per sample), so ∂C/∂W = Σ_n ∂C_n/∂W: each gradient is a sum over samples.",
        _dC_da(facts) + ".",
    )
    return short, full


def _reduce(op: Operation, trace: Trace, facts: Facts, cols: bool) -> tuple[str, tuple[str, ...]]:
    ly = _layer(op.result)
    zb = f"z{ly}[j,n] = … + b{ly}[j]" if cols else f"z{ly}[n,j] = … + b{ly}[j]"
    d = f"δ{ly}[j,n]" if cols else f"δ{ly}[n,j]"
    short = f"{zb} for every sample n, with ∂z/∂b = 1 ⇒ ∂C/∂b{ly}[j] = Σ_n {d}."
    full = (
        f"b{ly}[j] is added to unit j's input for every sample: {zb}.",
        f"Chain rule: ∂C/∂b{ly}[j] = Σ_n ∂C/∂{d.replace('δ', 'z')}·1 = Σ_n {d} — summed over samples because C is.",
    )
    return short, full


def _update(op: Operation, trace: Trace, facts: Facts, cols: bool) -> tuple[str, tuple[str, ...]]:
    param = op.operands[0].name
    p = f"d{param}" if not cols else f"∇{param}"
    short = (
        f"{param}′ = {param} − lr·{p}: {p} = ∂C/∂{param} points uphill (where C grows fastest), so a small step "
        "against it lowers C."
    )
    full: tuple[str, ...] = (
        f"{p} = ∂C/∂{param} is the direction in which C grows fastest.",
        f"Gradient descent steps the other way: {param}′ = {param} − lr·{p}, lr = {facts.lr:g}.",
        (
            f"The tutorials' {param} += lr·a_prevᵀ·δ with δ built from y − a is the same step: their δ is −δ."
            if param.startswith("W")
            else f"The tutorials' {param} += lr·Σ_n δ[n,:] with δ built from y − a is the same step: their δ is −δ."
        ),
        "The whole backward pass used the old weights; the update comes last.",
    )
    if op.frozen:
        full += (f"{param} is frozen in this network: {param}′ = {param}.",)
    return short, full


_WHY = {
    OpKind.MATMUL: _matmul,
    OpKind.ACTIVATION: _activation,
    OpKind.ELEMENTWISE: _elementwise,
    OpKind.LOSS: _loss,
    OpKind.REDUCE: _reduce,
    OpKind.UPDATE: _update,
}
