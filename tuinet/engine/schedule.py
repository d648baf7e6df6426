"""The schedule of one iteration: the ordered operations, each producing one named matrix.

For the default 3-4-1 network: z1 = a0·W1, a1 = σ(z1), z2 = a1·W2, a2 = σ(z2), e = a2 − y, C = ½Σe²,
δ2 = e ⊙ σ′(z2), dW2 = a1ᵀ·δ2, δ1 = (δ2·W2ᵀ) ⊙ σ′(z1), dW1 = a0ᵀ·δ1, W2′ = W2 − lr·dW2, W1′ = W1 − lr·dW1.
The schedule depends only on the configuration and the shapes, never on the numbers, so it is built
once per network and shared by every trace.
"""

from __future__ import annotations

import re

from tuinet.engine.activations import Activation
from tuinet.engine.config import NetConfig
from tuinet.engine.losses import LossKind
from tuinet.engine.names import shape_text
from tuinet.engine.trace import Operand, Operation, OpKind, Phase

__all__ = ["build_schedule", "labels", "shape_of"]

_NAME = re.compile(r"^(a|z|delta|dadz|W|dW|b|db)(\d+)(?:_new)?$")


def labels(f: tuple[Activation, ...]) -> dict[str, str]:
    """Display labels that depend on the activations: ``dadz1`` → ``σ′(z1)``."""
    return {f"dadz{layer}": f"{act.symbol}′(z{layer})" for layer, act in enumerate(f, start=1)}


def shape_of(name: str, sizes: tuple[int, ...], batch_rows: int) -> tuple[int, int]:
    """The shape of matrix ``name`` in a network of layer ``sizes`` fed ``batch_rows`` rows at a time."""
    N, n = batch_rows, sizes
    if name in ("e", "y"):
        return (N, n[-1])
    match = _NAME.match(name)
    if match is None:
        return (1, 1)
    kind, layer = match.group(1), int(match.group(2))
    if kind in ("a", "z", "delta", "dadz"):
        return (N, n[layer])
    if kind in ("W", "dW"):
        return (n[layer - 1], n[layer])
    return (1, n[layer])  # b, db


