"""The scenario file: its schema, and strict validation into a Scenario (config, names, lesson).

A scenario is a TOML file (README, "Worked examples"); every table is optional, every field has
NetConfig's default::

    title = "…"  source = "…"  url = "…"  notation = "…"  lesson = "tutorial" | "file.md"  steps = 10000
    [data]      dataset = "xor3" | "file.csv"  targets = 1      — or —  X = [[…], …]  y = [[…], …]
    [network]   hidden = [4]  activation = "sigmoid"  output_activation = "sigmoid"  (or activations = […])
                bias = false
    [init]      method = "uniform"  seed = 1                    — or explicit —  W1 = [[…]]  b1 = [[…]] …
    [training]  loss = "sum"  lr = 1.0  batch = "full"  frozen = ["b1", "b2"]
    [names]     W1 = [["w1", "w3"], ["w2", "w4"]]               (a name for every cell, shown on screen)
    [[stop]]    iteration = 1  op = "dW2"  text = "…"           (narration; Markdown; {expression} quotes numbers)
    [[printed]] label = "out_h1"  iteration = 1  op = "a1"  value = "a1[0,0]"  printed = "0.593269992"
                figures = ""  differs = ""                      (what the source prints, and why it differs)

Unknown tables or keys are errors (a typo must not be silently ignored), each one line naming the file,
the line and the field. Paths inside a scenario (dataset, lesson) are relative to the scenario file.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tuinet.engine import NetConfig, Network
from tuinet.errors import TuinetError
from tuinet.scenario.check import lesson_problems
from tuinet.scenario.engine_fields import config_from_fields, network_for
from tuinet.scenario.quantities import check_expression
from tuinet.scenario.tomlfile import Path, TomlFile
from tuinet.words.lessons import BUILTIN_LESSONS, Lesson, Printed, Stop
from tuinet.words.notation import NAMES as NOTATIONS

__all__ = ["Scenario", "scenario_from_toml"]

Names = tuple[tuple[str, tuple[tuple[str, ...], ...]], ...]

_TOP = {"name", "title", "source", "url", "notation", "lesson", "steps"}
_TABLES: dict[str, set[str]] = {
    "data": {"dataset", "targets", "X", "y"},
    "network": {"hidden", "activation", "output_activation", "activations", "bias"},
    "init": {"method", "seed"},  # and W1…, b1… (checked apart)
    "training": {"loss", "lr", "batch", "frozen"},
    "names": set(),  # W1…, b1…
}
_ARRAYS: dict[str, set[str]] = {
    "stop": {"iteration", "op", "text"},
    "printed": {"label", "iteration", "op", "value", "printed", "figures", "differs"},
}
MAX_ITERATION = 10_000_000
_NAMED = ("W", "b", "z", "a", "delta", "dadz")
"""Matrices whose cells a scenario may name (dW, W′ and db, b′ take W's and b's names)."""


@dataclass(frozen=True)
class Scenario:
    """Everything a scenario sets: the network (config), the names on screen, the lesson, and where it is from."""

    name: str
    config: NetConfig
    title: str = ""
    source: str = ""
    url: str = ""
    notation: str | None = None
    names: Names = ()
    """Per-cell names of matrices, e.g. Mazur's w1…w8: (("W1", (("w1", "w3"), ("w2", "w4"))), …)."""
    lesson: Lesson | None = None
    steps: int | None = None
    """How many iterations the source runs (the default of ``tuinet train --steps``)."""
    origin: str = field(default="", compare=False)
    """Where it came from: a file path, or 'preset NAME'."""

    def names_of(self, matrix: str) -> tuple[tuple[str, ...], ...] | None:
        return dict(self.names).get(matrix)


