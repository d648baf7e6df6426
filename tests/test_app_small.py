"""Issue 12: what a teacher sees at 80×24 and 120×40 — numbers, layout, keys and the defects found there."""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, Label

from tests.screen import pane_text
from tests.test_contrast import cells
from tuinet.app import make_app
from tuinet.app.follow import Classroom
from tuinet.app.stage import StagePane
from tuinet.engine import NetConfig
from tuinet.engine.gradcheck import gradient_check
from tuinet.words.numbers import fmt


def zero_looking(text: str) -> list[str]:
    """Numbers written as zero (0.000, −0.000, 0.0000000000) in ``text``."""
    return re.findall(r"(?<![\d.e])[−-]?0\.0+(?![\d.e])", text)


async def test_gradient_check_of_a_wide_net_shows_no_gradient_as_zero() -> None:
    app = make_app(NetConfig(hidden=(64,)))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("c")
        await pilot.pause()
        text = pane_text(app, "#gradcheck WhyView")
        network = app.session.network
        check = gradient_check(network, app.session.history.params_at(1), 1, limit=120)
        exact_zeros = sum(value == 0 for e in check.entries for value in (e.analytic, e.numeric))
        # Only exact zeros read as zero (a finite difference can be exactly 0 where backprop finds 5e−14).
        assert "Iteration 1" in text and len(zero_looking(text)) == exact_zeros < len(check.entries), text
        assert "e-" not in text and "e−" in text  # tiny gradients, in scientific notation with a real minus


async def test_panes_show_no_small_delta_as_zero() -> None:
    """δ1 of the default net and δ2 of an 8,8 tanh net are tiny but not zero: the panes must not say 0.000."""
    for config in (NetConfig(), NetConfig(hidden=(8, 8), activation="tanh")):
        app = make_app(config)
        async with app.run_test(size=(200, 60)) as pilot:
            await pilot.press("space")
            await pilot.pause()
            text = pane_text(app, "#pane-deltas")
            trace = app.session.history.trace(1)
            assert all((trace[f"delta{layer}"] != 0).all() for layer in (1, 2))  # so no zero may show
            assert "δ1" in text and zero_looking(text) == [], text


async def test_outer_product_running_sum_names_its_terms() -> None:
    """Two terms are P0+P1 (an ellipsis between two terms hides nothing); from four on, P0+…+P3."""
    app = make_app(NetConfig())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space", "o")
        seen = []
        for _ in range(4):
            await pilot.pause()
            seen.append(pane_text(app, "#outer WhyView"))
            await pilot.press("full_stop")
        assert "P0 (4×1)" in seen[0] and "P0+P1 (4×1)" in seen[1] and "P0+P1+P2 (4×1)" in seen[2], seen[1]
        assert "P0+…+P3 (4×1)" in seen[3] and "P0+…+P1" not in seen[1]


async def stage_at(config: NetConfig, result: str, size: tuple[int, int] = (120, 40)) -> str:
    """The stage's text once the operation writing ``result`` has run."""
    app = make_app(config)
    index = next(op.index for op in app.session.schedule if op.result == result)
    async with app.run_test(size=size) as pilot:
        await pilot.press(*["right"] * (index + 1))
        await pilot.pause()
        return pane_text(app, "#stage")


def drawing(stage: str) -> tuple[str, str]:
    """The stage's first band as (matrix titles, operators between them), numbers and brackets left out."""
    band = stage.split("\n\n")[0].split("\n")
    titles = " ".join(re.findall(r"(\S+) \(\d+×\d+\)", band[0]))
    tokens = []
    for line in band[1:]:
        line = re.sub(r"−?\d+(\.\d+)?e−?\d+|−?\d+\.\d+|[┌┐└┘│\[\]⋮⋯]", lambda m: " " * len(m[0]), line)
        tokens += [(m.start(), m[0]) for m in re.finditer(r"\S+", line)]
    return titles, " ".join(token for _, token in sorted(tokens))


