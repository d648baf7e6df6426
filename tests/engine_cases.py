"""Random but reproducible networks for the engine tests, and their translation for the reference."""

from __future__ import annotations

import random

import numpy as np

from tests.engine_reference import Spec
from tuinet.engine import NetConfig, Network, Params
from tuinet.engine.datasets import Dataset


def random_network(seed: int, **overrides: object) -> Network:
    """A small network drawn from ``seed``: depth, widths, activations, bias, loss, batch, init, lr, data."""
    rnd = random.Random(seed)
    rng = np.random.RandomState(seed)
    rows, inputs, outputs = rnd.randint(1, 6), rnd.randint(1, 4), rnd.randint(1, 3)
    X = rng.uniform(-1.0, 1.0, (rows, inputs))
    y = rng.uniform(0.0, 1.0, (rows, outputs))
    options: dict[str, object] = {
        "dataset": f"random-{seed}",
        "targets": outputs,
        "hidden": tuple(rnd.randint(1, 5) for _ in range(rnd.randint(1, 3))),
        "activation": rnd.choice(["sigmoid", "tanh", "relu"]),
        "output_activation": rnd.choice(["sigmoid", "linear"]),
        "init": rnd.choice(["uniform", "signed", "xavier"]),
        "seed": rnd.randrange(2**32),
        "lr": rnd.choice([1.0, 0.5, 0.1, 2.0]),
        "bias": rnd.random() < 0.5,
        "batch": rnd.choice(["full", "1"]),
        "loss": rnd.choice(["sum", "mean", "sse"]),
    }
    # Drawn after the rest, so the draws above stay what they were for every seed.
    layers = len(options["hidden"]) + 1  # type: ignore[arg-type]
    if rnd.random() < 0.25:  # one activation per layer, any of them anywhere (linear hidden, relu output…)
        per_layer = tuple(rnd.choice(["sigmoid", "tanh", "relu", "linear"]) for _ in range(layers))
        options.update(activations=per_layer, activation="sigmoid", output_activation="sigmoid")
    if rnd.random() < 0.25:
        kinds = ["W", "b"] if options["bias"] else ["W"]
        options["frozen"] = (f"{rnd.choice(kinds)}{rnd.randint(1, layers)}",)
    if {"activation", "output_activation", "hidden"} & set(overrides):
        options.pop("activations", None)  # the case asks for those activations (or depth) by name
    if {"hidden", "bias"} & set(overrides):
        options.pop("frozen", None)  # drawn for the depth and biases it replaces
    options.update(overrides)
    return Network(NetConfig(**options), Dataset(str(options["dataset"]), X, y))  # type: ignore[arg-type]


def with_random_biases(net: Network, params: Params, seed: int) -> Params:
    """Biases start at zero; give them values so that their gradients and updates are really tested."""
    if not params.b:
        return params
    rng = np.random.RandomState(seed)
    return Params.frozen([w.copy() for w in params.W], [rng.uniform(-0.5, 0.5, b.shape) for b in params.b])


def spec_of(net: Network, params: Params) -> Spec:
    config = net.config
    frozen = frozenset(
        name
        for name in (*(f"W{n}" for n in range(1, net.L + 1)), *(f"b{n}" for n in range(1, net.L + 1)))
        if config.is_frozen(name)
    )
    return Spec(
        config.activation,
        config.output_activation,
        config.loss,
        config.lr,
        params.W,
        params.b,
        config.activations,
        frozen,
    )


def describe(net: Network) -> str:
    """The config in one line, for assertion messages."""
    c = net.config
    return (
        f"sizes={net.sizes} act={c.activation}/{c.output_activation} init={c.init} seed={c.seed} lr={c.lr} "
        f"bias={c.bias} batch={c.batch} loss={c.loss} activations={c.activations} frozen={c.frozen}"
    )