class _Reader:
    """Typed access to a TomlFile's fields; every mistake raised as a one-line ScenarioError."""

    def __init__(self, toml: TomlFile) -> None:
        self.toml = toml

    def fail(self, path: Path, message: str) -> TuinetError:
        return self.toml.error(path, message)

    def get(self, path: Path, kind: type | tuple[type, ...], what: str) -> Any:
        node: Any = self.toml.data
        for part in path:
            if isinstance(node, dict):
                if part not in node:
                    return None
                node = node[part]
            else:
                node = node[part]
        if isinstance(node, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
            raise self.fail(path, f"must be {what}, got {node!r}")
        if not isinstance(node, kind):
            raise self.fail(path, f"must be {what}, got {_shown(node)}")
        return node

    def text(self, path: Path) -> str | None:
        value = self.get(path, str, "a string")
        if value is not None and len(value) > 20_000:
            raise self.fail(path, "is longer than 20,000 characters")
        return value  # type: ignore[no-any-return]

    def integer(self, path: Path, low: int, high: int) -> int | None:
        value = self.get(path, int, "a whole number")
        if value is not None and not low <= value <= high:
            raise self.fail(path, f"must be from {low:,} to {high:,}, got {value:,}")
        return value  # type: ignore[no-any-return]

    def matrix(self, path: Path, cell: type | tuple[type, ...] = (int, float)) -> list[list[Any]]:
        """A non-empty list of equal-length non-empty rows (numbers must be finite)."""
        rows = self.get(path, list, "a list of rows, like [[0.15, 0.25], [0.2, 0.3]]")
        if not rows or not all(isinstance(r, list) and r for r in rows):
            raise self.fail(path, "must be a list of rows, like [[0.15, 0.25], [0.2, 0.3]]")
        width = len(rows[0])
        for number, row in enumerate(rows, start=1):
            if len(row) != width:
                raise self.fail(path, f"row {number} has {len(row)} values, row 1 has {width}")
            for value in row:
                if isinstance(value, bool) or not isinstance(value, cell):
                    raise self.fail(path, f"row {number} has {_shown(value)}, not a {_kind_name(cell)}")
                if isinstance(value, float) and not math.isfinite(value):
                    raise self.fail(path, f"row {number} has {value}; only finite numbers are allowed")
        return rows  # type: ignore[no-any-return]


def _kind_name(cell: type | tuple[type, ...]) -> str:
    return "string" if cell is str else "number"


def _shown(value: object) -> str:
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "…"


def _parameter_names(prefixes: tuple[str, ...]) -> set[str]:
    return {f"{p}{layer}" for p in prefixes for layer in range(1, 18)}


def _named_keys(L: int, bias: bool) -> set[str]:
    prefixes = [p for p in _NAMED if bias or p != "b"]
    return {f"{p}{layer}" for p in prefixes for layer in range(1, L + 1)}


def _check_keys(r: _Reader) -> None:
    data = r.toml.data
    for key, value in data.items():
        if key in _TABLES:
            if not isinstance(value, dict):
                raise r.fail((key,), "must be a table: write it as [" + key + "]")
            allowed = _TABLES[key] | _parameter_names(("W", "b") if key == "init" else _NAMED if key == "names" else ())
            for sub in value:
                if sub not in allowed:
                    raise r.fail((key, sub), f"is not a field of [{key}] (known: {', '.join(sorted(_TABLES[key]))})")
        elif key in _ARRAYS:
            if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
                raise r.fail((key,), f"must be an array of tables: write each as [[{key}]]")
            for index, entry in enumerate(value):
                for sub in entry:
                    if sub not in _ARRAYS[key]:
                        raise r.fail((key, index, sub), f"is not a field of [[{key}]]")
        elif key not in _TOP:
            known = ", ".join(sorted(_TOP | set(_TABLES) | set(_ARRAYS)))
            raise r.fail((key,), f"is not a scenario field (known: {known})")


def _relative(base: str, path: str) -> str:
    return path if os.path.isabs(path) else os.path.join(os.path.dirname(base) or ".", path)


def _stops(r: _Reader) -> tuple[Stop, ...]:
    out: list[Stop] = []
    for index in range(len(r.toml.data.get("stop", []))):
        at: Path = ("stop", index)
        text = r.text((*at, "text"))
        if text is None:
            raise r.fail(at, 'needs text = "…" (the narration)')
        out.append(Stop(r.integer((*at, "iteration"), 1, MAX_ITERATION), r.text((*at, "op")), text.strip()))
    return tuple(out)


def _printed(r: _Reader) -> tuple[Printed, ...]:
    out: list[Printed] = []
    for index in range(len(r.toml.data.get("printed", []))):
        at: Path = ("printed", index)
        values = {key: r.text((*at, key)) for key in ("label", "value", "printed")}
        for key, value in values.items():
            if value is None:
                raise r.fail(at, f'needs {key} = "…"')
        iteration = r.integer((*at, "iteration"), 1, MAX_ITERATION)
        if iteration is None:
            raise r.fail(at, "needs iteration = N")
        try:
            check_expression(str(values["value"]))
        except ValueError as bad:
            raise r.fail((*at, "value"), str(bad)) from None
        figures = r.text((*at, "figures")) or ""
        if figures and not (figures[0] == "g" and figures[1:].isdigit()):
            raise r.fail((*at, "figures"), f'must be "" (the printed decimals) or like "g12", got {figures!r}')
        out.append(
            Printed(
                str(values["label"]),
                iteration,
                r.text((*at, "op")),
                str(values["value"]),
                str(values["printed"]),
                figures,
                (r.text((*at, "differs")) or "").strip(),
            )
        )
    return tuple(out)


def _names(r: _Reader) -> Names:
    table = r.toml.data.get("names", {})
    names = tuple((key, tuple(tuple(row) for row in r.matrix(("names", key), str))) for key in sorted(table))
    notation = r.text(("notation",))
    if names and notation in NOTATIONS:
        raise r.fail(
            ("notation",), f"is a built-in notation; with [names] give yours a name of its own, got {notation!r}"
        )
    if not names and notation is not None and notation not in NOTATIONS:
        raise r.fail(("notation",), f"must be one of {', '.join(NOTATIONS)} (or name your own with [names])")
    return names


LoadLesson = Callable[[str], Lesson]
"""Reads a lesson file a scenario names (presets may name only built-in lessons)."""


def _lesson(r: _Reader, name: str, title: str, load_lesson: LoadLesson) -> Lesson | None:
    stops, printed = _stops(r), _printed(r)
    named = r.text(("lesson",))
    base: Lesson | None = None
    if named is not None:
        base = BUILTIN_LESSONS[named] if named in BUILTIN_LESSONS else load_lesson(_relative(r.toml.path, named))
    if base is None and not stops and not printed:
        return None
    if base is None:
        return Lesson(name, title, "", stops, printed)
    return Lesson(base.name, base.title, base.intro, (*stops, *base.stops), (*printed, *base.printed))


def scenario_from_toml(toml: TomlFile, name: str, load_lesson: LoadLesson, max_units: int | None = None) -> Scenario:
    """Validate ``toml`` into a Scenario (``load_lesson(path) -> Lesson`` reads a lesson file it names)."""
    r = _Reader(toml)
    _check_keys(r)
    fields: dict[str, Any] = {}
    dataset = r.text(("data", "dataset"))
    X, y = (r.toml.data.get("data", {}).get(k) for k in ("X", "y"))
    if dataset is not None and (X is not None or y is not None):
        raise r.fail(("data", "X"), "and dataset cannot both be given: inline rows or a dataset, not both")
    if dataset is not None:
        fields["dataset"] = _relative(toml.path, dataset) if dataset.endswith(".csv") or os.sep in dataset else dataset
    if (X is None) != (y is None):
        raise r.fail(("data", "X" if X is None else "y"), "is missing: inline data needs both X and y")
    if X is not None:
        fields["X"], fields["y"] = r.matrix(("data", "X")), r.matrix(("data", "y"))
        fields["dataset"] = r.text(("name",)) or name  # the label shown for inline data
        if len(fields["X"]) != len(fields["y"]):
            raise r.fail(("data", "y"), f"has {len(fields['y'])} rows, X has {len(fields['X'])}")
    if (targets := r.integer(("data", "targets"), 1, 1000)) is not None:
        fields["targets"] = targets
    hidden = r.get(("network", "hidden"), list, "a list of layer sizes, like [4] or [] for none")
    if hidden is not None:
        if not all(isinstance(u, int) and not isinstance(u, bool) and u >= 1 for u in hidden):
            raise r.fail(("network", "hidden"), f"must be whole numbers ≥ 1, got {hidden}")
        fields["hidden"] = tuple(hidden)
    for key in ("activation", "output_activation"):
        if (value := r.text(("network", key))) is not None:
            fields[key] = value
    activations = r.get(("network", "activations"), list, "a list, one activation per layer")
    if activations is not None:
        if not all(isinstance(a, str) for a in activations):
            raise r.fail(("network", "activations"), 'must be activation names, like ["sigmoid", "linear"]')
        fields["activations"] = tuple(activations)
    if (bias := r.get(("network", "bias"), bool, "true or false")) is not None:
        fields["bias"] = bias
    if (method := r.text(("init", "method"))) is not None:
        fields["init"] = method
    if (seed := r.integer(("init", "seed"), 0, 2**32 - 1)) is not None:
        fields["seed"] = seed
    init = r.toml.data.get("init", {})
    for prefix in ("W", "b"):
        given = sorted((k for k in init if k[0] == prefix and k[1:].isdigit()), key=lambda k: int(k[1:]))
        if given:
            fields[prefix] = {k: r.matrix(("init", k)) for k in given}
    if (loss := r.text(("training", "loss"))) is not None:
        fields["loss"] = loss
    lr = r.get(("training", "lr"), (int, float), "a positive number")
    if lr is not None:
        if not (math.isfinite(lr) and lr > 0):
            raise r.fail(("training", "lr"), f"must be a positive finite number, got {lr}")
        fields["lr"] = float(lr)
    if (batch := r.get(("training", "batch"), (str, int), '"full" or 1')) is not None:
        fields["batch"] = str(batch)
    frozen = r.get(("training", "frozen"), list, 'a list of parameter names, like ["b1", "b2"]')
    if frozen is not None:
        if not all(isinstance(p, str) for p in frozen):
            raise r.fail(("training", "frozen"), 'must be parameter names, like ["b1", "b2"]')
        fields["frozen"] = tuple(frozen)
    if max_units is not None:
        fields["max_units"] = max_units

    def fail(key: str, message: str) -> TuinetError:
        return r.fail(_where(key), message)

    config = config_from_fields(fields, fail)
    network = network_for(config, fail)  # the dataset loads and explicit weights fit its shapes: errors name the line
    names = _names(r)
    for key, rows in names:
        shape = network.shape_of(key) if key in _named_keys(network.L, config.bias) else None
        if shape is None:
            raise r.fail(("names", key), f"is not a matrix of this {'-'.join(map(str, network.sizes))} network")
        if (len(rows), len(rows[0])) != shape:
            raise r.fail(
                ("names", key), f"must name {shape[0]}×{shape[1]} cells like {key}, got {len(rows)}×{len(rows[0])}"
            )
    title = r.text(("title",)) or ""
    lesson = _lesson(r, name, title, load_lesson)
    if lesson is not None:
        _check_lesson(r, lesson, network)
    return Scenario(
        name=r.text(("name",)) or name,
        config=config,
        title=title,
        source=r.text(("source",)) or "",
        url=r.text(("url",)) or "",
        notation=r.text(("notation",)),
        names=names,
        lesson=lesson,
        steps=r.integer(("steps",), 1, MAX_ITERATION),
        origin=toml.path,
    )


def _check_lesson(r: _Reader, lesson: Lesson, network: Network) -> None:
    """The first problem of the lesson on this network, at its [[stop]] or [[printed]] entry's line."""
    problems = lesson_problems(lesson, network)
    if not problems:
        return
    entry, key, problem = problems[0]
    table = "printed" if isinstance(entry, Printed) else "stop"
    own = list(lesson.printed if isinstance(entry, Printed) else lesson.stops)
    index = own.index(entry) if entry in own else None
    if index is not None and index < len(r.toml.data.get(table, [])):
        raise r.fail((table, index, key), problem)
    raise r.fail(("lesson",), f"does not fit this network: {problem}")


_FIELD_HOME: Mapping[str, Path] = {
    "dataset": ("data", "dataset"),
    "targets": ("data", "targets"),
    "X": ("data", "X"),
    "y": ("data", "y"),
    "hidden": ("network", "hidden"),
    "activation": ("network", "activation"),
    "output_activation": ("network", "output_activation"),
    "activations": ("network", "activations"),
    "bias": ("network", "bias"),
    "init": ("init", "method"),
    "seed": ("init", "seed"),
    "W": ("init",),
    "b": ("init",),
    "loss": ("training", "loss"),
    "lr": ("training", "lr"),
    "batch": ("training", "batch"),
    "frozen": ("training", "frozen"),
}


def _where(key: str) -> Path:
    """The scenario field of a NetConfig field (``W1`` → ``[init] W1``)."""
    if key[:1] in "Wb" and key[1:].isdigit():
        return ("init", key)
    return _FIELD_HOME.get(key, (key,))
