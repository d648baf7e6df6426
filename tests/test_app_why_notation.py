"""The why-views under a notation profile: drawn in the profile's orientation and names, numbers the engine's.

Nielsen's column vectors: W is outputs×inputs, a is units×samples, ∇W = δ·a_prevᵀ, so sample n's outer product
is δ[n] (a column) times a_prev[n]ᵀ (a row), a matrix of W's shape in that orientation.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tests.screen import pane_text
from tuinet.app import make_app
from tuinet.app.sessionfile import load
from tuinet.engine import NetConfig, build
from tuinet.engine.history import History
from tuinet.engine.types import Matrix
from tuinet.words.numbers import fmt
from tuinet.words.why import outer_products, scalar_gradient


def why_text(app: object, tab: str) -> str:
    return pane_text(app, f"#{tab} WhyView")  # type: ignore[arg-type]


def has_row(text: str, values: Matrix) -> bool:
    """Whether some line of ``text`` shows ``values`` (one row) as consecutive numbers, in this order."""
    wanted = [fmt(float(v), 3) for v in np.ravel(values)]
    for line in text.splitlines():
        tokens = line.replace("[", " ").replace("]", " ").replace("┌", " ").replace("┐", " ").split()
        tokens = [t for t in tokens if t not in "│└┘"]
        if any(tokens[k : k + len(wanted)] == wanted for k in range(len(tokens))):
            return True
    return False


TRACE = History(build(NetConfig())).trace(1)


async def test_outer_products_in_nielsen_are_delta_column_times_activation_row() -> None:
    app = make_app(NetConfig(), notation="nielsen")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space", "o")
        await pilot.pause()
        text = " ".join(why_text(app, "outer").split("\n "))  # the same text, unwrapped where it wrapped
        assert "∇W2 = Σ_n δ2[n] ⊗ a1[n] = Σ_n δ2[n]·a1[n]ᵀ" in text
        assert "a1 is 4×4 (units × samples) and δ2 is 1×4 (outputs × samples): δ2·a1ᵀ sums over the 4" in text
        assert "gives 1×4, the shape of W2 (outputs×inputs)" in text and "would give 4×16" in text
        assert "δ2[0] (1×1)" in text and "a1[0]ᵀ (1×4)" in text and "P0 (1×4)" in text
        assert "∇W2 = δ2·a1ᵀ (1×4)" in text
        assert "drawn as tuinet draws it" not in text
        a1, d2 = TRACE["a1"], TRACE["delta2"]
        assert has_row(text, a1[0])  # a1[0]ᵀ: sample 0's column of Nielsen's a1, as a row
        assert has_row(text, np.outer(d2[0], a1[0]))  # P0 = δ2[0]·a1[0]ᵀ, 1×4
        assert has_row(text, TRACE["dW2"].T)  # ∇W2 = tuinet's dW2ᵀ
        await pilot.press("full_stop", "full_stop", "full_stop")
        await pilot.pause()
        assert "✓ the sum of all 4 outer products equals ∇W2" in why_text(app, "outer")


async def test_outer_products_in_tuinet_keep_the_row_form() -> None:
    app = make_app(NetConfig())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space", "o")
        await pilot.pause()
        text = why_text(app, "outer")
        assert "dW2 = Σ_n a1[n]ᵀ ⊗ δ2[n]" in text and "P0 (4×1)" in text and "dW2 = a1ᵀ·δ2 (4×1)" in text


async def test_sign_conventions_in_nielsen_are_written_and_drawn_in_column_form() -> None:
    app = make_app(NetConfig(), notation="nielsen")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space", "s")
        await pilot.pause()
        text = why_text(app, "signs")
        assert "δ1 = (W2ᵀ · δ2) ⊙ σ′(z1)" in text and "δ2 · W2ᵀ" not in text
        assert "W2′ = W2 − lr·(δ2·a1ᵀ)" in text and "W1′ = W1 + lr·(δ1·a0ᵀ)" in text
        assert "W += lr·(δ·a_prevᵀ)" in text and "a1ᵀ·δ2" not in text
        assert "e (1×4)" in text and "W1′ (4×3)" in text
        assert has_row(text, TRACE["e"].T) and has_row(text, -TRACE["e"].T)  # form A's e, form B's −e
        assert has_row(text, TRACE["W1_new"].T[1])  # row 1 of Nielsen's W1′ = column 1 of tuinet's
        assert "drawn as tuinet draws it" not in text
        dW2, flat = TRACE["dW2"], text.replace("\n", "")  # the scalar line, unwrapped
        assert "∂C/∂W2[0,0] = Σ_n δ2[0,n]·a1[0,n]" in flat
        assert f"(∇W2[0,0] = {fmt(float(dW2[0, 0]), 3)})" in flat
        await pilot.press("full_stop")  # the next weight: tuinet's W2[1,0] is Nielsen's W2[0,1]
        await pilot.pause()
        flat = why_text(app, "signs").replace("\n", "")
        assert "∂C/∂W2[0,1] = Σ_n δ2[0,n]·a1[1,n]" in flat
        assert f"(∇W2[0,1] = {fmt(float(dW2[1, 0]), 3)})" in flat


async def test_gradient_check_and_map_name_the_weights_and_inputs_in_the_profile() -> None:
    app = make_app(NetConfig(), notation="nielsen")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("c")
        await pilot.pause()
        lines = why_text(app, "gradcheck").splitlines()
        # tuinet's W1 is 3×4, checked row by row: its second weight W1[0,1] is Nielsen's W1[1,0].
        analytic = TRACE["dW1"][0, 1]  # iteration 1, the one on screen
        row = next(line for line in lines if line.split() and line.split()[0] == "W1[1,0]")
        assert f"{analytic: .10f}".replace("-", "−").strip() in row
        await pilot.press("m")
        await pilot.pause()
        text = why_text(app, "map")
        assert "output a2 of the network" in text and "x1 = a0[0,:] →" in text and "↑ x2 = a0[1,:]" in text
    app = make_app(NetConfig(), notation="tutorial")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("c")
        await pilot.pause()
        assert "weight1[0,1]" in why_text(app, "gradcheck")
        await pilot.press("m")
        await pilot.pause()
        assert "x1 = x[:,0] →" in why_text(app, "map")


async def test_ctrl_s_saves_the_notation_and_loading_restores_it(tmp_path: Path) -> None:
    """A session saved under Nielsen's notation reopens in it: the why-views and panes in column form again."""
    path = tmp_path / "s.json"
    app = make_app(NetConfig(), notation="nielsen")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space", "ctrl+s")
        await pilot.pause()
        app.screen.query_one("#path").value = str(path)  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
    saved = load(path)
    assert saved.notation == "nielsen"
    restored = make_app(saved.config, saved=saved)  # as `tuinet --load s.json`: no --notation given
    async with restored.run_test(size=(120, 40)) as pilot:
        await pilot.press("o")
        await pilot.pause()
        assert restored.session.notation.name == "nielsen"
        assert "∇W2 = Σ_n δ2[n] ⊗ a1[n]" in why_text(restored, "outer")


def test_one_sample_in_column_form_is_a_column_times_a_row() -> None:
    """--batch 1 under Nielsen: δ·a_prevᵀ for one sample is δ's column times a_prev's column laid as a row."""
    trace = History(build(NetConfig(batch="1"))).trace(1)
    outer = outer_products(trace, 2, columns=True)
    assert outer.why_transpose.startswith("a1 is 4×1 (units × samples) and δ2 is 1×1 (outputs × samples): δ2·a1ᵀ is")
    assert "gives 1×4, the shape of W2 (outputs×inputs)" in outer.why_transpose
    assert outer.why_transpose.endswith("which for N samples would grow to N×4N.")
    assert np.kron(trace["delta2"].T, trace["a1"]).shape == (1, 4)  # N = 1: kron(δ, a1ᵀ) is the outer product
    scalar = scalar_gradient(trace, 1, 2, 3, columns=True)  # tuinet's W1[2,3] is Nielsen's W1[3,2]
    assert scalar.text.startswith("∂C/∂W1[3,2] = Σ_n δ1[3,n]·a0[2,n] = ")
    assert scalar.text.endswith(f"(∇W1[3,2] = {fmt(float(trace['dW1'][2, 3]), 3)})")
