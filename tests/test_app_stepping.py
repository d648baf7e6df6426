"""Pilot tests: press keys as a user does and check the numbers shown equal the engine's trace."""

from __future__ import annotations

import numpy as np
import pytest

from tests.screen import pane_text, read_matrix
from tuinet.app import make_app
from tuinet.app.panes import MatrixPane
from tuinet.app.session import Cursor
from tuinet.engine import NetConfig, build
from tuinet.engine.history import History
from tuinet.words.names import label as label_of
from tuinet.words.numbers import fmt

PANE_OF = {
    "a0": "inputs",
    "y": "inputs",
    "W1": "weights",
    "W2": "weights",
    "z1": "activations",
    "a1": "activations",
    "z2": "activations",
    "a2": "activations",
    "e": "deltas",
    "delta1": "deltas",
    "delta2": "deltas",
    "dW1": "updates",
    "dW2": "updates",
    "W1_new": "updates",
    "W2_new": "updates",
}


def expected(values: np.ndarray, filled: int | None = None, digits: int = 3) -> list[list[str]]:
    flat = [fmt(float(v), digits) for v in values.ravel()]
    if filled is not None:
        flat = [v if k < filled else "·" for k, v in enumerate(flat)]
    cols = values.shape[1]
    return [flat[r * cols : (r + 1) * cols] for r in range(values.shape[0])]


def shown(app, name: str) -> list[list[str]]:
    label = label_of(app.view.trace, name)
    return read_matrix(pane_text(app, f"#pane-{PANE_OF[name]}"), label)


def reference_trace(iteration: int, config: NetConfig | None = None):
    history = History(build(config or NetConfig()))
    return history.trace(iteration)


async def test_start_shows_inputs_and_initial_weights_and_nothing_else() -> None:
    """At start, X, y and the seed-1 weights are shown; every computed matrix is empty."""
    app = make_app(NetConfig())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        np.random.seed(1)
        W1 = np.random.random((3, 4))
        W2 = np.random.random((4, 1))
        assert shown(app, "W1") == expected(W1)
        assert shown(app, "W2") == expected(W2)
        assert shown(app, "a0") == expected(np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1.0]]))
        assert shown(app, "z1") == expected(np.zeros((4, 4)), filled=0)
        assert shown(app, "dW1") == expected(np.zeros((3, 4)), filled=0)


@pytest.mark.parametrize("presses", [1, 2, 5])
async def test_space_runs_whole_iterations(presses: int) -> None:
    """space × n shows iteration n complete: every matrix equals the engine's trace of iteration n."""
    app = make_app(NetConfig())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*["space"] * presses)
        await pilot.pause()
        trace = reference_trace(presses)
        assert app.view.cursor.iteration == presses
        for name in ("z1", "a1", "z2", "a2", "e", "delta1", "delta2", "dW1", "dW2", "W1_new", "W2_new"):
            assert shown(app, name) == expected(trace[name]), name
        # Weights "as they stand" after the update are the new weights.
        assert shown(app, "W1") == expected(trace["W1_new"])
        assert f"tuinet iteration {presses} · update" in pane_text(app, "#status")


async def test_operation_stepping_forward_and_back() -> None:
    """→ fills one operation at a time; ← empties them again, showing exactly the earlier numbers."""
    app = make_app(NetConfig())
    async with app.run_test(size=(120, 40)) as pilot:
        trace = reference_trace(1)
        await pilot.press("right")
        await pilot.pause()
        assert shown(app, "z1") == expected(trace["z1"])
        assert shown(app, "a1") == expected(trace["a1"], filled=0)
        await pilot.press("right", "right", "right")
        await pilot.pause()
        assert shown(app, "a2") == expected(trace["a2"])
        assert shown(app, "e") == expected(trace["e"], filled=0)
        await pilot.press("left", "left")
        await pilot.pause()
        assert shown(app, "a1") == expected(trace["a1"])
        assert shown(app, "z2") == expected(trace["z2"], filled=0)
        # Twelve operations make an iteration: the 13th → starts iteration 2.
        await pilot.press(*["right"] * 11)
        await pilot.pause()
        assert app.view.cursor.iteration == 2 and app.view.cursor.op == 0
        assert shown(app, "z1") == expected(reference_trace(2)["z1"])
        await pilot.press("left", "left")
        await pilot.pause()
        assert app.view.cursor == app.session.complete(1)
        assert shown(app, "W1") == expected(trace["W1_new"])


async def test_cell_stepping_fills_a_product_cell_by_cell() -> None:
    """. fills z1 one cell at a time with the dot product shown; , takes cells back."""
    app = make_app(NetConfig())
    async with app.run_test(size=(120, 40)) as pilot:
        trace = reference_trace(1)
        await pilot.press("full_stop", "full_stop", "full_stop")
        await pilot.pause()
        assert shown(app, "z1") == expected(trace["z1"], filled=3)
        equation = pane_text(app, "#equation")
        z = trace["z1"][0, 2]
        assert "z1[0,2] = Σ_i a0[0,i]·W1[i,2]" in equation  # row 0 of a0 times column 2 of W1, term by term
        assert equation.rstrip().endswith(fmt(float(z), 3))
        await pilot.press("comma")
        await pilot.pause()
        assert shown(app, "z1") == expected(trace["z1"], filled=2)
        # Past the last of z1's 16 cells the next operation (a1 = σ(z1)) starts.
        await pilot.press(*["full_stop"] * 15)
        await pilot.pause()
        assert shown(app, "z1") == expected(trace["z1"])
        assert shown(app, "a1") == expected(trace["a1"], filled=1)


