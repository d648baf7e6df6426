"""The network options, defined once and shared by `tuinet` (the app) and `tuinet train`.

Every option maps onto one NetConfig field of the same name, and NetConfig holds the defaults:
the options themselves default to ``argparse.SUPPRESS``, so a namespace only carries what the
user actually typed and ``config_from_args`` fills in the rest from NetConfig. Two things follow:

- the defaults printed by ``--help`` cannot drift from the ones the engine uses;
- the options can sit on a parent parser *and* on a sub-command without the sub-command's
  defaults silently overwriting what was typed before it (argparse copies every attribute of
  a sub-command's namespace onto the parent's), so ``tuinet --hidden 8 train`` works too.

The argument types below reject bad values while parsing, so the user gets argparse's one-line
``argument --hidden: …`` message; NetConfig still validates everything (it is the authority).
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from dataclasses import MISSING, fields
from typing import Any

from tuinet.engine.activations import ACTIVATIONS, HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from tuinet.engine.config import BATCH_MODES, INITS, LOSSES, NetConfig
from tuinet.engine.datasets import BUILTIN_DATASETS

__all__ = [
    "NETWORK_DEFAULTS",
    "add_network_options",
    "config_argv",
    "config_from_args",
    "flag_of",
    "hidden_sizes",
    "int_in_range",
    "names_list",
    "positive_float",
    "positive_int",
]

NETWORK_DEFAULTS: dict[str, Any] = {f.name: f.default for f in fields(NetConfig) if f.default is not MISSING}
"""NetConfig's field defaults by name: the single source for both the engine and ``--help``."""


def positive_int(text: str) -> int:
    """An argparse type: a whole number ≥ 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def int_in_range(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number in low…high (inclusive)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a whole number from {low} to {high}, got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be from {low} to {high}, got {value}")
        return value

    return parse


def positive_float(text: str) -> float:
    """An argparse type: a finite number > 0 (``float()`` alone would accept 'nan', 'inf' and '-1')."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive finite number, got {text!r}")
    return value


def names_list(text: str) -> tuple[str, ...]:
    """An argparse type: comma-separated names, e.g. ``sigmoid,linear`` or ``b1,b2``."""
    parts = tuple(part.strip() for part in text.split(","))
    if not all(parts):
        raise argparse.ArgumentTypeError(f"must be comma-separated names (like b1,b2), got {text!r}")
    return parts


def hidden_sizes(text: str) -> tuple[int, ...]:
    """An argparse type: ``4`` or ``8,8`` (units per hidden layer), or ``none`` for no hidden layer."""
    if text.strip().lower() == "none":
        return ()
    parts = text.split(",")
    if not text.strip() or any(not part.strip() for part in parts):
        raise argparse.ArgumentTypeError(f"must be layer sizes like 4 or 8,8 (or none), got {text!r}")
    sizes: list[int] = []
    for part in parts:
        try:
            size = int(part)
        except ValueError:
            raise argparse.ArgumentTypeError(f"layer sizes must be whole numbers, got {part.strip()!r}") from None
        if size < 1:
            raise argparse.ArgumentTypeError(f"layer sizes must be at least 1, got {size}")
        sizes.append(size)
    return tuple(sizes)


