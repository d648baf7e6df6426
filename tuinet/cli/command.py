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
from typing import TYPE_CHECKING

from tuinet.app.pace import PLAY_DELAYS
from tuinet.app.sessionfile import load as load_session
from tuinet.cli.config import ConfigFile, config_path, read_config
from tuinet.cli.export import export, write
from tuinet.cli.memory import keep_freed_memory
from tuinet.cli.options import (
    config_argv,
    config_from_args,
    flag_of,
)
from tuinet.cli.parser import PROG, THEMES, OneLineParser, UsageError, build_parser
from tuinet.cli.report import trace_json, write_report
from tuinet.cli.scenario import (
    notation_for,
    print_presets,
    scenario_from_args,
    scenario_or_options,
)
from tuinet.cli.settings import checked_keymap, print_settings
from tuinet.engine import NetConfig, build
from tuinet.engine.train import check_limits, train
from tuinet.errors import TuinetError
from tuinet.words.export import CommandLine

if TYPE_CHECKING:
    from tuinet.scenario import Scenario

__all__ = ["THEMES", "OneLineParser", "UsageError", "build_parser", "export_command", "main"]


EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for ctrl+c
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what `yes | head` reports: the reader went away


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
    argv = [PROG, "export", *options, flag_of(exporter, "iteration"), str(iteration), flag_of(exporter, "format"), form]
    # A command line that would not give this very network back is worse than none: check it by parsing it.
    try:
        if config_from_args(parser.parse_args(argv[1:])) != config:
            return None
    except (UsageError, TuinetError):
        return None
    return argv


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
    # The config file's settings go before the typed options, so that the command line wins (config.py).
    # Apps started by `tuinet serve` (--served-as) read none: a class sees what the teacher typed.
    use_file = "--no-config" not in argv and not any(word.startswith("--served-as") for word in argv)
    file = read_config(config_path(), build_parser, UsageError) if use_file else ConfigFile(config_path(), found=False)
    try:
        args = parser.parse_args([*file.words, *argv])
    except SystemExit as stop:  # --help and --version print, then ask argparse to exit
        return stop.code if isinstance(stop.code, int) else 0
    args.config_file = file
    if args.command == "config":
        print_settings(build_parser(), argv, args, file, sys.stdout)
        return 0
    if args.command == "train":
        return _train(args)
    if args.command == "serve":
        raise UsageError("put serve's options after it: tuinet serve --ssh -- <network options>")
    if args.command == "presets":
        print_presets(sys.stdout)
        return 0
    if args.command == "export":
        _export(args)
        return 0
    if args.command == "transcript":
        from tuinet.cli.transcript import run

        return run(args)
    return _open_app(args)


def _export(args: argparse.Namespace) -> None:
    scenario = scenario_or_options(args)
    if args.format == "scenario":
        from tuinet.scenario.writer import scenario_toml

        build(scenario.config)  # a config that cannot be built is an error now, not a file that fails to load
        write(scenario_toml(scenario), args.output)
    else:
        notation = notation_for(args, scenario).name
        text = export(build(scenario.config), args.iteration, args.format, _command_for(scenario), notation)
        write(text, args.output)


def _command_for(scenario: Scenario) -> CommandLine:
    """The export's command line: ``--preset NAME`` for an unchanged preset (its weights have no option)."""
    preset = scenario.origin.removeprefix("preset ") if scenario.origin.startswith("preset ") else None

    def command(config: NetConfig, iteration: int, form: str) -> list[str] | None:
        if preset is not None and config == scenario.config:
            return [PROG, "export", "--preset", preset, "--iteration", str(iteration), "--format", form]
        return export_command(config, iteration, form)

    return command


def _train(args: argparse.Namespace) -> int:
    if args.trace and not args.json:
        raise UsageError("--trace adds every matrix to the JSON report: use it with --json")
    scenario = scenario_from_args(args)
    config = scenario.config if scenario is not None else config_from_args(args)
    steps = args.steps if args.steps is not None else scenario.steps if scenario is not None else None
    if steps is None:
        raise UsageError("the following arguments are required: --steps")
    args.steps = steps
    network = build(config)
    check_limits(network, args.steps, traced=args.trace)
    if args.json:
        traces: list[str] = []
        # Encode each step as it is computed: a list of strings is far smaller than the traces.
        result = train(network, args.steps, on_trace=(lambda t: traces.append(trace_json(t))) if args.trace else None)
        printed = []
        if scenario is not None and scenario.lesson is not None:
            from tuinet.scenario.printed import printed_report

            printed = printed_report(scenario.lesson, network, steps)
        write_report(result, sys.stdout, traces if args.trace else None, {"printed": printed} if printed else None)
    else:
        # Imported here so that `--json` (the scripted use) does not pay for importing Rich.
        from rich.console import Console

        from tuinet.cli.summary import ProgressBar, print_summary

        console = Console(file=sys.stdout, highlight=False)
        with ProgressBar(console, args.steps, enabled=console.is_terminal) as bar:
            result = train(network, args.steps, on_progress=bar)
        print_summary(result, console)
        if scenario is not None and scenario.lesson is not None and scenario.lesson.printed:
            from tuinet.cli.scenario import print_printed

            print_printed(scenario, network, steps, sys.stdout)
    # Flush here so that a closed pipe (`tuinet train … | head`) raises inside main, where it is
    # handled, rather than at interpreter exit, where Python would print "Exception ignored".
    sys.stdout.flush()
    return 0


def _open_app(args: argparse.Namespace) -> int:
    max_units = getattr(args, "max_units", NetConfig().max_units)  # absent unless given (see options.py)
    saved = load_session(args.load, max_units=max_units) if args.load else None
    scenario = scenario_from_args(args) if saved is None else None
    config = saved.config if saved is not None else scenario.config if scenario is not None else config_from_args(args)
    # Load the dataset now: a bad CSV is then a one-line error here, not a crash inside the UI.
    network = build(config)
    # Imported here so that `tuinet train` never imports Textual.
    from tuinet.app import make_app

    classroom = None
    if args.served_as is not None:  # started by `tuinet serve` (tuinet/app/follow.py)
        from tuinet.app.follow import Classroom

        classroom = Classroom(args.served_as, args.follow_fd)
    speed = PLAY_DELAYS.index(args.play_every)
    keymap = checked_keymap(args.config_file)
    app = make_app(
        config,
        theme=args.theme,
        digits=args.digits,
        saved=saved,
        network=network,
        classroom=classroom,
        scenario=scenario,
        speed=speed,
        keymap=keymap,
        notation=notation_for(args, scenario).name,
        command_line=export_command,
    )
    app.run(mouse=args.mouse)
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
