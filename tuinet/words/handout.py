"""One iteration as a Markdown handout: the config, the starting matrices, then every operation with its formula,
shapes, note, a worked cell for products, and its result — the same words as the screen's (tuinet.words.formulas).
"""

from __future__ import annotations

from collections.abc import Sequence

from tuinet.engine.network import Network
from tuinet.engine.trace import OpKind, Trace
from tuinet.engine.types import Matrix
from tuinet.words.describe import activations_text, command_text, count, frozen_text, rows_text, start_text
from tuinet.words.formulas import LOSS_TEXT
from tuinet.words.names import shape_text
from tuinet.words.notation import DEFAULT, Profile, get_profile
from tuinet.words.numbers import fmt
from tuinet.words.reasons import explain
from tuinet.words.terms import Facts, Terms

__all__ = ["export_markdown"]


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


def export_markdown(
    network: Network,
    trace: Trace,
    digits: int = 4,
    max_side: int = 12,
    command: Sequence[str] | None = None,
    profile: Profile | None = None,
) -> str:
    """A Markdown transcript of ``trace``: the config, the starting matrices, then every operation in
    schedule order with its formula, shapes, the chain-rule reason (words/reasons.py, as on screen), a worked
    cell for products, and its result — named and oriented as ``profile`` (default: tuinet's own)."""
    config, L = network.config, trace.layers
    profile = profile or get_profile(DEFAULT)
    facts = Facts.of(network)
    terms = Terms(profile, facts)
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
        f"| dataset | `{network.data.name}` ({count(network.data.n_rows, 'row')}, "
        f"{count(network.data.n_inputs, 'input')}, {count(network.data.n_outputs, 'output')}) |",
        f"| layers | {' → '.join(map(str, network.sizes))} |",
        f"| activations | {activations_text(network)} |",
        f"| bias | {'on' if config.bias else 'off'} |",
        f"| loss | C = {loss_text} |",
        f"| learning rate | {config.lr:g} |",
        f"| batch | {rows_text(trace.rows, config.batch == 'full')} |",
        f"| initial weights | {start_text(config)}{frozen_text(config)} |",
        "",
        f"Command: `{command_text(command)}`",
        "",
        f"**Loss of this iteration: C = {trace.loss!r}**" + (" (diverged: inf/NaN)" if trace.diverged else ""),
        "",
        f"Notation: **{profile.name}** — {profile.title}." + (f" {profile.once}." if profile.once else ""),
        "",
        "## Starting point",
        "",
    ]
    shown: set[str] = set()

    def show(name: str) -> None:
        shown.add(name)
        shown_as = terms.name(name)
        title = shown_as if shown_as == name else f"{shown_as} (`{name}`)"
        matrix = profile.orient(trace[name])
        out.extend([f"**{title}** {shape_text(matrix.shape)}", "", *_table(matrix, digits, max_side)])

    for name in ["a0", "y"]:
        show(name)
    for layer in range(1, L + 1):
        show(f"W{layer}")
        if trace.bias:
            show(f"b{layer}")
    out += ["## The iteration, operation by operation", ""]
    for op in trace.schedule:
        reason = explain(op, trace, facts, profile, cell=(0, 0), digits=digits)
        out += [
            f"### {op.index + 1}. {op.phase} — `{reason.formula}`",
            "",
            f"- kind: {op.kind}",
            f"- shapes: `{reason.shapes}`",
            *(f"- why: {line}" for line in reason.full),
            *(f"- note: {text}" for text in reason.notes),
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
            out += [f"For example: `{reason.cell}`", ""]
        show(op.result)
    out += [
        "## The same update, the tutorial way",
        "",
        "Writing e = y − a flips the sign of e, of every δ and of a_prevᵀ·δ; the update then adds",
        "(W += lr·a_prevᵀ·δ) instead of subtracting (W −= lr·dW). Both give the very same new weights.",
        "",
    ]
    return "\n".join(out)
