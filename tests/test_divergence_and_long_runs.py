"""Divergence is a state the app shows legibly and gets out of; 100k iterations stay bounded and exact.

In-process counterparts of tests/test_terminal.py: the pilot reads every matrix cell back from the
panes and compares it with the engine, which a pty screen at a fixed size cannot do for all panes.
"""

from __future__ import annotations

import gc
import time

import numpy as np
import pytest
from textual.pilot import Pilot

from tests.cli_run import DIVERGES, run_json
from tests.screen import pane_text, read_matrix
from tuinet.app import TuinetApp, make_app
from tuinet.engine import History, NetConfig, Params, Trace, build
from tuinet.words.names import label
from tuinet.words.numbers import fmt

DIVERGING = NetConfig(hidden=(), output_activation="linear", lr=10.0)
"""`tuinet --hidden none --output-activation linear --lr 10`: diverges at iteration 88; at 173 the
matrices hold 1.47e+308, inf, −inf and NaN side by side."""

PANE_NAMES = {"activations": ("z1", "a1"), "deltas": ("e", "delta1"), "updates": ("dW1", "W1_new")}
"""Where the computed matrices of the one-layer net are shown (120×40: every pane at once)."""


def text_of(app: TuinetApp, selector: str) -> str:
    return pane_text(app, selector)  # type: ignore[arg-type]  # App[None] for App[object]: read-only use


def as_shown(values: np.ndarray) -> list[list[str]]:
    return [[fmt(float(v), 3) for v in row] for row in values]


async def go_to(pilot: Pilot[None], iteration: int) -> None:
    await pilot.press("g")
    await pilot.pause()
    await pilot.press(*str(iteration), "enter")
    await pilot.pause()


def assert_panes_match(app: TuinetApp, trace: Trace) -> list[str]:
    """Every computed matrix on screen equals the engine's, cell for cell; return all the cells shown."""
    cells: list[str] = []
    for pane, names in PANE_NAMES.items():
        text = text_of(app, f"#pane-{pane}")
        for name in names:
            shown = read_matrix(text, label(trace, name))
            assert shown == as_shown(trace[name]), (name, shown)  # a wrapped or clipped cell fails here
            cells += [cell for row in shown for cell in row]
    return cells


async def test_diverged_iterations_are_legible_and_stepping_back_works() -> None:
    """inf, −inf, NaN and 1e308 are shown as such, with "diverged at iteration 88"; going back is healthy."""
    history = History(build(DIVERGING))
    history.extend(200)
    assert history.diverged_at == 88
    app = make_app(DIVERGING)
    async with app.run_test(size=(120, 40)) as pilot:
        await go_to(pilot, 173)
        status = text_of(app, "#status")
        assert "iteration 173 " in status and "loss inf" in status and "diverged at iteration 88" in status, status
        cells = assert_panes_match(app, history.trace(173))
        assert {"NaN", "inf", "−inf", "1.47e+308"} <= set(cells), cells

        # Cell by cell through the diverged product, then on into NaN iterations: no crash, no frozen screen.
        await pilot.press("backspace", *["full_stop"] * 5)
        await pilot.pause()
        assert "cell 5/4" not in text_of(app, "#status")
        await pilot.press(*["space"] * 10)
        await pilot.pause()
        status = text_of(app, "#status")
        assert "iteration 182 " in status and "loss NaN" in status and "diverged at iteration 88" in status, status

        # Back to health: by jumping, and by stepping back over the point of divergence.
        await go_to(pilot, 50)
        status = text_of(app, "#status")
        assert "iteration 50 " in status and "diverged" not in status, status
        assert f"loss {fmt(history.loss(50), 4)}" in status
        cells = assert_panes_match(app, history.trace(50))
        assert not {"NaN", "inf", "−inf"} & set(cells)
        await go_to(pilot, 88)
        assert "diverged at iteration 88" in text_of(app, "#status")
        await pilot.press("backspace")
        await pilot.pause()
        status = text_of(app, "#status")
        assert "iteration 87 " in status and "diverged" not in status, status
        assert_panes_match(app, history.trace(87))


def _live_params() -> int:
    return sum(1 for thing in gc.get_objects() if isinstance(thing, Params))


def _bitwise_equal(a: Trace, b: Trace) -> bool:
    return set(a.matrices) == set(b.matrices) and all(
        a[name].dtype == b[name].dtype and a[name].tobytes() == b[name].tobytes() for name in b.matrices
    )


def test_100k_iterations_bounded_memory_and_exact_revisits() -> None:
    """100,000 iterations of the tutorial net: stored weights stay bounded; iteration 1 is bit-for-bit the original."""
    net = build(NetConfig())
    history = History(net)
    first = net.step(net.init_params(), 1)  # what a fresh engine shows for iteration 1
    started = time.process_time()  # CPU time: other work on the machine does not count
    alive: list[int] = []
    for _ in range(10):
        history.extend(10_000)
        alive.append(_live_params())
    elapsed = time.process_time() - started
    assert history.head == 100_000 and elapsed < 20, f"100k iterations took {elapsed:.1f} s of CPU"
    # History's default budgets: 32 MiB of checkpoints and 16 MiB of cached weights, ~400 bytes of overhead each.
    per_params = net.init_params().nbytes + 400
    checkpoints, cached = min(4096, 32 * 2**20 // per_params), min(1024, 16 * 2**20 // per_params)
    assert history.checkpoint_count <= checkpoints
    assert max(alive) <= checkpoints + cached + 16, alive  # not one Params per iteration
    assert alive[-1] < 2 * alive[0], alive

    assert _bitwise_equal(history.trace(1), first)
    assert history.loss(1) == first.loss
    last_params, losses, _ = net.run(net.init_params(), 1, 99_999)
    assert _bitwise_equal(history.trace(100_000), net.step(last_params, 100_000))
    assert history.losses(1, 99_999) == losses
    assert _bitwise_equal(history.trace(1), first)  # and again, after the cache has moved on


def test_revisits_deep_in_a_long_history() -> None:
    """With the smallest budgets (the most recomputation), iterations of a 100k history equal a straight replay."""
    net = build(NetConfig(hidden=(3,), activation="tanh", bias=True, batch="1"))
    history = History(net, checkpoint_bytes=1, cache_bytes=1)  # 16 checkpoints, 8 cached weights
    history.extend(100_000)
    assert history.checkpoint_count <= 16
    params, done = net.init_params(), 1
    for iteration in (2, 50_001, 99_999, 100_000):
        params, _, _ = net.run(params, done, iteration - done)
        done = iteration
        assert _bitwise_equal(history.trace(iteration), net.step(params, iteration)), iteration


@pytest.mark.parametrize(
    "args, config",
    [
        (DIVERGES, DIVERGING),
        (
            ["--activation", "relu", "--output-activation", "linear", "--lr", "1e6", "--bias"],
            NetConfig(activation="relu", output_activation="linear", lr=1e6, bias=True),
        ),
    ],
    ids=["linear lr 10", "relu lr 1e6"],
)
def test_train_json_reports_the_divergence(
    capsys: pytest.CaptureFixture[str], args: list[str], config: NetConfig
) -> None:
    """`tuinet train --json` says diverged: true, and at the same iteration the app reports."""
    history = History(build(config))
    history.extend(300)
    report = run_json(capsys, "--steps", "300", *args)
    assert report["diverged"] is True and report["diverged_at"] == history.diverged_at is not None
    assert report["steps"] == history.diverged_at
