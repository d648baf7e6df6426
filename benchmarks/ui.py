"""How fast the real app feels in a terminal: start-up, step latency, bytes per step, idle output, key floods.

Run from the repository root::

    python -m benchmarks.ui            # about a minute and a half
    python -m benchmarks.ui --quick    # fewer presses and repeats, for a smoke test

The app runs as a program (``python -m tuinet …``) in a pseudo-terminal of a fixed size with
``TERM=xterm-256color`` and no ``COLORTERM`` (256 colours, as over SSH); keys are written to the
pty and the output is read back as it arrives (see ``benchmarks/pty_driver.py``). What is timed:

- start-up: spawn → the last byte of the first complete frame (the screen, emulated with pyte,
  shows the status line and the footer, and the output has paused for 150 ms), against a minimal
  Textual app showing one Static, spawned alternately in the same run. Budget: ≤ 1.3× the reference;
- step latency: key written → the last byte of the frame it causes. Output counts as finished once
  the pty has been quiet for 8 ms; the time is taken at its last byte, so those 8 ms of waiting are
  not counted. Then the app must stay silent and use no CPU (``/proc/PID/task/*/schedstat``) for
  30 ms more before the next key (so presses are ≥ 38 ms apart, a brisk typist): output in that
  window means the step was drawn in several bursts, and it is timed to its true end (reported as
  "split"). This keeps every press starting from an idle app and its output attributed to it.
  Budgets on p95: 16.7 ms (one 60 Hz frame) at 80×24, 33 ms at 200×60, 100 ms for ``--hidden 64``
  on a 256-row CSV at 120×40;
- bytes per step at 80×24, and their share of a full repaint (the largest frame Textual writes when
  the window is resized back to 80×24, which redraws every cell; median of 3 resizes);
- idle output: bytes written in 5 s of doing nothing once the screen has settled. Budget: 0;
- key flood: 500 spaces written at once (a held-down key, a paste): time until the output settles
  (≤ 2 s), and the status line must then say iteration 500 (no key lost).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shlex
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import textual

from benchmarks.pty_driver import AppNeverDrew, PtyApp

ROOT = Path(__file__).resolve().parent.parent

STARTUP_BUDGET = 1.3
"""tuinet's start-up over a one-Static Textual app's."""
STEP_BUDGETS_MS = {(80, 24): 16.7, (200, 60): 33.0, (120, 40): 100.0}
"""p95 step latency by terminal size (the 120×40 run is the big network)."""
FLOOD_BUDGET_S = 2.0
FLOOD_PRESSES = 500

QUIET_STEP = 0.008
"""Silence that ends a step's frame. Textual writes a frame in one or a few writes within ~1 ms."""
WRITE_GAP = 0.001
"""Gap that separates two writes of the app: one ``write`` of a frame reaches us as 4 KB reads within ~0.2 ms,
and two frames are at least a render apart (milliseconds)."""
SETTLE = 0.03
"""After a frame, the app must also stay silent *and* use no CPU for this long before it counts as done (and
before the next key). Textual repaints on a 60 Hz timer, and a press can cause several frames (layout changes
a size, the resize handler refreshes, the next tick paints again) with up to ~22 ms of idle sleep between
them; without this, the tail of one press's output is taken for the next press's frame and every later
measurement is off by one press."""
IDLE_CPU = 0.001
"""CPU seconds in a SETTLE window below which the app is idle (an idle Textual app uses ~0; a frame ≥ 4 ms)."""
QUIET_START = 0.15
"""Silence that ends the first frame: start-up has real pauses (imports, then compose, then paint)."""
QUIET_FLOOD = 0.25
"""Silence that ends a key flood: between frames the app may be busy for a while with queued keys."""
START_TIMEOUT = 30.0
STEP_TIMEOUT = 5.0

KEYS: tuple[tuple[str, bytes], ...] = (
    ("iteration (space)", b" "),
    ("operation (→)", b"\x1b[C"),
    ("cell (.)", b"."),
)

