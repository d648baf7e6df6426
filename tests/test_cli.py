"""The `tuinet` command line: the JSON report, tutorial reproduction, the summary, help, the app hand-off."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.cli_run import DIVERGES, TOP_KEYS, install_fake_app, run, run_json
from tuinet import __version__
from tuinet.engine import NetConfig, Network, Params, build

# -- the JSON report -----------------------------------------------------------------------------


def test_json_top_level_keys(capsys: pytest.CaptureFixture[str]) -> None:
    """Exactly the documented keys, in order; config is NetConfig.to_dict()."""
    report = run_json(capsys, "--steps", "3")
    assert list(report) == TOP_KEYS
    assert report["config"] == NetConfig().to_dict()
    assert report["steps"] == 3 and len(report["loss"]) == 3
    assert list(report["weights"]) == ["W1", "W2"]
    assert report["diverged"] is False and report["diverged_at"] is None


def test_json_trace_keys(capsys: pytest.CaptureFixture[str]) -> None:
    """--trace adds one object per step with `step` and exactly Trace.schema.json_keys; loss is a number."""
    report = run_json(capsys, "--steps", "2", "--trace", "--bias", "--hidden", "3,2")
    assert list(report) == [*TOP_KEYS, "trace"]
    network = build(NetConfig(bias=True, hidden=(3, 2)))
    keys = network.step(network.init_params(), 1).schema.json_keys
    assert "b3" in keys and "db1" in keys
    assert [step["step"] for step in report["trace"]] == [1, 2]
    for step in report["trace"]:
        assert list(step) == ["step", *keys]
        assert isinstance(step["loss"], float)
    assert [step["loss"] for step in report["trace"]] == report["loss"]


def test_reproduces_the_tutorial_loop_exactly(capsys: pytest.CaptureFixture[str]) -> None:
    """With every default, 1000 steps are the classic tutorial loop, bit for bit."""
    report = run_json(capsys, "--steps", "1000")

    X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=float)
    y = np.array([[0], [1], [1], [0]], dtype=float)

    def sig(x: Any) -> Any:
        return 1 / (1 + np.exp(-x))

    # RandomState(1).random_sample draws what np.random.seed(1); np.random.random(...) draws,
    # without touching numpy's global state for the other tests.
    rng = np.random.RandomState(1)
    W1 = rng.random_sample((3, 4))
    W2 = rng.random_sample((4, 1))
    losses = []
    for _ in range(1000):
        l1 = sig(X @ W1)
        l2 = sig(l1 @ W2)
        losses.append(0.5 * float(np.sum((l2 - y) ** 2)))
        d2 = (y - l2) * (l2 * (1 - l2))
        d1 = d2.dot(W2.T) * (l1 * (1 - l1))
        W2 += l1.T.dot(d2)
        W1 += X.T.dot(d1)

    assert report["outputs"] == l2.tolist()
    assert report["weights"] == {"W1": W1.tolist(), "W2": W2.tolist()}
    assert report["final_outputs"] == sig(sig(X @ W1) @ W2).tolist()
    assert report["loss"] == losses


def test_trace_matches_network_step(capsys: pytest.CaptureFixture[str]) -> None:
    """A multi-layer, biased, traced run prints exactly what Network.step computes."""
    args = ["--hidden", "3,2", "--bias", "--init", "signed", "--activation", "tanh", "--lr", "0.5", "--seed", "7"]
    report = run_json(capsys, "--steps", "4", "--trace", *args)
    network = build(NetConfig(hidden=(3, 2), bias=True, init="signed", activation="tanh", lr=0.5, seed=7))
    params = network.init_params()
    for step in report["trace"]:
        trace = network.step(params, step["step"])
        for key in trace.schema.json_keys:
            expected = trace.loss if key == "loss" else trace[key].tolist()
            assert step[key] == expected, key
        L = network.L
        params = Params.frozen(
            [trace[f"W{i}_new"] for i in range(1, L + 1)], [trace[f"b{i}_new"] for i in range(1, L + 1)]
        )
    assert report["weights"] == {name: m.tolist() for name, m in params.as_dict().items()}


def test_stochastic_batch(capsys: pytest.CaptureFixture[str]) -> None:
    """--batch 1 trains on one row per step: traced matrices have one row, and the untraced run agrees."""
    traced = run_json(capsys, "--steps", "6", "--batch", "1", "--trace")
    fast = run_json(capsys, "--steps", "6", "--batch", "1")
    assert all(len(step["a0"]) == 1 and len(step["e"]) == 1 for step in traced["trace"])
    assert traced["loss"] == fast["loss"] and traced["weights"] == fast["weights"]
    assert len(fast["outputs"]) == 1 and len(fast["final_outputs"]) == 4
    assert traced["config"]["batch"] == "1"


def test_divergence_is_a_result(capsys: pytest.CaptureFixture[str]) -> None:
    """A run that blows up stops at that step, says so, writes valid JSON and exits 0."""
    report = run_json(capsys, "--steps", "1000", *DIVERGES)
    assert report["diverged"] is True
    at = report["diverged_at"]
    assert isinstance(at, int) and 1 < at < 1000
    assert report["steps"] == at == len(report["loss"])
    assert report["loss"][-1] == "inf"  # non-finite numbers are strings
    assert all(isinstance(v, float) for v in report["loss"][:-1])


def test_divergence_with_trace(capsys: pytest.CaptureFixture[str]) -> None:
    """The traced run diverges at the same step, and its trace stops there too."""
    args = ["--steps", "500", *DIVERGES]
    fast = run_json(capsys, *args)
    traced = run_json(capsys, *args, "--trace")
    assert traced["diverged_at"] == fast["diverged_at"] == len(traced["trace"])
    assert traced["trace"][-1]["loss"] == "inf"
    assert traced["loss"] == fast["loss"] and traced["weights"] == fast["weights"]


def test_options_before_the_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    """Network options typed before `train` are not lost to the sub-command's defaults."""
    code, out, _ = run(capsys, "--hidden", "3", "--seed", "5", "train", "--steps", "1", "--json", "--lr", "0.5")
    config = json.loads(out)["config"]
    assert code == 0 and (config["hidden"], config["seed"], config["lr"]) == ([3], 5, 0.5)


