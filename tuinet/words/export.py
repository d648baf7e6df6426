"""One iteration as a handout: a standalone numpy script that recomputes it, or a Markdown transcript.

The script hard-codes the rows the iteration uses and the weights it starts from, written with repr(),
which round-trips a float64 exactly, and repeats the engine's float operations in the engine's order
(``ndarray.dot`` for products, × (1/n) rather than ÷ n for the mean loss, σ′ from a). So running it prints
tuinet's numbers bit for bit — a learner can change a line and see what breaks.
"""

from __future__ import annotations

import math
import shlex
from dataclasses import fields

from tuinet.engine.config import NetConfig
from tuinet.engine.history import History
from tuinet.engine.losses import LossKind
from tuinet.engine.names import shape_text
from tuinet.engine.network import Network, Params
from tuinet.engine.trace import OpKind, Trace
from tuinet.engine.types import Matrix
from tuinet.errors import TuinetError
from tuinet.words.cells import explain_cell
from tuinet.words.formulas import LOSS_TEXT
from tuinet.words.numbers import fmt

__all__ = ["ExportError", "command_line", "export_markdown", "export_python"]


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


def command_line(config: NetConfig, iteration: int, form: str) -> str:
    """The ``tuinet export`` command that writes this export: only the options that differ from the defaults."""
    default = NetConfig()
    words = ["tuinet", "export"]
    for field in fields(NetConfig):
        value = getattr(config, field.name)
        if field.name == "max_units" or value == getattr(default, field.name):
            continue
        flag = "--" + field.name.replace("_", "-")
        if isinstance(value, bool):
            words.append(flag if value else "--no-" + flag[2:])
            continue
        if isinstance(value, tuple):
            text = ",".join(str(v) for v in value) or "none"
        else:
            text = repr(value) if isinstance(value, float) else str(value)
        words += [flag, shlex.quote(text)]
    return " ".join([*words, "--iteration", str(iteration), "--format", form])


def activations_text(network: Network) -> str:
    """``hidden sigmoid, output linear``, or the layers' own list when they differ (``layers tanh, relu, linear``)."""
    names = [f.name for f in network.f]
    hidden = names[:-1]
    if len(set(hidden)) <= 1:
        return (f"hidden {hidden[0]}, " if hidden else "") + f"output {names[-1]}"
    return "layers " + ", ".join(names)


def _start_text(config: NetConfig) -> str:
    if config.weights:
        return "explicit weights" + (" and biases" if config.biases else "")
    return f"--init {config.init} --seed {config.seed}"


def _frozen_text(config: NetConfig) -> str:
    return f"; frozen: {', '.join(config.frozen)}" if config.frozen else ""


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


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _rows_text(rows: tuple[int, ...], full: bool) -> str:
    shown = ", ".join(str(r) for r in rows[:12]) + (", …" if len(rows) > 12 else "")
    return f"all {len(rows)} rows (full batch)" if full else f"row {shown} only (--batch 1)"


def _params_for(network: Network, source: History | Params, iteration: int) -> Params:
    if iteration < 1:
        raise ExportError(f"iterations count from 1, got {iteration}")
    params = source.params_at(iteration) if isinstance(source, History) else source
    expected = [network.shape_of(f"W{layer}") for layer in range(1, network.L + 1)]
    if [W.shape for W in params.W] != expected or len(params.b) != (network.L if network.config.bias else 0):
        raise ExportError(f"these weights do not fit a {' → '.join(map(str, network.sizes))} network")
    return params


