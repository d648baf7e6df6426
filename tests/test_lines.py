"""The line cache (app/lines.py): only changed lines are rendered again and refreshed, and they look the same.

The app-level checks that a step draws the right numbers are in the app tests and snapshots; here, the
cache's own promises: a line's strip is reused while its text is unchanged, the regions it reports are
exactly the changed lines, and the fast renderer gives the segments Rich's renderer gives.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.style import Style
from rich.text import Text
from textual.geometry import Region
from textual.strip import Strip

from tuinet.app.lines import LineCache, split_lines

BASE = Style(color="#e4e4e4", bgcolor="#121212")
STYLES = [
    Style(color="#00ff00", bgcolor="#121212"),
    Style(color="#ff0000", bgcolor="#121212", bold=True),
    Style(underline=True),
    Style(reverse=True, bold=True),
]
CONSOLE = Console(width=120, color_system="truecolor")


def rich_strip(line: Text, width: int) -> Strip:
    """What Rich's general renderer makes of ``line`` (the reference for the fast path)."""
    options = CONSOLE.options.update(width=width, height=None, no_wrap=True, overflow="crop", highlight=False)
    return Strip(CONSOLE.render_lines(line, options, style=BASE, pad=True, new_lines=False)[0]).adjust_cell_length(
        width, BASE
    )


def row(values: list[str], marked: int | None = None) -> Text:
    line = Text()
    line.append("│", STYLES[2])
    for k, value in enumerate(values):
        line.append(" ")
        line.append(value, STYLES[3] if k == marked else STYLES[k % 2])
    line.append(" │", STYLES[2])
    return line


def test_a_changed_line_is_the_only_one_rendered_and_refreshed() -> None:
    cache = LineCache()
    before = [row(["0.1", "0.2"]), row(["0.3", "0.4"]), Text("z1 (4×4)")]
    first = cache.strips(CONSOLE, "a", 40, BASE, lambda: before)
    after = [row(["0.1", "0.2"]), row(["0.3", "0.9"], marked=1), Text("z1 (4×4)")]
    regions = cache.update(CONSOLE, "b", 40, BASE, lambda: after)
    assert regions == [Region(0, 1, 40, 1)]
    second = cache.strips(CONSOLE, "b", 40, BASE, lambda: after)
    assert second[0] is first[0] and second[2] is first[2]  # reused, not rendered again
    assert second[1].text.rstrip() == "│ 0.3 0.9 │"


def test_a_new_width_or_base_style_repaints_everything() -> None:
    cache = LineCache()
    lines = [row(["1.0"]), row(["2.0"])]
    cache.strips(CONSOLE, "a", 30, BASE, lambda: lines)
    assert cache.update(CONSOLE, "a", 31, BASE, lambda: lines) is None
    assert cache.update(CONSOLE, "a", 31, Style(color="#000000", bgcolor="#ffffff"), lambda: lines) is None


def test_lines_added_or_removed_are_refreshed_as_one_region() -> None:
    cache = LineCache()
    cache.strips(CONSOLE, "a", 20, BASE, lambda: [Text("x")])
    assert cache.update(CONSOLE, "b", 20, BASE, lambda: [Text("x"), Text("y"), Text("z")]) == [Region(0, 1, 20, 2)]
    assert cache.line(5, 20, BASE) == Strip.blank(20, BASE)


def test_the_same_content_key_reuses_everything() -> None:
    cache = LineCache()
    lines = [row(["1.0"])]
    calls: list[int] = []

    def make() -> list[Text]:
        calls.append(1)
        return lines

    cache.strips(CONSOLE, lines, 20, BASE, make)
    cache.strips(CONSOLE, lines, 20, BASE, make)
    assert calls == [1]


def test_split_lines_counts_lines_as_the_height_does() -> None:
    assert [t.plain for t in split_lines(Text("a\n\nb"))] == ["a", "", "b"]
    assert [t.plain for t in split_lines(Text("a\n"))] == ["a"]


texts = st.lists(
    st.tuples(st.text(alphabet="0123456789.−·⋮ │abcδ", max_size=8), st.integers(min_value=-1, max_value=3)),
    max_size=12,
)


@settings(max_examples=200, deadline=None)
@given(texts, st.integers(min_value=1, max_value=60), st.booleans())
def test_the_fast_renderer_draws_what_rich_draws(pieces: list[tuple[str, int]], width: int, nest: bool) -> None:
    """Any line — spans in a row, gaps, crops, and (nest) spans inside spans, which fall back to Rich."""
    line = Text()
    for text, style in pieces:
        line.append(text, STYLES[style] if style >= 0 else None)
    if nest and line.plain:
        line.stylize(STYLES[3], 0, max(1, len(line.plain) // 2))  # overlapping: the general renderer's case
    cache = LineCache()
    (strip,) = cache.strips(CONSOLE, "k", width, BASE, lambda: [line])
    reference = rich_strip(line, width)
    assert strip.cell_length == width
    assert [(s.text, s.style) for s in strip if s.text] == [(s.text, s.style) for s in reference if s.text] or (
        strip.text == reference.text and _styles_by_cell(strip) == _styles_by_cell(reference)
    )


def _styles_by_cell(strip: Strip) -> list[Style | None]:
    return [segment.style for segment in strip for _ in segment.text]


async def test_an_operation_that_changes_heights_is_drawn_once_at_80x24() -> None:
    """At 80×24 the stage and the equation take the current operation's height, so a step into a new
    operation re-lays out the screen. That layout pass draws the new heights; what it does to the widgets'
    virtual sizes must not ask for their repaint again, a frame later (lines.own_virtual_size). Textual's
    scrollbar, resized with the panes, still asks for a pass of its own: that frame redraws two columns."""
    from textual.containers import ScrollableContainer

    from tuinet.app import make_app
    from tuinet.app.stage import StagePane
    from tuinet.app.status import EquationPane
    from tuinet.engine import NetConfig

    app = make_app(NetConfig())
    async with app.run_test(size=(80, 24)) as pilot:
        stage, equation = app.query_one(StagePane), app.query_one(EquationPane)
        panes = app.query_one("#panes", ScrollableContainer)
        in_layout = False
        asked: list[str] = []  # repaints asked for while the screen was being laid out
        screen = app.screen
        layout = screen._refresh_layout

        def laying_out(*args: object, **kwargs: object) -> None:
            nonlocal in_layout
            in_layout = True
            try:
                layout(*args, **kwargs)  # type: ignore[arg-type]
            finally:
                in_layout = False

        screen._refresh_layout = laying_out  # type: ignore[method-assign]
        for widget in (stage, equation, panes):
            refresh = widget.refresh

            def counted(*regions: Region, _name: str = type(widget).__name__, _refresh=refresh, **kw: bool):  # type: ignore[no-untyped-def]
                if in_layout:
                    asked.append(_name)
                return _refresh(*regions, **kw)

            widget.refresh = counted  # type: ignore[method-assign]
        height_changes = 0
        for _ in range(40):  # iteration 1's first operations, cell by cell
            before = (stage.size.height, equation.size.height, panes.size.height)
            asked.clear()
            await pilot.press(".")
            await pilot.pause(0.1)
            if before != (stage.size.height, equation.size.height, panes.size.height):
                height_changes += 1
                assert asked == [], asked
            assert panes.show_vertical_scrollbar  # always there (blank with nothing to scroll): never a toggle
        assert height_changes >= 2  # the case under test happened