def test_csv_dataset(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A CSV with a header and two target columns trains, and its rows reach the outputs."""
    path = tmp_path / "data.csv"
    path.write_text("a,b,and,or\n0,0,0,0\n0,1,0,1\n1,0,0,1\n1,1,1,1\n")
    report = run_json(capsys, "--steps", "5", "--dataset", str(path), "--targets", "2")
    assert np.shape(report["final_outputs"]) == (4, 2)
    assert np.shape(report["weights"]["W1"]) == (2, 4)


def test_one_xavier_step(capsys: pytest.CaptureFixture[str]) -> None:
    """--init and --hidden reach the engine: one step gives the engine's own fast_step weights."""
    report = run_json(capsys, "--steps", "1", "--init", "xavier", "--hidden", "5")
    network = Network(NetConfig(init="xavier", hidden=(5,)), build(NetConfig()).data)
    result = network.fast_step(network.init_params(), 1)
    assert report["weights"] == {name: m.tolist() for name, m in result.params.as_dict().items()}


# -- the readable summary ---------------------------------------------------------------------------


def test_summary(capsys: pytest.CaptureFixture[str]) -> None:
    """Without --json: the config, the final loss and a table of inputs, targets and outputs."""
    code, out, err = run(capsys, "train", "--steps", "200")
    assert (code, err) == (0, "")
    report = run_json(capsys, "--steps", "200")
    assert f"{report['loss'][-1]:.6g}" in out
    assert "layers 3→4→1" in out and "200 steps" in out
    for header in ("row", "x1", "x3", "y", "output"):
        assert header in out
    assert f"{report['final_outputs'][1][0]:.4f}" in out
    assert "┃" in out  # a Rich table


def test_summary_of_a_big_csv(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Long and wide data: the table shows the first rows and columns and says what it left out."""
    rng = np.random.RandomState(0)
    path = tmp_path / "wide.csv"
    np.savetxt(path, rng.random_sample((25, 11)).round(3), delimiter=",")
    code, out, _ = run(capsys, "train", "--steps", "3", "--dataset", str(path))
    assert code == 0
    assert "the first 20 of 25 rows" in " ".join(out.split())
    assert "x8" in out and "x9" not in out and "…" in out


def test_summary_of_a_diverged_run(capsys: pytest.CaptureFixture[str]) -> None:
    """The summary says where a run diverged (and still exits 0)."""
    code, out, _ = run(capsys, "train", "--steps", "500", *DIVERGES)
    assert code == 0 and "diverged at step" in out


# -- help and version -----------------------------------------------------------------------------

NETWORK_FLAGS = [
    "--dataset",
    "--targets",
    "--hidden",
    "--activation",
    "--output-activation",
    "--init",
    "--seed",
    "--lr",
    "--bias",
    "--no-bias",
    "--batch",
    "--loss",
    "--max-units",
]


def test_help_documents_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    """`tuinet --help` and `tuinet train --help` list every option, with defaults."""
    code, app_help, _ = run(capsys, "--help")
    assert code == 0
    for flag in [*NETWORK_FLAGS, "--theme", "--no-mouse", "--digits", "--version", "train"]:
        assert flag in app_help, flag
    code, train_help, _ = run(capsys, "train", "--help")
    assert code == 0
    for flag in [*NETWORK_FLAGS, "--steps", "--json", "--trace"]:
        assert flag in train_help, flag
    flat = " ".join(train_help.split())  # argparse wraps help text
    assert flat.count("(default:") >= len(NETWORK_FLAGS) - 1  # --bias/--no-bias share one help
    for default in ("(default: xor3)", "(default: 4)", "(default: sigmoid)", "(default: 1024)", "(default: off)"):
        assert default in flat, default
    assert '"nan", "inf" and "-inf"' in flat  # how non-finite numbers are written


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    """`tuinet --version` prints the package version."""
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.strip() == f"tuinet {__version__}"


# -- the app hand-off ---------------------------------------------------------------------------


@pytest.fixture
def fake_app(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    return install_fake_app(monkeypatch)


def test_no_command_opens_the_app(capsys: pytest.CaptureFixture[str], fake_app: list[dict[str, Any]]) -> None:
    """Network and UI options reach make_app and App.run."""
    code, _, err = run(capsys, "--hidden", "8,8", "--bias", "--theme", "light", "--digits", "5", "--no-mouse")
    assert (code, err) == (0, "")
    assert fake_app == [{"config": NetConfig(hidden=(8, 8), bias=True), "theme": "light", "digits": 5, "mouse": False}]


def test_app_defaults(capsys: pytest.CaptureFixture[str], fake_app: list[dict[str, Any]]) -> None:
    """Plain `tuinet` opens the app with every default."""
    assert run(capsys)[0] == 0
    assert fake_app == [{"config": NetConfig(), "theme": "dark", "digits": 3, "mouse": True}]


def test_load_opens_the_saved_session(
    capsys: pytest.CaptureFixture[str], fake_app: list[dict[str, Any]], tmp_path: Path
) -> None:
    """`tuinet --load FILE` hands the saved session (network, cursor, display) to the app."""
    from tuinet.app.sessionfile import SavedSession, save

    path = tmp_path / "s.json"
    saved = SavedSession(config=NetConfig(hidden=(3,), seed=7), iteration=4, op=2, cells=3, cell_mode=True)
    save(path, saved)
    assert run(capsys, "--load", str(path))[0] == 0
    (call,) = fake_app
    assert call["config"] == NetConfig(hidden=(3,), seed=7)
    assert (call["saved"].iteration, call["saved"].op, call["saved"].cells) == (4, 2, 3)


def test_load_rejects_a_bad_file_in_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A truncated session file is a one-line error and exit 2, and the app never opens."""
    path = tmp_path / "bad.json"
    path.write_text('{"format": "tuinet-session", "version": 1, "config": {')
    code, _out, err = run(capsys, "--load", str(path))
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("tuinet: error: ") and "truncated" in err
