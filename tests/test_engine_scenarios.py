"""What a scenario (a textbook's worked example) needs from the engine, checked against the textbook and the maths:
loss kinds, per-layer activations, frozen parameters, explicit weights and inline data, and one from_dict."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from tuinet.app.sessionfile import SavedSession, loads, to_json
from tuinet.engine import NetConfig, build, gradient_check
from tuinet.engine.losses import LossKind
from tuinet.errors import ConfigError

# Matt Mazur, "A Step by Step Backpropagation Example": 2-2-2 sigmoid, biases 0.35 and 0.60 not updated,
# E = ½ Σ (target − out)², learning rate 0.5. In tuinet's orientation W_l[i, j] joins input i to unit j.
MAZUR = NetConfig(
    dataset="mazur",
    data=((0.05, 0.10, 0.01, 0.99),),
    targets=2,
    hidden=(2,),
    bias=True,
    frozen=("b",),
    lr=0.5,
    weights=(((0.15, 0.25), (0.20, 0.30)), ((0.40, 0.50), (0.45, 0.55))),
    biases=(((0.35, 0.35),), ((0.60, 0.60),)),
)


def test_mazur_worked_example_to_his_digits() -> None:
    net = build(MAZUR)
    trace = net.step(net.init_params(), 1)
    assert trace["a1"][0] == pytest.approx([0.593269992, 0.596884378], abs=1e-9)
    assert trace["a2"][0] == pytest.approx([0.75136507, 0.772928465], abs=1e-8)
    assert trace.loss == pytest.approx(0.298371109, abs=1e-9)
    # w5⁺ = 0.35891648, w6⁺ = 0.408666186, w7⁺ = 0.511301270, w8⁺ = 0.561370121; w1⁺ = 0.149780716, …
    assert trace["W2_new"] == pytest.approx(np.array([[0.35891648, 0.511301270], [0.408666186, 0.561370121]]), abs=1e-8)
    assert trace["W1_new"] == pytest.approx(np.array([[0.149780716, 0.24975114], [0.19956143, 0.29950229]]), abs=1e-8)
    # Frozen biases: b′ is b, although db is computed (and is not zero).
    assert trace["b1_new"] is trace["b1"] and trace["b2_new"] is trace["b2"]
    assert float(np.abs(trace["db2"]).max()) > 0.1
    updates = {op.result: op for op in net.schedule if op.kind == "update"}
    assert updates["b1_new"].frozen and updates["b2_new"].frozen and not updates["W1_new"].frozen


def test_frozen_parameters_stay_put_over_many_iterations() -> None:
    net = build(NetConfig(frozen=("W1",), hidden=(3, 2), lr=0.5))
    start = net.init_params()
    params, losses, _ = net.run(start, 1, 50)
    assert np.array_equal(params.W[0], start.W[0]) and not np.array_equal(params.W[1], start.W[1])
    assert losses[-1] < losses[0]


@pytest.mark.parametrize(("kind", "factor"), [("sum", Fraction(1)), ("sse", Fraction(2)), ("mean", Fraction(1, 4))])
def test_loss_kinds_are_explicit_facts_of_the_operations(kind: str, factor: Fraction) -> None:
    net = build(NetConfig(loss=kind))
    ops = {op.result: op for op in net.schedule}
    for name in ("e", "loss", "delta2"):
        assert ops[name].loss is LossKind(kind) and ops[name].factor == factor, name
    assert all(op.loss is None for op in net.schedule if op.result not in ("e", "loss", "delta2"))
    trace = net.step(net.init_params(), 1)
    e = trace["e"]
    # C = ½·factor·Σe² and δ_L = (factor·e) ⊙ f′(z_L)
    assert trace.loss == pytest.approx(0.5 * float(factor) * float(np.sum(e * e)), rel=1e-15)
    assert np.allclose(trace["delta2"], float(factor) * e * trace["dadz2"], rtol=1e-15, atol=0)


def test_sse_is_twice_the_sum_loss_and_its_gradient_is_checked() -> None:
    half, full = build(NetConfig()), build(NetConfig(loss="sse"))
    a, b = half.step(half.init_params(), 1), full.step(full.init_params(), 1)
    assert b.loss == 2 * a.loss  # doubling is exact in floating point
    for name in ("delta2", "dW2", "delta1", "dW1"):
        assert np.array_equal(b[name], 2 * a[name]), name
    assert gradient_check(full, full.init_params()).ok


def test_default_numbers_are_unchanged_by_the_loss_refactor() -> None:
    """The tutorial loop, bit for bit (np.random.seed(1); 3 updates of the 3-4-1 sigmoid net)."""
    np.random.seed(1)
    X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=float)
    y = np.array([[0, 1, 1, 0]], dtype=float).T
    W1, W2 = np.random.random((3, 4)), np.random.random((4, 1))
    for _ in range(3):
        a1 = 1 / (1 + np.exp(-X.dot(W1)))
        a2 = 1 / (1 + np.exp(-a1.dot(W2)))
        d2 = (a2 - y) * (a2 * (1 - a2))
        d1 = d2.dot(W2.T) * (a1 * (1 - a1))
        W2, W1 = W2 - a1.T.dot(d2), W1 - X.T.dot(d1)
    net = build(NetConfig())
    params, _, _ = net.run(net.init_params(), 1, 3)
    assert np.array_equal(params.W[0], W1) and np.array_equal(params.W[1], W2)


def test_per_layer_activations() -> None:
    config = NetConfig(hidden=(3, 2), activations=("tanh", "linear", "tanh"), bias=True)
    net = build(config)
    assert [f.name for f in net.f] == ["tanh", "linear", "tanh"]
    acts = [op.activation for op in net.schedule if op.kind == "activation"]
    assert acts == ["tanh", "linear", "tanh"]
    assert gradient_check(net, net.init_params()).ok
    assert NetConfig(hidden=(3,), activation="relu").layer_activations == ("relu", "sigmoid")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"activations": ("tanh",)}, "--activations needs one activation per layer (2"),
        ({"activations": ("tanh", "softmax")}, "--activations must each be one of"),
        ({"activations": ("tanh", "relu"), "activation": "tanh"}, "give --activations or --activation/"),
        ({"frozen": ("W3",)}, "--freeze takes W1…W2, b1…b2, W or b, got 'W3'"),
        ({"frozen": ("b1",)}, "this network has no biases"),
        ({"biases": (((0.0,),),)}, "explicit biases need a network with biases"),
        ({"weights": (((1.0,),),)}, "explicit W needs one matrix per layer (2), got 1"),
        ({"weights": (((1.0, 2.0), (3.0,)), ((1.0,),))}, "W1 row 1 has 1 numbers, expected 2 (ragged rows)"),
        ({"weights": (((float("nan"),),), ((1.0,),))}, "W1 row 0 has NaN or infinity"),
        ({"data": ((1.0,),)}, "leaves no input columns"),
        ({"data": ((1.0, 2e13),)}, "beyond ±1e+12"),
        ({"data": tuple((1.0, 2.0) for _ in range(10_001))}, "the limit is 20,000"),
    ],
)
def test_bad_scenario_fields_are_one_line_errors(options: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        NetConfig(**options)  # type: ignore[arg-type]
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_explicit_weights_must_fit_the_network() -> None:
    """W2 in the other orientation (1×4 for a 4→1 layer) is named with the shape it must have."""
    W1 = tuple(tuple(0.1 for _ in range(4)) for _ in range(3))
    with pytest.raises(ConfigError, match=r"^W2 must be 4×1, got 1×4$"):
        build(NetConfig(weights=(W1, ((0.1, 0.2, 0.3, 0.4),))))
    with pytest.raises(ConfigError, match=r"^W1 must be 3×4, got 4×3$"):
        build(NetConfig(weights=(tuple(zip(*W1, strict=True)), ((0.1,),) * 4)))
    with pytest.raises(ConfigError, match=r"^b2 must be 1×1, got 1×2$"):
        build(NetConfig(bias=True, weights=(W1, ((0.1,),) * 4), biases=(((0.0,) * 4,), ((0.0, 0.0),))))
    net = build(NetConfig(weights=(W1, ((0.5,),) * 4), seed=7))
    assert np.array_equal(net.init_params().W[1], np.full((4, 1), 0.5))


def test_to_dict_is_unchanged_without_scenario_fields_and_round_trips_with_them() -> None:
    assert sorted(NetConfig().to_dict()) == [
        "activation", "batch", "bias", "dataset", "hidden", "init", "loss", "lr", "output_activation", "seed",
        "targets",
    ]  # fmt: skip
    document = json.loads(json.dumps(MAZUR.to_dict()))
    assert document["weights"][1] == [[0.40, 0.50], [0.45, 0.55]] and document["frozen"] == ["b"]
    assert NetConfig.from_dict(document) == MAZUR
    saved = loads(to_json(SavedSession(MAZUR)))
    assert saved.config == MAZUR


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"colour": 1}, "unknown key 'config.colour'"),
        ({"weights": "W"}, "config.weights must be a list of matrices"),
        ({"weights": [[[1, "x"]]]}, "config.weights[0][0] must hold numbers only, got 'x'"),
        ({"data": [[1, True]]}, "config.data[0] must hold numbers only, got true"),
        ({"data": [1, 2]}, "config.data must be a list of rows"),
        ({"frozen": "b"}, "config.frozen must be a list of names"),
        ({"activations": [3]}, "config.activations must be a string, got 3"),
        ({"loss": "half"}, "config: --loss must be one of sum, mean, sse, got 'half'"),
        ({"hidden": [0]}, "config.hidden sizes must be from 1 to 1,024 units, got 0"),
    ],
)
def test_from_dict_refuses_with_one_line_naming_the_key(change: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        NetConfig.from_dict({**NetConfig().to_dict(), **change})
    assert str(caught.value) == message or str(caught.value).startswith(message), str(caught.value)


def test_from_dict_fills_defaults_and_keeps_the_limits() -> None:
    config = NetConfig.from_dict({"hidden": [2000]}, max_units=2048)
    assert config.hidden == (2000,) and config.max_units == 2048 and config.lr == 1.0


def test_words_follow_the_loss_kind_and_frozen_facts() -> None:
    """The cell texts and sign forms read op.loss / op.factor / op.frozen: Σe² shows 2e, a frozen b shows b′ = b."""
    from tuinet.words.cells import explain_cell
    from tuinet.words.why import sign_conventions

    net = build(NetConfig(loss="sse", bias=True, frozen=("b",)))
    trace = net.step(net.init_params(), 1)
    ops = {op.result: op for op in net.schedule}
    delta = explain_cell(trace, ops["delta2"], 0, 0)
    assert delta.text.startswith("δ2[0,0] = (2 × e[0,0]) × σ′(z2)[0,0] = (2 × ")
    assert delta.value == 2 * delta.inputs[0] * delta.inputs[1]
    assert explain_cell(trace, ops["loss"], 0, 0).text.startswith("C = Σ(e²) = Σ(")
    frozen = explain_cell(trace, ops["b1_new"], 0, 2)
    assert frozen.text.endswith("(b1 is frozen: db1 is not applied)") and frozen.value == trace["b1"][0, 2]
    signs = sign_conventions(trace)
    assert (
        signs.identical
        and "δ2 = 2e ⊙ σ′(z2)" in signs.descent.formulas
        and "b1′ = b1  (frozen)" in signs.tutorial.formulas
    )
    mean = build(NetConfig(loss="mean"))
    mean_trace = mean.step(mean.init_params(), 1)
    mean_delta = explain_cell(mean_trace, mean.schedule[6], 1, 0)
    assert mean_delta.text.startswith("δ2[1,0] = (e[1,0] ÷ 4) × σ′(z2)[1,0]")


def test_a_session_with_inline_data_saves_its_dataset_name_as_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file that happens to share the scenario's name is not the data: the name is not turned into a path."""
    from tuinet.app.session import Session

    monkeypatch.chdir(tmp_path)
    (tmp_path / "mazur").write_text("not this\n", encoding="utf-8")
    saved = Session(MAZUR).saved("dark")
    assert saved.config == MAZUR and loads(to_json(saved)).config == MAZUR


def test_formulas_say_the_loss_kind_and_the_frozen_parameters() -> None:
    from tuinet.words.formulas import formula_in, note_in, shapes_in

    net = build(NetConfig(loss="sse", bias=True, frozen=("b1",), activations=("tanh", "linear")))
    ops, schema = {op.result: op for op in net.schedule}, net.schema
    assert formula_in(ops["loss"], schema) == "C = Σ e²"
    assert formula_in(ops["delta2"], schema) == "δ2 = 2e ⊙ id′(z2)"
    assert note_in(ops["e"], schema).startswith("∂C/∂a = 2e,")
    assert formula_in(ops["delta1"], schema) == "δ1 = (δ2 · W2ᵀ) ⊙ tanh′(z1)"
    assert (formula_in(ops["b1_new"], schema), shapes_in(ops["b1_new"], schema)) == ("b1′ = b1", "(1×4) → (1×4)")
    assert note_in(ops["b1_new"], schema) == "b1 is frozen: not updated (db1 is not applied)"
    assert formula_in(ops["b2_new"], schema) == "b2′ = b2 − lr·db2"
    assert formula_in(ops["a2"], schema) == "a2 = id(z2)"
