"""The scenario options (``--scenario``, ``--preset``, ``--weights``, ``--lesson``) and ``tuinet presets``.

Wherever a network is made from the command line (the app, ``train``, ``export``, ``transcript``, and the apps
``tuinet serve -- …`` starts), the same order applies:

1. a scenario file or a preset gives the starting config, names and lesson (else NetConfig's defaults);
2. network options typed as well override single fields of it (``--preset mazur --lr 0.1``);
3. ``--weights FILE`` replaces the initial weights (checked against the network's shapes);
4. ``--lesson NAME|FILE`` replaces the lesson. A built-in lesson is written for its own preset's network, so it
   is refused on any other network (its sentences name that network's shapes).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, TextIO

from tuinet.cli.options import NETWORK_DEFAULTS, config_from_args
from tuinet.engine import NetConfig, Network, build
from tuinet.errors import TuinetError
from tuinet.scenario.presets import PRESETS, load_preset
from tuinet.words.lessons import BUILTIN_LESSONS
from tuinet.words.notation import DEFAULT, Profile, get_profile

if TYPE_CHECKING:
    from tuinet.scenario.schema import Scenario

__all__ = [
    "SCENARIO_EPILOG",
    "add_scenario_options",
    "notation_for",
    "print_presets",
    "print_printed",
    "scenario_from_args",
    "scenario_or_options",
]

SCENARIO_EPILOG = """\
scenarios: --scenario FILE (TOML) or --preset NAME (see `tuinet presets`) sets the data, layers, activations,
initial weights, loss, lr, frozen parameters, names and lesson; network options typed as well override it.
"""


def add_scenario_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("scenario options")
    source = group.add_mutually_exclusive_group()
    source.add_argument(
        "--scenario",
        metavar="FILE",
        default=argparse.SUPPRESS,
        help="a scenario file (TOML): data, layers, activations, initial weights, loss, lr, frozen parameters, "
        "names, narration; network options given too override its fields",
    )
    source.add_argument(
        "--preset",
        metavar="NAME",
        default=argparse.SUPPRESS,
        help=f"a built-in scenario, reproducing a textbook's numbers: {', '.join(PRESETS)} (see `tuinet presets`)",
    )
    group.add_argument(
        "--weights",
        metavar="FILE",
        dest="weights_file",  # not ``weights``: that is NetConfig's field (the matrices themselves)
        default=argparse.SUPPRESS,
        help="initial weights from an .npz (np.savez(f, W1=…, W2=…, b1=…)) or the same as JSON; "
        "W_l is inputs×outputs, checked against the network's shapes",
    )
    group.add_argument(
        "--lesson",
        metavar="NAME|FILE",
        default=argparse.SUPPRESS,
        help=f"narration shown in a lesson pane that follows the cursor: built-in {', '.join(BUILTIN_LESSONS)}, "
        "or a Markdown file with '## iteration N · OP' sections",
    )


@dataclass(frozen=True)
class _Given:
    scenario: str | None
    preset: str | None
    weights: str | None
    lesson: str | None


def _given(args: argparse.Namespace) -> _Given:
    return _Given(*(getattr(args, key, None) for key in ("scenario", "preset", "weights_file", "lesson")))


def scenario_from_args(args: argparse.Namespace) -> Scenario | None:
    """The scenario the command line describes, or None when it names none (then NetConfig comes from options)."""
    given = _given(args)
    if given == _Given(None, None, None, None):
        return None
    # The parser, the weights reader and the lesson checks load only when a scenario option is given.
    from tuinet.scenario import Scenario, ScenarioError, load_lesson, load_scenario
    from tuinet.scenario.check import lesson_problems
    from tuinet.scenario.weights import with_weights

    limits = {name: getattr(args, name) for name in ("max_units", "max_numbers") if hasattr(args, name)}
    max_units: int = limits.get("max_units", NetConfig().max_units)
    if given.scenario is not None:
        scenario = load_scenario(given.scenario, max_units=max_units)
    elif given.preset is not None:
        scenario = load_preset(given.preset, max_units=max_units)
    elif given.lesson in BUILTIN_LESSONS:
        scenario = load_preset(given.lesson, max_units=max_units)  # a built-in lesson's own network
    else:
        scenario = Scenario(name="command line", config=NetConfig(max_units=max_units), origin="command line")
    typed = {name: getattr(args, name) for name in NETWORK_DEFAULTS if hasattr(args, name) and name not in limits}
    config = scenario.config
    if typed or limits:
        merged = {**config.to_dict(), **typed}
        if {"activation", "output_activation", "hidden"} & set(typed) and "activations" not in typed:
            merged.pop("activations", None)  # a typed activation or depth replaces the scenario's per-layer list
        config = NetConfig.from_dict(merged, where="", **limits)
    if given.weights is not None:
        config = with_weights(config, given.weights)
    lesson = scenario.lesson
    if given.lesson is not None:
        lesson = load_lesson(given.lesson)
        for entry, _, problem in lesson_problems(lesson, build(config))[:1]:
            heading = f"iteration {entry.iteration}" if entry.iteration is not None else "every iteration"
            where = f"## {heading}" + (f" · {entry.op}" if entry.op else "")
            raise ScenarioError(f"lesson {given.lesson!r}, section '{where}': {problem}")
        if given.lesson in BUILTIN_LESSONS:
            home = load_preset(given.lesson, max_units=max_units).config
            if config != home:
                raise TuinetError(
                    f"lesson {given.lesson!r} is written for the {given.lesson} network (--preset {given.lesson}); "
                    "drop the other network options, or write a lesson file for this network"
                )
    return replace(scenario, config=config, lesson=lesson)


def scenario_or_options(args: argparse.Namespace) -> Scenario:
    """The scenario of the command line: a file or preset (with typed options over it), or the options alone."""
    scenario = scenario_from_args(args)
    if scenario is not None:
        return scenario
    from tuinet.scenario.schema import Scenario

    return Scenario(name="command line", config=config_from_args(args), origin="command line")


def notation_for(args: argparse.Namespace, scenario: Scenario | None) -> Profile:
    """--notation if typed (anything but the default), else the scenario's own profile, else the default."""
    typed = getattr(args, "notation", DEFAULT)
    if typed != DEFAULT or scenario is None or not (scenario.names or scenario.notation):
        return get_profile(typed)
    from tuinet.scenario.notation import profile_of

    return profile_of(scenario) or get_profile(DEFAULT)


