"""How much the engine costs over a hand-written numpy loop of the same network.

Run from the repository root::

    python -m benchmarks.engine            # about half a minute
    python -m benchmarks.engine --quick    # fewer repeats, for a smoke test

For each network it times, per iteration:

- ``plain``: the tutorial-style loop written out by hand below (no trace, no history, no loss);
- ``run``: ``Network.run`` — the engine without a trace (training, history recompute);
- ``fast_step``: one ``Network.fast_step`` call per iteration (what ``History.extend`` does), for information;
- ``step``: ``Network.step`` — one iteration with its full trace and schedule.

Budgets: ``run`` ≤ 1.3× plain, ``step`` ≤ 3× plain. Every number is the median of several runs, and the
contenders are interleaved (their order rotates each repeat) so that a slow moment of the machine
is spread over all of them instead of landing on one.

``faults/it`` counts minor page faults per iteration (plain/run/step). Where the engine has many more than
the plain loop, the gap is the allocator, not the arithmetic: at the end of each iteration the engine
frees every intermediate matrix at once, glibc hands the memory back to the kernel (heap trimming) and
the next iteration faults it in again. ``--no-trim`` (or ``MALLOC_TRIM_THRESHOLD_=268435456``) turns that off
and shows the engine's own overhead.
Other work on the machine and multi-threaded BLAS make large nets noisy; ``OPENBLAS_NUM_THREADS=1``
steadies them.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tuinet.cli.memory import keep_freed_memory
from tuinet.engine import NetConfig, Network, build
from tuinet.engine.datasets import Dataset
from tuinet.engine.types import Matrix

RUN_BUDGET = 1.3
STEP_BUDGET = 3.0


# -- the reference: numpy written out by hand ------------------------------------------------------


def _sig(x: Matrix) -> Matrix:
    return 1 / (1 + np.exp(-x))


def tutorial_loop(X: Matrix, y: Matrix, W1: Matrix, W2: Matrix, n: int) -> None:
    """The classic tutorial's loop, verbatim (lr = 1, updates in place)."""
    for _ in range(n):
        l1 = _sig(X @ W1)
        l2 = _sig(l1 @ W2)
        d2 = (y - l2) * (l2 * (1 - l2))
        d1 = d2.dot(W2.T) * (l1 * (1 - l1))
        W2 += l1.T.dot(d2)
        W1 += X.T.dot(d1)


def plain_two_layers(X: Matrix, y: Matrix, W1: Matrix, W2: Matrix, lr: float, n: int) -> None:
    """The same loop with a learning rate."""
    for _ in range(n):
        l1 = _sig(X @ W1)
        l2 = _sig(l1 @ W2)
        d2 = (l2 - y) * (l2 * (1 - l2))
        d1 = d2.dot(W2.T) * (l1 * (1 - l1))
        W2 -= lr * l1.T.dot(d2)
        W1 -= lr * X.T.dot(d1)


def plain_three_layers(X: Matrix, y: Matrix, W1: Matrix, W2: Matrix, W3: Matrix, lr: float, n: int) -> None:
    """The same loop with two hidden layers."""
    for _ in range(n):
        l1 = _sig(X @ W1)
        l2 = _sig(l1 @ W2)
        l3 = _sig(l2 @ W3)
        d3 = (l3 - y) * (l3 * (1 - l3))
        d2 = d3.dot(W3.T) * (l2 * (1 - l2))
        d1 = d2.dot(W2.T) * (l1 * (1 - l1))
        W3 -= lr * l2.T.dot(d3)
        W2 -= lr * l1.T.dot(d2)
        W1 -= lr * X.T.dot(d1)


def plain_for(net: Network) -> Callable[[int], list[Matrix]]:
    """n iterations of the hand-written loop, from the engine's own initial weights; returns the final weights."""
    X, y, lr = net.data.X, net.data.y, net.config.lr
    init = net.init_params().W

    def go(n: int) -> list[Matrix]:
        W = [w.copy() for w in init]  # the loop updates in place; every timed block starts afresh
        with np.errstate(all="ignore"):  # as Network.run does, once per run
            if len(W) == 2 and lr == 1.0:
                tutorial_loop(X, y, W[0], W[1], n)
            elif len(W) == 2:
                plain_two_layers(X, y, W[0], W[1], lr, n)
            elif len(W) == 3:
                plain_three_layers(X, y, W[0], W[1], W[2], lr, n)
            else:
                raise ValueError("the reference loop is written out for 1 or 2 hidden layers only")
        return W

    return go


def check_same_numbers(net: Network, iterations: int = 20) -> None:
    """The comparison is only fair if both loops do the same work: they must agree bit for bit."""
    engine = net.run(net.init_params(), 1, iterations)[0].W
    plain = plain_for(net)(iterations)
    if not all(np.array_equal(a, b) for a, b in zip(engine, plain, strict=True)):
        raise AssertionError(f"the engine and the plain loop disagree on {net.sizes}: not the same network")


# -- the contenders --------------------------------------------------------------------------------


def contenders(net: Network) -> dict[str, Callable[[int], object]]:
    check_same_numbers(net)
    params = net.init_params()

    def run(n: int) -> None:
        net.run(params, 1, n)

    def fast_step(n: int) -> None:
        p = params
        for t in range(1, n + 1):
            p = net.fast_step(p, t).params

    def step(n: int) -> None:
        # The same weights every time: a trace's cost does not depend on the values.
        for t in range(1, n + 1):
            net.step(params, t)

    return {"plain": plain_for(net), "run": run, "fast_step": fast_step, "step": step}


@dataclass(frozen=True)
class Timing:
    us: float
    """Median µs per iteration."""
    faults: float
    """Median minor page faults per iteration."""


