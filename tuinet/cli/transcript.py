"""``tuinet transcript``: the screen's explanations as plain text (options, and writing it out)."""

from __future__ import annotations

import argparse
import sys

from tuinet.cli.options import int_in_range
from tuinet.cli.scenario import notation_for, scenario_or_options
from tuinet.engine import Operation, Trace, build
from tuinet.words.mistakes import MISTAKES
from tuinet.words.notation import DEFAULT, NAMES, NotationError, get_profile
from tuinet.words.transcript import GRANULARITIES, transcript

__all__ = [
    "MAX_TRANSCRIPT_ITERATIONS",
    "TRANSCRIPT_EPILOG",
    "add_digits_option",
    "add_notation_option",
    "add_transcript_options",
    "notation_of",
    "run",
]

MAX_TRANSCRIPT_ITERATIONS = 10_000

TRANSCRIPT_EPILOG = f"""\
granularity:
  iteration  each operation's formula and shapes, the loss, the new weights
  operation  each operation's formula, shapes, chain-rule derivation, notes and result matrix (default)
  cell       as operation, plus every cell's terms with their numbers (at most 64 cells per operation)

mistakes (--mistake): {", ".join(MISTAKES)}
  each run with numpy on this network: numpy's own result or error, the loss over --iterations
  iterations (default 5, at least 2) beside the right formula's, the symptom and the fix.

examples:
  tuinet transcript --granularity cell --notation tutorial
  tuinet transcript --iterations 3 --granularity iteration --notation nielsen
  tuinet transcript --mistake sign --iterations 10
"""


def add_digits_option(group: argparse._ArgumentGroup) -> None:
    """``--digits N``: decimal places shown (the app and the transcript)."""
    group.add_argument(
        "--digits",
        type=int_in_range(1, 8),
        default=3,
        metavar="N",
        help="decimal places shown, 1 to 8 (default: %(default)s)",
    )


def add_notation_option(group: argparse._ArgumentGroup) -> None:
    """``--notation NAME``: the names and orientation matrices are shown in (the app, export, transcript)."""
    # SUPPRESS as the network options do: `tuinet --notation trask transcript` keeps what was typed first, and
    # with the option on both sides argparse lets the sub-command's value (parsed last) replace the top level's.
    # Checked where it is typed (even a top-level value the sub-command's then replaces), by an action rather than
    # an argparse type: the parser's error is then the one line `tuinet: error: --notation must be one of …,
    # got 'x'` (exit 2), not argparse's "argument --notation: …".
    group.add_argument(
        "--notation",
        action=_Notation,
        default=argparse.SUPPRESS,
        metavar="NAME",
        help=f"name and orient the matrices as a source does: {', '.join(NAMES)} — tuinet (rows are samples, "
        "W inputs×outputs), tutorial (x, weight1, delta2, dC_dw2), trask (l0, syn0, l1_delta), nielsen (column "
        f"vectors, W outputs×inputs); a preset may add its own (default: {DEFAULT}). Given both before and after "
        "the sub-command (tuinet --notation A export --notation B), the one after it wins",
    )


class _Notation(argparse.Action):
    """Stores a registered profile's name; an unknown one is the parser's error, NotationError's own line."""

    def __call__(
        self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object, option: str | None = None
    ) -> None:
        try:
            setattr(namespace, self.dest, get_profile(str(values)).name)
        except NotationError as error:
            parser.error(str(error))  # "--notation must be one of …, got 'x'" (a config file strips "--notation ")


def notation_of(args: argparse.Namespace) -> str:
    """The --notation given (the default profile if none), checked: a NotationError's one line names the choices."""
    return get_profile(str(getattr(args, "notation", DEFAULT))).name


def add_transcript_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("transcript options")
    group.add_argument(
        "--iterations",
        type=int_in_range(1, MAX_TRANSCRIPT_ITERATIONS),
        metavar="N",
        help=f"how many iterations, 1 to {MAX_TRANSCRIPT_ITERATIONS:,} (default: 1; with --mistake: 5 of loss)",
    )
    group.add_argument(
        "--granularity", choices=GRANULARITIES, default="operation", help="how fine each step is (default: %(default)s)"
    )
    add_notation_option(group)
    group.add_argument("--mistake", choices=tuple(MISTAKES), help="run one common mistake instead (see below)")
    add_digits_option(group)


def run(args: argparse.Namespace) -> int:
    from tuinet.scenario.narrate import lesson_at, lesson_lines  # only for a transcript, and then needed

    scenario = scenario_or_options(args)
    network = build(scenario.config)
    profile = notation_for(args, scenario)

    def narrate(trace: Trace, op: Operation | None) -> list[str]:
        return lesson_lines(lesson_at(scenario, trace, op, args.digits, at_start=trace.iteration == 1 and op is None))

    lessons = scenario.lesson is not None or bool(scenario.names)
    lines = transcript(
        network,
        profile,
        args.iterations or (5 if args.mistake else 1),
        args.granularity,
        args.digits,
        args.mistake,
        narrate=narrate if lessons else None,
    )
    for line in lines:
        sys.stdout.write(line + "\n")
    sys.stdout.flush()
    return 0
