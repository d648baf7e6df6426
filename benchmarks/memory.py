"""Memory with history on: RSS after 100k iterations, against a bare Python + numpy process.

Run: python -m benchmarks.memory   (each case runs in its own fresh process, so RSS is its own)
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

BUDGET_MB = 150.0
ITERATIONS = 100_000

CHILD = """
import json, resource, sys, time
import numpy as np
case = sys.argv[1]
t0 = time.perf_counter()
if case != "bare":
    from tuinet.engine import History, NetConfig, Network, load_dataset
    from tuinet.engine.datasets import Dataset
    from tuinet.cli.memory import keep_freed_memory
    keep_freed_memory()  # as the tuinet CLI does
    if case == "default":
        network = Network(NetConfig(), load_dataset("xor3"))
    else:  # 64 inputs, 32 hidden, 10 outputs on 64 random rows
        rng = np.random.RandomState(0)
        X, y = rng.random_sample((64, 64)), (rng.random_sample((64, 10)) > 0.5).astype(float)
        network = Network(NetConfig(hidden=(32,), init="xavier", lr=0.1), Dataset("random", X, y))
    history = History(network)
    history.extend(int(sys.argv[2]))
    first = history.trace(1)  # stepping back to iteration 1 still works
    assert np.array_equal(first["W1"], network.init_params().W[0])
    extra = {"checkpoints": history.checkpoint_count, "interval": history.interval}
else:
    extra = {}
with open("/proc/self/status") as status:
    rss = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) / 1024
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"rss": rss, "peak": peak, "seconds": time.perf_counter() - t0, **extra}))
"""


def measure(case: str, iterations: int = ITERATIONS) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, case, str(iterations)], capture_output=True, text=True, check=True, timeout=600
    ).stdout
    result: dict[str, float] = json.loads(out)
    return result


def rows() -> list[tuple[str, str, str, str, bool]]:
    """(figure, value, budget, ratio vs reference, ok) rows for benchmarks.run."""
    bare = measure("bare")
    out: list[tuple[str, str, str, str, bool]] = []
    for case, label in (("default", "3-4-1 default"), ("64-32-10", "64-32-10 net")):
        m = measure(case)
        ok = m["peak"] <= BUDGET_MB
        out.append(
            (
                f"memory: peak RSS after {ITERATIONS // 1000}k iterations, {label} "
                f"({m['checkpoints']:.0f} checkpoints, {m['seconds']:.1f} s)",
                f"{m['peak']:.1f} MB",
                f"≤ {BUDGET_MB:.0f} MB",
                f"{m['peak'] / bare['peak']:.2f}× bare python+numpy ({bare['peak']:.1f} MB)",
                ok,
            )
        )
    return out


def main() -> int:
    started = time.perf_counter()
    table = rows()
    width = max(len(r[0]) for r in table)
    for figure, value, budget, ratio, ok in table:
        print(f"{figure:<{width}}  {value:>10}  {budget:>9}  {ratio}  {'PASS' if ok else 'FAIL'}")
    print(f"({time.perf_counter() - started:.0f} s)")
    return 0 if all(r[4] for r in table) else 1


if __name__ == "__main__":
    raise SystemExit(main())
