"""History: any earlier iteration comes back bit for bit, in bounded memory."""

from __future__ import annotations

import random
import time

import numpy as np
import pytest

from tests.engine_cases import random_network, with_random_biases
from tuinet.engine import History, NetConfig, Network, Params, build


def _same(a: Params, b: Params) -> bool:
    return len(a.W) == len(b.W) and all(
        np.array_equal(x, y, equal_nan=True) for x, y in zip((*a.W, *a.b), (*b.W, *b.b), strict=True)
    )


def _replay(net: Network, start: Params, count: int) -> list[Params]:
    """Weights before iterations 1…count+1, by plain sequential stepping."""
    out = [start]
    for t in range(1, count + 1):
        out.append(net.fast_step(out[-1], t).params)
    return out


@pytest.mark.parametrize(
    "config",
    [
        NetConfig(),
        NetConfig(hidden=(3, 2), activation="tanh", batch="1", bias=True, loss="mean"),
        NetConfig(dataset="or", hidden=(5,), activation="relu", output_activation="linear", lr=0.05, init="signed"),
    ],
    ids=["tutorial", "tanh-batch1-bias", "relu-linear"],
)
def test_revisiting_equals_a_fresh_replay(config: NetConfig) -> None:
    """2000 iterations with a tiny checkpoint budget, then random revisits in random order."""
    net = build(config)
    start = with_random_biases(net, net.init_params(), 1)
    history = History(net, start, checkpoint_bytes=1, cache_bytes=1)  # 16 checkpoints, 8 cached weights
    history.extend(2000)
    assert history.head == 2000 and history.checkpoint_count <= 16 and history.interval > 1
    replay = _replay(net, start, 2000)
    assert _same(history.latest, replay[2000])
    rnd = random.Random(0)
    for t in [1, 2, 2001, 1999, 1000, 1001, 999, *rnd.sample(range(1, 2001), 40)]:
        assert _same(history.params_at(t), replay[t - 1]), t
    for t in [1, 2000, 1024, *rnd.sample(range(1, 2001), 8)]:
        trace, fresh = history.trace(t), net.step(replay[t - 1], t)
        assert set(trace.matrices) == set(fresh.matrices)
        for name in fresh.matrices:
            assert np.array_equal(trace[name], fresh[name], equal_nan=True), (t, name)
        assert trace.rows == fresh.rows and history.loss(t) == fresh.loss
    assert history.losses() == [history.loss(t) for t in range(1, 2001)]
    assert history.losses(5, 7) == [history.loss(t) for t in (5, 6, 7)]


def test_params_at_extends_history_when_asked_ahead() -> None:
    net = build(NetConfig())
    history = History(net)
    p = history.params_at(51)
    assert history.head == 50 and _same(p, net.run(net.init_params(), 1, 50)[0])
    with pytest.raises(ValueError):
        history.params_at(0)


def test_long_run_keeps_memory_bounded() -> None:
    """100 000 iterations: checkpoints stay under the budget, and iteration 1 is still the initial weights."""
    net = build(NetConfig())
    history = History(net)
    started = time.perf_counter()
    counts = []
    for _ in range(10):
        history.extend(10_000)
        counts.append(history.checkpoint_count)
    elapsed = time.perf_counter() - started
    budget = 32 * 2**20 // (net.init_params().nbytes + 400)
    assert max(counts) <= min(4096, budget) and history.interval >= 16
    assert _same(history.params_at(1), net.init_params())
    t = 30_001  # a replay from scratch: not so far that the test gets slow
    assert _same(history.params_at(t), net.run(net.init_params(), 1, t - 1)[0])
    assert elapsed < 30, f"100k iterations took {elapsed:.1f}s"


@pytest.mark.parametrize("budget", [1, 20_000, 200_000])
def test_checkpoints_respect_the_byte_budget(budget: int) -> None:
    net = random_network(3, hidden=(4, 4))
    history = History(net, checkpoint_bytes=budget)
    per = net.init_params().nbytes + 400
    limit = max(16, min(4096, budget // per))
    for _ in range(20):
        history.extend(500)
        assert history.checkpoint_count <= limit
    assert _same(history.params_at(1), net.init_params())
    assert _same(history.params_at(7_777), net.run(net.init_params(), 1, 7_776)[0])


def test_history_starts_from_given_params() -> None:
    net = random_network(8, bias=True)
    start = with_random_biases(net, net.init_params(), 8)
    history = History(net, start)
    assert _same(history.initial, start) and _same(history.params_at(1), start)
    history.extend(5)
    assert _same(history.latest, net.run(start, 1, 5)[0])
