"""The network: weights, one backprop iteration, and its schedule of operations.

Shapes (rows are samples, as in the tutorials): a0 = X is N×n0, W_l is n_{l−1}×n_l, b_l is
1×n_l, z_l and a_l are N×n_l. One iteration, for l = 1…L:

    forward   z_l = a_{l−1} · W_l (+ b_l)        a_l = f(z_l)
    loss      e = a_L − y                        C = ½ Σ e²   (or Σ e², or ½ mean e²: engine/losses.py)
    backward  δ_L = (k·e) ⊙ f′(z_L)              k = ∂C/∂e ÷ e: 1, 2 or 1/e.size
              dW_l = a_{l−1}ᵀ · δ_l  = ∂C/∂W_l   db_l = Σ_rows δ_l
              δ_{l−1} = (δ_l · W_lᵀ) ⊙ f′(z_{l−1})
    update    W_l′ = W_l − lr · dW_l             b_l′ = b_l − lr · db_l    (W_l′ = W_l when frozen)

dW_l = a_{l−1}ᵀ · δ_l is a matrix product, not a Kronecker product: ∂C/∂W_l[i,j] =
Σ_n a_{l−1}[n,i] · δ_l[n,j], a sum over samples of one input times one error — which is
exactly row i of a_{l−1}ᵀ times column j of δ_l.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tuinet.engine.activations import ACTIVATIONS, Activation
from tuinet.engine.config import NetConfig
from tuinet.engine.datasets import Dataset
from tuinet.engine.divergence import diverged
from tuinet.engine.losses import LossKind
from tuinet.engine.schema import Schema
from tuinet.engine.trace import Trace
from tuinet.engine.types import Matrix
from tuinet.errors import ConfigError

__all__ = ["Network", "Params", "StepResult", "check_explicit_params"]


# np.sum(x) is np.add.reduce(x, axis=None) behind a ~0.8 µs Python wrapper (a tenth of an iteration).
_sum = np.add.reduce


@dataclass(frozen=True, eq=False)
class Params:
    """The weights (and biases, if on) that one iteration starts from. Arrays are read-only."""

    W: tuple[Matrix, ...]
    b: tuple[Matrix, ...]
    """Empty when biases are off; else one 1×n_l row per layer."""

    @staticmethod
    def frozen(W: list[Matrix], b: list[Matrix]) -> Params:
        for array in (*W, *b):
            array.setflags(write=False)
        return Params(tuple(W), tuple(b))

    @property
    def finite(self) -> bool:
        return all(bool(np.isfinite(m).all()) for m in (*self.W, *self.b))

    def diverged(self, loss: float) -> bool:
        """Whether an iteration whose loss is ``loss`` and whose updated parameters are these diverged."""
        return diverged(loss, (*self.W, *self.b))

    @property
    def nbytes(self) -> int:
        return sum(m.nbytes for m in (*self.W, *self.b))

    def as_dict(self) -> dict[str, Matrix]:
        out = {f"W{i + 1}": W for i, W in enumerate(self.W)}
        out.update({f"b{i + 1}": b for i, b in enumerate(self.b)})
        return out


@dataclass(frozen=True, eq=False)
class StepResult:
    """What a fast (untraced) step returns."""

    params: Params
    """The weights after the update."""
    loss: float
    output: Matrix
    """a_L of this iteration's forward pass (before its update)."""


