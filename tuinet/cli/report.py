"""The JSON report of ``tuinet train --json``.

JSON has no NaN or infinity, and Python's json module would otherwise write the invalid
literals ``NaN`` and ``Infinity``. A diverged run is a result worth reporting, so non-finite
numbers are written as the strings ``"nan"``, ``"inf"`` and ``"-inf"`` (strings rather than
null, so the three stay distinguishable), and every dump uses ``allow_nan=False`` so a number
that slipped through is a loud bug rather than invalid output.

Finite floats go through json's repr, which round-trips float64 exactly: a reader gets the
very bits the engine computed.
"""

from __future__ import annotations

import json
import math
from array import array
from collections.abc import Iterable
from typing import Any, TextIO

import numpy as np

from tuinet.engine.trace import Trace
from tuinet.engine.train import TrainResult
from tuinet.engine.types import Matrix

__all__ = ["NON_FINITE_HELP", "json_number", "matrix_json", "trace_json", "write_report"]

NON_FINITE_HELP = 'non-finite numbers (a diverged run) are written as the strings "nan", "inf" and "-inf"'
"""For --help: how a reader of the report meets inf and NaN."""

JsonNumber = float | str


def json_number(value: float) -> JsonNumber:
    """A float as JSON allows it: itself when finite, else "nan", "inf" or "-inf"."""
    if math.isfinite(value):
        return value
    if math.isnan(value):
        return "nan"
    return "inf" if value > 0 else "-inf"


def _numbers(values: Iterable[float]) -> list[JsonNumber]:
    return [json_number(v) for v in values]


def matrix_json(matrix: Matrix) -> list[list[JsonNumber]]:
    """A matrix as nested lists (one list per row), non-finite values spelled as strings."""
    rows: list[list[Any]] = matrix.tolist()
    if bool(np.isfinite(matrix).all()):
        return rows
    return [_numbers(row) for row in rows]


def trace_json(trace: Trace) -> str:
    """One step of the trace as a JSON object: ``step`` (1-based), then the schema's json_keys in order."""
    entry: dict[str, Any] = {"step": trace.iteration}
    for key in trace.schema.json_keys:
        # The loss is stored 1×1 like every other quantity; in JSON it reads better as a number.
        entry[key] = json_number(trace.loss) if key == "loss" else matrix_json(trace[key])
    return json.dumps(entry, allow_nan=False)


def _losses(losses: array[float]) -> list[JsonNumber]:
    values: list[Any] = losses.tolist()
    return values if bool(np.isfinite(losses).all()) else _numbers(values)


def write_report(
    result: TrainResult, out: TextIO, traces: list[str] | None = None, extra: dict[str, Any] | None = None
) -> None:
    """Write the whole report as one JSON object and a newline; ``traces`` are trace_json() strings;
    ``extra`` members (a scenario's "printed" numbers) go after the standard ones."""
    report: dict[str, Any] = {
        "config": result.network.config.to_dict(),
        "steps": result.steps,
        "loss": _losses(result.losses),
        "outputs": matrix_json(result.output),
        "final_outputs": matrix_json(result.final_outputs()),
        "weights": {name: matrix_json(m) for name, m in result.params.as_dict().items()},
        "diverged": result.diverged,
        "diverged_at": result.diverged_at,
        **(extra or {}),
    }
    text = json.dumps(report, allow_nan=False)
    if traces is None:
        out.write(text + "\n")
        return
    # Each step was encoded as it was computed (a list of short strings costs far less memory
    # than a list of nested lists of floats); splice them in as the last member of the object.
    out.write(text[:-1] + ', "trace": [')
    for index, step in enumerate(traces):
        out.write(step if index == 0 else ", " + step)
    out.write("]}\n")
