"""The JSON checks behind NetConfig.from_dict — the one way in for session files, follow messages and the CLI.

The dict may come from an untrusted JSON document, so every value is type-checked before NetConfig (the
authority on ranges and combinations) sees it, and every message is one line that names the key
(``config.hidden must be a list of whole numbers…``) and quotes at most a short piece of what it holds.
Missing keys take NetConfig's defaults; keys it does not know are refused (a misspelt key must not be ignored).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from typing import Any, TypeAlias

from tuinet.errors import ConfigError

__all__ = [
    "MAX_EXPLICIT_NUMBERS",
    "MAX_LAYERS",
    "Rows",
    "config_values",
    "json_bool",
    "json_int",
    "json_text",
    "quote",
    "show_json",
]

MAX_LAYERS = 16
"""Hidden layers at most."""
MAX_EXPLICIT_NUMBERS = 20_000
"""Numbers a config may spell out (weights + biases + data rows): a worked example has a few dozen. The config
travels whole in session files and in the classroom's follow messages, so it must stay small."""

Rows: TypeAlias = tuple[tuple[float, ...], ...]
"""A matrix written out as rows of numbers (JSON-ready, hashable)."""

_MAX_PATH = 4096  # PATH_MAX on Linux: a longer dataset path cannot name a file anyway
_MAX_CHOICE = 32  # longer than any activation, init, loss or batch name; keeps NetConfig's messages short
_MAX_TARGETS = 1000  # load_dataset reads at most 1,000 CSV columns


def config_values(data: Mapping[str, Any], *, keys: tuple[str, ...], max_units: int, where: str) -> dict[str, Any]:
    """NetConfig's keyword arguments from ``data``, each value checked for its JSON type (see NetConfig.from_dict).

    With ``where=""`` the values come typed from the command line: messages name the flags (``--hidden``), and
    NetConfig's own range messages (which say how to raise a limit) are kept.
    """
    if not isinstance(data, Mapping):
        raise ConfigError(f"{where} must be a JSON object, got {show_json(data)}")
    unknown = sorted(set(data) - set(keys), key=str)
    if unknown:
        more = f" and {len(unknown) - 1} more" if len(unknown) > 1 else ""
        raise ConfigError(f"unknown key {quote(f'{where}.{unknown[0]}')}{more}")
    parsers: dict[str, Callable[[Any, str], Any]] = {
        "dataset": lambda v, k: json_text(v, k, _MAX_PATH, printable=False),
        "targets": lambda v, k: json_int(v, k, 1, _MAX_TARGETS),
        "hidden": lambda v, k: _hidden(v, k, max_units if where else None),
        "activation": lambda v, k: json_text(v, k, _MAX_CHOICE),
        "output_activation": lambda v, k: json_text(v, k, _MAX_CHOICE),
        "init": lambda v, k: json_text(v, k, _MAX_CHOICE),
        "seed": lambda v, k: json_int(v, k, 0, 2**32 - 1),
        "lr": _lr,
        "bias": json_bool,
        "batch": lambda v, k: json_text(v, k, _MAX_CHOICE),
        "loss": lambda v, k: json_text(v, k, _MAX_CHOICE),
        "activations": lambda v, k: _names(v, k),
        "frozen": lambda v, k: _names(v, k),
        "weights": lambda v, k: _matrices(v, k),
        "biases": lambda v, k: _matrices(v, k),
        "data": lambda v, k: _rows(v, k),
    }
    # ``where`` is "config" for documents; "" for options already typed by argparse, named as their flags.
    return {
        key: parsers[key](value, f"{where}.{key}" if where else "--" + key.replace("_", "-"))
        for key, value in data.items()
    }


def _hidden(value: Any, name: str, max_units: int | None) -> tuple[int, ...]:
    if not isinstance(value, list | tuple) or any(isinstance(u, bool) or not isinstance(u, int) for u in value):
        raise ConfigError(f"{name} must be a list of whole numbers (units per layer), got {show_json(value)}")
    if len(value) > MAX_LAYERS:
        raise ConfigError(f"{name} has {len(value)} layers; the limit is {MAX_LAYERS}")
    for units in value if max_units is not None else ():
        # Checked here as well as in NetConfig, whose message would print a 4,000-digit number in full.
        if not 1 <= units <= max_units:
            raise ConfigError(f"{name} sizes must be from 1 to {max_units:,} units, got {show_json(units)}")
    return tuple(value)