@pytest.mark.parametrize(
    ("options", "loss", "delta"),
    [
        ({}, ("e e C", "½Σ( ⊙ ) →"), ("e σ′(z2) δ2", "⊙ →")),
        ({"loss": "mean"}, ("e e C", "½·mean( ⊙ ) →"), ("e σ′(z2) δ2", "( / 4) ⊙ →")),
        ({"loss": "mean", "batch": "1"}, ("e e C", "½·mean( ⊙ ) →"), ("e σ′(z2) δ2", "( / 1) ⊙ →")),
        ({"loss": "sse"}, ("e e C", "Σ( ⊙ ) →"), ("e σ′(z2) δ2", "2· ⊙ →")),
    ],
)
async def test_loss_and_output_delta_are_drawn_as_computed(
    options: dict[str, str], loss: tuple[str, str], delta: tuple[str, str]
) -> None:
    """C = ½ Σ e² is drawn ½Σ(e ⊙ e), not ½Σ(e)² (which reads ½(Σe)²); --loss mean and sse say so, and δ2 shows
    the factor ∂C/∂e = factor·e it is computed with (e / N·K for the mean)."""
    config = NetConfig(**options)  # type: ignore[arg-type]
    assert drawing(await stage_at(config, "loss")) == loss
    assert drawing(await stage_at(config, "delta2")) == delta


# -- 80×24: every number, result and key on screen from the keyboard ------------------------------------------


def screen(app: App[object]) -> str:
    """The whole screen as a teacher sees it (the compositor's output), one string of lines."""
    width, height = app.size
    grid = [[" "] * width for _ in range(height)]
    for char, _fg, _bg, x, y in cells(app):
        if x < width and y < height:
            grid[y][x] = char
    return "\n".join("".join(row).rstrip() for row in grid)


def footer(app: App[object]) -> str:
    return screen(app).split("\n")[-1]


async def settled_footer(pilot: Pilot[object], app: App[object]) -> str:
    """The footer once drawn (it recomposes after the first resize: a frame or two)."""
    for _ in range(20):
        await pilot.pause(0.05)
        if footer(app).strip():
            break
    return footer(app)


@pytest.mark.parametrize("size", [(70, 22), (80, 24), (100, 30), (120, 40)])
async def test_the_footer_always_keeps_help_and_quit(size: tuple[int, int]) -> None:
    app = make_app(NetConfig())
    async with app.run_test(size=size) as pilot:
        line = await settled_footer(pilot, app)
        assert "? Help" in line and "q Quit" in line, line
        assert "space" in line and "→" in line, line  # the stepping keys fold last


def matrices_seen(app: App[object]) -> set[str]:
    return set(re.findall(r"(\S+) \(\d+×\d+\)", screen(app)))


@pytest.mark.parametrize(
    ("config", "size"),
    [
        (NetConfig(), (80, 24)),
        (NetConfig(hidden=(8, 8)), (120, 40)),
        (NetConfig(hidden=(64,), dataset="xor"), (80, 24)),
    ],
)
async def test_every_matrix_can_be_brought_on_screen_with_page_keys(config: NetConfig, size: tuple[int, int]) -> None:
    """After one iteration, PageDown/PageUp (and the pane keys 1–5) bring every matrix on screen."""
    app = make_app(config)
    async with app.run_test(size=size) as pilot:
        await pilot.press("space")
        await pilot.pause()
        trace = app.view.trace if app.view is not None else None
        assert trace is not None
        wanted = {app.view.shown(n).label for pane in app.view.pane_names.values() for n in pane}
        seen: set[str] = set()
        for key in ("1", "2", "3", "4", "5"):
            await pilot.press(key)
            for _ in range(12):
                await pilot.pause()
                seen |= matrices_seen(app)
                await pilot.press("pagedown")
            for _ in range(12):
                await pilot.press("pageup")
            await pilot.pause()
        assert wanted <= seen, wanted - seen


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_a_wide_activation_stays_one_drawing(size: tuple[int, int]) -> None:
    """a1 = σ(z1) with 64 units: σ( z1 ) → a1 in one band, columns elided to fit, nothing cut at the edge."""
    stage = await stage_at(NetConfig(hidden=(64,), dataset="xor"), "a1", size)
    band = stage.split("\n\n")[0]
    assert drawing(stage)[0] == "z1 a1", stage
    assert "σ(" in band and ")" in band and "→" in band and "⋯" in band, stage
    width = size[0] - 2  # the stage's padding
    assert all(len(line) <= width for line in stage.split("\n")), stage
    # Every row closes its brackets on its own line (a cut-off row left a stray ┐ below).
    assert all(line.count("┌") == line.count("┐") for line in stage.split("\n")), stage