def export_python(network: Network, history_or_params: History | Params, iteration: int) -> str:
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
        f"learning  lr = {config.lr!r}, loss {loss_text}, {_rows_text(network.rows_for(iteration), full)}",
        f"weights   the ones iteration {iteration} starts from ({_start_text(config)}, "
        f"then {iteration - 1} update(s){_frozen_text(config)})",
        "",
        "Shapes: one row per sample. a0 = X is N×n0, W_l is n_(l−1)×n_l, b_l is 1×n_l, z_l and a_l are N×n_l.",
        "Every matrix is printed on one line as `name = <JSON list of rows>` (the loss as a number) as soon as",
        "it is computed. The numbers are written with repr(), which round-trips float64 exactly, and the",
        "operations are tuinet's own, in its order, so the output is tuinet's trace bit for bit.",
        "",
        f"Written by: {command_line(config, iteration, 'py')}",
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

    section(f"the data of iteration {iteration}: {_rows_text(network.rows_for(iteration), full)}")
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
        line(f"a{layer} = {act.name}({z})", f"{st(z)}: {act.symbol} applied to each cell", f"a{layer}")

    section("loss: how far the outputs are from the targets")
    line(f"e = a{L} - y", f"{st('e')}: the error; ∂C/∂a{L} = e, so its sign is the direction of the error", "e")
    kind = network.loss_kind
    if kind is LossKind.HALF_SUM:
        line("loss = 0.5 * float(np.sum(e * e))", "C = ½ Σ e², over every row and output")
    elif kind is LossKind.SUM:
        line("loss = float(np.sum(e * e))", "C = Σ e², over every row and output (no ½: ∂C/∂e = 2e)")
    else:
        line("loss = 0.5 * float(np.mean(e * e))", f"C = ½ · mean(e²), over the {_count(y.size, 'number')} of e")
    out.append('print("loss =", json.dumps(loss))')

    section("backward: δ_l = ∂C/∂z_l from the output back; dW_l = a_(l−1)ᵀ·δ_l = ∂C/∂W_l")
    last = acts[L - 1]
    line(
        f"dadz{L} = {last.name}_prime(z{L}, a{L})", f"{st(f'z{L}')}: {last.symbol}′(z) = {last.prime_text}", f"dadz{L}"
    )
    if kind is LossKind.HALF_SUM:
        line(f"delta{L} = e * dadz{L}", f"δ{L} = e ⊙ {last.symbol}′(z{L}): chain rule, ∂C/∂a · ∂a/∂z", f"delta{L}")
    elif kind is LossKind.SUM:
        line(
            f"delta{L} = (e * 2.0) * dadz{L}",
            f"δ{L} = 2e ⊙ {last.symbol}′(z{L}): chain rule, ∂C/∂a = 2e (no ½ to cancel the square's 2)",
            f"delta{L}",
        )
    else:
        line(
            f"delta{L} = (e * (1.0 / e.size)) * dadz{L}",
            f"δ{L} = (e / n) ⊙ {last.symbol}′(z{L}), n = e.size: ×(1/n) as tuinet does it, for the same bits",
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
                f"{act.symbol}′(z) = {act.prime_text}",
                f"dadz{prev}",
            )
            line(
                f"delta{prev} = {d}.dot(W{layer}.T) * dadz{prev}",
                f"{st(d)}·{st(f'W{layer}', True)} ⊙ {st(f'z{prev}')} → {st(f'delta{prev}')}: "
                f"the error sent back through W{layer} (before its update)",
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


# -- Markdown -----------------------------------------------------------------------------------------------------


def _table(matrix: Matrix, digits: int, max_side: int) -> list[str]:
    """A matrix as a Markdown table, row and column numbers in the margins; big ones cut to max_side."""
    rows, cols = matrix.shape
    shown_cols = range(min(cols, max_side))
    lines = ["| | " + " | ".join(str(j) for j in shown_cols) + " |", "|---:|" + "---:|" * len(shown_cols)]
    for i in range(min(rows, max_side)):
        lines.append(f"| **{i}** | " + " | ".join(fmt(float(matrix[i, j]), digits) for j in shown_cols) + " |")
    if rows > max_side or cols > max_side:
        lines += ["", f"*(showing {min(rows, max_side)} of {rows} rows and {min(cols, max_side)} of {cols} columns)*"]
    return [*lines, ""]


def export_markdown(network: Network, trace: Trace, digits: int = 4, max_side: int = 12) -> str:
    """A Markdown transcript of ``trace``: the config, the starting matrices, then every operation in
    schedule order with its formula, shapes, note, a worked cell for products, and its result."""
    config, L = network.config, trace.layers
    loss_text = f"{LOSS_TEXT[network.loss_kind]} ({config.loss})"
    out = [
        f"# tuinet — iteration {trace.iteration}",
        "",
        "One iteration of backpropagation, operation by operation, with every number it produced.",
        f"Rows are samples; numbers are rounded to {digits} decimals.",
        "",
        "## Configuration",
        "",
        "| option | value |",
        "|---|---|",
        f"| dataset | `{network.data.name}` ({_count(network.data.n_rows, 'row')}, "
        f"{_count(network.data.n_inputs, 'input')}, {_count(network.data.n_outputs, 'output')}) |",
        f"| layers | {' → '.join(map(str, network.sizes))} |",
        f"| activations | {activations_text(network)} |",
        f"| bias | {'on' if config.bias else 'off'} |",
        f"| loss | C = {loss_text} |",
        f"| learning rate | {config.lr:g} |",
        f"| batch | {_rows_text(trace.rows, config.batch == 'full')} |",
        f"| initial weights | {_start_text(config)}{_frozen_text(config)} |",
        "",
        f"Command: `{command_line(config, trace.iteration, 'md')}`",
        "",
        f"**Loss of this iteration: C = {trace.loss!r}**" + (" (diverged: inf/NaN)" if trace.diverged else ""),
        "",
        "## Starting point",
        "",
    ]
    shown: set[str] = set()

    def show(name: str) -> None:
        shown.add(name)
        label = trace.label(name)
        title = label if label == name else f"{label} (`{name}`)"
        out.extend([f"**{title}** {shape_text(trace[name].shape)}", "", *_table(trace[name], digits, max_side)])

    for name in ["a0", "y"]:
        show(name)
    for layer in range(1, L + 1):
        show(f"W{layer}")
        if trace.bias:
            show(f"b{layer}")
    out += ["## The iteration, operation by operation", ""]
    for op in trace.schedule:
        out += [
            f"### {op.index + 1}. {op.phase} — `{op.formula}`",
            "",
            f"- kind: {op.kind}",
            f"- shapes: `{op.shapes}`",
            *([f"- note: {op.note}"] if op.note else []),
            "",
        ]
        for name in op.names[:-1]:
            if name not in shown:
                show(name)
        if op.kind is OpKind.LOSS:
            out += [f"**C = {trace.loss!r}**", ""]
            shown.add(op.result)
            continue
        if op.kind in (OpKind.MATMUL, OpKind.UPDATE):
            out += [f"For example: `{explain_cell(trace, op, 0, 0, digits=digits).text}`", ""]
        show(op.result)
    out += [
        "## The same update, the tutorial way",
        "",
        "Writing e = y − a flips the sign of e, of every δ and of a_prevᵀ·δ; the update then adds",
        "(W += lr·a_prevᵀ·δ) instead of subtracting (W −= lr·dW). Both give the very same new weights.",
        "",
    ]
    return "\n".join(out)