def measure(fns: dict[str, Callable[[int], object]], block_seconds: float, repeats: int) -> dict[str, Timing]:
    """Each function's cost per iteration, measured in interleaved blocks."""
    names = list(fns)
    counts: dict[str, int] = {}
    for name, fn in fns.items():  # calibrate (and warm up): iterations that fill one block
        n = 1
        while True:
            start = time.perf_counter()
            fn(n)
            elapsed = time.perf_counter() - start
            if elapsed > block_seconds / 4 or n >= 1 << 20:
                break
            n *= 2
        counts[name] = max(1, round(n * block_seconds / max(elapsed, 1e-9)))
    times: dict[str, list[float]] = {name: [] for name in names}
    faults: dict[str, list[float]] = {name: [] for name in names}
    for r in range(repeats):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            n = counts[name]
            before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
            start = time.perf_counter()
            fns[name](n)
            times[name].append((time.perf_counter() - start) / n * 1e6)
            faults[name].append((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / n)
    return {name: Timing(statistics.median(times[name]), statistics.median(faults[name])) for name in names}


# -- the networks ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    label: str
    network: Network


def random_network(rows: int, inputs: int, hidden: tuple[int, ...], outputs: int) -> Network:
    """A sigmoid net on random data (xavier init, lr 0.01, so it trains rather than saturates)."""
    rng = np.random.RandomState(0)
    X = rng.random_sample((rows, inputs))
    y = (rng.random_sample((rows, outputs)) > 0.5).astype(np.float64)
    data = Dataset(f"random {rows}×{inputs}", X, y)
    config = NetConfig(dataset=data.name, targets=outputs, hidden=hidden, init="xavier", lr=0.01)
    return Network(config, data)


def budget_cases() -> list[Case]:
    return [
        Case("3-4-1 default (xor3, 4 rows)", build(NetConfig())),
        Case("8-64-1 (256 rows)", random_network(256, 8, (64,), 1)),
        Case("16-64-32-10 (256 rows)", random_network(256, 16, (64, 32), 10)),
    ]


# -- the report ------------------------------------------------------------------------------------


def _table(header: list[str], rows: list[list[str]]) -> str:
    """Plain text columns: the first left-aligned, the numbers right-aligned."""
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=True)]
    lines = []
    for row in [header, ["-" * w for w in widths], *rows]:
        cells = (c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True)))
        lines.append("  ".join(cells))
    return "\n".join(lines)


def _verdict(ratio: float, budget: float) -> str:
    return "PASS" if ratio <= budget else "FAIL"


def _faults(t: dict[str, Timing]) -> str:
    return "/".join(f"{t[name].faults:.0f}" for name in ("plain", "run", "step"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.engine", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="shorter blocks and fewer repeats (noisier)")
    parser.add_argument(
        "--trim", action="store_true", help="leave glibc's default (return freed memory at once) instead of tuinet's"
    )
    args = parser.parse_args(argv)
    block, repeats = (0.02, 3) if args.quick else (0.05, 9)
    # Measure what a tuinet process does: its CLI keeps freed memory (see tuinet/memory.py).
    kept = not args.trim and keep_freed_memory()
    heap = ", freed memory kept (as tuinet's CLI does)" if kept else ", glibc default trimming"

    env = ", ".join(f"{key}={os.environ.get(key, '(unset)')}" for key in ("OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS"))
    print(
        f"tuinet engine benchmark — Python {platform.python_version()}, numpy {np.__version__}, "
        f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}, {env}{heap}"
    )
    print(f"median of {repeats} interleaved blocks of ~{block * 1000:.0f} ms each; µs per iteration\n")

    rows: list[list[str]] = []
    failed = False
    for case in budget_cases():
        t = measure(contenders(case.network), block, repeats)
        run_x, fast_x, step_x = (t[k].us / t["plain"].us for k in ("run", "fast_step", "step"))
        failed |= run_x > RUN_BUDGET or step_x > STEP_BUDGET
        rows.append(
            [
                case.label,
                f"{t['plain'].us:.2f}",
                f"{t['run'].us:.2f}",
                f"{run_x:.2f}× {_verdict(run_x, RUN_BUDGET)}",
                f"{t['fast_step'].us:.2f}",
                f"{fast_x:.2f}×",
                f"{t['step'].us:.2f}",
                f"{step_x:.2f}× {_verdict(step_x, STEP_BUDGET)}",
                _faults(t),
            ]
        )
    header = [
        "network",
        "plain",
        "run",
        f"run/plain (≤{RUN_BUDGET}×)",
        "fast_step",
        "fast/plain",
        "step",
        f"step/plain (≤{STEP_BUDGET:g}×)",
        "faults/it",
    ]
    print(_table(header, rows))

    print("\ncost growth: 8-h-1 sigmoid net on 256 random rows, µs per iteration")
    growth: list[list[str]] = []
    for width in (4, 16, 64, 256):
        fns = contenders(random_network(256, 8, (width,), 1))
        del fns["fast_step"]
        t = measure(fns, block, repeats)
        growth.append(
            [
                f"hidden {width}",
                f"{t['plain'].us:.2f}",
                f"{t['run'].us:.2f}",
                f"{t['run'].us / t['plain'].us:.2f}×",
                f"{t['step'].us:.2f}",
                f"{t['step'].us / t['plain'].us:.2f}×",
                _faults(t),
            ]
        )
    header = ["network", "plain", "run (no trace)", "run/plain", "step (trace)", "step/plain", "faults/it"]
    print(_table(header, growth))
    print("\nresult:", "FAIL (a budget is missed)" if failed else "PASS (every budget met)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
