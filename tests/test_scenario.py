"""Scenario files, --weights and lesson files: strict one-line errors (file, line, field), and round trips."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.cli_run import run, run_json
from tuinet.engine import History, NetConfig, build
from tuinet.scenario import PRESETS, ScenarioError, load_lesson, load_preset, load_scenario
from tuinet.scenario.quantities import check_expression
from tuinet.scenario.writer import scenario_toml

MAZUR_LIKE = """\
title = "two by two"

[data]
X = [[0.05, 0.10]]
y = [[0.01, 0.99]]

[network]
hidden = [2]
activations = ["sigmoid", "sigmoid"]
bias = true

[init]
W1 = [[0.15, 0.25], [0.20, 0.30]]
W2 = [[0.40, 0.50], [0.45, 0.55]]
b1 = [[0.35, 0.35]]
b2 = [[0.60, 0.60]]

[training]
loss = "sum"
lr = 0.5
frozen = ["b1", "b2"]
"""


def _write(tmp_path: Path, text: str, name: str = "s.toml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _error(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code, out, err = run(capsys, *args)
    assert code == 2 and out == "" and err.count("\n") == 1 and err.startswith("tuinet: error: "), err
    return err.strip()


def test_a_scenario_file_gives_the_same_numbers_as_the_preset(tmp_path: Path) -> None:
    path = _write(tmp_path, MAZUR_LIKE)
    scenario = load_scenario(path)
    trace = History(build(scenario.config)).trace(1)
    assert trace.loss == History(build(load_preset("mazur").config)).trace(1).loss
    assert f"{trace['W2_new'][0, 0]:.8f}" == "0.35891648"


@pytest.mark.parametrize(
    ("change", "line", "field", "message"),
    [
        (("lr = 0.5", "lr = -1"), 20, "[training] lr", "must be a positive finite number, got -1"),
        (("lr = 0.5", 'lr = "fast"'), 20, "[training] lr", "must be a positive number, got 'fast'"),
        (("bias = true", "bias = 1"), 10, "[network] bias", "must be true or false, got 1"),
        (("bias = true", "bais = true"), 10, "[network] bais", "is not a field of [network]"),
        (('loss = "sum"', 'loss = "squared"'), 19, "[training] loss", "must be one of"),
        (('activations = ["sigmoid", "sigmoid"]', 'activations = ["sigmoid"]'), 9, "[network] activations", "one"),
        (
            ("W2 = [[0.40, 0.50], [0.45, 0.55]]", "W2 = [[0.40, 0.50, 0.45, 0.55]]"),
            14,
            "[init] W2",
            "must be 2×2, got 1×4",
        ),
        (("W2 = [[0.40, 0.50], [0.45, 0.55]]", "W2 = [[0.40, 0.50], [0.45]]"), 14, "[init] W2", "row 2 has 1 values"),
        (('frozen = ["b1", "b2"]', 'frozen = ["b3"]'), 21, "[training] frozen", "b3"),
        (("y = [[0.01, 0.99]]", "y = [[0.01, 0.99], [1, 1]]"), 5, "[data] y", "has 2 rows, X has 1"),
        (('title = "two by two"', "titel = 'x'"), 1, "titel", "is not a scenario field"),
    ],
)
def test_scenario_errors_name_the_file_line_and_field(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, change: tuple[str, str], line: int, field: str, message: str
) -> None:
    assert change[0] in MAZUR_LIKE
    path = _write(tmp_path, MAZUR_LIKE.replace(change[0], change[1]))
    err = _error(capsys, "--scenario", path)
    assert err.startswith(f"tuinet: error: {path} line {line}: {field} "), err
    assert message in err


def test_toml_syntax_errors_name_the_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = _write(tmp_path, MAZUR_LIKE.replace("lr = 0.5", "lr = = 0.5"))
    assert _error(capsys, "train", "--scenario", path, "--steps", "1").startswith(
        f"tuinet: error: {path} line 20: not valid TOML: "
    )


def test_a_row_of_a_multiline_matrix_is_not_taken_for_a_table(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = MAZUR_LIKE.replace("W2 = [[0.40, 0.50], [0.45, 0.55]]", "W2 = [\n  [0.40, 0.50],\n  [0.45, 0.55],\n]")
    text = text.replace("lr = 0.5", "lr = 0")
    path = _write(tmp_path, text)
    assert _error(capsys, "--scenario", path).startswith(f"tuinet: error: {path} line 23: [training] lr ")


def test_missing_and_unreadable_files(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert "does not exist" in _error(capsys, "--scenario", str(tmp_path / "none.toml"))
    assert "is a directory" in _error(capsys, "--scenario", str(tmp_path))
    assert "no preset named 'nope'; the presets are tutorial" in _error(capsys, "--preset", "nope")
    assert "not allowed with argument" in _error(capsys, "--preset", "mazur", "--scenario", "x.toml")


def test_a_csv_dataset_is_relative_to_the_scenario_file(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "and.csv").write_text("0,0,0\n0,1,0\n1,0,0\n1,1,1\n")
    path = _write(tmp_path / "data", '[data]\ndataset = "and.csv"\n[network]\nhidden = []\n')
    config = load_scenario(path).config
    assert build(config).data.y.ravel().tolist() == [0, 0, 0, 1]


@pytest.mark.parametrize("name", PRESETS)
def test_every_preset_round_trips_through_export(capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str) -> None:
    """`tuinet export --format scenario` writes a file that loads back to the same config, lesson and numbers."""
    target = tmp_path / f"{name}.toml"
    code, out, err = run(capsys, "export", "--preset", name, "--format", "scenario", "-o", str(target))
    assert (code, out, err) == (0, "", "")
    back, original = load_scenario(str(target)), load_preset(name)
    assert back.config == original.config
    assert back.names == original.names and back.steps == original.steps and back.title == original.title
    assert back.lesson is None or original.lesson is None or back.lesson.printed == original.lesson.printed
    assert scenario_toml(back) == scenario_toml(original)  # a fixed point
    a = run_json(capsys, "--scenario", str(target), "--steps", "3")
    b = run_json(capsys, "--preset", name, "--steps", "3")
    assert a["loss"] == b["loss"] and a["weights"] == b["weights"]


def test_export_of_typed_options_round_trips(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    options = ["--hidden", "3,2", "--activation", "tanh", "--bias", "--lr", "0.3", "--init", "xavier", "--seed", "7"]
    code, text, _ = run(capsys, "export", *options, "--format", "scenario")
    assert code == 0
    path = _write(tmp_path, text)
    assert load_scenario(path).config == NetConfig(
        hidden=(3, 2), activation="tanh", bias=True, lr=0.3, init="xavier", seed=7
    )


def test_options_typed_after_a_preset_override_it(capsys: pytest.CaptureFixture[str]) -> None:
    report = run_json(capsys, "--preset", "mazur", "--lr", "0.25", "--steps", "1")
    assert report["config"]["lr"] == 0.25 and report["config"]["frozen"] == ["b1", "b2"]


# -- --weights -------------------------------------------------------------------------------------------------


def test_a_learners_npz_loads_and_steps(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    W1, W2 = rng.normal(size=(3, 4)), rng.normal(size=(4, 1))
    np.savez(tmp_path / "mine.npz", W1=W1, W2=W2)
    report = run_json(capsys, "--weights", str(tmp_path / "mine.npz"), "--steps", "1", "--trace")
    assert np.array_equal(np.array(report["trace"][0]["W1"]), W1)
    assert np.array_equal(np.array(report["trace"][0]["W2"]), W2)
    a1 = 1 / (1 + np.exp(-(build(NetConfig()).data.X @ W1)))
    assert np.allclose(np.array(report["trace"][0]["a1"]), a1, rtol=1e-15)


def test_weights_as_json_with_biases(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "w.json"
    weights = {"W1": [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]], "W2": [[1.0], [-1.0]], "b1": [0.5, -0.5]}
    path.write_text(json.dumps(weights))
    report = run_json(capsys, "--hidden", "2", "--bias", "--weights", str(path), "--steps", "1", "--trace")
    step = report["trace"][0]
    assert step["W1"] == weights["W1"] and step["b1"] == [[0.5, -0.5]] and step["b2"] == [[0.0]]


@pytest.mark.parametrize(
    ("arrays", "message"),
    [
        ({"W1": np.zeros((4, 3)), "W2": np.zeros((4, 1))}, "W1 must be 3×4 (inputs × outputs of layer 1 in this 3-4-1"),
        ({"W1": np.zeros((3, 4))}, "has no W2 (4×1 for this 3-4-1 network)"),
        (
            {"W1": np.zeros((3, 4)), "W2": np.zeros((4, 1)), "b1": np.zeros((1, 4))},
            "has b1, but this network has no biases",
        ),
        (
            {"W1": np.zeros((3, 4)), "W2": np.zeros((4, 1)), "W3": np.zeros((1, 1))},
            "has W3; a 3-4-1 network has W1, W2",
        ),
    ],
)
def test_wrong_weights_name_the_expected_shape(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, arrays: dict[str, np.ndarray], message: str
) -> None:
    np.savez(tmp_path / "bad.npz", **arrays)
    assert message in _error(capsys, "--weights", str(tmp_path / "bad.npz"))


def test_a_weights_file_that_is_neither_npz_nor_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "w.txt").write_text("W1 = 3")
    assert "is neither an .npz (np.savez) nor JSON" in _error(capsys, "--weights", str(tmp_path / "w.txt"))
    np.save(tmp_path / "pickled.npy", np.array([object()], dtype=object), allow_pickle=True)
    assert "neither" in _error(capsys, "--weights", str(tmp_path / "pickled.npy"))


# -- lesson files and expressions ---------------------------------------------------------------------------------


def test_a_lesson_file_parses_into_stops(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "# My lesson\nHello.\n\n## iteration 1 · dW2\nThe gradient {dW2[0,0]:.3f}.\n\n"
        "## every iteration · loss\nC = {loss}.\n",
        "mine.md",
    )
    lesson = load_lesson(path)
    assert lesson.title == "My lesson" and lesson.intro == "Hello."
    assert lesson.stop_at(1, "dW2") is not None and lesson.stop_at(1, "dW2").text == "The gradient {dW2[0,0]:.3f}."  # type: ignore[union-attr]
    assert lesson.stop_at(7, "loss").text == "C = {loss}."  # type: ignore[union-attr]
    assert lesson.stop_at(7, "z1") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("## iteration one\nx\n", "line 1: a stop heading must read '## iteration N'"),
        ("## iteration 1\n{__import__('os')}\n", "line 2: {__import__('os')} calls something other than"),
        ("# only a title\n", "needs at least one '## iteration N' section"),
    ],
)
def test_lesson_file_errors_name_the_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str, message: str
) -> None:
    path = _write(tmp_path, text, "bad.md")
    assert message in _error(capsys, "--lesson", path)


@pytest.mark.parametrize("bad", ["a1.T", "open('x')", "a1[0]", "[1, 2]", "'text'", "a1[0,0] if 1 else 2", "x" * 201])
def test_expressions_outside_the_grammar_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        check_expression(bad)


def test_the_tutorial_lesson_is_only_for_its_network(capsys: pytest.CaptureFixture[str]) -> None:
    assert "lesson 'tutorial' is written for the tutorial network" in _error(
        capsys, "--lesson", "tutorial", "--hidden", "8"
    )


def test_presets_command_lists_each_preset_with_its_source(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "presets")
    assert code == 0
    for name in PRESETS:
        assert f"\n{name} " in "\n" + out
    assert "Matt Mazur" in out and "Hagan, Demuth, Beale" in out and "iamtrask" in out


def test_scenario_errors_are_scenario_errors() -> None:
    with pytest.raises(ScenarioError):
        load_preset("nope")


@pytest.mark.parametrize(
    ("extra", "line", "field", "message"),
    [
        (
            '[[stop]]\niteration = 1\nop = "dw2"\ntext = "x"\n',
            25,
            "[[stop]] #1 op",
            "names no operation of this network",
        ),
        ('[[stop]]\niteration = 1\ntext = "see {dW3[0,0]}"\n', 25, "[[stop]] #1 text", "names 'dW3'"),
        (
            '[[printed]]\nlabel = "x"\niteration = 1\nvalue = "a2[0,5]"\nprinted = "1"\n',
            26,
            "[[printed]] #1 value",
            "outside its 1×2",
        ),
    ],
)
def test_a_lesson_that_does_not_fit_the_network_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, extra: str, line: int, field: str, message: str
) -> None:
    path = _write(tmp_path, MAZUR_LIKE + "\n" + extra)
    err = _error(capsys, "--scenario", path)
    assert err.startswith(f"tuinet: error: {path} line {line}: {field} ") and message in err, err


def test_a_lesson_file_that_names_a_missing_operation(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = _write(tmp_path, "## every iteration · dW3\nx\n", "mine.md")
    err = _error(capsys, "--lesson", path)
    assert "section '## every iteration · dW3': names no operation of this network" in err


def test_expressions_evaluate_on_the_trace_or_fail_as_value_errors() -> None:
    from tuinet.scenario.quantities import evaluate

    trace = History(build(NetConfig())).trace(1)
    assert evaluate("mean(abs(e))", trace) == float(np.mean(np.abs(trace["e"])))
    assert evaluate("delta2[0,0] * W2[1,0] - 1", trace) == float(trace["delta2"][0, 0] * trace["W2"][1, 0] - 1)
    for bad in ("10**400", "a1", "a1[9,9]"):
        with pytest.raises((ValueError, IndexError)):
            evaluate(bad, trace)
    with pytest.raises(KeyError):
        evaluate("dW9[0,0]", trace)


def test_a_built_in_lesson_is_exported_by_name(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, text, _ = run(capsys, "export", "--lesson", "tutorial", "--format", "scenario")
    assert code == 0 and 'lesson = "tutorial"' in text and "[[stop]]" not in text
    from tuinet.words.lessons import BUILTIN_LESSONS

    assert load_scenario(_write(tmp_path, text)).lesson == BUILTIN_LESSONS["tutorial"]


def test_a_scenario_names_its_lesson_file_relative_to_itself(tmp_path: Path) -> None:
    (tmp_path / "course").mkdir()
    (tmp_path / "course" / "notes.md").write_text("# Notes\n\n## iteration 1 · dW2\nLook: {dW2[0,0]:.3f}.\n")
    path = _write(tmp_path / "course", 'lesson = "notes.md"\n[network]\nhidden = [3]\n')
    scenario = load_scenario(path)
    assert scenario.lesson is not None and scenario.lesson.title == "Notes"
    assert scenario.lesson.stop_at(1, "dW2") is not None