async def test_a_one_row_result_has_its_arrow_on_its_row() -> None:
    stage = await stage_at(NetConfig(batch="1"), "z1", (120, 40))
    row = next(line for line in stage.split("\n") if "→" in line)
    assert row.rstrip().endswith("]") and row.split("→")[1].count("[") == 1, stage  # → beside z1's one row


def equation_on_screen(app: App[object]) -> str:
    """The equation pane's lines as shown (behind its thick left border), joined."""
    lines = [line[1:].strip() for line in screen(app).split("\n") if line[:1] in "▊█▌"]
    return " ".join(" ".join(lines).split())


@pytest.mark.parametrize(
    ("config", "size", "digits"),
    [
        (NetConfig(), (80, 24), 3),
        (NetConfig(), (120, 40), 6),
        (NetConfig(hidden=(64,), dataset="xor"), (80, 24), 3),
        (NetConfig(hidden=(64,), dataset="xor"), (120, 40), 3),
    ],
)
async def test_the_cell_explanation_wraps_and_ends_with_its_result(
    config: NetConfig, size: tuple[int, int], digits: int
) -> None:
    """At dW1 cell 1 the screen showed `… + 1.000×(−0.002) +` and no result; now every cell's text is whole."""
    app = make_app(config, digits=digits)
    index = next(op.index for op in app.session.schedule if op.result == "dW1")
    async with app.run_test(size=size) as pilot:
        await pilot.press(*["right"] * (index + 1), "full_stop")  # dW1 whole, then its first cell
        for _ in range(3):
            await pilot.pause()
            view = app.view
            assert view is not None and view.cell is not None and view.op is not None and view.op.result == "dW1"
            shown = equation_on_screen(app)
            terms = " ".join(view.cell.text.split(" = ", 2)[-1].split())  # the numbers: 0.000×0.007 + … = 0.004
            assert shown.endswith(terms), (view.cell.text, shown)  # whole, and last: it ends with its result
            await pilot.press("full_stop")


# -- the defects -----------------------------------------------------------------------------------------------


async def test_a_cell_step_after_an_operation_step_steps_that_operations_cells() -> None:
    """→ shows dW1 whole; . then fills dW1 again from its first cell (it jumped to the next operation)."""
    app = make_app(NetConfig())
    index = next(op.index for op in app.session.schedule if op.result == "dW1")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*["right"] * (index + 1), "full_stop")
        await pilot.pause()
        assert app.view is not None and app.view.op is not None
        assert (app.view.op.result, app.view.cursor.cells) == ("dW1", 1)
        await pilot.press("full_stop")
        await pilot.pause()
        assert app.view.cursor.cells == 2
        await pilot.press("space", "full_stop")  # space finishes iteration 1; . then starts iteration 2's cells
        await pilot.pause()
        assert (app.view.cursor.iteration, app.view.cursor.op, app.view.cursor.cells) == (2, 0, 1)


async def test_sign_conventions_keep_both_forms_aligned_at_120_columns() -> None:
    app = make_app(NetConfig())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space", "s")
        await pilot.pause()
        lines = screen(app).split("\n")
        assert any(line.count("e (4×1)") == 2 for line in lines), "\n".join(lines)  # side by side, same row
        dW = f"(dW2[0,0] = {fmt(float(app.session.history.trace(1)['dW2'][0, 0]), 3)})"
        assert any(dW in line for line in lines), "\n".join(lines)  # the scalar line's check, not cut by a wrap


