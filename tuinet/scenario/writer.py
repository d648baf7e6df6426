"""Writing a scenario file: ``tuinet export --format scenario`` (and the app's export).

The text reads back (``tuinet --scenario FILE``) to the same NetConfig, names and lesson, so the numbers are
the same bit for bit: floats are written with ``repr`` (which round-trips float64 exactly), strings as JSON
strings (whose escapes are TOML's too).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from typing import Any

from tuinet.engine import BUILTIN_DATASETS, NetConfig
from tuinet.scenario.schema import Scenario
from tuinet.words.lessons import BUILTIN_LESSONS, Lesson

__all__ = ["scenario_toml"]


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Sequence):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def _matrix(rows: Iterable[Sequence[Any]]) -> str:
    """One row per line: weights read like the matrix they are."""
    lines = [_value(list(row)) for row in rows]
    return "[" + lines[0] + "]" if len(lines) == 1 else "[\n    " + ",\n    ".join(lines) + ",\n]"


def _table(name: str, entries: list[tuple[str, str]]) -> list[str]:
    return [f"\n[{name}]", *(f"{key} = {text}" for key, text in entries)] if entries else []


def _data(config: NetConfig) -> list[tuple[str, str]]:
    if config.data:
        k = config.targets
        return [("X", _matrix(row[:-k] for row in config.data)), ("y", _matrix(row[-k:] for row in config.data))]
    dataset = config.dataset
    if dataset not in BUILTIN_DATASETS:
        dataset = os.path.abspath(dataset)  # the scenario may be saved elsewhere: its paths are relative to it
    return [("dataset", _value(dataset)), ("targets", _value(config.targets))]


def _lesson(lesson: Lesson) -> list[str]:
    out: list[str] = []
    for stop in lesson.stops:
        out.append("\n[[stop]]")
        if stop.iteration is not None:
            out.append(f"iteration = {stop.iteration}")
        if stop.op is not None:
            out.append(f"op = {_value(stop.op)}")
        out.append(f"text = {_value(stop.text)}")
    for p in lesson.printed:
        out += ["\n[[printed]]", f"label = {_value(p.label)}", f"iteration = {p.iteration}"]
        if p.op is not None:
            out.append(f"op = {_value(p.op)}")
        out += [f"value = {_value(p.expression)}", f"printed = {_value(p.printed)}"]
        out += [f"{key} = {_value(text)}" for key, text in (("figures", p.figures), ("differs", p.differs)) if text]
    return out


def _builtin_lesson(lesson: Lesson | None) -> str | None:
    """A built-in lesson is written by name (its title and introduction then load back too)."""
    return lesson.name if lesson is not None and BUILTIN_LESSONS.get(lesson.name) == lesson else None


def scenario_toml(scenario: Scenario) -> str:
    """The scenario file for ``scenario`` (its config, names and lesson; ``lesson`` is written out in full)."""
    config = scenario.config
    out = [f"# tuinet scenario {scenario.name!r}, written by `tuinet export --format scenario`."]
    out += [
        f"{key} = {_value(value)}"
        for key, value in (
            ("name", scenario.name),
            ("title", scenario.title),
            ("source", scenario.source),
            ("url", scenario.url),
            ("notation", scenario.notation),
            ("lesson", _builtin_lesson(scenario.lesson)),
            ("steps", scenario.steps),
        )
        if value
    ]
    out += _table("data", _data(config))
    network = [("hidden", _value(list(config.hidden)))]
    if config.activations:
        network.append(("activations", _value(list(config.activations))))
    else:
        network += [("activation", _value(config.activation)), ("output_activation", _value(config.output_activation))]
    out += _table("network", [*network, ("bias", _value(config.bias))])
    init = [("method", _value(config.init)), ("seed", _value(config.seed))]
    init += [(f"W{layer}", _matrix(rows)) for layer, rows in enumerate(config.weights, start=1)]
    init += [(f"b{layer}", _matrix(rows)) for layer, rows in enumerate(config.biases, start=1)]
    out += _table("init", init)
    training = [("loss", _value(config.loss)), ("lr", _value(config.lr)), ("batch", _value(config.batch))]
    out += _table("training", [*training, *([("frozen", _value(list(config.frozen)))] if config.frozen else [])])
    out += _table("names", [(name, _matrix(rows)) for name, rows in scenario.names])
    if scenario.lesson is not None and _builtin_lesson(scenario.lesson) is None:
        out += _lesson(scenario.lesson)
    return "\n".join(out) + "\n"
