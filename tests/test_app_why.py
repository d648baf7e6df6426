"""Pilot tests of the why-views, exports and sessions: press the keys a learner would, read the screen."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.screen import pane_text, read_matrix
from tuinet.app import make_app
from tuinet.app.panes import MatrixPane
from tuinet.app.sessionfile import SavedSession, load, save
from tuinet.app.why import WhyScreen
from tuinet.app.whyfacts import GradFacts, OuterFacts, SignFacts
from tuinet.engine import NetConfig, build
from tuinet.engine.history import History
from tuinet.words.numbers import fmt


def why_text(app: object, tab: str) -> str:
    return pane_text(app, f"#{tab} WhyView")  # type: ignore[arg-type]


async def test_outer_products_step_sample_by_sample_to_dw() -> None:
    """o opens the outer products of the current layer; . adds samples until the sum equals dW."""
    app = make_app(NetConfig())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space", "o")
        await pilot.pause()
        assert isinstance(app.screen, WhyScreen)
        text = why_text(app, "outer")
        assert "a1 is 4×4 (samples × units) and δ2 is 4×1" in text
        assert "a Kronecker product would give" in text
        await pilot.press("full_stop", "full_stop", "full_stop")
        await pilot.pause()
        text = why_text(app, "outer")
        assert "✓ the sum of all 4 outer products equals dW2" in text
        dW2 = History(build(NetConfig())).trace(1)["dW2"]
        assert all(fmt(float(v), 3) in text for v in dW2.ravel())
        await pilot.press("right_square_bracket")  # the other layer
        await pilot.pause()
        assert "dW1 = Σ_n a0[n]ᵀ ⊗ δ1[n]" in why_text(app, "outer")


async def test_gradient_check_view_matches_and_follows_iterations() -> None:
    """c shows every weight's analytic and numeric gradient agreeing; space moves it to the next iteration."""
    app = make_app(NetConfig(hidden=(3, 2), bias=True, activation="tanh"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("c")
        await pilot.pause()
        text = why_text(app, "gradcheck")
        assert "Iteration 1: ✓ all" in text and "MISMATCH" not in text
        await pilot.press("space", "space")
        await pilot.pause()
        assert "Iteration 2: ✓ all" in why_text(app, "gradcheck")


async def test_sign_conventions_show_identical_weights() -> None:
    """s writes both forms side by side and says the new weights are identical."""
    app = make_app(NetConfig())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space", "s")
        await pilot.pause()
        text = why_text(app, "signs")
        assert "e = a2 − y" in text and "e = y − a2" in text
        assert "W2′ = W2 − lr·(a1ᵀ·δ2)" in text and "W2′ = W2 + lr·(a1ᵀ·δ2)" in text
        assert "✓ identical new weights" in text
        assert "∂C/∂W2[0,0] = Σ_n a1[n,0]·δ2[n,0]" in text


async def test_prediction_map_marks_the_training_points() -> None:
    """m draws the output over the input square with the four XOR points marked by target."""
    app = make_app(NetConfig())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("m")
        await pilot.pause()
        text = why_text(app, "map")
        assert text.count("●") >= 2 + 1 and text.count("○") >= 2 + 1  # two of each, plus the legend
        assert "held constant: x3 = 1" in text


async def test_prediction_map_explains_when_it_cannot_draw(tmp_path: Path) -> None:
    """A 3-input dataset has no faithful 2-D picture: the map says so instead of drawing nonsense."""
    data = tmp_path / "three.csv"
    data.write_text("\n".join(f"{i % 2},{i % 3},{i % 5},{i % 2}" for i in range(12)))
    app = make_app(NetConfig(dataset=str(data)))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("m")
        await pilot.pause()
        assert "needs a dataset with two varying inputs" in why_text(app, "map")


async def test_export_from_the_app_writes_a_script_that_reproduces_the_iteration(tmp_path: Path) -> None:
    """x, a path and enter write a numpy script; running it prints this iteration's numbers."""
    target = tmp_path / "step.py"
    app = make_app(NetConfig())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space", "space", "x")
        await pilot.pause()
        path_input = app.screen.query_one("#path")
        path_input.value = str(target)  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
    output = subprocess.run([sys.executable, str(target)], capture_output=True, text=True, timeout=60).stdout
    values = dict(line.split(" = ", 1) for line in output.splitlines() if " = " in line)
    trace = History(build(NetConfig())).trace(2)
    assert np.array_equal(np.array(json.loads(values["dW1"])), trace["dW1"])


async def test_session_round_trip_restores_the_same_screen(tmp_path: Path) -> None:
    """ctrl+s saves; a new app made from the file shows the same cursor, pane, digits and why-view."""
    path = tmp_path / "s.json"
    config = NetConfig(hidden=(3,), seed=5)
    app = make_app(config, digits=4)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space", "right", "right", "full_stop", "full_stop", "3")
        await pilot.pause()
        before_cursor = app.view.cursor
        before_stage = pane_text(app, "#stage")
        await pilot.press("ctrl+s")
        await pilot.pause()
        app.screen.query_one("#path").value = str(path)  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
    saved = load(path)
    assert saved.config == config and saved.pane == "activations" and saved.digits == 4
    restored = make_app(saved.config, saved=saved)
    async with restored.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert restored.view.cursor == before_cursor
        assert restored.view.cell_mode
        assert pane_text(restored, "#stage") == before_stage
        assert restored.query_one("#pane-compact", MatrixPane).pane == "activations"


async def test_saving_with_a_why_view_open_reopens_it(tmp_path: Path) -> None:
    """The open why-view is part of the screen: it comes back on load."""
    app = make_app(NetConfig())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space", "s")
        await pilot.pause()
        state = app.current_state()
    assert state.view == "signs"
    restored = make_app(state.config, saved=state)
    async with restored.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert isinstance(restored.screen, WhyScreen) and restored.screen.active == "signs"


@pytest.mark.parametrize("content", ['{"format": "tuinet-session", "version": 1', "not json", '{"version": 99}'])
async def test_loading_a_bad_session_keeps_the_current_one(tmp_path: Path, content: str) -> None:
    """ctrl+o on a bad file shows a one-line notice and leaves the session on screen untouched."""
    path = tmp_path / "bad.json"
    path.write_text(content)
    app = make_app(NetConfig())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space", "space", "ctrl+o")
        await pilot.pause()
        app.screen.query_one("#path").value = str(path)  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        assert app.view.cursor == app.session.complete(2)
        notices = [n.message for n in app._notifications]
        assert any("session file" in m and "\n" not in m for m in notices)


async def test_the_open_why_view_and_its_choices_live_in_the_session() -> None:
    """o, c, a click on a tab, . and ] change the session's state; the view carries the open tab's facts only."""
    app = make_app(NetConfig())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space", "o", "full_stop")
        await pilot.pause()
        assert app.session.why == "outer" and app.session.why_picks["outer"].index == 1
        assert isinstance(app.view.why, OuterFacts) and app.view.why.n == 1
        assert "sample n = 1 (dataset row 1) of 4" in why_text(app, "outer")
        await pilot.press("c")  # the why screen's own c: another tab
        await pilot.pause()
        assert app.session.why == "gradcheck" and isinstance(app.view.why, GradFacts)
        await pilot.click("#--content-tab-signs")
        await pilot.pause()
        assert app.session.why == "signs" and isinstance(app.view.why, SignFacts)
        await pilot.press("right_square_bracket")  # signs' layer: 2 (the output, after an update) → 1
        await pilot.pause()
        assert app.session.why_layer("signs") == 1 and app.session.why_layer("outer") == 2
        assert "∂C/∂W1[0,0] = Σ_n a0[n,0]·δ1[n,0]" in why_text(app, "signs")
        assert app.current_state().view == "signs"
        await pilot.press("escape")
        await pilot.pause()
        assert app.session.why is None and app.view.why is None and app.current_state().view is None


async def test_opening_another_network_at_the_same_cursor_redraws_every_number(tmp_path: Path) -> None:
    """ctrl+o of a seed-2 session at the very cursor on screen: every pane shows seed 2's numbers, none stay."""
    path = tmp_path / "seed2.json"
    other = NetConfig(seed=2)
    save(path, SavedSession(config=other, iteration=1, op=11, cells=12))  # iteration 1 complete (W1′ is 3×4)
    app = make_app(NetConfig())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space", "ctrl+o")
        await pilot.pause()
        app.screen.query_one("#path").value = str(path)  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        trace = History(build(other)).trace(1)
        assert app.session.config == other and app.view.cursor == app.session.complete(1)

        def shown(values: np.ndarray) -> list[list[str]]:
            return [[fmt(float(v), 3) for v in row] for row in values]

        # (label on screen, pane, the engine's matrix): the Weights pane shows W1 as it stands, i.e. updated.
        for label, pane, name in (
            ("z1", "activations", "z1"),
            ("δ1", "deltas", "delta1"),
            ("dW1", "updates", "dW1"),
            ("W1", "weights", "W1_new"),
        ):
            assert read_matrix(pane_text(app, f"#pane-{pane}"), label) == shown(trace[name]), label
        assert read_matrix(pane_text(app, "#stage"), "W1′") == shown(trace["W1_new"])