class Network:
    """A configured network over a dataset. Stateless: weights are passed in and returned."""

    def __init__(self, config: NetConfig, data: Dataset) -> None:
        self.config = config
        self.data = data
        self.sizes: tuple[int, ...] = (data.n_inputs, *config.hidden, data.n_outputs)
        self.L = len(self.sizes) - 1
        self.f: tuple[Activation, ...] = tuple(ACTIVATIONS[name] for name in config.layer_activations)
        check_explicit_params(config, self.sizes)
        self._fs = tuple(act.f for act in self.f)
        self._primes = tuple(act.prime for act in self.f)
        self._full_batch = config.batch == "full"
        self._epoch_order: tuple[int, list[int]] = (-1, [])
        """The last epoch whose row order was drawn, and that order (see rows_for)."""
        self._rng, self._rng_lock = np.random.RandomState(0), threading.Lock()
        self.loss_kind = LossKind(config.loss)
        self._half_sum = self.loss_kind is LossKind.HALF_SUM
        self._frozen_W = tuple(config.is_frozen(f"W{layer}") for layer in range(1, self.L + 1))
        self._frozen_b = tuple(config.is_frozen(f"b{layer}") for layer in range(1, self.L + 1))
        self.batch_rows = data.n_rows if self._full_batch else 1
        self.schema = Schema.build(config, self.sizes, self.batch_rows)
        """Every matrix of an iteration by name, role and layer; its shapes, producers and the schedule."""
        self.schedule = self.schema.schedule

    # -- weights -----------------------------------------------------------------------------

    def init_params(self) -> Params:
        """Initial weights from RandomState(seed), layer by layer.

        ``uniform`` draws exactly what ``np.random.seed(seed); np.random.random((n0, n1));
        np.random.random((n1, n2))…`` draws, so a learner's notebook shows the same numbers.
        Explicit ``weights`` / ``biases`` in the config (a textbook's example) replace the draw / the zeros.
        """
        config = self.config
        W = [np.array(rows, dtype=np.float64) for rows in config.weights] if config.weights else self._draw()
        if not config.bias:
            return Params.frozen(W, [])
        if config.biases:
            return Params.frozen(W, [np.array(rows, dtype=np.float64) for rows in config.biases])
        return Params.frozen(W, [np.zeros((1, n)) for n in self.sizes[1:]])

    def _draw(self) -> list[Matrix]:
        rng = np.random.RandomState(self.config.seed)
        W: list[Matrix] = []
        for fan_in, fan_out in zip(self.sizes, self.sizes[1:], strict=False):
            u = rng.random_sample((fan_in, fan_out))
            if self.config.init == "signed":
                u = 2 * u - 1
            elif self.config.init == "xavier":
                # Glorot & Bengio: U(−r, r) with r = √(6 / (fan_in + fan_out)) keeps the variance of
                # activations and gradients roughly constant from layer to layer.
                u = (2 * u - 1) * math.sqrt(6.0 / (fan_in + fan_out))
            W.append(u)
        return W

    # -- which rows an iteration uses ----------------------------------------------------------

    def rows_for(self, iteration: int) -> tuple[int, ...]:
        """Dataset rows used by 1-based ``iteration``.

        Full batch: every row. Stochastic (``--batch 1``): one row, walking through a fresh
        permutation of the rows each epoch. Each epoch's permutation comes from its own
        RandomState([seed, epoch]) so any iteration's row is known without replaying the others.
        """
        n = self.data.n_rows
        if self._full_batch:
            return tuple(range(n))
        epoch, position = divmod(iteration - 1, n)
        cached_epoch, order = self._epoch_order
        if cached_epoch != epoch:
            # Building a RandomState costs ~75 µs, ten iterations' worth. So each epoch's order is drawn
            # once, by re-seeding one generator: the same numbers as a fresh RandomState([seed, epoch]),
            # ten times faster. The lock keeps two threads from re-seeding it at the same time.
            with self._rng_lock:
                self._rng.seed([self.config.seed, epoch])
                order = self._rng.permutation(n).tolist()
            self._epoch_order = (epoch, order)
        return (order[position],)

    def batch(self, iteration: int) -> tuple[Matrix, Matrix]:
        """Inputs and targets of ``iteration``: the dataset itself in full-batch mode (no copy, no row list)."""
        if self._full_batch:
            return self.data.X, self.data.y
        index = list(self.rows_for(iteration))
        return self.data.X[index], self.data.y[index]

    # -- one iteration -------------------------------------------------------------------------

    def _compute(
        self, W: Sequence[Matrix], b: Sequence[Matrix], X: Matrix, y: Matrix, out: dict[str, Matrix] | None
    ) -> tuple[list[Matrix], list[Matrix], float, Matrix]:
        """Forward, loss, backward and update; returns (W′, b′, C, a_L). Call inside np.errstate(all="ignore").

        Records every matrix in ``out`` when given. The fast path (out=None) and the traced path run the
        very same float operations, so a history recomputed without traces is bit-identical to the traced
        iterations. W′, b′ are left writable: ``run`` chains them without a Params per iteration (~0.8 µs).
        """
        L, fs, primes, lr = self.L, self._fs, self._primes, self.config.lr
        # lr·dW is dW bit for bit when lr = 1 (the default): skipping that multiply changes no number.
        unit_lr = lr == 1.0
        a: list[Matrix] = [X]
        z: list[Matrix] = [X]  # z[0] is unused; keeps z[l] aligned with layer l
        # ndarray.dot, as the tutorials write it: the same BLAS call and bits as ``@``, but ``@`` takes a
        # slow loop for outer products such as δ2·W2ᵀ with a one-column W2 (17 µs against 6.5 µs at 256×64).
        for i in range(L):
            zl = a[i].dot(W[i])
            if b:
                zl = zl + b[i]
            z.append(zl)
            a.append(fs[i](zl))
        aL = a[L]
        e = aL - y
        if self._half_sum:  # the default, inline: a method call is ~1% of an iteration of the default net
            loss, g = 0.5 * float(_sum(e * e, axis=None)), e
        else:
            loss, g = self._loss(e)
        dadz = primes[L - 1](z[L], aL)
        delta = g * dadz
        newW, newb = list(W), list(b)
        frozen_W, frozen_b = self._frozen_W, self._frozen_b
        for layer in range(L, 0, -1):
            i = layer - 1
            dW = a[i].T.dot(delta)
            # A frozen parameter keeps its values (W′ is W itself); its gradient is still computed and shown.
            newW[i] = W[i] if frozen_W[i] else W[i] - (dW if unit_lr else lr * dW)
            if b:
                db = delta.sum(axis=0, keepdims=True)
                newb[i] = b[i] if frozen_b[i] else b[i] - (db if unit_lr else lr * db)
            if out is not None:
                out[f"delta{layer}"] = delta
                out[f"dadz{layer}"] = dadz
                out[f"dW{layer}"] = dW
                if b:
                    out[f"db{layer}"] = db
            if layer > 1:
                dadz = primes[i - 1](z[i], a[i])
                # δ_{l−1} uses W_l *before* its update: the gradient is of the cost at the old weights.
                delta = delta.dot(W[i].T) * dadz
        if out is not None:
            out["a0"] = X
            out["y"] = y
            for layer in range(1, L + 1):
                out[f"z{layer}"] = z[layer]
                out[f"a{layer}"] = a[layer]
                out[f"W{layer}"] = W[layer - 1]
                out[f"W{layer}_new"] = newW[layer - 1]
                if b:
                    out[f"b{layer}"] = b[layer - 1]
                    out[f"b{layer}_new"] = newb[layer - 1]
            out["e"] = e
            out["loss"] = np.array([[loss]])
        return newW, newb, loss, aL

    def _loss(self, e: Matrix) -> tuple[float, Matrix]:
        """C and ∂C/∂a_L = ∂C/∂e for the error e (see engine/losses.py)."""
        kind = self.loss_kind
        if kind is LossKind.HALF_SUM:
            return 0.5 * float(_sum(e * e, axis=None)), e  # ∂C/∂e = e
        if kind is LossKind.SUM:
            return float(_sum(e * e, axis=None)), e * 2.0  # ∂C/∂e = 2e (exact: doubling a float is)
        scale = 1.0 / e.size
        return 0.5 * float(np.mean(e * e)), e * scale  # ∂C/∂e = e / (N·K)

    def fast_step(self, params: Params, iteration: int) -> StepResult:
        """One iteration without recording a trace (for training runs and history recompute)."""
        X, y = self.batch(iteration)
        with np.errstate(all="ignore"):
            W, b, loss, output = self._compute(params.W, params.b, X, y, None)
        return StepResult(Params.frozen(W, b), loss, output)

    def run(self, params: Params, first: int, count: int) -> tuple[Params, list[float], Matrix | None]:
        """``count`` iterations from ``first``; returns final weights, each loss, the last output."""
        losses: list[float] = []
        output: Matrix | None = None
        W: Sequence[Matrix] = params.W
        b: Sequence[Matrix] = params.b
        batch, compute = self.batch, self._compute
        # One errstate for the whole run: activations rely on it (see Activation.f).
        with np.errstate(all="ignore"):
            for iteration in range(first, first + count):
                X, y = batch(iteration)
                W, b, loss, output = compute(W, b, X, y, None)
                losses.append(loss)
        return (Params.frozen(list(W), list(b)) if count > 0 else params), losses, output

    def step(self, params: Params, iteration: int) -> Trace:
        """One traced iteration: every named matrix plus the schedule."""
        X, y = self.batch(iteration)
        out: dict[str, Matrix] = {}
        with np.errstate(all="ignore"):
            self._compute(params.W, params.b, X, y, out)
        return Trace.build(iteration, self.rows_for(iteration), out, self.schema)

    def forward(self, params: Params, X: Matrix) -> Matrix:
        """a_L for arbitrary inputs (prediction maps, final outputs)."""
        a = X
        with np.errstate(all="ignore"):
            for layer in range(self.L):
                z = a.dot(params.W[layer])
                if params.b:
                    z = z + params.b[layer]
                a = self.f[layer].f(z)
        return a

    def loss_of(self, params: Params, iteration: int) -> float:
        """C at ``params`` on the rows of ``iteration`` (for finite differences)."""
        X, y = self.batch(iteration)
        with np.errstate(all="ignore"):
            return self._loss(self.forward(params, X) - y)[0]

    def shape_of(self, name: str) -> tuple[int, int]:
        """The shape every matrix ``name`` of this network has (its schema's)."""
        return self.schema.shape(name)


def check_explicit_params(config: NetConfig, sizes: tuple[int, ...]) -> None:
    """Raise ConfigError (one line, naming the expected shape) unless the config's explicit W and b fit ``sizes``.

    In tuinet's orientation W_l is n_{l−1}×n_l (rows: inputs of the layer) and b_l is 1×n_l.
    """
    for name, matrices in (("W", config.weights), ("b", config.biases)):
        for layer, rows in enumerate(matrices, start=1):
            expected = (sizes[layer - 1] if name == "W" else 1, sizes[layer])
            got = (len(rows), len(rows[0]))
            if got != expected:
                raise ConfigError(f"{name}{layer} must be {expected[0]}×{expected[1]}, got {got[0]}×{got[1]}")
