"""Exports: the numpy script, run on its own, prints the trace of its iteration; the Markdown transcript shows
every operation; `tuinet export` writes either, and refuses bad input with one line and exit status 2."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.cli_run import run
from tuinet.cli.command import export_command
from tuinet.cli.export import MAX_ITERATION
from tuinet.engine import NetConfig, Network, Params, build
from tuinet.engine.datasets import Dataset
from tuinet.engine.history import History
from tuinet.words.export import ExportError, export_markdown, export_python
from tuinet.words.names import label
from tuinet.words.notation import get_profile
from tuinet.words.reasons import explain
from tuinet.words.terms import Facts

CONFIGS: dict[str, tuple[NetConfig, int]] = {
    "default": (NetConfig(), 1),
    "2 hidden tanh + bias": (NetConfig(hidden=(3, 5), activation="tanh", bias=True), 5),
    "relu + linear + mean": (
        NetConfig(activation="relu", output_activation="linear", loss="mean", init="signed", lr=0.3, seed=4),
        4,
    ),
    "batch 1 at iteration 7": (NetConfig(batch="1", bias=True, loss="mean"), 7),
    "diverged": (NetConfig(hidden=(), output_activation="linear", lr=10.0), 120),
    "mean over 15 errors": (NetConfig(dataset="fives", targets=3, hidden=(4,), loss="mean", bias=True, lr=0.7), 3),
    "sse + frozen + per-layer activations": (
        NetConfig(hidden=(3, 2), loss="sse", bias=True, frozen=("b1", "W2"), activations=("tanh", "relu", "linear")),
        3,
    ),
    "explicit weights and inline data": (
        NetConfig(
            dataset="two", data=((0.5, 1.0, 0.2), (1.0, -1.0, 0.7)), hidden=(1,), weights=(((0.3,), (-0.2,)), ((0.9,),))
        ),
        2,
    ),
}

FIVES = Dataset("fives", np.random.RandomState(5).uniform(-1, 2, (5, 2)), np.random.RandomState(6).uniform(size=(5, 3)))
"""5 rows × 3 targets: e has 15 cells, and e·(1/15) is not e/15 in floats (as e·(1/4) is e/4)."""


def network(name: str) -> tuple[Network, int]:
    config, iteration = CONFIGS[name]
    return (Network(config, FIVES) if config.dataset == "fives" else build(config)), iteration


def run_script(source: str, tmp_path: Path) -> dict[str, Any]:
    """Run an exported script with this Python in a fresh process; parse its `name = <JSON>` lines."""
    path = tmp_path / "iteration.py"
    path.write_text(source, encoding="utf-8")
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    printed: dict[str, Any] = {}
    for line in done.stdout.splitlines():
        name, value = line.split(" = ", 1)
        assert name not in printed, f"{name} printed twice"
        printed[name] = json.loads(value)
    return printed


@pytest.mark.parametrize("name", list(CONFIGS))
def test_exported_script_reproduces_the_trace(name: str, tmp_path: Path) -> None:
    """Every matrix of the trace, printed by the standalone script, is the engine's to the bit.

    The script repeats tuinet's float operations in tuinet's order, so its numbers are the same bits, not
    merely close (a 1e-12 tolerance would let a ÷ n in place of tuinet's × (1/n) slip through).
    """
    net, iteration = network(name)
    history = History(net)
    trace = history.trace(iteration)
    printed = run_script(export_python(net, history, iteration), tmp_path)
    assert set(printed) == set(trace.matrices)
    for key, value in printed.items():
        expected = trace[key]
        got = np.array([[value]] if key == "loss" else value, dtype=np.float64).reshape(expected.shape)
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=0, equal_nan=True, err_msg=key)
        assert np.array_equal(got, expected, equal_nan=True), key
    assert trace.diverged == (name == "diverged")


def test_exported_script_imports_only_numpy_and_json() -> None:
    net = build(NetConfig(hidden=(2, 2), activation="relu", output_activation="linear"))
    tree = ast.parse(export_python(net, History(net), 2))
    modules = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    assert modules == {"json", "numpy"}
    assert not any(isinstance(node, ast.ImportFrom) for node in ast.walk(tree))


def test_export_from_params_equals_export_from_history() -> None:
    net = build(NetConfig(batch="1"))
    history = History(net)
    assert export_python(net, history.params_at(3), 3) == export_python(net, history, 3)


def test_export_refuses_bad_iterations_and_weights() -> None:
    net = build(NetConfig())
    with pytest.raises(ExportError, match="count from 1"):
        export_python(net, net.init_params(), 0)
    other = build(NetConfig(hidden=(2,))).init_params()
    with pytest.raises(ExportError, match="do not fit"):
        export_python(net, other, 1)
    with pytest.raises(ExportError, match="do not fit"):
        export_python(net, Params(net.init_params().W, (np.zeros((1, 4)), np.zeros((1, 1)))), 1)


# -- Markdown ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["default", "2 hidden tanh + bias", "batch 1 at iteration 7"])
def test_markdown_shows_every_operation_and_the_loss(name: str) -> None:
    net, iteration = network(name)
    trace = History(net).trace(iteration)
    text = export_markdown(net, trace)
    assert text.startswith(f"# tuinet — iteration {iteration}\n")
    for op in trace.schedule:
        # The handout calls the screen's words (words/reasons.py): the same formula, shapes and reason.
        reason = explain(op, trace, Facts.of(net), get_profile("tuinet"))
        assert f"### {op.index + 1}. {op.phase} — `{reason.formula}`" in text
        assert f"`{reason.shapes}`" in text
        assert all(f"- why: {line}" in text for line in reason.full)
    assert f"**C = {trace.loss!r}**" in text
    for key in trace.matrices:
        if key != "loss":
            assert f"**{label(trace, key)}" in text, key
    assert text.count("For example: `") == sum(op.kind in ("matmul", "update") for op in trace.schedule)


def test_markdown_cuts_big_matrices() -> None:
    net = build(NetConfig(hidden=(20,)))
    text = export_markdown(net, History(net).trace(1), max_side=12)
    assert "*(showing 12 of 20 rows and 1 of 1 columns)*" in text  # W2 is 20×1
    assert "*(showing 4 of 4 rows and 12 of 20 columns)*" in text  # z1 is 4×20


# -- the CLI ---------------------------------------------------------------------------------------------------


def test_cli_exports_a_script_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "export", "--hidden", "3", "--bias", "--iteration", "4")
    assert (code, err) == (0, "")
    net = build(NetConfig(hidden=(3,), bias=True))
    assert out == export_python(net, History(net), 4, export_command(net.config, 4, "py"))
    assert "Written by: tuinet export --hidden 3 --bias --iteration 4 --format py" in out


def test_cli_exports_markdown_to_a_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "handout.md"
    code, out, err = run(capsys, "export", "--batch", "1", "--iteration", "7", "--format", "md", "-o", str(target))
    assert (code, out, err) == (0, "", "")
    net = build(NetConfig(batch="1"))
    command = export_command(net.config, 7, "md")
    assert target.read_text(encoding="utf-8") == export_markdown(net, History(net).trace(7), command=command)


def assert_one_line_error(code: int, out: str, err: str, needle: str) -> None:
    assert (code, out) == (2, "")
    assert err.startswith("tuinet: error: ") and err.endswith("\n") and err.count("\n") == 1, err
    assert needle in err, err


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--iteration", "0"], "--iteration"),
        (["--iteration", "-3"], "--iteration"),
        (["--iteration", "seven"], "--iteration"),
        (["--iteration", str(MAX_ITERATION + 1)], str(MAX_ITERATION)),
        (["--iteration"], "--iteration"),
        (["--format", "txt"], "--format"),
        (["--hidden", "0"], "--hidden"),
    ],
    ids=["zero", "negative", "word", "too many", "missing", "format", "hidden"],
)
def test_cli_bad_input_is_one_line(capsys: pytest.CaptureFixture[str], args: list[str], needle: str) -> None:
    assert_one_line_error(*run(capsys, "export", *args), needle)


def test_cli_unwritable_output_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for target in (tmp_path / "missing" / "x.py", tmp_path):
        assert_one_line_error(*run(capsys, "export", "-o", str(target)), "cannot write")


def test_cli_refuses_a_script_too_big_to_read(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    csv = tmp_path / "wide.csv"
    csv.write_text("\n".join(",".join(["1"] * 101) for _ in range(3)) + "\n", encoding="utf-8")
    args = ["--dataset", str(csv), "--hidden", "1000,1000", "--max-units", "1000"]
    assert_one_line_error(*run(capsys, "export", *args), "the limit is 1,000,000")
