"""From a scenario's fields to the engine's NetConfig: the one place that knows NetConfig's field names.

The engine validates (it is the authority on ranges and shapes). Its ConfigError messages name the command-line
option (``--lr must be …``) or the parameter (``W2 must be 4×1, got 1×4``), so each is re-worded to point at the
scenario's own field and line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from tuinet.engine import NetConfig, Network, build
from tuinet.errors import ConfigError, TuinetError

__all__ = ["config_from_fields", "network_for"]

Fail = Callable[[str, str], TuinetError]

_OPTION = re.compile(r"^--([a-z][a-z\-]*)(?:\[\d+\])*\s+(.*)$")
_PARAM = re.compile(r"^([Wb]\d+) (must be .*)$")


def _layers(matrices: dict[str, Any], prefix: str, fail: Fail) -> tuple[Any, ...]:
    """``{"W1": …, "W2": …}`` → ``(W1, W2)``; the layers must be 1…L with none missing."""
    numbers = sorted(int(key[1:]) for key in matrices)
    for expected, number in enumerate(numbers, start=1):
        if number != expected:
            raise fail(f"{prefix}{number}", f"comes without {prefix}{expected}: give every layer's {prefix}, or none")
    return tuple(matrices[f"{prefix}{n}"] for n in numbers)


def config_from_fields(fields: dict[str, Any], fail: Fail) -> NetConfig:
    """The NetConfig for ``fields`` (NetConfig's own names, plus ``X``/``y`` rows and ``W``/``b`` dicts)."""
    given = dict(fields)
    X, y = given.pop("X", None), given.pop("y", None)
    if X is not None and y is not None:
        given["data"] = [[*inputs, *targets] for inputs, targets in zip(X, y, strict=True)]
        given["targets"] = len(y[0])
        given.setdefault("dataset", "inline")
    if "W" in given:
        given["weights"] = _layers(given.pop("W"), "W", fail)
    if "b" in given:
        given["biases"] = _layers(given.pop("b"), "b", fail)
    max_units = given.pop("max_units", None)
    try:
        if max_units is not None:
            return NetConfig.from_dict(given, where="", max_units=max_units)
        return NetConfig.from_dict(given, where="")
    except ConfigError as error:
        raise _reworded(str(error), fail) from None


def network_for(config: NetConfig, fail: Fail) -> Network:
    """The built network (dataset loaded, explicit weights checked against its shapes), errors re-worded."""
    try:
        return build(config)
    except ConfigError as error:
        raise _reworded(str(error), fail) from None


def _reworded(message: str, fail: Fail) -> TuinetError:
    if match := _PARAM.match(message):
        return fail(match.group(1), match.group(2))
    if match := _OPTION.match(message):
        key = match.group(1).replace("-", "_")
        return fail({"freeze": "frozen", "weights": "W", "biases": "b", "data": "X"}.get(key, key), match.group(2))
    return fail("network", message)