REFERENCE_APP = """
from textual.app import App, ComposeResult
from textual.widgets import Static


class Reference(App[None]):
    BINDINGS = [("space", "bump")]
    presses = 0

    def compose(self) -> ComposeResult:
        yield Static("reference ready")

    def action_bump(self) -> None:
        self.presses += 1
        self.query_one(Static).update(f"reference ready, {self.presses} presses")


Reference().run()
"""
"""The reference: about the least a Textual app can do. Run with the same interpreter as tuinet. Its start-up
is the start-up budget's yardstick; its step (space updates the Static) is the floor of what this harness can
measure: Textual's own key → frame path plus the pty."""
REFERENCE_ARGV = [sys.executable, "-c", REFERENCE_APP]


# -- what the screen shows -------------------------------------------------------------------------------------------


def app_ready(lines: list[str]) -> bool:
    """The first complete frame: the status line is drawn and so is the footer (the last widget in the layout).

    The footer is cropped at 80 columns, so look for its first binding ("space Iteration"), not "Quit".
    """
    return "tuinet iteration" in lines[0] and "Iteration" in lines[-1]


def reference_ready(lines: list[str]) -> bool:
    return any("reference ready" in line for line in lines)


def shown_iteration(lines: list[str]) -> int | None:
    found = re.search(r"iteration (\d+)", lines[0])
    return int(found.group(1)) if found else None


DEFAULT_APP = [sys.executable, "-m", "tuinet"]


# -- measurements ----------------------------------------------------------------------------------------------------


@dataclass
class Series:
    """One key pressed ``len(latencies)`` times."""

    latencies: list[float] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    bursts: list[int] = field(default_factory=list)
    """Bursts of output per press (more than QUIET_STEP apart); 1 means the press was drawn in one frame."""
    silent: int = 0
    """Presses that produced no output at all."""

    def p(self, q: float) -> float:
        """The q-quantile in ms (``statistics.quantiles``, inclusive: interpolated between the nearest samples)."""
        ms = [x * 1000 for x in self.latencies]
        if len(ms) < 2:
            return ms[0] if ms else float("nan")
        return statistics.quantiles(ms, n=100, method="inclusive")[round(q * 100) - 1]

    @property
    def mean_bytes(self) -> float:
        return statistics.fmean(self.sizes) if self.sizes else 0.0

    @property
    def split(self) -> int:
        """Presses drawn in several bursts: the screen changed in steps until it settled."""
        return sum(n > 1 for n in self.bursts)


def settle(run: PtyApp, last: float) -> float:
    """Wait until the app has been silent and idle for SETTLE; return the time of its last byte.

    Output that arrives meanwhile belongs to the same step (a frame in several bursts): ``last`` moves on.
    """
    deadline = time.perf_counter() + STEP_TIMEOUT
    while time.perf_counter() < deadline:
        before = run.cpu_seconds()
        time.sleep(SETTLE)
        after = run.cpu_seconds()
        later = run.last_output_time()
        if later is not None and later > last:
            last = run.wait_quiet(last, QUIET_STEP, STEP_TIMEOUT) or later
            continue
        # Where /proc cannot tell the CPU time (not Linux), silence alone has to do.
        if before is None or after is None or after - before < IDLE_CPU:
            return last
    raise AppNeverDrew(f"the app kept computing for {STEP_TIMEOUT:g} s after a key")


def press_series(run: PtyApp, key: bytes, presses: int) -> Series:
    series = Series()
    settle(run, run.last_output_time() or run.spawned_at)
    for _ in range(presses):
        # No pause here: the previous press ended with the app settled.
        sent = run.send(key)
        last = run.wait_quiet(sent, QUIET_STEP, STEP_TIMEOUT)
        if last is None:
            series.silent += 1
            continue
        last = settle(run, last)
        series.latencies.append(last - sent)
        series.sizes.append(run.bytes_between(sent, last))
        series.bursts.append(len(run.bursts(sent, last, QUIET_STEP)))
    return series


def first_frame(run: PtyApp) -> float:
    """Seconds from spawn to the last byte of the first complete frame."""
    return run.wait_for(app_ready, QUIET_START, START_TIMEOUT, "tuinet's first frame") - run.spawned_at


