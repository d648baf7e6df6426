"""`tuinet transcript`: plain UTF-8, the screen's words (words/reasons.py) and the engine's numbers."""

from __future__ import annotations

import re

import pytest

from tests.cli_run import run
from tuinet.engine import NetConfig, build
from tuinet.engine.history import History
from tuinet.words.notation import get_profile
from tuinet.words.numbers import fmt
from tuinet.words.reasons import explain
from tuinet.words.terms import Facts

BOX = re.compile("[\u2500-\u257f\u2580-\u259f]")
"""Box drawing and block elements: never in a transcript."""


def plain(text: str) -> None:
    assert "\x1b" not in text, "no escape sequences (colour)"
    assert not BOX.search(text), "no box drawing"
    text.encode("utf-8")


def test_operation_granularity_has_every_reason_and_result(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "transcript")
    assert code == 0 and err == ""
    plain(out)
    network = build(NetConfig())
    trace = History(network).trace(1)
    for op in trace.schedule:
        reason = explain(op, trace, Facts.of(network), get_profile("tuinet"))
        assert reason.formula in out
        for line in reason.full:
            assert line in out
    assert f"loss C = {fmt(trace.loss, 6)}" in out
    W2_new = "  ".join(fmt(float(x), 3) for x in trace["W2_new"][:, 0])
    assert "W2′ (4×1) =" in out and fmt(float(trace["W2_new"][0, 0]), 3) in out and W2_new


def test_cell_granularity_spells_out_every_cell(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "transcript", "--granularity", "cell", "--notation", "tutorial")
    assert code == 0
    plain(out)
    network = build(NetConfig())
    trace = History(network).trace(1)
    cells = [line for line in out.splitlines() if line.startswith("   cell: ")]
    assert len(cells) == sum(int(trace[op.result].size) for op in trace.schedule)
    assert "   cell: (−x.T@dC_dw1)[0,0] = Σ_n x[n,0]·(−dC_dw1)[n,0]" in out
    assert "your dC_dw2 is −δ2 = −∂C/∂z2, not ∂C/∂W2" in out


def test_iteration_granularity_and_nielsen(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "transcript", "--iterations", "3", "--granularity", "iteration", "--notation", "nielsen")
    assert code == 0
    plain(out)
    network = build(NetConfig())
    history = History(network)
    for iteration in (1, 2, 3):
        assert f"== iteration {iteration} " in out
        assert f"loss C = {fmt(history.trace(iteration).loss, 6)}" in out
    assert "tuinet's W1 is this W1ᵀ" in out and "z1 = W1 · a0    (4×3)·(3×4) → (4×4)" in out
    W1 = history.trace(3)["W1_new"]
    assert "W1′ (4×3) =" in out
    lines = out.split("== iteration 3")[1].splitlines()
    first_row = lines[lines.index("W1′ (4×3) =") + 1].strip("[] ").split()
    assert first_row == [fmt(float(x), 3) for x in W1[:, 0]]  # row 0 of W1ᵀ is column 0 of W1


@pytest.mark.parametrize(
    "args",
    [
        ["transcript", "--notation", "textbook"],
        ["transcript", "--granularity", "sample"],
        ["transcript", "--iterations", "0"],
        ["transcript", "--mistake", "typo"],
    ],
)
def test_bad_options_are_one_line(capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2 and out == "" and err.startswith("tuinet: error: ") and err.count("\n") == 1


def test_export_md_uses_the_notation(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "export", "--format", "md", "--notation", "trask")
    assert code == 0
    assert "`−l1.T.dot(l2_delta) = l1ᵀ · (−l2_delta)`" in out and "- why: " in out
    assert "your l2_delta is −δ2 = −∂C/∂z2" in out


def test_notation_before_the_command_is_kept(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--notation", "trask", "transcript", "--granularity", "iteration")
    assert code == 0 and "notation: trask" in out and "syn0′ (3×4) =" in out


NOTATION_ERROR = "tuinet: error: --notation must be one of tuinet, tutorial, trask, nielsen, got 'x'\n"


@pytest.mark.parametrize(
    "args",
    [
        ["--notation", "x"],
        ["--notation", "x", "export"],
        ["export", "--notation", "x"],
        ["--notation", "x", "transcript"],
        ["transcript", "--notation=x"],
        ["--notation", "nielsen", "export", "--notation", "x"],
        ["--notation", "x", "export", "--format", "md", "--notation", "nielsen"],  # replaced, still refused
        ["--notation", "x", "transcript", "--notation", "trask"],
    ],
)
def test_a_bad_notation_is_the_same_line_wherever_it_is_given(
    capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    code, out, err = run(capsys, *args)
    assert (code, out, err) == (2, "", NOTATION_ERROR)


def test_a_notation_after_the_command_wins_over_one_before(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "--notation", "trask", "transcript", "--notation", "nielsen", "--granularity", "iteration"
    )
    assert code == 0 and "notation: nielsen" in out and "W1′ (4×3) =" in out
    code, out, _ = run(capsys, "--notation", "nielsen", "export", "--format", "md", "--notation", "trask")
    assert code == 0 and "your l2_delta is −δ2 = −∂C/∂z2" in out
    for command in ("transcript", "export"):
        code, out, _ = run(capsys, command, "--help")
        assert code == 0 and "the one after it wins" in " ".join(out.split())


def test_a_source_cell_name_reads_as_the_source_writes_the_update(capsys: pytest.CaptureFixture[str]) -> None:
    """Mazur's w5⁺ = w5 − η·∂E/∂w5: the operand is named w5, never written "= w5 = W2[0,0] − …" (which reads as an
    equation saying w5 is the update)."""
    code, out, _ = run(capsys, "transcript", "--preset", "mazur", "--granularity", "cell")
    assert code == 0
    assert "cell: w5⁺ = W2′[0,0] = w5 − lr·dW2[0,0] = 0.400 − 0.5×0.082 = 0.359" in out
    assert "= w5 = W2[0,0]" not in out
