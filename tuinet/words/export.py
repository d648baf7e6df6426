"""One iteration as a handout: a standalone numpy script that recomputes it, or a Markdown transcript.

The script hard-codes the rows the iteration uses and the weights it starts from, written with repr(),
which round-trips a float64 exactly, and repeats the engine's float operations in the engine's order
(``ndarray.dot`` for products, × (1/n) rather than ÷ n for the mean loss, σ′ from a). So running it prints
tuinet's numbers bit for bit — a learner can change a line and see what breaks.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from tuinet.engine.history import History
from tuinet.engine.losses import LossKind
from tuinet.engine.network import Network, Params
from tuinet.engine.types import Matrix
from tuinet.errors import TuinetError
from tuinet.words.describe import (
    CommandLine,
    activations_text,
    command_text,
    count,
    frozen_text,
    rows_text,
    start_text,
)
from tuinet.words.formulas import LOSS_TEXT
from tuinet.words.handout import export_markdown
from tuinet.words.names import shape_text
from tuinet.words.symbols import prime_text, symbol

__all__ = ["CommandLine", "ExportError", "command_text", "export_markdown", "export_python"]


class ExportError(TuinetError):
    """An iteration or weights that cannot be exported."""


# The activations exactly as tuinet.engine.activations computes them (same formulas, same bits).
_ACTIVATION_CODE = {
    "sigmoid": '''
def sigmoid(z):
    """σ(z) = 1 / (1 + e^(−z)). For z ≪ 0, e^(−z) overflows to inf and 1/inf = 0: the right limit."""
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_prime(z, a):
    """σ′(z) = σ(z)·(1 − σ(z)) = a·(1 − a), from the a = σ(z) already computed."""
    return a * (1.0 - a)
''',
    "tanh": '''
def tanh(z):
    """tanh(z) = (e^z − e^(−z)) / (e^z + e^(−z))."""
    return np.tanh(z)


def tanh_prime(z, a):
    """tanh′(z) = 1 − tanh²(z) = 1 − a²."""
    return 1.0 - a * a
''',
    "relu": '''
def relu(z):
    """relu(z) = max(z, 0)."""
    return np.maximum(z, 0.0)


def relu_prime(z, a):
    """relu′(z) = 1 where z > 0, else 0 (0 at the kink, as most libraries take it)."""
    return (z > 0.0).astype(np.float64)
''',
    "linear": '''
def linear(z):
    """The identity: the output is z itself (for regression)."""
    return z.copy()


def linear_prime(z, a):
    """id′(z) = 1."""
    return np.ones_like(z)
''',
}


def _number(value: float) -> str:
    """A float as Python source that reads back as the very same float64."""
    if math.isfinite(value):
        return repr(value)
    if math.isnan(value):
        return 'float("nan")'
    return 'float("inf")' if value > 0 else '-float("inf")'


def _array(matrix: Matrix) -> str:
    """``np.array([[…], …])``, one matrix row per source line."""
    rows = ["[" + ", ".join(_number(float(v)) for v in row) + "]" for row in matrix.tolist()]
    if len(rows) == 1:
        return f"np.array([{rows[0]}])"
    return "np.array([\n" + "".join(f"    {row},\n" for row in rows) + "])"


def _params_for(network: Network, source: History | Params, iteration: int) -> Params:
    if iteration < 1:
        raise ExportError(f"iterations count from 1, got {iteration}")
    params = source.params_at(iteration) if isinstance(source, History) else source
    expected = [network.shape_of(f"W{layer}") for layer in range(1, network.L + 1)]
    if [W.shape for W in params.W] != expected or len(params.b) != (network.L if network.config.bias else 0):
        raise ExportError(f"these weights do not fit a {' → '.join(map(str, network.sizes))} network")
    return params


def export_python(
    network: Network, history_or_params: History | Params, iteration: int, command: Sequence[str] | None = None
) -> str:
    """A standalone numpy script that recomputes ``iteration`` step by step and prints every named matrix.

    ``history_or_params``: a History (the weights are read from it) or the Params the iteration starts
    from. Each matrix is printed on one line as ``name = <JSON>`` under its trace name (a0, z1, …, dadz1,
    delta1, dW1, W1_new, …); the loss as ``loss = <number>``. Non-finite values print as NaN/Infinity,
    which Python's json.loads reads back.
    """
    params = _params_for(network, history_or_params, iteration)
    X, y = network.batch(iteration)
    config, L, bias, sizes = network.config, network.L, network.config.bias, network.sizes
    acts = network.f

    def st(name: str, transpose: bool = False) -> str:
        return shape_text(network.shape_of(name)) + ("ᵀ" if transpose else "")

    full = config.batch == "full"
    bias_text = "a bias vector per layer" if bias else "no bias vectors"
    loss_text = f"C = {LOSS_TEXT[network.loss_kind]} ({config.loss})"
    out: list[str] = [
        "#!/usr/bin/env python3",
        f'"""Iteration {iteration} of a tuinet network, recomputed with numpy alone: read it, run it, change it.',
        "",
        f"network   {network.data.name}: {' → '.join(map(str, sizes))} units, {activations_text(network)}, {bias_text}",
        f"learning  lr = {config.lr!r}, loss {loss_text}, {rows_text(network.rows_for(iteration), full)}",
        f"weights   the ones iteration {iteration} starts from ({start_text(config)}, "
        f"then {iteration - 1} update(s){frozen_text(config)})",
        "",
        "Shapes: one row per sample. a0 = X is N×n0, W_l is n_(l−1)×n_l, b_l is 1×n_l, z_l and a_l are N×n_l.",
        "Every matrix is printed on one line as `name = <JSON list of rows>` (the loss as a number) as soon as",
        "it is computed. The numbers are written with repr(), which round-trips float64 exactly, and the",
        "operations are tuinet's own, in its order, so the output is tuinet's trace bit for bit.",
        "",
        f"Written by: {command_text(command)}",
        '"""',
        "",
        "import json",
        "",
        "import numpy as np",
        "",
        'np.seterr(all="ignore")  # a diverging run makes inf/NaN: print them rather than warn',
        "",
        "",
        "def show(name, value):",
        '    """Print one matrix on one line: `name = [[row 0], [row 1], …]`."""',
        '    print(name, "=", json.dumps(np.asarray(value).tolist()))',
        "",
    ]
    for name in dict.fromkeys(act.name for act in acts):
        out.append(_ACTIVATION_CODE[name])

    def section(title: str) -> None:
        out.extend(["", f"# -- {title} " + "-" * max(4, 100 - len(title)), ""])

    def line(code: str, comment: str = "", name: str | None = None) -> None:
        out.append(f"{code}  # {comment}" if comment else code)
        if name is not None:
            out.append(f'show("{name}", {name})')

    section(f"the data of iteration {iteration}: {rows_text(network.rows_for(iteration), full)}")
    line(f"a0 = {_array(X)}", f"X, the inputs {st('a0')}: one row per sample, one column per input", "a0")
    line(f"y = {_array(y)}", f"the targets {st('y')}: one row per sample, one column per output", "y")
    section(f"the weights iteration {iteration} starts from")
    line(f"lr = {config.lr!r}", "the learning rate")
    for layer in range(1, L + 1):
        W = f"W{layer}"
        source = "input i" if layer == 1 else f"unit i of layer {layer - 1}"
        line(
            f"{W} = {_array(params.W[layer - 1])}", f"{st(W)}: row i = {source}, column j = unit j of layer {layer}", W
        )
        if bias:
            line(f"b{layer} = {_array(params.b[layer - 1])}", f"{st(f'b{layer}')}: one bias per unit", f"b{layer}")

    section("forward: z_l = a_(l−1)·W_l (+ b_l), then a_l = f(z_l), layer by layer")
    for layer in range(1, L + 1):
        a, W, z, act = f"a{layer - 1}", f"W{layer}", f"z{layer}", acts[layer - 1]
        plus, plus_shape = (f" + b{layer}", f" + {st(f'b{layer}')}") if bias else ("", "")
        line(f"{z} = {a}.dot({W}){plus}", f"{st(a)}·{st(W)}{plus_shape} → {st(z)}: row n = sample n", z)
        line(f"a{layer} = {act.name}({z})", f"{st(z)}: {symbol(act.name)} applied to each cell", f"a{layer}")

    section("loss: how far the outputs are from the targets")
    kind = network.loss_kind
    grad = {LossKind.HALF_SUM: "e", LossKind.SUM: "2e"}.get(kind, f"e/{network.batch_rows * network.sizes[-1]}")
    line(f"e = a{L} - y", f"{st('e')}: the output error; ∂C/∂a{L} = {grad} (δ, below, is ∂C/∂z)", "e")
    if kind is LossKind.HALF_SUM:
        line("loss = 0.5 * float(np.sum(e * e))", "C = ½ Σ e², over every row and output")
    elif kind is LossKind.SUM:
        line("loss = float(np.sum(e * e))", "C = Σ e², over every row and output (no ½: ∂C/∂e = 2e)")
    else:
        line("loss = 0.5 * float(np.mean(e * e))", f"C = ½ · mean(e²), over the {count(y.size, 'number')} of e")
    out.append('print("loss =", json.dumps(loss))')

    section("backward: δ_l = ∂C/∂z_l from the output back; dW_l = a_(l−1)ᵀ·δ_l = ∂C/∂W_l")
    last = acts[L - 1]
    f_L = symbol(last.name)
    line(f"dadz{L} = {last.name}_prime(z{L}, a{L})", f"{st(f'z{L}')}: {f_L}′(z) = {prime_text(last.name)}", f"dadz{L}")
    if kind is LossKind.HALF_SUM:
        line(f"delta{L} = e * dadz{L}", f"δ{L} = e ⊙ {f_L}′(z{L}): chain rule, ∂C/∂a · ∂a/∂z", f"delta{L}")
    elif kind is LossKind.SUM:
        line(
            f"delta{L} = (e * 2.0) * dadz{L}",
            f"δ{L} = 2e ⊙ {symbol(last.name)}′(z{L}): chain rule, ∂C/∂a = 2e (no ½ to cancel the square's 2)",
            f"delta{L}",
        )
    else:
        line(
            f"delta{L} = (e * (1.0 / e.size)) * dadz{L}",
            f"δ{L} = (e / n) ⊙ {symbol(last.name)}′(z{L}), n = e.size: ×(1/n) as tuinet does it, for the same bits",
            f"delta{L}",
        )
    for layer in range(L, 0, -1):
        a, d = f"a{layer - 1}", f"delta{layer}"
        line(
            f"dW{layer} = {a}.T.dot({d})",
            f"{st(a, True)}·{st(d)} → {st(f'dW{layer}')}, the shape of W{layer}: Σ_n {a}[n]ᵀ ⊗ δ{layer}[n]",
            f"dW{layer}",
        )
        if bias:
            line(
                f"db{layer} = {d}.sum(axis=0, keepdims=True)",
                f"{st(d)} → {st(f'db{layer}')}: Σ over rows",
                f"db{layer}",
            )
        if layer > 1:
            prev, act = layer - 1, acts[layer - 2]
            line(
                f"dadz{prev} = {act.name}_prime(z{prev}, a{prev})",
                f"{symbol(act.name)}′(z) = {prime_text(act.name)}",
                f"dadz{prev}",
            )
            line(
                f"delta{prev} = {d}.dot(W{layer}.T) * dadz{prev}",
                f"{st(d)}·{st(f'W{layer}', True)} ⊙ {st(f'z{prev}')} → {st(f'delta{prev}')}: "
                f"δ{layer} sent back through W{layer} (before its update): δ{prev} = ∂C/∂z{prev}",
                f"delta{prev}",
            )

    section("update: one step of gradient descent, against the gradient")
    for layer in range(L, 0, -1):
        for param in (f"W{layer}", f"b{layer}") if bias else (f"W{layer}",):
            if config.is_frozen(param):
                line(f"{param}_new = {param}", f"{st(param)}: {param} is frozen, not updated", f"{param}_new")
            else:
                line(
                    f"{param}_new = {param} - lr * d{param}",
                    f"{st(param)}: {param}′ = {param} − lr·d{param}",
                    f"{param}_new",
                )
    out += [
        "",
        "# The tutorials' other spelling, e = y − a and W += lr·(a_prevᵀ·δ), flips the sign of e, of every δ and of",
        "# a_prevᵀ·δ, then adds instead of subtracting: the very same new weights.",
        "",
    ]
    return "\n".join(out)
