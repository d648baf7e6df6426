"""The export's command line is generated from the parser: it parses back to the very config it was made from."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.cli_run import run, strict_json
from tuinet.cli.command import build_parser, export_command
from tuinet.cli.options import config_from_args
from tuinet.engine import NetConfig
from tuinet.engine.activations import ACTIVATIONS
from tuinet.engine.config import INITS
from tuinet.engine.losses import LOSSES
from tuinet.words.export import command_text


@st.composite
def configs(draw: st.DrawFn) -> NetConfig:
    hidden = tuple(draw(st.lists(st.integers(1, 64), max_size=3)))
    bias = draw(st.booleans())
    per_layer = draw(st.booleans())
    layers = len(hidden) + 1
    params = [f"W{n}" for n in range(1, layers + 1)] + (["b", *(f"b{n}" for n in range(1, layers + 1))] if bias else [])
    return NetConfig(
        dataset=draw(st.sampled_from(["xor3", "xor", "and", "or", "my data.csv", "-odd'name.csv"])),
        hidden=hidden,
        activation="sigmoid" if per_layer else draw(st.sampled_from(["sigmoid", "tanh", "relu"])),
        output_activation="sigmoid" if per_layer else draw(st.sampled_from(["sigmoid", "linear"])),
        activations=tuple(draw(st.lists(st.sampled_from(list(ACTIVATIONS)), min_size=layers, max_size=layers)))
        if per_layer
        else (),
        init=draw(st.sampled_from(INITS)),
        seed=draw(st.integers(0, 2**32 - 1)),
        lr=draw(st.floats(1e-6, 100, allow_nan=False)),
        bias=bias,
        batch=draw(st.sampled_from(["full", "1"])),
        loss=draw(st.sampled_from(LOSSES)),
        frozen=tuple(draw(st.lists(st.sampled_from(params), max_size=2, unique=True))),
    )


@settings(max_examples=150, deadline=None)
@given(config=configs(), iteration=st.integers(1, 1000), form=st.sampled_from(["py", "md"]))
def test_export_command_parses_back_to_the_config(config: NetConfig, iteration: int, form: str) -> None:
    argv = export_command(config, iteration, form)
    assert argv is not None and argv[:2] == ["tuinet", "export"]
    args = build_parser().parse_args(argv[1:])
    assert args.command == "export" and args.iteration == iteration and args.format == form
    assert config_from_args(args) == config


def test_only_what_differs_from_the_defaults_is_spelt() -> None:
    assert export_command(NetConfig(), 1, "py") == ["tuinet", "export", "--iteration", "1", "--format", "py"]
    argv = export_command(NetConfig(hidden=(), dataset="a b.csv", lr=0.1), 3, "md")
    assert command_text(argv) == "tuinet export --dataset 'a b.csv' --hidden none --lr 0.1 --iteration 3 --format md"


def test_a_config_no_option_can_say_has_no_command_line() -> None:
    config = NetConfig(weights=(((0.5,),) * 3, ((0.5,),) * 4))
    assert export_command(config, 1, "py") is None
    assert "no command-line form" in command_text(None)


# -- the scenario options on the command line ---------------------------------------------------------------


def test_loss_sse_freeze_and_activations_from_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "train", "--steps", "1", "--json")
    half = strict_json(out)["loss"][0]
    code, out, err = run(capsys, "train", "--steps", "3", "--json", "--loss", "sse", "--bias", "--freeze", "b")
    report = strict_json(out)
    assert (code, err) == (0, "") and report["loss"][0] == 2 * half
    assert report["weights"]["b1"] == [[0.0] * 4] and report["config"]["frozen"] == ["b"]
    code, out, err = run(capsys, "train", "--steps", "1", "--json", "--activations", "tanh,linear")
    assert code == 0 and strict_json(out)["config"]["activations"] == ["tanh", "linear"]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--freeze", "b"], "--freeze b: this network has no biases (add --bias)"),
        (["--freeze", "W9"], "--freeze takes W1…W2, b1…b2, W or b, got 'W9'"),
        (["--freeze", "W1,"], "argument --freeze: must be comma-separated names"),
        (["--activations", "tanh"], "--activations needs one activation per layer (2"),
        (["--activations", "tanh,softmax"], "--activations must each be one of sigmoid, tanh, relu, linear"),
        (["--loss", "half"], "argument --loss: invalid choice: 'half'"),
    ],
)
def test_bad_scenario_options_are_one_line_errors(
    capsys: pytest.CaptureFixture[str], args: list[str], needle: str
) -> None:
    code, out, err = run(capsys, "train", "--steps", "1", *args)
    assert (code, out) == (2, "") and err.startswith("tuinet: error: ") and err.count("\n") == 1, err
    assert needle in err, err


def test_help_documents_the_loss_kinds(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "train", "--help")
    text = " ".join(out.split())
    assert code == 0 and "sse: C = Σ (a−y)² with no ½ (Hagan's F)" in text and "--freeze PARAMS" in text