def measure_startup(app: Sequence[str], repeats: int) -> tuple[list[float], list[float], int]:
    """Start-up times of tuinet and of the reference app (alternating, so a slow moment hits both), in seconds."""
    ours: list[float] = []
    reference: list[float] = []
    first_bytes = 0
    for _ in range(repeats):
        with PtyApp(app, 80, 24, cwd=str(ROOT)) as run:
            ours.append(first_frame(run))
            first_bytes = run.total_bytes
        with PtyApp(REFERENCE_ARGV, 80, 24, cwd=str(ROOT)) as run:
            done = run.wait_for(reference_ready, QUIET_START, START_TIMEOUT, "the reference app's first frame")
            reference.append(done - run.spawned_at)
    return ours, reference, first_bytes


@dataclass
class StepRun:
    size: tuple[int, int]
    series: dict[str, Series]
    iteration_after_spaces: int | None
    full_repaint: int = 0
    idle_bytes: int = -1


def measure_steps(
    argv: Sequence[str], size: tuple[int, int], presses: int, idle_seconds: float = 0.0, repaint: bool = False
) -> StepRun:
    columns, rows = size
    with PtyApp(argv, columns, rows, cwd=str(ROOT)) as run:
        first_frame(run)
        series: dict[str, Series] = {}
        iteration = None
        for name, key in KEYS:
            series[name] = press_series(run, key, presses)
            if key == b" ":  # a sanity check that the keys really drive the app (parsed while it is idle)
                iteration = shown_iteration(run.screen())
        result = StepRun(size, series, iteration)
        if idle_seconds:
            settle(run, run.last_output_time() or run.spawned_at)
            before = run.total_bytes
            time.sleep(idle_seconds)
            result.idle_bytes = run.total_bytes - before
        if repaint:
            result.full_repaint = measure_full_repaint(run)
    return result


def measure_full_repaint(run: PtyApp, cycles: int = 3) -> int:
    """Bytes of one frame that redraws every cell of the current screen at the current size.

    Resize away and back: Textual redraws every cell after a resize, so the largest frame it writes then is a full
    repaint of this very screen (the app draws a few more frames after a resize, and those are partial). Frames
    are told apart by WRITE_GAP, not QUIET_STEP: two frames of the resize often come less than 8 ms apart. The
    median over a few cycles guards against a frame split by a hiccup of the reader thread.
    """
    columns, rows = run.columns, run.rows
    largest = []
    for _ in range(cycles):
        changed = run.resize(columns + 20, rows + 6)
        settle(run, run.wait_quiet(changed, QUIET_STEP, START_TIMEOUT) or changed)
        changed = run.resize(columns, rows)
        last = settle(run, run.wait_quiet(changed, QUIET_STEP, START_TIMEOUT) or changed)
        largest.append(max(run.bursts(changed, last, WRITE_GAP), default=0))
    return round(statistics.median(largest))


@dataclass
class Flood:
    seconds: float
    iteration: int | None


def measure_reference_steps(presses: int) -> Series:
    with PtyApp(REFERENCE_ARGV, 80, 24, cwd=str(ROOT)) as run:
        run.wait_for(reference_ready, QUIET_START, START_TIMEOUT, "the reference app's first frame")
        return press_series(run, b" ", presses)


def measure_flood(app: Sequence[str], presses: int) -> Flood:
    with PtyApp(app, 80, 24, cwd=str(ROOT)) as run:
        settle(run, first_frame(run) + run.spawned_at)
        sent = run.send(b" " * presses)
        deadline = sent + STEP_TIMEOUT * 2
        start, last = sent, sent
        iteration = None
        # Quiet is not enough: the app might pause to chew keys and draw again. Wait until it shows the last one.
        while (remaining := deadline - time.perf_counter()) > 0:
            burst = run.wait_quiet(start, QUIET_FLOOD, remaining)
            if burst is None:
                break
            last = burst
            iteration = shown_iteration(run.screen())
            if iteration == presses:
                break
            start = burst
        return Flood(last - sent, iteration)


