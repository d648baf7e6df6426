"""Why backprop is written the way it is: the questions learners ask, answered with one iteration's numbers.

- "Why is dW = a_prevᵀ·δ, a matrix product, and not a Kronecker product?"  → ``outer_products``:
  dW is the sum, over the samples of the batch, of one outer product per sample.
- "One tutorial writes y − a with +=, another a − y with −=: which is right?"  → ``sign_conventions``:
  both, computed side by side; they give the very same new weights.
- "The textbook writes ∂C/∂w_ij, a number: where is it in the matrices?"  → ``scalar_gradient``:
  ∂C/∂w_ij = Σ_n a_prev[n,i]·δ[n,j], the sum written out with its terms.
- "What does the net predict between the training points?"  → ``prediction_grid`` (from tuinet.engine.grid,
  re-exported here).

Everything here is read from a Trace (or, for the grid, a forward pass): this module explains, it does
not train. Notation as in tuinet.engine.network: rows are samples, a0 = X is N×n0, W_l is n_{l−1}×n_l.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tuinet.engine.grid import GridError, GridPoint, NotPlottableError, PredictionGrid, plot_axes, prediction_grid
from tuinet.engine.trace import Operation, Trace
from tuinet.engine.types import Matrix
from tuinet.errors import TuinetError
from tuinet.words.formulas import scaled_error
from tuinet.words.names import label
from tuinet.words.numbers import factor, fmt

__all__ = [
    "GridError",
    "GridPoint",
    "NotPlottableError",
    "OuterProducts",
    "PredictionGrid",
    "ScalarGradient",
    "SignConventions",
    "SignForm",
    "WhyError",
    "max_abs_diff",
    "outer_products",
    "plot_axes",
    "prediction_grid",
    "scalar_gradient",
    "sign_conventions",
]


class WhyError(TuinetError):
    """A layer or a weight that does not exist in this network."""


def _check_layer(trace: Trace, layer: int) -> None:
    if not 1 <= layer <= trace.layers:
        raise WhyError(f"layer must be from 1 to {trace.layers}, got {layer}")


def max_abs_diff(A: Matrix, B: Matrix) -> float:
    """The largest |A − B| over cells that differ: 0.0 when identical (equal NaNs and infs count as equal)."""
    same = (A == B) | (np.isnan(A) & np.isnan(B))
    if bool(same.all()):
        return 0.0
    with np.errstate(all="ignore"):
        diff = np.abs(A - B)[~same]
    return float("inf") if bool(np.isnan(diff).any()) else float(diff.max())


# -- dW = a_prevᵀ·δ is a sum of outer products --------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class OuterProducts:
    """dW_l = a_{l−1}ᵀ·δ_l taken apart: one outer product per sample, and their running sum.

    Cell (i, j) of a_{l−1}ᵀ·δ_l is Σ_n a_{l−1}[n,i]·δ_l[n,j]. Grouping the terms by sample n gives
    dW_l = Σ_n P_n with P_n = a_{l−1}[n]ᵀ ⊗ δ_l[n]: the column of sample n's activations times the row of
    its errors, an n_{l−1}×n_l matrix — the shape of W_l. Each P_n is the gradient the loss of sample n
    alone would give; the batch gradient is their sum.
    """

    layer: int
    rows: tuple[int, ...]
    """The dataset row of each sample n (trace.rows; one row in --batch 1 mode)."""
    products: tuple[Matrix, ...]
    """P_n for the first ``len(products)`` samples (all of them unless the batch exceeds max_samples)."""
    running: tuple[Matrix, ...]
    """S_n = P_0 + … + P_n, for the same samples."""
    total: Matrix
    """The sum over *all* samples, added one sample at a time."""
    dW: Matrix
    """dW_l as the trace holds it (one BLAS product)."""
    max_abs_diff: float
    """max |total − dW|. Not always 0: BLAS adds the same terms in another order, so the two agree up to
    float rounding (a few ulps), not necessarily bit for bit."""
    why_transpose: str
    """One sentence on the shapes, e.g. ``a1 is 4×4 (samples × units) and δ2 is 4×1 …``."""

    @property
    def complete(self) -> bool:
        """True when ``products`` and ``running`` cover every sample (so running[-1] is ``total``)."""
        return len(self.products) == len(self.rows)


def _why_transpose(trace: Trace, layer: int, columns: bool = False) -> str:
    """Why the product has the shape of W_l. ``columns``: in column-vector form (a units×samples, W outputs×inputs),
    where the same sum is written δ_l·a_{l−1}ᵀ."""
    a, d = trace[f"a{layer - 1}"], trace[f"delta{layer}"]
    (N, n_in), n_out = a.shape, int(d.shape[1])
    a_name, d_name = label(trace, f"a{layer - 1}"), label(trace, f"delta{layer}")
    what_in = "inputs" if layer == 1 else "units"
    what_out = "outputs" if layer == trace.layers else "units"
    if columns:
        head = (
            f"{a_name} is {n_in}×{N} ({what_in} × samples) and {d_name} is {n_out}×{N} ({what_out} × samples): "
            f"{d_name}·{a_name}ᵀ"
        )
        tail = f"gives {n_out}×{n_in}, the shape of W{layer} (outputs×inputs)"
        sample = f"the outer product of the sample's {d_name} column and its {a_name} column laid as a row"
        shape = (n_out, n_in)
    else:
        head = (
            f"{a_name} is {N}×{n_in} (samples × {what_in}) and {d_name} is {N}×{n_out} (samples × {what_out}): "
            f"{a_name}ᵀ·{d_name}"
        )
        tail = f"gives {n_in}×{n_out}, the shape of W{layer}"
        sample = f"the outer product of the sample's {a_name} (as a column) and its {d_name} row"
        shape = (n_in, n_out)
    if N == 1:
        # One sample: the outer product of a column and a row *is* their Kronecker product; with N
        # samples, kron(a_prevᵀ, δ) would grow to (n_in·N)×(N·n_out) instead of summing over n.
        grown = "×".join(f"{k}N" if k > 1 else "N" for k in shape)
        return (
            f"{head} is {sample}, and {tail} — "
            f"for one sample that is also their Kronecker product, which for N samples would grow to {grown}."
        )
    return (
        f"{head} sums over the {N} samples and {tail} — a Kronecker product would give {shape[0] * N}×{N * shape[1]}."
    )


def outer_products(trace: Trace, layer: int, max_samples: int = 1000, columns: bool = False) -> OuterProducts:
    """dW_layer as Σ_n a_{layer−1}[n]ᵀ ⊗ δ_layer[n], with the per-sample terms and running sums.

    The matrices are in tuinet's orientation; ``columns`` words ``why_transpose`` for column-vector form.

    ``max_samples`` bounds the matrices kept (a 100 000-row CSV would otherwise keep 200 000 of them);
    ``total`` and ``max_abs_diff`` always cover every sample.
    """
    _check_layer(trace, layer)
    a, d, dW = trace[f"a{layer - 1}"], trace[f"delta{layer}"], trace[f"dW{layer}"]
    products: list[Matrix] = []
    running: list[Matrix] = []
    total = np.zeros_like(dW)
    with np.errstate(all="ignore"):  # a diverged iteration gives inf/NaN terms: shown, not warned about
        for n in range(a.shape[0]):
            P = np.outer(a[n], d[n])  # P[i, j] = a[n, i]·δ[n, j]
            total = total + P
            if n < max_samples:
                products.append(P)
                running.append(total)
    for matrix in (*products, *running, total):
        matrix.setflags(write=False)
    return OuterProducts(
        layer,
        trace.rows,
        tuple(products),
        tuple(running),
        total,
        dW,
        max_abs_diff(total, dW),
        _why_transpose(trace, layer, columns),
    )


# -- the two sign conventions ------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class SignForm:
    """One way of writing the backward pass and the update, with the matrices it gives (layer 1 first)."""

    label: str
    """``A`` or ``B``."""
    title: str
    formulas: tuple[str, ...]
    e: Matrix
    deltas: tuple[Matrix, ...]
    """δ_1 … δ_L in this form's sign."""
    steps: tuple[Matrix, ...]
    """a_{l−1}ᵀ·δ_l for l = 1 … L: ∂C/∂W_l in form A, −∂C/∂W_l in form B."""
    W_new: tuple[Matrix, ...]
    b_new: tuple[Matrix, ...]
    """Empty without biases."""