async def test_why_footer_advertises_only_the_keys_of_the_open_view() -> None:
    app = make_app(NetConfig())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space", "c")
        await pilot.pause()
        line = footer(app)
        assert ". " not in line and "] " not in line, line  # . and ] do nothing in the gradient check
        assert line.count("Back") <= 1 and "esc Close" in line, line  # esc closes; ⌫ is the iteration back
        await pilot.press("o")
        await pilot.pause()
        assert ". Next" in footer(app) and "] Layer" in footer(app), footer(app)


async def test_the_palette_has_one_keys_entry_and_a_screenshot_that_says_why_not(tmp_path: Path) -> None:
    app = make_app(NetConfig())
    async with app.run_test(size=(120, 40)) as pilot:
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert titles.count("Keys") == 1 and titles.count("Screenshot") == 1, titles
        app.screenshot_dir = tmp_path / "Downloads"  # missing, as ~/Downloads often is
        app.take_screenshot()
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("not saved" in m and "No such file or directory" in m for m in messages), messages
        app.screenshot_dir = tmp_path
        app.take_screenshot()
        await pilot.pause()
        saved = list(tmp_path.glob("tuinet-*.svg"))
        assert len(saved) == 1 and "<svg" in saved[0].read_text()
        assert any(str(saved[0]) in n.message for n in app._notifications)


async def test_saving_over_an_existing_file_asks_first(tmp_path: Path) -> None:
    path = tmp_path / "lesson.json"
    path.write_text("the teacher's other session")
    app = make_app(NetConfig())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space", "ctrl+s")
        await pilot.pause()
        app.screen.query_one("#path", Input).value = str(path)
        await pilot.press("enter")
        await pilot.pause()
        assert path.read_text() == "the teacher's other session"  # not yet
        assert "exists" in str(app.screen.query_one("#path-error", Label).render()), screen(app)
        await pilot.press("enter")  # the same name again: replace it
        await pilot.pause()
        assert json.loads(path.read_text())["config"]["hidden"] == [4]


async def test_the_status_line_says_while_auto_play_runs_what_it_steps_and_how_fast() -> None:
    app = make_app(NetConfig())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("full_stop", "p")
        await pilot.pause()
        status = screen(app).split("\n")[0]
        assert "▶ cells every 0.5 s" in status, status
        await pilot.press("plus")
        await pilot.pause()
        assert "▶ cells every 0.25 s" in screen(app).split("\n")[0]
        await pilot.pause(1.0)  # it lasts (a notification would have gone by now)
        assert "▶ cells every 0.25 s" in screen(app).split("\n")[0]
        await pilot.press("p")
        await pilot.pause()
        assert "▶" not in screen(app).split("\n")[0]


@pytest.mark.parametrize("size", [(70, 22), (80, 24)])
async def test_a_served_students_footer_keeps_f(size: tuple[int, int]) -> None:
    """A student following the teacher needs f (explore alone, and back) as much as ? and q."""
    teacher_end, student_end = socket.socketpair()
    try:
        app = make_app(NetConfig(), classroom=Classroom("student", student_end.detach()))
        async with app.run_test(size=size) as pilot:
            line = await settled_footer(pilot, app)
            # A following student's app is a shared renderer (serve): only f and q act there, and both show.
            assert "f Explore" in line and "q Quit" in line, line
    finally:
        teacher_end.close()


@pytest.mark.parametrize(
    ("config", "size"),
    [(NetConfig(hidden=(8, 8)), (80, 24)), (NetConfig(hidden=(64,), dataset="xor"), (80, 24)), (NetConfig(), (70, 22))],
)
async def test_the_result_of_every_operation_is_whole_on_the_stage(config: NetConfig, size: tuple[int, int]) -> None:
    """Each operation's result, title to closing bracket, is inside the stage as shown (not cut at its bottom)."""
    app = make_app(config)
    async with app.run_test(size=size) as pilot:
        for _ in app.session.schedule:
            await pilot.press("right")
            await pilot.pause()
            stage = app.query_one(StagePane)
            shown = stage.render().plain.split("\n")  # type: ignore[union-attr]
            assert len(shown) <= stage.content_size.height, (len(shown), stage.content_size.height)
            assert app.view is not None and app.view.op is not None
            label = app.view.shown(app.view.op.result).label
            assert f"{label} (" in "\n".join(shown), "\n".join(shown)
