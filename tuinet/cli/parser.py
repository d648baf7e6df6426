"""The ``tuinet`` command line's parser: options, sub-commands and their help.

argparse's own errors become one line (OneLineParser → UsageError), shown by tuinet.cli.command as
``tuinet: error: <message>`` with exit status 2.
"""

from __future__ import annotations

import argparse
from typing import NoReturn

from tuinet import __version__
from tuinet.app.pace import DEFAULT_SPEED, PLAY_DELAYS
from tuinet.cli.config import CONFIG_HELP
from tuinet.cli.export import EXPORT_EPILOG, FORMATS, MAX_ITERATION
from tuinet.cli.options import (
    add_network_options,
    int_in_range,
    positive_int,
)
from tuinet.cli.report import NON_FINITE_HELP
from tuinet.cli.scenario import (
    SCENARIO_EPILOG,
    add_scenario_options,
)
from tuinet.cli.transcript import TRANSCRIPT_EPILOG, add_digits_option, add_notation_option, add_transcript_options
from tuinet.engine.train import MAX_STEPS, MAX_TRACE_NUMBERS

PROG = "tuinet"
THEMES = ("dark", "light", "ansi")

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for ctrl+c
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what `yes | head` reports: the reader went away


__all__ = ["MAIN_EPILOG", "TRAIN_EPILOG", "OneLineParser", "UsageError", "build_parser"]

PROG = "tuinet"
THEMES = ("dark", "light", "ansi")

MAIN_EPILOG = f"""\
examples:
  tuinet                                   open the app on the classic XOR tutorial network
  tuinet --hidden 8,8 --activation tanh    two hidden layers of 8 tanh units
  tuinet --dataset data.csv --targets 2    your own data: the last 2 CSV columns are targets
  tuinet train --steps 1000 --json         train without the app; see `tuinet train --help`
  tuinet export --iteration 3 > step3.py   iteration 3 as a numpy script; see `tuinet export --help`
  tuinet --preset mazur                    a textbook's worked example, to its printed digits; `tuinet presets`
  tuinet --lesson tutorial                 a guided lesson: five questions about backprop

{SCENARIO_EPILOG}
Bad options or data give a one-line error and exit status 2.
"""

TRAIN_EPILOG = f"""\
the JSON report (--json) is one object:
  config         the network options
  steps          how many steps ran (fewer than --steps when the run diverged)
  loss           the loss of each step, from that step's forward pass
  outputs        a_L of the last step's forward pass, before its update
  final_outputs  a forward pass over the whole dataset with the final weights
  weights        the final W1, W2, … (and b1, … with --bias), as lists of rows
  diverged       true when the loss or the weights became inf/NaN; the run stops at that step
  diverged_at    that step (1-based), or null
  trace          with --trace only: one object per step with "step" (1-based) and a0, z1, a1, …,
                 W1, … (before the update), b1, …, e, delta1, …, dW1, …, db1, …, loss
{NON_FINITE_HELP};
finite numbers are exact: they read back as the very float64 values the engine computed.

With every default, `tuinet train --steps 1000 --json` reproduces the classic tutorial loop
bit for bit (np.random.seed(1); W1 = np.random.random((3,4)); W2 = np.random.random((4,1)); …).

limits: --steps at most {MAX_STEPS:,}; --trace at most {MAX_TRACE_NUMBERS:,} numbers in all.
exit status: 0 done (a diverged run is a result, so also 0), 2 bad options or data,
130 interrupted (ctrl+c), 141 the reader of the output went away (`tuinet train … | head`).
"""


class UsageError(Exception):
    """A bad command line; the message is one line, shown as ``tuinet: error: <message>``."""


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line (argparse prints a usage block first)."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keep the epilogs' line breaks (they are tables); wrap option help as usual."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=32)


