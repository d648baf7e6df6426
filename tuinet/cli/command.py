"""The ``tuinet`` command: argparse → NetConfig → the app, or a headless ``tuinet train`` run.

Every user mistake ends the same way: one line ``tuinet: error: <what is wrong>`` on stderr and
exit status 2, never a usage block or a traceback. argparse's own errors are routed there by
OneLineParser; the engine's (bad config, unusable CSV) arrive as TuinetError.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from typing import NoReturn

from tuinet import __version__
from tuinet.app.sessionfile import load as load_session
from tuinet.cli.export import EXPORT_EPILOG, FORMATS, MAX_ITERATION, export, write
from tuinet.cli.memory import keep_freed_memory
from tuinet.cli.options import (
    add_network_options,
    config_argv,
    config_from_args,
    flag_of,
    int_in_range,
    positive_int,
)
from tuinet.cli.report import NON_FINITE_HELP, trace_json, write_report
from tuinet.cli.transcript import TRANSCRIPT_EPILOG, add_notation_option, add_transcript_options, notation_of
from tuinet.engine import NetConfig, build
from tuinet.engine.train import MAX_STEPS, MAX_TRACE_NUMBERS, check_limits, train
from tuinet.errors import TuinetError

__all__ = ["THEMES", "OneLineParser", "UsageError", "build_parser", "export_command", "main"]

PROG = "tuinet"
THEMES = ("dark", "light", "ansi")

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for ctrl+c
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what `yes | head` reports: the reader went away

MAIN_EPILOG = """\
examples:
  tuinet                                   open the app on the classic XOR tutorial network
  tuinet --hidden 8,8 --activation tanh    two hidden layers of 8 tanh units
  tuinet --dataset data.csv --targets 2    your own data: the last 2 CSV columns are targets
  tuinet train --steps 1000 --json         train without the app; see `tuinet train --help`
  tuinet export --iteration 3 > step3.py   iteration 3 as a numpy script; see `tuinet export --help`

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
    ui = parser.add_argument_group("app options")
    ui.add_argument("--theme", choices=THEMES, default="dark", help="colour theme (default: %(default)s)")
    ui.add_argument(
        "--no-mouse",
        action="store_true",
        help="ignore the mouse; over SSH every mouse move is otherwise sent as input (default: mouse on)",
    )
    ui.add_argument(
        "--load",
        metavar="FILE",
        help="open a saved session (saved in the app with ctrl+s): its network, cursor, display and notation; "
        "network and app options are then ignored",
    )
    ui.add_argument(
        "--digits",
        type=int_in_range(1, 8),
        default=3,
        metavar="N",
        help="decimal places shown, 1 to 8 (default: %(default)s)",
    )
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
    run = trainer.add_argument_group("run options")
    run.add_argument(
        "--steps", type=positive_int, required=True, metavar="N", help="how many steps (iterations) to train (required)"
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
    output = exporter.add_argument_group("export options")
    output.add_argument(
        "--iteration",
        type=int_in_range(1, MAX_ITERATION),
        default=1,
        metavar="N",
        help=f"which iteration, 1 to {MAX_ITERATION:,} (default: %(default)s)",
    )
    output.add_argument("--format", choices=FORMATS, default="py", help="py or md (default: %(default)s)")
    output.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout (default: stdout)")
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
    add_transcript_options(teller)
    # Listed for --help only: _dispatch hands everything after `serve` to tuinet/serve/cli.py.
    commands.add_parser("serve", help="serve the app to a class over SSH or the web; see `tuinet serve --help`")
    return parser


def export_command(config: NetConfig, iteration: int, form: str) -> list[str] | None:
    """The ``tuinet export`` command line that writes this export, generated from the export parser's actions.

    None when the config holds what no option can say (explicit weights, inline data): words then say so.
    """
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    exporter = commands.choices["export"]
    options = config_argv(exporter, config)
    if options is None:
        return None
    return [PROG, "export", *options, flag_of(exporter, "iteration"), str(iteration), flag_of(exporter, "format"), form]


def main(argv: list[str] | None = None) -> int:
    """Run ``tuinet`` with ``argv`` (default: sys.argv[1:]) and return the exit status."""
    keep_freed_memory()
    try:
        return _dispatch(sys.argv[1:] if argv is None else argv)
    except (UsageError, TuinetError) as error:
        return _fail(str(error))
    except KeyboardInterrupt:
        _stderr_line(f"{PROG}: interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except MemoryError:
        # Only reachable after raising --max-units by hand; still the user's input, not a bug.
        return _fail("out of memory: this network or run is too large for this machine")


def _dispatch(argv: list[str]) -> int:
    if argv[:1] == ["serve"]:
        from tuinet.serve.cli import serve  # imported here: asyncssh only for `tuinet serve`

        return serve(argv[1:])
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help and --version print, then ask argparse to exit
        return stop.code if isinstance(stop.code, int) else 0
    if args.command == "train":
        return _train(args)
    if args.command == "serve":
        raise UsageError("put serve's options after it: tuinet serve --ssh -- <network options>")
    if args.command == "export":
        network = build(config_from_args(args))
        write(export(network, args.iteration, args.format, export_command, notation_of(args)), args.output)
        return 0
    if args.command == "transcript":
        from tuinet.cli.transcript import run

        return run(args)
    return _open_app(args)


def _train(args: argparse.Namespace) -> int:
    if args.trace and not args.json:
        raise UsageError("--trace adds every matrix to the JSON report: use it with --json")
    network = build(config_from_args(args))
    check_limits(network, args.steps, traced=args.trace)
    if args.json:
        traces: list[str] = []
        # Encode each step as it is computed: a list of strings is far smaller than the traces.
        result = train(network, args.steps, on_trace=(lambda t: traces.append(trace_json(t))) if args.trace else None)
        write_report(result, sys.stdout, traces if args.trace else None)
    else:
        # Imported here so that `--json` (the scripted use) does not pay for importing Rich.
        from rich.console import Console

        from tuinet.cli.summary import ProgressBar, print_summary

        console = Console(file=sys.stdout, highlight=False)
        with ProgressBar(console, args.steps, enabled=console.is_terminal) as bar:
            result = train(network, args.steps, on_progress=bar)
        print_summary(result, console)
    # Flush here so that a closed pipe (`tuinet train … | head`) raises inside main, where it is
    # handled, rather than at interpreter exit, where Python would print "Exception ignored".
    sys.stdout.flush()
    return 0


def _open_app(args: argparse.Namespace) -> int:
    max_units = getattr(args, "max_units", NetConfig().max_units)  # absent unless given (see options.py)
    saved = load_session(args.load, max_units=max_units) if args.load else None
    config = saved.config if saved is not None else config_from_args(args)
    # Load the dataset now: a bad CSV is then a one-line error here, not a crash inside the UI.
    network = build(config)
    # Imported here so that `tuinet train` never imports Textual.
    from tuinet.app import make_app

    classroom = None
    if args.served_as is not None:  # started by `tuinet serve` (tuinet/app/follow.py)
        from tuinet.app.follow import Classroom

        classroom = Classroom(args.served_as, args.follow_fd)
    app = make_app(
        config,
        theme=args.theme,
        digits=args.digits,
        saved=saved,
        network=network,
        classroom=classroom,
        notation=notation_of(args),
        command_line=export_command,
    )
    app.run(mouse=not args.no_mouse)
    # 0 after q; 128 + N after signal N (tuinet/app/signals.py); 1 if the app itself failed.
    return app.return_code or 0


def _stderr_line(text: str) -> None:
    with contextlib.suppress(OSError):  # stderr itself is closed: there is nowhere left to report to
        print(text, file=sys.stderr, flush=True)


def _fail(message: str) -> int:
    # Messages are one line by contract; a stray newline must not break the one-line promise.
    _stderr_line(f"{PROG}: error: {' '.join(message.splitlines())}")
    return EXIT_USAGE


def _silence_stdout() -> None:
    """Point stdout at /dev/null after a broken pipe.

    Python flushes stdout once more at exit; without this, that flush raises a second
    BrokenPipeError and prints "Exception ignored …" after we have already returned cleanly.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout has no file descriptor (e.g. captured in a test): nothing to do
        pass