@dataclass(frozen=True, eq=False)
class SignConventions:
    """Form A (tuinet: gradient descent) and form B (the tutorial's y − a and +=) on the same iteration."""

    descent: SignForm
    """Form A, read from the trace: e = a − y, δ = e⊙f′, W′ = W − lr·(a_prevᵀ·δ)."""
    tutorial: SignForm
    """Form B, recomputed from the trace's forward pass: e = y − a, δ = e⊙f′ = −δ_A, W′ = W + lr·(a_prevᵀ·δ)."""
    identical: bool
    """Both forms give bit-identical W′ (and b′): negating a float is exact, so the products and sums of
    form B are those of form A with every sign flipped, and W + lr·(−s) rounds exactly like W − lr·s."""
    close: bool
    """Both forms agree to rtol 1e-12 (the fallback, should ``identical`` ever fail)."""
    max_abs_diff: float
    explanation: str


def _op(trace: Trace, result: str) -> Operation:
    """The operation that produces ``result`` (the schema knows which)."""
    producer = trace.schema.producer(result)
    if producer is None:
        raise WhyError(f"{result} is not made by an operation of this iteration")
    return trace.schedule[producer]


def _product(a: str, d: str, columns: bool) -> str:
    """a_prevᵀ·δ in tuinet's orientation; δ·a_prevᵀ in column-vector form (the same numbers, transposed)."""
    return f"{d}·{a}ᵀ" if columns else f"{a}ᵀ·{d}"


