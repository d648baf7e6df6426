"""``tuinet export``: one iteration as a standalone numpy script (py) or a Markdown handout (md).

The iteration's weights come from the engine's History (the iterations before it are computed, not
traced); the text is made in full before anything is written, so a failure never leaves half a file.
"""

from __future__ import annotations

from tuinet.engine.history import History
from tuinet.engine.network import Network
from tuinet.errors import TuinetError
from tuinet.fileio import write_text as write
from tuinet.words.export import CommandLine, export_markdown, export_python
from tuinet.words.notation import get_profile

__all__ = ["EXPORT_EPILOG", "FORMATS", "MAX_EXPORT_NUMBERS", "MAX_ITERATION", "ExportCommandError", "export", "write"]

FORMATS = ("py", "md")

MAX_ITERATION = 1_000_000
"""--iteration at most this: reaching it means computing every iteration before it (~15 s for the default net)."""

MAX_EXPORT_NUMBERS = 1_000_000
"""A py export hard-codes the batch and every weight: beyond this many numbers (~20 MB of source) it is no handout."""

EXPORT_EPILOG = f"""\
formats:
  py   a standalone script (numpy only) that recomputes the iteration step by step, with comments on
       every step and its shapes, and prints each matrix as `name = <JSON>`; its numbers are tuinet's,
       bit for bit (the weights are written with repr(), which round-trips float64 exactly)
  md   a Markdown transcript: the config, then every operation with its formula, shapes and result

examples:
  tuinet export --iteration 1 > step1.py && python step1.py
  tuinet export --hidden 8,8 --activation tanh --iteration 50 --format md -o handout.md

limits: --iteration at most {MAX_ITERATION:,}; a py export at most {MAX_EXPORT_NUMBERS:,} numbers.
"""


class ExportCommandError(TuinetError):
    """An export too large to be useful, or an output file that cannot be written."""


def export(
    network: Network, iteration: int, form: str, command_line: CommandLine | None = None, notation: str = "tuinet"
) -> str:
    """The text of ``tuinet export``: iteration ``iteration`` (1…MAX_ITERATION) in format ``form``.

    ``command_line`` (tuinet.cli.command.export_command) spells the command that writes it, for its header;
    ``notation`` names and orients the md handout's matrices (the py script is numpy code: tuinet's names).
    """
    if not 1 <= iteration <= MAX_ITERATION:
        raise ExportCommandError(f"--iteration must be from 1 to {MAX_ITERATION:,}, got {iteration:,}")
    if form not in FORMATS:
        raise ExportCommandError(f"--format must be one of {', '.join(FORMATS)}, got {form!r}")
    numbers = network.schema.export_numbers  # the batch (a0, y) and the parameters
    if form == "py" and numbers > MAX_EXPORT_NUMBERS:
        raise ExportCommandError(
            f"a py export of this network would hard-code {numbers:,} numbers; "
            f"the limit is {MAX_EXPORT_NUMBERS:,} (try --format md, which shows a corner of each matrix)"
        )
    history = History(network)
    command = command_line(network.config, iteration, form) if command_line is not None else None
    if form == "py":
        return export_python(network, history, iteration, command)
    return export_markdown(network, history.trace(iteration), command=command, profile=get_profile(notation))