def build_parser() -> OneLineParser:
    """The whole command line: app options at the top level, and the ``train`` and ``export`` sub-commands."""
    parser = OneLineParser(
        prog=PROG,
        description="Watch backpropagation happen, one matrix cell at a time, in your terminal. "
        "Without a command, opens the app.",
        epilog=MAIN_EPILOG,
        formatter_class=_HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    add_network_options(parser)
    add_scenario_options(parser)
    ui = parser.add_argument_group("app options")
    ui.add_argument("--theme", choices=THEMES, default="dark", help="colour theme (default: %(default)s)")
    ui.add_argument(
        "--mouse",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="--no-mouse ignores the mouse; over SSH every mouse move is otherwise sent as input (default: on)",
    )
    ui.add_argument(
        "--play-every",
        type=float,
        choices=PLAY_DELAYS,
        default=PLAY_DELAYS[DEFAULT_SPEED],
        metavar="SECONDS",
        help=f"seconds between auto-play steps (p): {', '.join(f'{d:g}' for d in PLAY_DELAYS)} (default: %(default)g)",
    )
    ui.add_argument(
        "--no-config",
        action="store_true",
        help=f"ignore the config file ({CONFIG_HELP}); `tuinet config` shows what it sets",
    )
    ui.add_argument(
        "--load",
        metavar="FILE",
        help="open a saved session (saved in the app with ctrl+s): its network, cursor, display and notation; "
        "network and app options are then ignored",
    )
    add_digits_option(ui)
    add_notation_option(ui)
    # Set by `tuinet serve` for the apps it starts (tuinet/app/follow.py); not for people.
    ui.add_argument("--served-as", choices=("solo", "teacher", "student", "explorer"), help=argparse.SUPPRESS)
    ui.add_argument("--follow-fd", type=int, help=argparse.SUPPRESS)

    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    trainer = commands.add_parser(
        "train",
        help="train without the app and print a summary or a JSON report",
        description="Train the network without the app, then print a summary (or a JSON report with --json).",
        epilog=TRAIN_EPILOG,
        formatter_class=_HelpFormatter,
    )
    add_network_options(trainer)
    add_scenario_options(trainer)
    run = trainer.add_argument_group("run options")
    run.add_argument(
        "--steps",
        type=positive_int,
        metavar="N",
        help="how many steps (iterations) to train (required, unless the scenario or preset says how many)",
    )
    run.add_argument("--json", action="store_true", help="print one JSON object instead of a summary (default: off)")
    run.add_argument(
        "--trace", action="store_true", help="with --json, add every matrix of every step to the report (default: off)"
    )

    exporter = commands.add_parser(
        "export",
        help="write one iteration as a standalone numpy script or a Markdown handout",
        description="Write one iteration as a standalone numpy script (py) or a Markdown transcript (md).",
        epilog=EXPORT_EPILOG,
        formatter_class=_HelpFormatter,
    )
    add_network_options(exporter)
    add_scenario_options(exporter)
    output = exporter.add_argument_group("export options")
    output.add_argument(
        "--iteration",
        type=int_in_range(1, MAX_ITERATION),
        default=1,
        metavar="N",
        help=f"which iteration, 1 to {MAX_ITERATION:,} (default: %(default)s)",
    )
    output.add_argument(
        "--format",
        choices=(*FORMATS, "scenario"),
        default="py",
        help="py, md, or scenario: the network as a scenario file (TOML) that loads back to the same numbers "
        "(default: %(default)s)",
    )
    output.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout (default: stdout)")
    commands.add_parser(
        "presets",
        help="list the built-in scenarios (--preset NAME) and the sources whose numbers they reproduce",
        description="List the built-in scenarios and their sources.",
    )
    add_notation_option(output)
    teller = commands.add_parser(
        "transcript",
        help="print what the screen explains, step by step, as plain text (screen readers, handouts, logs)",
        description="Print, step by step, what the app explains: the same words and numbers, plain UTF-8, "
        "no colour or box drawing.",
        epilog=TRANSCRIPT_EPILOG,
        formatter_class=_HelpFormatter,
    )
    add_network_options(teller)
    add_scenario_options(teller)
    add_transcript_options(teller)
    configure = commands.add_parser(
        "config",
        help="print the effective settings and where each came from (default, config file, command line)",
        description=f"Print the effective settings and where each came from. The config file is {CONFIG_HELP}; "
        "command-line options win over it.",
        formatter_class=_HelpFormatter,
    )
    add_network_options(configure)
    # Listed for --help only: _dispatch hands everything after `serve` to tuinet/serve/cli.py.
    commands.add_parser("serve", help="serve the app to a class over SSH or the web; see `tuinet serve --help`")
    return parser