def _formulas(trace: Trace, tutorial: bool, columns: bool = False) -> tuple[str, ...]:
    L = trace.layers
    e = f"e = y − a{L}" if tutorial else f"e = a{L} − y"
    grad = scaled_error(_op(trace, f"delta{L}"))  # e, 2e or (e / N·K): the loss kind's ∂C/∂e
    out = [e, f"δ{L} = {grad} ⊙ {label(trace, f'dadz{L}')}"]
    for layer in range(L, 1, -1):
        back = f"W{layer}ᵀ · δ{layer}" if columns else f"δ{layer} · W{layer}ᵀ"
        out.append(f"δ{layer - 1} = ({back}) ⊙ {label(trace, f'dadz{layer - 1}')}")
    sign = "+" if tutorial else "−"
    for layer in range(L, 0, -1):
        W, b = f"W{layer}", f"b{layer}"
        out.append(
            f"{W}′ = {W}  (frozen)"
            if _op(trace, f"{W}_new").frozen
            else f"{W}′ = {W} {sign} lr·({_product(f'a{layer - 1}', f'δ{layer}', columns)})"
        )
        if trace.bias:
            out.append(
                f"{b}′ = {b}  (frozen)"
                if _op(trace, f"{b}_new").frozen
                else f"{b}′ = {b} {sign} lr·Σ_{'cols' if columns else 'rows'} δ{layer}"
            )
    return tuple(out)


def _tutorial_form(trace: Trace, columns: bool = False) -> SignForm:
    """Form B from scratch: only the forward pass (a, f′(z)), y and the old weights come from the trace."""
    L, bias = trace.layers, trace.bias
    lr = _op(trace, f"W{L}_new").scale
    scale = _op(trace, f"delta{L}").scale  # float(∂C/∂e ÷ e): 1 (½Σ), 2 (Σ) or 1/e.size (½·mean), as the engine
    deltas: list[Matrix] = [np.empty(0)] * L
    steps: list[Matrix] = [np.empty(0)] * L
    W_new: list[Matrix] = [np.empty(0)] * L
    b_new: list[Matrix] = [np.empty(0)] * L
    with np.errstate(all="ignore"):
        e = trace["y"] - trace[f"a{L}"]  # the error as "how far the target is above the output"
        # δ_L = e ⊙ f′(z_L). With e = y − a this is −∂C/∂z_L: the direction that *lowers* the cost.
        delta = (e * scale) * trace[f"dadz{L}"]
        for layer in range(L, 0, -1):
            W = trace[f"W{layer}"]
            deltas[layer - 1] = delta
            # a_prevᵀ·δ_B = −∂C/∂W, so *adding* lr times it is a gradient-descent step.
            steps[layer - 1] = trace[f"a{layer - 1}"].T.dot(delta)
            W_new[layer - 1] = W if _op(trace, f"W{layer}_new").frozen else W + lr * steps[layer - 1]
            if bias:
                b = trace[f"b{layer}"]
                frozen = _op(trace, f"b{layer}_new").frozen
                b_new[layer - 1] = b if frozen else b + lr * delta.sum(axis=0, keepdims=True)
            if layer > 1:
                # Sent back through the *old* W_l, exactly as form A does.
                delta = delta.dot(W.T) * trace[f"dadz{layer - 1}"]
    return SignForm(
        "B",
        f"the tutorial's: e = y − a, W += lr·({_product('a_prev', 'δ', columns)})",
        _formulas(trace, tutorial=True, columns=columns),
        e,
        tuple(deltas),
        tuple(steps),
        tuple(W_new),
        tuple(b_new) if bias else (),
    )


