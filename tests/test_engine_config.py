"""Config validation: every bad option is a ConfigError with a one-line message naming the option."""

from __future__ import annotations

import math

import pytest

from tuinet.engine import ConfigError, NetConfig, TuinetError
from tuinet.engine.config import MAX_LAYERS

BAD_OPTIONS: list[tuple[dict[str, object], str]] = [
    ({"hidden": (4,) * (MAX_LAYERS + 1)}, "--hidden"),
    ({"hidden": (4, 0)}, "--hidden"),
    ({"hidden": (-3,)}, "--hidden"),
    ({"hidden": (2000,)}, "--hidden 2000"),
    ({"hidden": (9,), "max_units": 8}, "--max-units"),
    ({"activation": "softmax"}, "--activation"),
    ({"activation": "linear"}, "--activation"),
    ({"output_activation": "relu"}, "--output-activation"),
    ({"output_activation": "tanh\nx"}, "--output-activation"),
    ({"init": "zeros"}, "--init"),
    ({"loss": "cross-entropy"}, "--loss"),
    ({"batch": "32"}, "--batch"),
    ({"seed": -1}, "--seed"),
    ({"seed": 2**32}, "--seed"),
    ({"lr": 0.0}, "--lr"),
    ({"lr": -0.5}, "--lr"),
    ({"lr": math.nan}, "--lr"),
    ({"lr": math.inf}, "--lr"),
    ({"targets": 0}, "--targets"),
]


@pytest.mark.parametrize(
    "options, option", BAD_OPTIONS, ids=[",".join(f"{k}={v!r}" for k, v in d.items())[:40] for d, _ in BAD_OPTIONS]
)
def test_bad_option_is_a_one_line_config_error(options: dict[str, object], option: str) -> None:
    with pytest.raises(ConfigError) as caught:
        NetConfig(**options)  # type: ignore[arg-type]
    text = str(caught.value)
    assert option in text and "\n" not in text and "\r" not in text, repr(text)
    assert isinstance(caught.value, TuinetError) and isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"hidden": ()},
        {"hidden": (1,) * MAX_LAYERS},
        {"hidden": (1024,)},
        {"hidden": (2048,), "max_units": 4096},
        {"activation": "tanh", "output_activation": "linear", "init": "xavier", "loss": "mean", "batch": "1"},
        {"seed": 0},
        {"seed": 2**32 - 1},
        {"lr": 1e-9, "bias": True, "targets": 3},
    ],
)
def test_good_options_are_accepted(options: dict[str, object]) -> None:
    config = NetConfig(**options)  # type: ignore[arg-type]
    assert config.layers == len(config.hidden) + 1


def test_defaults_are_the_tutorial() -> None:
    config = NetConfig()
    assert config.to_dict() == {
        "dataset": "xor3",
        "targets": 1,
        "hidden": [4],
        "activation": "sigmoid",
        "output_activation": "sigmoid",
        "init": "uniform",
        "seed": 1,
        "lr": 1.0,
        "bias": False,
        "batch": "full",
        "loss": "sum",
    }
    assert config.layers == 2


def test_config_is_immutable_and_comparable() -> None:
    config = NetConfig()
    with pytest.raises(AttributeError):
        config.lr = 2.0  # type: ignore[misc]
    assert config == NetConfig() and config != NetConfig(lr=0.5)
    assert NetConfig(max_units=10) == NetConfig()  # a guard, not part of what the network is
