"""The headless trainer, its limits, the JSON encoding and the progress bar."""

from __future__ import annotations

import io
import json
import math

import numpy as np
import pytest
from rich.console import Console

from tuinet.cli.report import json_number, matrix_json, trace_json
from tuinet.cli.summary import ProgressBar
from tuinet.engine import History, NetConfig, Trace, build
from tuinet.engine.train import MAX_STEPS, TrainLimitError, check_limits, trace_numbers_per_step, train

DIVERGING = NetConfig(hidden=(), output_activation="linear", lr=10.0)


@pytest.mark.parametrize(
    "config",
    [NetConfig(), NetConfig(hidden=(3, 2), bias=True), NetConfig(batch="1", bias=True, hidden=(5,))],
    ids=["default", "deep+bias", "batch 1"],
)
def test_trace_numbers_per_step(config: NetConfig) -> None:
    """The size guard counts exactly the numbers a traced step prints."""
    network = build(config)
    trace = network.step(network.init_params(), 1)
    assert trace_numbers_per_step(network) == sum(trace[key].size for key in trace.schema.json_keys)


def test_limits() -> None:
    """A run too long, or a trace too big, is refused with a message naming the limit."""
    network = build(NetConfig())
    check_limits(network, MAX_STEPS, traced=False)
    check_limits(network, 10_000, traced=True)
    with pytest.raises(TrainLimitError, match="limit"):
        check_limits(network, MAX_STEPS + 1, traced=False)
    with pytest.raises(TrainLimitError, match="at most --steps 18,348"):
        check_limits(network, 20_000, traced=True)


def test_chunked_fast_run_equals_one_engine_run() -> None:
    """Training in adaptive chunks changes no bit compared with one Network.run."""
    network = build(NetConfig(batch="1", hidden=(3,), bias=True))
    result = train(network, 1000)
    params, losses, output = network.run(network.init_params(), 1, 1000)
    assert list(result.losses) == losses
    assert output is not None and np.array_equal(result.output, output)
    assert all(
        np.array_equal(a, b) for a, b in zip(result.params.W + result.params.b, params.W + params.b, strict=True)
    )
    assert result.diverged_at is None and result.steps == 1000


def test_traced_run_equals_fast_run() -> None:
    """Tracing every step changes no number of the run."""
    network = build(NetConfig(hidden=(4, 3), activation="relu", init="signed", bias=True))
    traces: list[Trace] = []
    traced = train(network, 40, on_trace=traces.append)
    fast = train(network, 40)
    assert [t.iteration for t in traces] == list(range(1, 41))
    assert list(traced.losses) == list(fast.losses)
    assert np.array_equal(traced.output, fast.output)
    assert all(np.array_equal(a, b) for a, b in zip(traced.params.W, fast.params.W, strict=True))


def test_divergence_agrees_with_history() -> None:
    """The trainer and the app's History agree on the step where a run diverged."""
    network = build(DIVERGING)
    result = train(network, 1000)
    history = History(network)
    history.extend(1000)
    assert result.diverged and result.diverged_at == history.diverged_at == result.steps
    assert not math.isfinite(result.losses[-1])
    assert list(result.losses) == history.losses(1, result.steps)


def test_progress_callback_sees_every_step() -> None:
    """Progress only moves forward and ends at the last step."""
    seen: list[int] = []
    train(build(NetConfig()), 5000, on_progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == 5000


# -- JSON encoding ---------------------------------------------------------------------------------


def test_non_finite_numbers_are_strings() -> None:
    """inf and NaN become "inf", "-inf" and "nan", so the JSON stays valid."""
    assert [json_number(v) for v in (1.5, math.inf, -math.inf, math.nan)] == [1.5, "inf", "-inf", "nan"]
    matrix = np.array([[1.0, np.nan], [np.inf, -np.inf]])
    assert matrix_json(matrix) == [[1.0, "nan"], ["inf", "-inf"]]
    json.dumps(matrix_json(matrix), allow_nan=False)  # valid JSON


def test_floats_round_trip_exactly() -> None:
    """A float written to JSON reads back as the same float64."""
    values = np.random.RandomState(0).standard_normal((3, 3)) * 1e-300
    assert np.array_equal(np.array(json.loads(json.dumps(matrix_json(values)))), values)


def test_trace_json() -> None:
    """One traced step: `step`, then the matrices of Trace.schema.json_keys as lists of rows."""
    network = build(NetConfig(hidden=(2,)))
    trace = network.step(network.init_params(), 3)
    entry = json.loads(trace_json(trace))
    assert list(entry) == ["step", *trace.schema.json_keys]
    assert entry["step"] == 3 and entry["loss"] == trace.loss
    assert entry["W1"] == trace["W1"].tolist()


# -- the progress bar ----------------------------------------------------------------------------


def terminal() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=True, width=80), out


def test_progress_bar_for_long_runs() -> None:
    """More than 20,000 steps on a terminal: a bar appears, and is gone after the run."""
    console, out = terminal()
    with ProgressBar(console, 30_000, enabled=True) as bar:
        train(build(NetConfig()), 30_000, on_progress=bar)
        assert bar.shown
    assert "steps" in out.getvalue()


def test_no_progress_bar_for_short_runs_or_pipes() -> None:
    """A quick run, or output that is not a terminal, gets no bar."""
    console, out = terminal()
    with ProgressBar(console, 200, enabled=True) as bar:
        train(build(NetConfig()), 200, on_progress=bar)
    assert not bar.shown
    with ProgressBar(console, 30_000, enabled=False) as bar:
        bar(100)
    assert not bar.shown and out.getvalue() == ""