async def test_backward_from_later_iteration_shows_earlier_numbers_exactly() -> None:
    """Go forward 30 iterations, come back to 3: the screen equals a fresh engine's iteration 3."""
    app = make_app(NetConfig())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*["space"] * 30)
        await pilot.press(*["backspace"] * 27)
        await pilot.pause()
        trace = reference_trace(3)
        assert app.view.cursor == app.session.complete(3)
        for name in ("z1", "delta1", "dW1", "W2_new"):
            assert shown(app, name) == expected(trace[name])


async def test_reset_and_start_boundaries() -> None:
    """r returns to the start of iteration 1; stepping back from the start stays there."""
    app = make_app(NetConfig())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space", "space", "r")
        await pilot.pause()
        assert app.view.cursor == Cursor()
        await pilot.press("left", "comma", "backspace")
        await pilot.pause()
        assert app.view.cursor == Cursor()


# A key flood (keys arriving faster than frames) cannot be made with Pilot, which waits for idle after each key:
# tests/test_terminal.py::test_key_floods_settle_quickly_on_the_right_state writes 500 presses at once to the
# real program in a pty, at each granularity, and checks the settled screen against the cursor arithmetic.


async def test_jump_to_iteration() -> None:
    """g, a number and enter jump to that iteration's finished state."""
    app = make_app(NetConfig())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("g", "5", "0", "enter")
        await pilot.pause()
        assert app.view.cursor == app.session.complete(50)
        assert shown(app, "dW1") == expected(reference_trace(50)["dW1"])


async def test_jump_rejects_bad_numbers_with_a_notice() -> None:
    """A number out of range keeps the dialog open with a message; escape cancels."""
    app = make_app(NetConfig())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("g", "0", "enter")
        await pilot.pause()
        assert "Out of range" in str(app.screen.query_one("#jump-error").render())
        await pilot.press("escape")
        await pilot.pause()
        assert app.view.cursor == Cursor()


async def test_too_small_notice() -> None:
    """Below the minimum size the layout is replaced by a notice naming the size needed."""
    app = make_app(NetConfig())
    async with app.run_test(size=(60, 16)) as pilot:
        await pilot.pause()
        text = str(app.query_one("#too-small").render())
        assert "terminal too small (needs 70×22, is 60×16)" in text
        assert app.has_class("-too-small")


async def test_compact_layout_follows_the_operation_and_digits_pick_a_pane() -> None:
    """At 80×24 one pane shows; it follows the operation, and 1–5 pin a pane, 0 follows again."""
    app = make_app(NetConfig())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right")
        await pilot.pause()
        assert app.has_class("-compact")
        assert app.query_one("#pane-compact", MatrixPane).pane == "activations"
        compact = pane_text(app, "#pane-compact")
        assert "z1 (4×4)" in compact and "W1 (3×4)" not in compact
        await pilot.press("2")
        await pilot.pause()
        assert app.query_one("#pane-compact", MatrixPane).pane == "weights"
        assert "W1 (3×4)" in pane_text(app, "#pane-compact")
        await pilot.press("0", "right", "right", "right", "right")
        await pilot.pause()
        assert app.query_one("#pane-compact", MatrixPane).pane == "deltas"
        assert "δ2 (4×1)" in pane_text(app, "#pane-compact")


async def test_help_screen_lists_the_keys() -> None:
    """? opens the help with every key; escape closes it."""
    app = make_app(NetConfig())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        from tuinet.app.screens import HelpScreen

        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_multilayer_bias_net_numbers_match() -> None:
    """A 2-hidden-layer tanh net with biases shows the engine's numbers after operation steps."""
    config = NetConfig(hidden=(3, 2), activation="tanh", bias=True, dataset="xor")
    app = make_app(config)
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.press("space", "space")
        await pilot.pause()
        trace = reference_trace(2, config)
        for name in ("z3", "delta1", "db2", "dW3"):
            label = label_of(trace, name)
            pane = {"z": "activations", "d": "deltas" if name.startswith("delta") else "updates"}[name[0]]
            assert read_matrix(pane_text(app, f"#pane-{pane}"), label) == expected(trace[name]), name


async def test_update_on_the_stage_shows_the_old_weights_on_the_left() -> None:
    """W1′ = W1 − lr·dW1: the stage's W1 is the weights before the update, while the Weights pane shows W1′."""
    app = make_app(NetConfig())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space")
        await pilot.pause()
        trace = reference_trace(1)
        stage = pane_text(app, "#stage")
        assert read_matrix(stage, "W1") == expected(trace["W1"])
        assert read_matrix(stage, "W1′") == expected(trace["W1_new"])
        assert shown(app, "W1") == expected(trace["W1_new"])
