"""Every iteration, revisitable, in bounded memory.

The engine is deterministic: the weights before iteration t decide everything iteration t
shows. So history keeps weights, not traces — and not even all weights: a checkpoint every
``interval`` iterations (the interval doubles whenever the checkpoints outgrow their byte
budget) plus an LRU cache of recently used weights. Revisiting iteration t recomputes from
the nearest checkpoint at or before it, with the very same float operations, so the numbers
are bit-identical to the first time round.
"""

from __future__ import annotations

import math
import threading
from array import array
from collections import OrderedDict

from tuinet.engine.network import Network, Params
from tuinet.engine.trace import Trace

__all__ = ["History"]

TRACE_CACHE_BYTES = 64 * 2**20
"""Traces kept for quick revisits, at most (the one on screen is always kept)."""


class History:
    """Weights before each iteration 1…head+1, losses of iterations 1…head."""

    def __init__(
        self,
        network: Network,
        params: Params | None = None,
        checkpoint_bytes: int = 32 * 2**20,
        cache_bytes: int = 16 * 2**20,
    ) -> None:
        self.network = network
        start = params if params is not None else network.init_params()
        self._lock = threading.RLock()
        # ~400 bytes of Python object overhead per Params on top of the arrays themselves.
        per_params = start.nbytes + 400
        self._max_checkpoints = max(16, min(4096, checkpoint_bytes // per_params))
        self._cache_size = max(8, min(1024, cache_bytes // per_params))
        self.interval = 1
        """Checkpoints are kept at iterations 1, 1 + interval, 1 + 2·interval, …"""
        self._checkpoints: dict[int, Params] = {1: start}
        self._cache: OrderedDict[int, Params] = OrderedDict()
        self._traces: OrderedDict[int, Trace] = OrderedDict()
        self._head_params = start
        self._losses = array("d")
        self.diverged_at: int | None = None
        """The first iteration whose loss or updated weights were inf/NaN, if any."""

    # -- reading ---------------------------------------------------------------------------

    @property
    def head(self) -> int:
        """How many iterations have been computed."""
        return len(self._losses)

    @property
    def initial(self) -> Params:
        return self._checkpoints[1]

    @property
    def latest(self) -> Params:
        """The weights after the last computed iteration."""
        return self._head_params

    def loss(self, iteration: int) -> float:
        return self._losses[iteration - 1]

    def losses(self, first: int = 1, last: int | None = None) -> list[float]:
        """Losses of iterations first…last (inclusive), as computed so far."""
        with self._lock:
            end = self.head if last is None else min(last, self.head)
            return list(self._losses[first - 1 : end])

    def params_at(self, iteration: int) -> Params:
        """The weights iteration ``iteration`` starts from (1 ≤ iteration; extends history if needed)."""
        if iteration < 1:
            raise ValueError(f"iterations count from 1, got {iteration}")
        with self._lock:
            if iteration > self.head + 1:
                self.extend(iteration - 1 - self.head)
            if iteration == self.head + 1:
                return self._head_params
            cached = self._cache.get(iteration)
            if cached is not None:
                self._cache.move_to_end(iteration)
                return cached
            start = 1 + ((iteration - 1) // self.interval) * self.interval
            while start not in self._checkpoints:  # only while a thinning is half done; never in practice
                start -= self.interval
            params = self._checkpoints[start]
            for t in range(start, iteration):
                params = self.network.fast_step(params, t).params
                self._remember(t + 1, params)
            return params

    def trace(self, iteration: int) -> Trace:
        """The full trace of ``iteration`` (recomputed from its weights; the last few are cached)."""
        with self._lock:
            cached = self._traces.get(iteration)
            if cached is not None:
                self._traces.move_to_end(iteration)
                return cached
            trace = self.network.step(self.params_at(iteration), iteration)
            self._traces[iteration] = trace
            # A few traces make stepping back and forth instant; big ones are not kept beyond the last.
            size = 8 * self.network.schema.numbers_per_iteration  # float64 bytes of every matrix
            keep = max(1, min(4, TRACE_CACHE_BYTES // max(1, size)))
            while len(self._traces) > keep:
                self._traces.popitem(last=False)
            return trace

    # -- growing ---------------------------------------------------------------------------

    def extend(self, count: int) -> None:
        """Compute ``count`` more iterations."""
        with self._lock:
            params = self._head_params
            for _ in range(count):
                t = self.head + 1
                result = self.network.fast_step(params, t)
                params = result.params
                self._losses.append(result.loss)
                if self.diverged_at is None and params.diverged(result.loss):
                    self.diverged_at = t
                self._remember(t + 1, params)
                if (t + 1 - 1) % self.interval == 0:
                    self._checkpoint(t + 1, params)
            self._head_params = params

    def _remember(self, iteration: int, params: Params) -> None:
        self._cache[iteration] = params
        self._cache.move_to_end(iteration)
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)

    def _checkpoint(self, iteration: int, params: Params) -> None:
        self._checkpoints[iteration] = params
        if len(self._checkpoints) > self._max_checkpoints:
            # Too many: keep every other one. Memory stays bounded; a revisit recomputes at most
            # ``interval`` iterations (and caches them, so stepping back from there is instant).
            self.interval *= 2
            self._checkpoints = {t: p for t, p in self._checkpoints.items() if (t - 1) % self.interval == 0}

    @property
    def checkpoint_count(self) -> int:
        return len(self._checkpoints)

    def loss_curve(self, last: int, points: int = 64) -> list[float]:
        """Up to ``points`` losses sampled evenly from iterations 1…last (for a plot; O(points))."""
        with self._lock:
            last = min(last, self.head)
            if last <= 0:
                return []
            if last <= points:
                values = list(self._losses[:last])
            else:
                step = (last - 1) / (points - 1)
                values = [self._losses[round(k * step)] for k in range(points)]
        # A plot cannot draw inf/NaN; clip them to the largest finite value seen so it still reads.
        finite = [v for v in values if math.isfinite(v)]
        ceiling = max(finite, default=0.0)
        return [v if math.isfinite(v) else ceiling for v in values]
