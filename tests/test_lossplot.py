"""The loss plot (L): every iteration so far, downsampled for drawing, log scale, zoom and pan, current one marked."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from tests.screen import screen_lines
from tuinet.app import make_app
from tuinet.app.lossplot import LossPlotScreen, PlotRange, downsample
from tuinet.engine import NetConfig
from tuinet.words.numbers import fmt


@given(st.lists(st.floats(min_value=0, max_value=1e6), min_size=0, max_size=3000), st.integers(1, 200))
def test_downsample_keeps_each_buckets_extremes(losses: list[float], buckets: int) -> None:
    xs, ys = downsample(1, losses, buckets)
    assert len(xs) == len(ys) <= 2 * buckets
    assert xs == sorted(xs) and all(losses[i - 1] == v for i, v in zip(xs, ys, strict=True))
    if losses:  # the spike and the trough of the whole run are always drawn
        assert max(losses) in ys and min(losses) in ys


def test_downsample_leaves_out_inf_and_nan() -> None:
    xs, ys = downsample(5, [1.0, math.inf, 0.5, math.nan], 10)
    assert (xs, ys) == ([5, 7], [1.0, 0.5])


def test_zoom_and_pan_stay_inside_the_run() -> None:
    whole = PlotRange.whole(10_000)
    zoomed = whole.zoom(0.5, 5_000)
    assert (zoomed.first, zoomed.last) == (2_500, 7_499)
    assert whole.zoom(2, 5_000) == whole  # cannot show more than was computed
    right = zoomed.pan(1).pan(1).pan(1)
    assert right.last == 10_000 and right.last - right.first == zoomed.last - zoomed.first
    assert zoomed.pan(-1).pan(-1).first == 1
    assert whole.zoom(1e-9, 3).last - whole.zoom(1e-9, 3).first + 1 == 10  # at least 10 iterations


async def test_the_plot_of_a_10000_iteration_run() -> None:
    app = make_app(NetConfig())
    history = app.session.history
    history.extend(10_000)
    async with app.run_test(size=(80, 24)) as pilot:
        app.show_cursor(app.session.jump(5_000))
        await pilot.pause()
        await pilot.press("L")
        screen = app.screen
        assert isinstance(screen, LossPlotScreen)
        await pilot.pause()
        text = "\n".join(screen_lines(app))
        words = " ".join(text.split())
        assert "iterations 1–10,000 of 10,000 computed" in words
        assert f"current iteration 5,000 (the vertical line): loss {fmt(history.loss(5_000), 4)}" in words
        low = min(history.losses())
        assert f"smallest shown {fmt(low, 4)} at iteration {history.losses().index(low) + 1:,}" in words
        assert "linear scale" in words and "10,000" in text  # the x axis ends at the last iteration
        # Drawing stays small whatever the run's length: at most two points per column.
        xs, ys = screen.drawn
        assert 0 < len(xs) <= 2 * 80 and ys[0] == history.loss(1)
        # The terminal cursor (what screen readers follow) is on the words.
        assert app.cursor_position == screen.query_one("#loss-words").content_region.offset

        await pilot.press("l")
        assert "log scale" in " ".join("\n".join(screen_lines(app)).split())
        await pilot.press("plus")
        assert (screen.range.first, screen.range.last) == (2_500, 7_499)
        await pilot.pause()
        assert "iterations 2,500–7,499 of 10,000" in " ".join("\n".join(screen_lines(app)).split())
        assert screen.drawn[0][0] >= 2_500 and screen.drawn[0][-1] <= 7_499
        await pilot.press("0")
        assert screen.range == PlotRange.whole(10_000)
        await pilot.press("escape")
        assert not isinstance(app.screen, LossPlotScreen)
        assert app.view is not None and app.view.cursor.iteration == 5_000  # the stepper is where it was
        await pilot.pause()
        assert app.cursor_position == app.query_one("#equation").content_region.offset  # and so is the cursor


async def test_the_current_iteration_after_a_jump() -> None:
    """g 300 lands at the end of iteration 300 with the history computed to 299: its loss is the trace's."""
    app = make_app(NetConfig())
    async with app.run_test(size=(80, 24)) as pilot:
        app.show_cursor(app.session.complete(300))
        await pilot.pause()
        assert app.session.history.head == 299 and app.view is not None and app.view.loss is not None
        await pilot.press("L")
        await pilot.pause()
        words = " ".join("\n".join(screen_lines(app)).split())
        assert f"current iteration 300: loss {fmt(app.view.loss, 4)}" in words
        assert fmt(app.view.loss, 4) == fmt(app.session.history.trace(300).loss, 4)
        await pilot.press("escape", "space")  # ModalScreen: the stepper's keys do not reach through it…
        assert app.view.cursor.iteration == 301
        await pilot.press("L", "space", "right", "p")  # … while the plot is open
        assert app.view.cursor.iteration == 301 and not app.playing


async def test_the_plot_before_any_iteration() -> None:
    app = make_app(NetConfig())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("L")
        await pilot.pause()
        assert "No iteration has been computed yet" in "\n".join(screen_lines(app))
