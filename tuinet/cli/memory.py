"""Process-wide memory tuning for the tuinet programs (the CLI calls it once at start-up).

Each iteration of a big network allocates and frees a few large temporaries. By default glibc gives
freed memory back to the kernel straight away and page-faults it back in on the next iteration, which
made a 16-64-32-10 net 1.8× slower than the same numpy loop in a process that happened to keep its
heap (measured by benchmarks/engine.py: 7→124 page faults per iteration). Raising the trim and mmap
thresholds keeps those pages. It only changes *when* memory goes back to the kernel, never the numbers.
"""

from __future__ import annotations

import ctypes
import ctypes.util

__all__ = ["keep_freed_memory"]

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
"""From glibc's <malloc.h>."""


def keep_freed_memory(trim: int = 256 * 2**20, mmap: int = 32 * 2**20) -> bool:
    """Ask glibc to keep up to ``trim`` bytes of freed heap; False where there is no glibc mallopt."""
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False  # not glibc (musl, macOS): nothing to tune
    return bool(mallopt(M_TRIM_THRESHOLD, trim)) and bool(mallopt(M_MMAP_THRESHOLD, mmap))