def print_printed(scenario: Scenario, network: Network, steps: int, out: TextIO) -> None:
    """After a training summary: each number the scenario's source prints, beside tuinet's, for this run."""
    from tuinet.scenario.printed import printed_report

    assert scenario.lesson is not None
    rows = printed_report(scenario.lesson, network, steps)
    if not rows:
        return
    source = scenario.source.split(",")[0] if scenario.source else "the source"
    out.write(f"\n{source} prints · tuinet computes (iteration: the source's name):\n")
    for row in rows:
        verdict = "matches" if row["matches"] else "differs"
        ours = row["tuinet_rounded"]
        out.write(f"  {row['iteration']}: {row['label']}: printed {row['printed']} · tuinet {ours} · {verdict}\n")
        if row["differs"]:
            out.write(f"      {row['differs']}\n")


def print_presets(out: TextIO) -> None:
    """``tuinet presets``: each preset's name, title and source."""
    for name in PRESETS:
        scenario = load_preset(name)
        out.write(f"{name:<13} {scenario.title}\n")
        out.write(f"{'':<13} source: {scenario.source}\n")
        if scenario.url:
            out.write(f"{'':<13} {scenario.url}\n")
    out.write("\nuse: tuinet --preset NAME · tuinet train --preset NAME --json · tuinet export --preset NAME\n")
