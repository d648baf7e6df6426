"""The schema agrees with real traces: names, shapes, producers, cells and counts, for random small networks."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tuinet.engine import NetConfig, build
from tuinet.engine.activations import ACTIVATIONS
from tuinet.engine.losses import LOSSES
from tuinet.engine.schema import Role, matrix_name
from tuinet.words.names import label


@st.composite
def configs(draw: st.DrawFn) -> NetConfig:
    hidden = tuple(draw(st.lists(st.integers(1, 4), max_size=3)))
    inputs, targets, rows = draw(st.integers(1, 3)), draw(st.integers(1, 2)), draw(st.integers(1, 5))
    values = st.floats(-2, 2, allow_nan=False, width=32)
    data = tuple(
        tuple(draw(st.lists(values, min_size=inputs + targets, max_size=inputs + targets))) for _ in range(rows)
    )
    bias = draw(st.booleans())
    layers = len(hidden) + 1
    sizes = (inputs, *hidden, targets)
    explicit = draw(st.booleans())

    def matrix(rows: int, cols: int) -> tuple[tuple[float, ...], ...]:
        return tuple(tuple(draw(st.lists(values, min_size=cols, max_size=cols))) for _ in range(rows))

    params = [f"W{n}" for n in range(1, layers + 1)] + ([f"b{n}" for n in range(1, layers + 1)] if bias else [])
    return NetConfig(
        dataset="drawn",
        data=data,
        targets=targets,
        hidden=hidden,
        activations=tuple(draw(st.lists(st.sampled_from(list(ACTIVATIONS)), min_size=layers, max_size=layers))),
        bias=bias,
        batch=draw(st.sampled_from(["full", "1"])),
        loss=draw(st.sampled_from(LOSSES)),
        frozen=tuple(draw(st.lists(st.sampled_from(params), max_size=2, unique=True))),
        seed=draw(st.integers(0, 2**32 - 1)),
        weights=tuple(matrix(sizes[n - 1], sizes[n]) for n in range(1, layers + 1)) if explicit else (),
        biases=tuple(matrix(1, sizes[n]) for n in range(1, layers + 1)) if explicit and bias else (),
    )


@settings(max_examples=60, deadline=None)
@given(config=configs(), iteration=st.integers(1, 6))
def test_schema_agrees_with_the_trace(config: NetConfig, iteration: int) -> None:
    net = build(config)
    schema = net.schema
    trace = net.step(net.init_params(), iteration)
    assert trace.schema is schema
    assert set(schema.matrices) == set(trace.matrices)
    for name, info in schema.matrices.items():
        assert info.shape == trace[name].shape, name
        assert info.size == trace[name].size
        assert matrix_name(info.role, info.layer) == name
        assert schema.role_of(name) is info.role and schema.layer_of(name) == info.layer
    for op in schema.schedule:
        assert schema.producer(op.result) == op.index
        assert schema.cells[op.index] == trace[op.result].size
        assert op.layer == schema.layer_of(op.result)
        for name in op.names[:-1]:
            made_by = schema.producer(name)
            # Read before written: an input, something made earlier, or f′(z) made by this very operation.
            assert made_by is None or made_by < op.index or (made_by == op.index and schema.role_of(name) is Role.DADZ)
    produced = {op.result for op in schema.schedule}
    for name, info in schema.matrices.items():
        if info.producer is None:
            assert name not in produced and info.role in (Role.A, Role.Y, Role.W, Role.B), name
            assert info.role is not Role.A or info.layer == 0
    assert schema.numbers_per_iteration == sum(m.size for m in trace.matrices.values())
    assert set(schema.json_keys) <= set(trace.matrices)
    assert schema.trace_numbers == sum(trace[key].size for key in schema.json_keys)
    assert schema.export_numbers == sum(trace[key].size for key in ("a0", "y", *schema.parameters))
    assert schema.parameters == (
        *(f"W{n}" for n in range(1, net.L + 1)),
        *(f"b{n}" for n in range(1, net.L + 1) if config.bias),
    )
    assert schema.updated == tuple(f"{name}_new" for name in schema.parameters)
    assert trace.diverged == (
        not np.isfinite(trace.loss) or not all(np.isfinite(trace[n]).all() for n in schema.updated)
    )
    for name in schema.matrices:
        assert label(trace, name)  # every matrix has a label


@settings(max_examples=60, deadline=None)
@given(config=configs())
def test_to_dict_and_from_dict_round_trip_through_json(config: NetConfig) -> None:
    """What a session file or a follow message carries is the config itself, explicit weights and data included."""
    document = json.loads(json.dumps(config.to_dict(), allow_nan=False))
    assert NetConfig.from_dict(document) == config
    net = build(NetConfig.from_dict(document))
    params = net.init_params()
    if config.weights:
        assert [W.tolist() for W in params.W] == [[list(row) for row in W] for W in config.weights]
    assert np.array_equal(net.data.X, np.array(config.data)[:, : -config.targets])


def test_default_schema() -> None:
    schema = build(NetConfig()).schema
    assert schema.cells == (16, 16, 4, 4, 4, 1, 4, 4, 16, 12, 4, 12)
    assert schema.names(Role.DELTA) == ("delta1", "delta2") and schema.names(Role.W, Role.B) == ("W1", "W2")
    assert schema.producer("dadz1") == 8 and schema.producer("W1") is None  # f′(z1) comes with δ1
    assert schema.name(Role.W_NEW, 2) == "W2_new"
    assert schema.at(1, Role.W, Role.B) == ("W1",) and schema.at(2, Role.DADZ, Role.DELTA) == ("dadz2", "delta2")
    assert build(NetConfig(bias=True)).schema.at(1, Role.W, Role.B) == ("W1", "b1")
    with pytest.raises(KeyError):
        schema.name(Role.B, 1)  # no biases
    # a, z, f′(z), δ: 4×(4+1) each, plus a0 4×3, y and e 4×1; W, dW, W′: 3×(12+4); C.
    assert schema.numbers_per_iteration == 4 * 20 + 12 + 8 + 3 * 16 + 1
