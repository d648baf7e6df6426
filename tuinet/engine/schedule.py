"""The schedule of one iteration: the ordered operations, each producing one named matrix.

For the default 3-4-1 network: z1 = a0·W1, a1 = σ(z1), z2 = a1·W2, a2 = σ(z2), e = a2 − y, C = ½Σe²,
δ2 = e ⊙ σ′(z2), dW2 = a1ᵀ·δ2, δ1 = (δ2·W2ᵀ) ⊙ σ′(z1), dW1 = a0ᵀ·δ1, W2′ = W2 − lr·dW2, W1′ = W1 − lr·dW1.
The schedule depends only on the configuration, never on the numbers, so it is built once per network
(into its Schema) and shared by every trace. Each operation holds facts only — its kind, operands, loss
convention, activation, whether its parameter is frozen; how it is written is tuinet.words.formulas.
"""

from __future__ import annotations

from tuinet.engine.config import NetConfig
from tuinet.engine.losses import LossKind
from tuinet.engine.operations import Operand, Operation, OpKind, Phase

__all__ = ["build_schedule"]


def build_schedule(config: NetConfig, errors: int) -> tuple[Operation, ...]:
    """Every operation of one iteration, in order: forward, loss, backward, update.

    ``errors`` is the size of e (batch rows × outputs): the mean loss divides by it.
    """
    ops: list[Operation] = []
    L, bias, lr, f = config.layers, config.bias, config.lr, config.layer_activations

    def add(**kwargs: object) -> None:
        ops.append(Operation(index=len(ops), **kwargs))  # type: ignore[arg-type]

    for layer in range(1, L + 1):
        add(
            phase=Phase.FORWARD,
            kind=OpKind.MATMUL,
            result=f"z{layer}",
            operands=(Operand(f"a{layer - 1}"), Operand(f"W{layer}")),
            bias=f"b{layer}" if bias else None,
            layer=layer,
        )
        add(
            phase=Phase.FORWARD,
            kind=OpKind.ACTIVATION,
            result=f"a{layer}",
            operands=(Operand(f"z{layer}"),),
            layer=layer,
            activation=f[layer - 1],
        )
    kind = LossKind(config.loss)
    factor = kind.factor(errors)
    loss = {"loss": kind, "factor": factor, "scale": float(factor)}
    add(phase=Phase.LOSS, kind=OpKind.ELEMENTWISE, result="e", operands=(Operand(f"a{L}"), Operand("y")), **loss)
    add(phase=Phase.LOSS, kind=OpKind.LOSS, result="loss", operands=(Operand("e"),), **loss)
    add(
        phase=Phase.BACKWARD,
        kind=OpKind.ELEMENTWISE,
        result=f"delta{L}",
        operands=(Operand("e"), Operand(f"dadz{L}")),
        layer=L,
        activation=f[L - 1],
        **loss,
    )
    for layer in range(L, 0, -1):
        d = f"delta{layer}"
        add(
            phase=Phase.BACKWARD,
            kind=OpKind.MATMUL,
            result=f"dW{layer}",
            operands=(Operand(f"a{layer - 1}", True), Operand(d)),
            layer=layer,
        )
        if bias:
            add(phase=Phase.BACKWARD, kind=OpKind.REDUCE, result=f"db{layer}", operands=(Operand(d),), layer=layer)
        if layer > 1:
            prev = layer - 1
            add(
                phase=Phase.BACKWARD,
                kind=OpKind.MATMUL,
                result=f"delta{prev}",
                operands=(Operand(d), Operand(f"W{layer}", True)),
                gate=f"dadz{prev}",
                layer=prev,
                activation=f[prev - 1],
            )
    for layer in range(L, 0, -1):
        for param in (f"W{layer}", f"b{layer}") if bias else (f"W{layer}",):
            frozen = config.is_frozen(param)
            add(
                phase=Phase.UPDATE,
                kind=OpKind.UPDATE,
                result=f"{param}_new",
                # W′ = W − lr·dW reads W and dW; a frozen W′ = W reads W alone.
                operands=(Operand(param),) if frozen else (Operand(param), Operand(f"d{param}")),
                scale=lr,
                layer=layer,
                frozen=frozen,
            )
    return tuple(ops)