def build_schedule(
    sizes: tuple[int, ...], f: tuple[Activation, ...], config: NetConfig, batch_rows: int
) -> tuple[Operation, ...]:
    """Every operation of one iteration, in order: forward, loss, backward, update."""
    ops: list[Operation] = []
    L, bias, lr = len(sizes) - 1, config.bias, config.lr

    def shape(name: str) -> tuple[int, int]:
        return shape_of(name, sizes, batch_rows)

    def st(name: str, transpose: bool = False) -> str:
        return shape_text(shape(name)) + ("ᵀ" if transpose else "")

    def add(**kwargs: object) -> None:
        ops.append(Operation(index=len(ops), **kwargs))  # type: ignore[arg-type]

    for layer in range(1, L + 1):
        a, W, z = f"a{layer - 1}", f"W{layer}", f"z{layer}"
        plus_b = f" + b{layer}" if bias else ""
        add(
            phase=Phase.FORWARD,
            kind=OpKind.MATMUL,
            result=z,
            operands=(Operand(a), Operand(W)),
            formula=f"{z} = {a} · {W}{plus_b}",
            shapes=f"{st(a)}·{st(W)}{' + ' + st('b' + str(layer)) if bias else ''} → {st(z)}",
            note="one row per sample, one column per unit",
            bias=f"b{layer}" if bias else None,
            layer=layer,
        )
        act = f[layer - 1]
        add(
            phase=Phase.FORWARD,
            kind=OpKind.ACTIVATION,
            result=f"a{layer}",
            operands=(Operand(z),),
            formula=f"a{layer} = {act.symbol}({z})",
            shapes=f"{st(z)} → {st(z)}",
            note="applied to each cell",
            symbol=act.symbol,
            layer=layer,
            activation=act.name,
        )
    aL = f"a{L}"
    kind = LossKind(config.loss)
    n_err = batch_rows * sizes[-1]
    factor = kind.factor(n_err)
    loss_facts = {"loss": kind, "factor": factor, "scale": float(factor)}
    # ∂C/∂a = factor·e: e itself for ½Σe², 2e for Σe², e/(N·K) for ½·mean(e²).
    grad = {LossKind.HALF_SUM: "e", LossKind.SUM: "2e", LossKind.HALF_MEAN: f"e / {n_err}"}[kind]
    add(
        phase=Phase.LOSS,
        kind=OpKind.ELEMENTWISE,
        result="e",
        operands=(Operand(aL), Operand("y")),
        formula=f"e = {aL} − y",
        shapes=f"{st(aL)} − {st('y')} → {st('e')}",
        note=f"∂C/∂a = {grad}, so the sign of e is the direction of the error",
        **loss_facts,
    )
    add(
        phase=Phase.LOSS,
        kind=OpKind.LOSS,
        result="loss",
        operands=(Operand("e"),),
        formula={LossKind.HALF_SUM: "C = ½ Σ e²", LossKind.SUM: "C = Σ e²", LossKind.HALF_MEAN: "C = ½ · mean(e²)"}[
            kind
        ],
        shapes=f"{st('e')} → (1×1)",
        note="averaged over rows and outputs" if kind is LossKind.HALF_MEAN else "summed over rows and outputs",
        **loss_facts,
    )
    fL = f[L - 1]
    scaled_e = {LossKind.HALF_SUM: "e", LossKind.SUM: "2e", LossKind.HALF_MEAN: f"(e / {n_err})"}[kind]
    add(
        phase=Phase.BACKWARD,
        kind=OpKind.ELEMENTWISE,
        result=f"delta{L}",
        operands=(Operand("e"), Operand(f"dadz{L}")),
        formula=f"δ{L} = {scaled_e} ⊙ {fL.symbol}′(z{L})",
        shapes=f"{st('e')} ⊙ {st(f'z{L}')} → {st(f'delta{L}')}",
        note=f"{fL.symbol}′(z) = {fL.prime_text}",
        layer=L,
        activation=fL.name,
        **loss_facts,
    )
    for layer in range(L, 0, -1):
        a, d, dW = f"a{layer - 1}", f"delta{layer}", f"dW{layer}"
        add(
            phase=Phase.BACKWARD,
            kind=OpKind.MATMUL,
            result=dW,
            operands=(Operand(a, True), Operand(d)),
            formula=f"{dW} = {a}ᵀ · δ{layer}",
            shapes=f"{st(a, True)}·{st(d)} → {st(dW)}",
            note=f"the shape of W{layer}; Σ over samples n of {a}[n]ᵀ ⊗ δ{layer}[n]",
            layer=layer,
        )
        if bias:
            add(
                phase=Phase.BACKWARD,
                kind=OpKind.REDUCE,
                result=f"db{layer}",
                operands=(Operand(d),),
                formula=f"db{layer} = Σ_rows δ{layer}",
                shapes=f"{st(d)} → {st(f'db{layer}')}",
                note=f"the shape of b{layer}",
                layer=layer,
            )
        if layer > 1:
            prev = layer - 1
            fp = f[prev - 1]
            add(
                phase=Phase.BACKWARD,
                kind=OpKind.MATMUL,
                result=f"delta{prev}",
                operands=(Operand(d), Operand(f"W{layer}", True)),
                formula=f"δ{prev} = (δ{layer} · W{layer}ᵀ) ⊙ {fp.symbol}′(z{prev})",
                shapes=f"{st(d)}·{st(f'W{layer}', True)} ⊙ {st(f'z{prev}')} → {st(f'delta{prev}')}",
                note=f"the error sent back through W{layer}; {fp.symbol}′(z) = {fp.prime_text}",
                gate=f"dadz{prev}",
                layer=prev,
                activation=fp.name,
            )

    def update(param: str, layer: int, note: str) -> None:
        frozen = config.is_frozen(param)
        add(
            phase=Phase.UPDATE,
            kind=OpKind.UPDATE,
            result=f"{param}_new",
            operands=(Operand(param), Operand(f"d{param}")),
            formula=f"{param}′ = {param}" if frozen else f"{param}′ = {param} − lr·d{param}",
            shapes=f"{st(param)} → {st(param)}" if frozen else f"{st(param)} − {lr:g}·{st('d' + param)} → {st(param)}",
            note=f"{param} is frozen: not updated (d{param} is not applied)" if frozen else note,
            scale=lr,
            layer=layer,
            frozen=frozen,
        )

    for layer in range(L, 0, -1):
        update(f"W{layer}", layer, f"lr = {lr:g}; the same as W{layer} += lr·a{layer - 1}ᵀ·(−δ{layer})")
        if bias:
            update(f"b{layer}", layer, f"lr = {lr:g}")
    return tuple(ops)
