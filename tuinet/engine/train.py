"""Headless training: run a network for N steps, stop where it diverges, report progress.

Nothing here prints: the caller gets a TrainResult (and, with tracing, every step's Trace
through a callback) and decides how to show it — JSON (tuinet.cli.report) or a Rich summary
(tuinet.cli.summary).
"""

from __future__ import annotations

import math
import time
from array import array
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tuinet.engine.network import Network, Params
from tuinet.engine.trace import Trace
from tuinet.engine.types import Matrix
from tuinet.errors import TuinetError

__all__ = [
    "MAX_STEPS",
    "MAX_TRACE_NUMBERS",
    "TrainLimitError",
    "TrainResult",
    "check_limits",
    "trace_numbers_per_step",
    "train",
]

MAX_STEPS = 10_000_000
"""A run keeps one loss per step (8 bytes each) and prints them all with --json; beyond this it is a typo."""

MAX_TRACE_NUMBERS = 2_000_000
"""--trace prints every matrix of every step: about 20 bytes of JSON per number, so ~40 MB at the limit."""

_TARGET_CHUNK_SECONDS = 0.05
"""Untraced runs go in chunks of about this long: short enough for a smooth progress bar and a
prompt ctrl+c, long enough that the per-chunk bookkeeping costs nothing."""
_MAX_CHUNK = 1 << 16
_TRACE_PROGRESS_EVERY = 256


class TrainLimitError(TuinetError):
    """A run is too long (or its trace too big) to be worth starting."""


@dataclass(frozen=True, eq=False)
class TrainResult:
    """What a headless run produced."""

    network: Network
    params: Params
    """The weights after the last step that ran."""
    losses: array[float]
    """The loss of each step, from that step's forward pass (before its update)."""
    output: Matrix
    """a_L of the last step's forward pass (before its update): what the tutorial loop prints."""
    diverged_at: int | None
    """The step whose loss or updated weights were first inf/NaN; the run stopped there."""

    @property
    def steps(self) -> int:
        """How many steps ran (fewer than asked for when the run diverged)."""
        return len(self.losses)

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None

    def final_outputs(self) -> Matrix:
        """a_L over the whole dataset with the final weights."""
        return self.network.forward(self.params, self.network.data.X)


def trace_numbers_per_step(network: Network) -> int:
    """How many numbers one step of ``tuinet train --trace`` prints (the schema's json_keys, counted there)."""
    return network.schema.trace_numbers


def check_limits(network: Network, steps: int, traced: bool) -> None:
    """Raise TrainLimitError (a one-line message naming the limit) for a run not worth starting."""
    if steps > MAX_STEPS:
        raise TrainLimitError(f"--steps {steps:,} is more than the limit of {MAX_STEPS:,}")
    if traced:
        per_step = trace_numbers_per_step(network)
        if steps * per_step > MAX_TRACE_NUMBERS:
            raise TrainLimitError(
                f"--trace with --steps {steps:,} would print {steps * per_step:,} numbers ({per_step:,} per step); "
                f"the limit is {MAX_TRACE_NUMBERS:,}, so use at most --steps {max(1, MAX_TRACE_NUMBERS // per_step):,}"
            )


def train(
    network: Network,
    steps: int,
    *,
    on_trace: Callable[[Trace], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> TrainResult:
    """Run ``steps`` iterations from the initial weights, stopping at the first divergent one.

    With ``on_trace``, every iteration is a traced Network.step and the callback sees each Trace;
    otherwise iterations run through the fast, untraced Network.run (the same float operations,
    so the numbers are bit-identical either way). ``on_progress(done)`` is called now and then.
    """
    if steps < 1:
        raise ValueError(f"steps must be at least 1, got {steps}")
    if on_trace is not None:
        return _train_traced(network, steps, on_trace, on_progress)
    return _train_fast(network, steps, on_progress)


def _train_fast(network: Network, steps: int, on_progress: Callable[[int], None] | None) -> TrainResult:
    params = network.init_params()
    losses: array[float] = array("d")
    output: Matrix | None = None
    diverged_at: int | None = None
    done, chunk = 0, 64
    while done < steps:
        count = min(chunk, steps - done)
        started = time.perf_counter()
        new_params, chunk_losses, output = network.run(params, done + 1, count)
        elapsed = time.perf_counter() - started
        # Checking once per chunk keeps the hot loop in the engine. Non-finite weights never
        # become finite again (inf − x is inf or NaN), so finite final weights and finite losses
        # mean no step of the chunk diverged; otherwise replay the chunk to find the step.
        if new_params.diverged(0.0 if bool(np.isfinite(chunk_losses).all()) else math.inf):
            new_params, chunk_losses, output, diverged_at = _replay(network, params, done + 1, count)
        losses.extend(chunk_losses)
        params = new_params
        done += len(chunk_losses)
        if on_progress is not None:
            on_progress(done)
        if diverged_at is not None:
            break
        # Aim the next chunk at the target duration, growing at most 4× at a time (timer noise).
        chunk = max(1, min(count * 4, _MAX_CHUNK, int(count * _TARGET_CHUNK_SECONDS / max(elapsed, 1e-9))))
    if output is None:  # unreachable: steps ≥ 1 means at least one chunk ran
        raise RuntimeError("no step ran")
    return TrainResult(network, params, losses, output, diverged_at)


def _replay(network: Network, params: Params, first: int, count: int) -> tuple[Params, list[float], Matrix, int | None]:
    """Steps first…first+count−1 one at a time, stopping after the first divergent one."""
    losses: list[float] = []
    output: Matrix | None = None
    for iteration in range(first, first + count):
        result = network.fast_step(params, iteration)
        params, output = result.params, result.output
        losses.append(result.loss)
        if params.diverged(result.loss):  # the one definition (engine/divergence.py), as History's
            return params, losses, output, iteration
    if output is None:  # unreachable: count ≥ 1
        raise RuntimeError("no step ran")
    return params, losses, output, None


def _train_traced(
    network: Network, steps: int, on_trace: Callable[[Trace], None], on_progress: Callable[[int], None] | None
) -> TrainResult:
    params = network.init_params()
    losses: array[float] = array("d")
    output: Matrix | None = None
    diverged_at: int | None = None
    L, bias = network.L, network.config.bias
    for iteration in range(1, steps + 1):
        trace = network.step(params, iteration)
        on_trace(trace)
        losses.append(trace.loss)
        output = trace[f"a{L}"]
        # The trace already holds the updated weights: no need for a second, untraced step.
        params = Params.frozen(
            [trace[f"W{layer}_new"] for layer in range(1, L + 1)],
            [trace[f"b{layer}_new"] for layer in range(1, L + 1)] if bias else [],
        )
        if on_progress is not None and (iteration % _TRACE_PROGRESS_EVERY == 0 or iteration == steps):
            on_progress(iteration)
        if trace.diverged:
            diverged_at = iteration
            break
    if output is None:  # unreachable: steps ≥ 1
        raise RuntimeError("no step ran")
    return TrainResult(network, params, losses, output, diverged_at)