def _lr(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{name} must be a number, got {show_json(value)}")
    lr = float(value) if isinstance(value, float) or abs(value) < 2**1000 else math.inf  # float(10**400) would raise
    if not math.isfinite(lr) or lr <= 0:  # 1e999 in JSON reads as inf
        raise ConfigError(f"{name} must be a positive finite number, got {show_json(lr)}")
    return lr


def _number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{name} must hold numbers only, got {show_json(value)}")
    number = float(value) if isinstance(value, float) or abs(value) < 2**1000 else math.inf
    if not math.isfinite(number):
        raise ConfigError(f"{name} must hold finite numbers only, got {show_json(number)}")
    return number


def _rows(value: Any, name: str, budget: list[int] | None = None) -> Rows:
    """A list of rows of numbers (a matrix), refused as soon as it exceeds MAX_EXPLICIT_NUMBERS."""
    budget = budget if budget is not None else [MAX_EXPLICIT_NUMBERS]
    if not isinstance(value, list | tuple) or not all(isinstance(row, list | tuple) for row in value):
        raise ConfigError(f"{name} must be a list of rows (lists of numbers), got {show_json(value)}")
    out: list[tuple[float, ...]] = []
    for number, row in enumerate(value):
        budget[0] -= len(row)
        if budget[0] < 0:
            raise ConfigError(f"{name} holds more than {MAX_EXPLICIT_NUMBERS:,} numbers; the limit is that")
        out.append(tuple(_number(v, f"{name}[{number}]") for v in row))
    return tuple(out)


def _matrices(value: Any, name: str) -> tuple[Rows, ...]:
    if not isinstance(value, list | tuple) or len(value) > MAX_LAYERS + 1:
        raise ConfigError(f"{name} must be a list of matrices, one per layer, got {show_json(value)}")
    budget = [MAX_EXPLICIT_NUMBERS]
    return tuple(_rows(matrix, f"{name}[{layer}]", budget) for layer, matrix in enumerate(value))


def _names(value: Any, name: str) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or len(value) > 2 * (MAX_LAYERS + 1):
        raise ConfigError(f"{name} must be a list of names, got {show_json(value)}")
    return tuple(json_text(item, name, _MAX_CHOICE) for item in value)


def json_int(value: Any, name: str, low: int, high: int) -> int:
    # type(), not isinstance(): bool is an int to Python, but true is not a number to JSON (or to a person).
    if type(value) is not int:
        raise ConfigError(f"{name} must be a whole number, got {show_json(value)}")
    if not low <= value <= high:
        raise ConfigError(f"{name} must be from {low:,} to {high:,}, got {show_json(value)}")
    return value


def json_bool(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{name} must be true or false, got {show_json(value)}")
    return value


def json_text(value: Any, name: str, limit: int, *, printable: bool = True) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{name} must be a string, got {show_json(value)}")
    if not 1 <= len(value) <= limit:
        raise ConfigError(f"{name} must be 1 to {limit:,} characters long, got {len(value):,}")
    # Shown on screen later; a dataset path may legitimately hold odd characters and is only ever quoted.
    if printable and not value.isprintable():
        raise ConfigError(f"{name} must be printable text, got {show_json(value)}")
    return value


def show_json(value: object) -> str:
    """A value from a document as a message shows it: short, one line, in JSON's words."""
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int):
        # str() of a 4,000-digit integer is legal but no message should print one.
        return str(value) if abs(value) < 10**18 else "a number with too many digits"
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, float):
        return repr(value)
    return "a list" if isinstance(value, list | tuple) else "an object"


def quote(text: str, limit: int = 60) -> str:
    """``repr(text)``, cut to ``limit`` characters with an ellipsis."""
    return repr(text) if len(text) <= limit else repr(text[:limit]) + "…"