def _shown(name: str) -> str:
    """How NetConfig's default for ``name`` reads on the command line."""
    value = NETWORK_DEFAULTS[name]
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value) or ("none" if name == "hidden" else "off")
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def add_network_options(parser: argparse.ArgumentParser) -> None:
    """Add every network option (one per NetConfig field) to ``parser``, in a group of its own."""
    group = parser.add_argument_group("network options")

    def add(*flags: str, help: str, dest: str | None = None, **kwargs: Any) -> None:
        dest = dest or flags[0].lstrip("-").replace("-", "_")
        group.add_argument(
            *flags, help=f"{help} (default: {_shown(dest)})", dest=dest, default=argparse.SUPPRESS, **kwargs
        )

    add(
        "--dataset",
        metavar="NAME|PATH",
        help=f"built-in dataset ({', '.join(BUILTIN_DATASETS)}) or a CSV file whose last --targets columns are "
        "the targets; a first row that is not numbers is taken as a header",
    )
    add("--targets", type=positive_int, metavar="K", help="how many trailing CSV columns are targets")
    add(
        "--hidden",
        type=hidden_sizes,
        metavar="SIZES",
        help="units per hidden layer, comma-separated for several layers (e.g. 8,8), or 'none' for no hidden layer",
    )
    add("--activation", choices=HIDDEN_ACTIVATIONS, help="hidden-layer activation")
    add("--output-activation", choices=OUTPUT_ACTIVATIONS, help="output-layer activation")
    add(
        "--init",
        choices=INITS,
        help="initial weights: uniform U[0,1) like np.random.random, signed U[-1,1), xavier U(±√(6/(in+out)))",
    )
    add("--seed", type=int, metavar="N", help="seed of numpy.random.RandomState for the initial weights")
    add("--lr", type=positive_float, metavar="RATE", help="learning rate: W ← W − lr·dW")
    add("--bias", action=argparse.BooleanOptionalAction, help="add a bias vector to every layer")
    add("--batch", choices=BATCH_MODES, help="full: every row each step; 1: one row per step, shuffled each epoch")
    add(
        "--activations",
        type=names_list,
        metavar="LIST",
        help=f"one activation per layer, hidden layers then the output, comma-separated (e.g. tanh,linear), any of "
        f"{', '.join(ACTIVATIONS)}; replaces --activation and --output-activation",
    )
    add(
        "--loss",
        choices=LOSSES,
        help="sum: C = ½ Σ (a−y)², so ∂C/∂a = e; sse: C = Σ (a−y)² with no ½ (Hagan's F), so ∂C/∂a = 2e; "
        "mean: C = ½ mean (a−y)², so ∂C/∂a = e/(N·K)",
    )
    add(
        "--freeze",
        dest="frozen",
        type=names_list,
        metavar="PARAMS",
        help="parameters never updated, comma-separated: W1…WL, b1…bL, or W / b for every layer's (e.g. b)",
    )
    add(
        "--max-units",
        type=positive_int,
        metavar="N",
        help="refuse hidden layers wider than this (a guard against typos like --hidden 100000)",
    )
    add(
        "--max-numbers",
        type=positive_int,
        metavar="N",
        help="refuse a network whose one iteration holds more numbers than this (rows × units over all layers)",
    )


def config_argv(parser: argparse.ArgumentParser, config: NetConfig) -> list[str] | None:
    """The options of ``parser`` that give ``config``: only those that differ from the defaults, spelt as the
    parser's own actions spell them (so this cannot drift from ``--help``). None when the config has something
    no option of ``parser`` can say (explicit weights, inline data)."""
    actions = {action.dest: action for action in parser._actions if action.dest in NETWORK_DEFAULTS}
    argv: list[str] = []
    for name, default in NETWORK_DEFAULTS.items():
        value = getattr(config, name)
        if name in ("max_units", "max_numbers") or value == default:
            continue  # the limits are guards, not part of what the network is
        action = actions.get(name)
        if action is None:
            return None
        flags = action.option_strings
        if isinstance(action, argparse.BooleanOptionalAction):
            argv.append(flags[0] if value else next(flag for flag in flags if flag.startswith("--no-")))
        else:
            if isinstance(value, tuple):
                text = ",".join(str(v) for v in value) or "none"
            else:
                text = repr(value) if isinstance(value, float) else str(value)
            # argparse reads a value that starts with "-" as an option: glue it on (--dataset=-data.csv).
            argv += [f"{flags[0]}={text}"] if text.startswith("-") else [flags[0], text]
    return argv


def flag_of(parser: argparse.ArgumentParser, dest: str) -> str:
    """The long flag of ``parser``'s option stored in ``dest`` (``iteration`` → ``--iteration``)."""
    return next(a.option_strings[-1] for a in parser._actions if a.dest == dest and a.option_strings)


def config_from_args(args: argparse.Namespace) -> NetConfig:
    """The NetConfig for the network options in ``args`` (raises ConfigError for bad combinations)."""
    given = {name: getattr(args, name) for name in NETWORK_DEFAULTS if hasattr(args, name)}
    limits = {name: given.pop(name) for name in ("max_units", "max_numbers") if name in given}
    return NetConfig.from_dict(given, where="", **limits)
