"""The why on screen, driven as a user does: the equation's reason, d (derivation), n (notation), w (mistakes), ?."""

from __future__ import annotations

import io

import numpy as np
from rich.console import Console
from rich.text import Text
from textual.app import App
from textual.widgets import Static

from tests.screen import pane_text, read_matrix
from tuinet.app import make_app
from tuinet.engine import NetConfig, build
from tuinet.engine.history import History
from tuinet.words.numbers import fmt

TRACE = History(build(NetConfig())).trace(1)


def static_text(app: App[None], selector: str) -> str:
    """What a Static was last given (Text or a Rich table), as plain text without wrapping."""
    content = app.screen.query_one(selector, Static).content
    if isinstance(content, Text):
        return content.plain
    console = Console(file=io.StringIO(), width=400, color_system=None)
    with console.capture() as capture:
        console.print(content)
    return capture.get()


async def test_equation_shows_the_reason_and_ends_with_the_cells_result_at_80x24() -> None:
    app = make_app(NetConfig())
    async with app.run_test(size=(80, 24)) as pilot:
        for key in ["right"] * 8 + ["full_stop"]:  # dW2 = a1ᵀ·δ2, then `.` steps its first cell
            await pilot.press(key)
        text = pane_text(app, "#equation")
        lines = [line for line in text.split("\n") if line.strip()]
        assert lines[0].startswith("dW2 = a1ᵀ · δ2")
        assert "∂C/∂W2[i,j] = Σ_n a1[n,i]·δ2[n,j]" in text and "Σ_n because C sums over samples" in text
        assert lines[-1].endswith(fmt(float(TRACE["dW2"][0, 0]), 3))  # the text ends with its result
        assert all(len(line) <= 78 for line in lines)  # wrapped, never cut sideways


async def test_d_shows_the_whole_derivation_and_follows_the_steps() -> None:
    app = make_app(NetConfig())
    async with app.run_test(size=(120, 40)) as pilot:
        for key in ["right"] * 10 + ["full_stop"]:  # op 10, dW1 = a0ᵀ·δ1, then `.`: its first cell
            await pilot.press(key)
        await pilot.press("d")
        text = static_text(app, "#derivation")
        assert "dW1 = a0ᵀ · δ1" in text and "that is where a0ᵀ comes from" in text
        assert "∂C/∂w_ij = δ_j·x_i is one sample's term" in text
        assert f"= {fmt(float(TRACE['dW1'][0, 0]), 3)}" in text
        await pilot.press("h")  # the app's keys still step underneath; the derivation follows
        text = static_text(app, "#derivation")
        assert "δ1 = (δ2 · W2ᵀ) ⊙ σ′(z1)" in text and "row i of W2" in text
        await pilot.press("d")
        assert not app.screen.query("#derivation")


async def test_n_cycles_notations_on_status_equation_stage_and_panes() -> None:
    app = make_app(NetConfig())
    async with app.run_test(size=(120, 40)) as pilot:
        for key in ["right"] * 8:  # dW2, complete
            await pilot.press(key)
        await pilot.press("n")  # tutorial
        assert "−a1.T@dC_dw2" in pane_text(app, "#status")
        equation = pane_text(app, "#equation")
        assert "−a1.T@dC_dw2 = a1ᵀ · (−dC_dw2)" in equation
        stage = pane_text(app, "#stage")
        shown = read_matrix(stage, "−dC_dw2")
        assert shown == [[fmt(float(x), 3)] for x in TRACE["delta2"][:, 0]]  # −dC_dw2 is δ2: tuinet's numbers
        assert read_matrix(pane_text(app, "#pane-weights"), "weight1")[0][0] == fmt(float(TRACE["W1"][0, 0]), 3)
        await pilot.press("n")  # trask
        assert "−l1.T.dot(l2_delta)" in pane_text(app, "#status")
        await pilot.press("n")  # nielsen: every matrix drawn transposed, the numbers unchanged
        weights = pane_text(app, "#pane-weights")
        shown = read_matrix(weights, "W1")
        assert len(shown) == 4 and len(shown[0]) == 3  # outputs×inputs
        assert shown == [[fmt(float(x), 3) for x in row] for row in TRACE["W1"].T]
        equation = pane_text(app, "#equation")
        assert "∇W2 = δ2 · a1ᵀ" in equation and "(1×4)·(4×4)ᵀ → (1×4)" in equation
        stage = pane_text(app, "#stage")
        assert stage.index("δ2 (1×4)") < stage.index("a1ᵀ (4×4)")  # ∇W = δ·a_prevᵀ: δ first
        await pilot.press("n")  # back to tuinet
        assert "dW2 = a1ᵀ · δ2" in pane_text(app, "#equation")


