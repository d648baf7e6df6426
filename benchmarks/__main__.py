"""Every benchmark in one run: python -m benchmarks [--quick]   (or: benchmarks/run)

Runs the engine, memory and UI benchmarks one after another, each in its own process so that none
inherits another's heap, and prints their tables. Exit status 1 if any budget is missed.
"""

from __future__ import annotations

import subprocess
import sys
import time


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    quick = ["--quick"] if "--quick" in args else []
    began = time.perf_counter()
    failed = []
    for module, extra in (("benchmarks.engine", quick), ("benchmarks.memory", []), ("benchmarks.ui", quick)):
        print(f"\n=== python -m {module} {' '.join(extra)}".rstrip(), flush=True)
        code = subprocess.call([sys.executable, "-m", module, *extra])
        if code:
            failed.append(module)
    print(
        f"\nall benchmarks took {time.perf_counter() - began:.0f} s; budgets missed in: {', '.join(failed) or 'none'}"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