GROWTH_WIDTHS = (4, 16, 64, 256)
"""Hidden widths for the cost-growth rows (step latency as the network grows)."""


def write_dataset(folder: Path, rows: int = 256, inputs: int = 8) -> Path:
    """A random CSV: ``inputs`` columns in [0, 1), then a 0/1 target."""
    rng = np.random.RandomState(0)
    X = rng.random_sample((rows, inputs))
    y = (X.sum(axis=1, keepdims=True) > inputs / 2).astype(float)
    path = folder / f"random-{rows}x{inputs}.csv"
    np.savetxt(path, np.hstack([X, y]), delimiter=",", fmt="%.6f")
    return path


# -- the report ------------------------------------------------------------------------------------------------------


@dataclass
class Row:
    measurement: str
    value: str
    budget: str = "—"
    ok: bool | None = None
    """None: for information, no budget."""

    @property
    def verdict(self) -> str:
        return "info" if self.ok is None else ("PASS" if self.ok else "FAIL")


def table(rows: list[Row]) -> str:
    header = Row("measurement", "value", "budget")
    cells = [[r.measurement, r.value, r.budget, "result" if r is header else r.verdict] for r in [header, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(4)]
    lines = []
    for i, row in enumerate(cells):
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def step_rows(label: str, run: StepRun, budget_ms: float) -> list[Row]:
    rows = []
    for name, series in run.series.items():
        p50, p95 = series.p(0.5), series.p(0.95)
        notes = []
        if series.split:
            notes.append(f"{series.split}/{len(series.bursts)} split")
        if series.silent:
            notes.append(f"{series.silent} no output")
        note = f" ({', '.join(notes)})" if notes else ""
        rows.append(
            Row(
                f"step {name}, {label}",
                f"p50 {p50:5.1f} ms  p95 {p95:5.1f} ms{note}",
                f"p95 ≤ {budget_ms:g} ms",
                p95 <= budget_ms and not series.silent,
            )
        )
    return rows


def progress(message: str) -> None:
    print(f"… {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ui", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="20 presses, 1 start-up, 2 s idle: a smoke test")
    parser.add_argument("--presses", type=int, default=60, help="presses per key and size (default: 60)")
    parser.add_argument("--repeats", type=int, default=3, help="start-ups of each app; the median counts (default 3)")
    parser.add_argument(
        "--app",
        metavar="COMMAND",
        help="the command that starts the app, network options are appended (default: this python -m tuinet); "
        "e.g. an installed `tuinet`, or an experimental launcher",
    )
    args = parser.parse_args(argv)
    app = shlex.split(args.app) if args.app else DEFAULT_APP
    presses, repeats, idle = (20, 1, 2.0) if args.quick else (max(2, args.presses), max(1, args.repeats), 5.0)
    growth_presses = max(2, presses // 3)

    began = time.perf_counter()
    rows: list[Row] = []
    notes: list[str] = []
    try:
        progress(f"start-up, {repeats}× tuinet and {repeats}× a one-Static Textual app")
        ours, reference, first_bytes = measure_startup(app, repeats)
        ratio = statistics.median(ours) / statistics.median(reference)
        rows.append(
            Row(
                "start-up, tuinet / one-Static Textual app (median)",
                f"{ratio:.2f}× ({statistics.median(ours) * 1000:.0f} / {statistics.median(reference) * 1000:.0f} ms)",
                f"≤ {STARTUP_BUDGET:g}×",
                ratio <= STARTUP_BUDGET,
            )
        )

        progress(f"steps at 80×24, {presses} presses per key, then {idle:g} s idle and a full repaint")
        small = measure_steps(app, (80, 24), presses, idle_seconds=idle, repaint=True)
        progress(f"steps at 200×60, {presses} presses per key")
        large = measure_steps(app, (200, 60), presses)
        with tempfile.TemporaryDirectory(prefix="tuinet-bench-") as folder:
            csv = write_dataset(Path(folder))
            progress(f"steps at 120×40 for --hidden 64 on a 256-row CSV, {presses} presses per key")
            big = measure_steps([*app, "--hidden", "64", "--dataset", str(csv)], (120, 40), presses)
            growth: dict[int, StepRun] = {}
            for width in GROWTH_WIDTHS:
                progress(
                    f"cost growth: --hidden {width} on the 256-row CSV at 120×40, {growth_presses} presses per key"
                )
                growth[width] = measure_steps(
                    [*app, "--hidden", str(width), "--dataset", str(csv)], (120, 40), growth_presses
                )
        progress(f"key flood: {FLOOD_PRESSES} spaces at once")
        flood = measure_flood(app, FLOOD_PRESSES)
        progress(f"the reference app's step, {presses} presses")
        floor = measure_reference_steps(presses)
    except AppNeverDrew as error:
        print(f"benchmarks.ui: error: {error}", file=sys.stderr)
        return 2

    rows += step_rows("80×24 default net", small, STEP_BUDGETS_MS[(80, 24)])
    rows.append(
        Row(
            "step, one-Static reference app, 80×24 (the floor)",
            f"p50 {floor.p(0.5):5.1f} ms  p95 {floor.p(0.95):5.1f} ms",
        )
    )
    rows += step_rows("200×60 default net", large, STEP_BUDGETS_MS[(200, 60)])
    rows += step_rows("120×40 --hidden 64, 256 rows", big, STEP_BUDGETS_MS[(120, 40)])
    for name, series in small.series.items():
        share = series.mean_bytes / small.full_repaint if small.full_repaint else float("nan")
        frames = statistics.fmean(series.bursts) if series.bursts else 0.0
        rows.append(
            Row(
                f"bytes per step {name}, 80×24",
                f"{series.mean_bytes:,.0f} B = {share:.0%} of a full repaint, in {frames:.1f} bursts",
            )
        )
    rows.append(
        Row(
            "full repaint 80×24 (largest frame after a resize)",
            f"{small.full_repaint:,} B (start-up: {first_bytes:,} B)",
        )
    )
    rows.append(Row(f"idle output over {idle:g} s, 80×24", f"{small.idle_bytes:,} B", "0 B", small.idle_bytes == 0))
    rows.append(
        Row(
            f"key flood: {FLOOD_PRESSES} spaces at once, 80×24",
            f"settled after {flood.seconds:.2f} s",
            f"≤ {FLOOD_BUDGET_S:g} s",
            flood.seconds <= FLOOD_BUDGET_S,
        )
    )
    rows.append(
        Row(
            "key flood: status line afterwards",
            f"iteration {flood.iteration}",
            f"iteration {FLOOD_PRESSES}",
            flood.iteration == FLOOD_PRESSES,
        )
    )
    for width, run in growth.items():
        cells = "   ".join(f"{name} p50 {series.p(0.5):5.1f} ms" for name, series in run.series.items())
        rows.append(Row(f"cost growth: --hidden {width}, 256 rows, 120×40", cells))
    for label, run in (("80×24", small), ("200×60", large), ("120×40", big)):
        if run.iteration_after_spaces != presses:
            notes.append(
                f"after {presses} spaces at {label} the status line showed iteration {run.iteration_after_spaces}"
            )

    print(
        f"tuinet UI benchmark — Textual {textual.__version__}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, TERM=xterm-256color without COLORTERM (256 colours)"
    )
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    # Other processes compete for the CPUs with the app (and with the reference): say how busy the machine was.
    print(f"app: {shlex.join(app)}; load average at the end {load}")
    print(
        f"latency = key written → last byte of its frame (a frame ends after {QUIET_STEP * 1000:g} ms of silence, "
        f"not counted); {presses} presses per key, ≥ {SETTLE * 1000 + QUIET_STEP * 1000:g} ms apart\n"
    )
    print(table(rows))
    for note in notes:
        print(f"note: {note}")
    failed = [r for r in rows if r.ok is False]
    budgets = sum(r.ok is not None for r in rows)
    print(f"\n{len(failed)} of {budgets} budgets failed; took {time.perf_counter() - began:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