async def test_nielsen_cell_highlights_and_filling_are_transposed() -> None:
    app = make_app(NetConfig(), notation="nielsen")
    async with app.run_test(size=(120, 40)) as pilot:
        for key in ["right"] * 10 + ["full_stop"] * 2:  # dW1's cells (0,0), (0,1) in tuinet = (0,0), (1,0) here
            await pilot.press(key)
        view = app.view
        assert view is not None
        shown = view.shown("dW1")
        assert shown.values.shape == (4, 3)
        mask = shown.filled_mask()
        assert mask[0, 0] and mask[1, 0] and not mask[0, 1] and int(mask.sum()) == 2
        assert shown.region is not None and (shown.region.kind, shown.region.i, shown.region.j) == ("cell", 1, 0)
        assert np.array_equal(shown.values, TRACE["dW1"].T)
        assert "∇W1[1,0] = Σ_n δ1[1,n]·a0[0,n]" in pane_text(app, "#equation")


async def test_w_opens_the_mistakes_lab_with_real_numbers() -> None:
    app = make_app(NetConfig())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("w")
        text = static_text(app, "#mistake")
        assert "no-activation" in text and "W2 -= lr * delta2" in text and "same shape by coincidence" in text
        await pilot.press("3")
        text = static_text(app, "#mistake")
        assert "ValueError: shapes (4,3) and (4,4) not aligned: 3 (dim 1) != 4 (dim 0)" in text
        await pilot.press("right_square_bracket")  # sign
        text = static_text(app, "#mistake")
        assert "goes up" in text and fmt(TRACE.loss, 4) in text
        await pilot.press("space", "space")  # the app still steps (finish 1, run 2): the lab follows
        assert "at iteration 2" in static_text(app, "#mistake")
        await pilot.press("w")
        assert not app.screen.query("#mistake")


async def test_help_has_the_glossary_and_no_misleading_sentence() -> None:
    app = make_app(NetConfig())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        glossary = static_text(app, "#glossary")
        for term in ("δ_l", "e", "⊙", "⊗", "ᵀ", "σ, σ′", "∂", "Σ_n", "a row is a sample", "W_l"):
            assert term in glossary
        assert "∂C/∂z" in glossary and "outputs×inputs" in glossary
        assert "(A ⊙ B)[n,j] = A[n,j]·B[n,j]" in glossary  # indices shown, not eaten as markup
        texts = " ".join(str(w.content) for w in app.screen.query(Static))
        assert "Everything shown is ∂C/∂W" not in texts and "not ∂C/∂W2" in texts


async def test_why_views_say_the_names_in_the_active_notation() -> None:
    app = make_app(NetConfig(), notation="tutorial")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("s")
        text = pane_text(app, "SignsView")
        flat = " ".join(text.split())
        assert "form B is your code — its e is your delta2, its δ2 is your dC_dw2" in flat
        assert "form A is tuinet's (e = −delta2, δ2 = −dC_dw2)" in flat
        await pilot.press("o")
        text = pane_text(app, "OuterView").replace("\n", " ")
        assert "δ2 is your −dC_dw2" in text and "dW2 is your −a1.T@dC_dw2" in text


async def test_a_tutorial_learner_at_80x24_reads_why_dC_dw2_is_not_dC_dW2() -> None:
    """The issue's question 4, on screen at 80×24 without opening anything: step to δ2 in the tutorial's names."""
    app = make_app(NetConfig())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", *["right"] * 7)
        text = " ".join(pane_text(app, "#equation").split())
        assert text.startswith("−dC_dw2 = (−delta2) ⊙ derv_sigmoid(a2)")
        assert "your dC_dw2 is −δ2 = −∂C/∂z2, not ∂C/∂W2" in text
        assert read_matrix(pane_text(app, "#stage"), "−dC_dw2")[0] == [fmt(float(TRACE["delta2"][0, 0]), 3)]