def sign_conventions(trace: Trace, columns: bool = False) -> SignConventions:
    """The backward pass and update of ``trace`` written both ways, for every layer, and whether they agree.

    The matrices are in tuinet's orientation; ``columns`` writes the formulas and words in column-vector form."""
    L, bias = trace.layers, trace.bias
    layers = range(1, L + 1)
    descent = SignForm(
        "A",
        "gradient descent (tuinet's): e = a − y, W −= lr·∂C/∂W",
        _formulas(trace, tutorial=False, columns=columns),
        trace["e"],
        tuple(trace[f"delta{n}"] for n in layers),
        tuple(trace[f"dW{n}"] for n in layers),
        tuple(trace[f"W{n}_new"] for n in layers),
        tuple(trace[f"b{n}_new"] for n in layers) if bias else (),
    )
    tutorial = _tutorial_form(trace, columns)
    pairs = list(zip((*descent.W_new, *descent.b_new), (*tutorial.W_new, *tutorial.b_new), strict=True))
    identical = all(np.array_equal(A, B, equal_nan=True) for A, B in pairs)
    close = all(np.allclose(A, B, rtol=1e-12, atol=0.0, equal_nan=True) for A, B in pairs)
    worst = max(max_abs_diff(A, B) for A, B in pairs)
    explanation = (
        f"Form B's e and every δ are form A's with the sign flipped, so its {_product('a_prev', 'δ', columns)} is "
        "−∂C/∂W: "
        "adding lr times it (B) and subtracting lr·∂C/∂W (A) are the same step downhill"
        + (", and give bit-identical weights." if identical else f"; here they differ by at most {worst:.3g}.")
    )
    return SignConventions(descent, tutorial, identical, close, worst, explanation)


# -- one weight's gradient as the textbook writes it -------------------------------------------------------------


@dataclass(frozen=True)
class ScalarGradient:
    """∂C/∂w_ij of layer l = Σ_n a_{l−1}[n,i]·δ_l[n,j], one term per sample."""

    layer: int
    i: int
    j: int
    rows: tuple[int, ...]
    """The dataset row of each term's sample."""
    terms: tuple[tuple[float, float], ...]
    """(a_{l−1}[n,i], δ_l[n,j]) for each sample n."""
    total: float
    """Σ of the products, added in sample order."""
    dW: float
    """dW_l[i,j] from the trace (equal to ``total`` up to float rounding)."""
    text: str


def scalar_gradient(
    trace: Trace, layer: int, i: int, j: int, digits: int = 3, max_terms: int = 6, columns: bool = False
) -> ScalarGradient:
    """The textbook's scalar form of one weight's gradient, with the numbers of ``trace``.

    (i, j) are tuinet's (W_l is inputs×outputs); ``columns`` writes it in column-vector form, where the same
    weight is W_l[j,i] (outputs×inputs), ∂C/∂W_l[j,i] = Σ_n δ_l[j,n]·a_{l−1}[i,n] and the gradient is ∇W_l."""
    _check_layer(trace, layer)
    a, d, dW = trace[f"a{layer - 1}"], trace[f"delta{layer}"], trace[f"dW{layer}"]
    if not (0 <= i < dW.shape[0] and 0 <= j < dW.shape[1]):
        raise WhyError(f"W{layer} is {dW.shape[0]}×{dW.shape[1]}: there is no weight [{i},{j}]")
    # Row i of a_prevᵀ is column i of a_prev (input i, every sample); column j of δ is unit j, every sample.
    terms = tuple((float(a[n, i]), float(d[n, j])) for n in range(a.shape[0]))
    total = 0.0
    for x, g in terms:
        total += x * g
    a_name, d_name = label(trace, f"a{layer - 1}"), label(trace, f"delta{layer}")
    shown = [
        f"{factor(g, digits)}×{factor(x, digits)}" if columns else f"{factor(x, digits)}×{factor(g, digits)}"
        for x, g in terms[:max_terms]
    ]
    if len(terms) > max_terms:
        shown.append(f"… ({len(terms) - max_terms} more)")
    if columns:
        cell, terms_text, grad = f"[{j},{i}]", f"{d_name}[{j},n]·{a_name}[{i},n]", "∇W"
    else:
        cell, terms_text, grad = f"[{i},{j}]", f"{a_name}[n,{i}]·{d_name}[n,{j}]", "dW"
    text = (
        f"∂C/∂W{layer}{cell} = Σ_n {terms_text} = {' + '.join(shown)} = {fmt(total, digits)}"
        f"  ({grad}{layer}{cell} = {fmt(float(dW[i, j]), digits)})"
    )
    return ScalarGradient(layer, i, j, trace.rows, terms, total, float(dW[i, j]), text)
