"""Short descriptions shared by the handouts: a network's activations, where its weights come from, its rows,
and the command line that writes an export (spelt by the CLI, which owns the parser)."""

from __future__ import annotations

import shlex
from collections.abc import Callable, Sequence

from tuinet.engine.config import NetConfig
from tuinet.engine.network import Network

__all__ = ["CommandLine", "activations_text", "command_text", "count", "frozen_text", "rows_text", "start_text"]


CommandLine = Callable[[NetConfig, int, str], Sequence[str] | None]
"""(config, iteration, format) → the ``tuinet export`` argv that writes that export, or None when no command
line can say the config (explicit weights, inline data). The CLI provides it (tuinet.cli.command.export_command,
generated from its parser); the words never spell a flag themselves."""


def command_text(command: Sequence[str] | None) -> str:
    """The command as a shell line, or why there is none."""
    if command is None:
        return "tuinet (this network's explicit weights or inline data have no command-line form)"
    return shlex.join(command)


def activations_text(network: Network) -> str:
    """``hidden sigmoid, output linear``, or the layers' own list when they differ (``layers tanh, relu, linear``)."""
    names = [f.name for f in network.f]
    hidden = names[:-1]
    if len(set(hidden)) <= 1:
        return (f"hidden {hidden[0]}, " if hidden else "") + f"output {names[-1]}"
    return "layers " + ", ".join(names)


def start_text(config: NetConfig) -> str:
    if config.weights:
        return "explicit weights" + (" and biases" if config.biases else "")
    return f"--init {config.init} --seed {config.seed}"


def frozen_text(config: NetConfig) -> str:
    return f"; frozen: {', '.join(config.frozen)}" if config.frozen else ""


def count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def rows_text(rows: tuple[int, ...], full: bool) -> str:
    shown = ", ".join(str(r) for r in rows[:12]) + (", …" if len(rows) > 12 else "")
    return f"all {len(rows)} rows (full batch)" if full else f"row {shown} only (--batch 1)"
