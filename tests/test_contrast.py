"""WCAG contrast of every theme, measured on the screen as drawn: text ≥ 4.5:1, borders and marks ≥ 3:1.

Every character on the screen is checked against the background it is drawn on, after the app's own colour
filters (ANSI colours through the app's ANSI palette; ``dim`` as Textual's DimFilter draws it, halfway to the
background, which is about what terminals do). Relative luminance and the ratio are WCAG 2's definitions.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from rich.color import Color
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual.app import App
from textual.filter import dim_color
from textual.screen import ModalScreen

from tuinet.app import make_app
from tuinet.engine import NetConfig

TEXT, GRAPHIC = 4.5, 3.0
BORDERS = set("─│╭╮╰╯┌┐└┘▔▁▏▕▎▊▌▐█━┃╸╺")
"""Pane and equation borders (WCAG 1.4.11: non-text contrast, 3:1)."""
MARKS = set("·⋮⋯⋱▁▂▃▄▅▆▇█")
"""A cell not computed yet, an elided run, the loss curve, a scrollbar: marks, not words (3:1)."""


def luminance(rgb: tuple[int, int, int]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_luminance_matches_wcag() -> None:
    assert contrast((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert contrast((0x77, 0x77, 0x77), (255, 255, 255)) == pytest.approx(4.48, abs=0.01)


def cells(app: App[object]) -> Iterator[tuple[str, tuple[int, int, int], tuple[int, int, int], int, int]]:
    """Every visible character with its final foreground and background colour, and its position."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True, color_system="truecolor")
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    lines = list(Segment.split_lines(console.render(update, console.options)))  # type: ignore[arg-type]
    ansi = app.ansi_theme_dark if app.current_theme.dark else app.ansi_theme_light
    default_fg = ansi.foreground_color
    default_bg = ansi.background_color

    def rgb(color: Color | None, fallback: tuple[int, int, int]) -> tuple[int, int, int]:
        if color is None or color.is_default:
            return fallback
        return tuple(color.get_truecolor(ansi))  # type: ignore[return-value]

    for y, line in enumerate(lines):
        x = 0
        for segment in line:
            if segment.control:
                continue
            style = segment.style or Style()
            bg = rgb(style.bgcolor, tuple(default_bg))  # type: ignore[arg-type]
            fg = rgb(style.color, tuple(default_fg))  # type: ignore[arg-type]
            if style.reverse:
                fg, bg = bg, fg
            if style.dim:
                fg = dim_color(Color.from_rgb(*bg), Color.from_rgb(*fg)).get_truecolor()  # type: ignore[assignment]
            for char in segment.text:
                if not char.isspace():
                    yield char, fg, bg, x, y
                x += 1


def worst(app: App[object]) -> list[str]:
    """The characters below their contrast minimum, one line per colour pair, with an example.

    Behind a dialog the main screen is faded on purpose (it is not to be read then): only the dialog counts.
    """
    failures: dict[tuple[object, ...], str] = {}
    area = app.screen.children[0].region if isinstance(app.screen, ModalScreen) else app.screen.region
    for char, fg, bg, x, y in cells(app):
        if not area.contains(x, y):
            continue
        need = GRAPHIC if char in BORDERS or char in MARKS else TEXT
        ratio = contrast(fg, bg)
        if ratio < need:
            failures.setdefault((fg, bg, need), f"{char!r} at ({x},{y}) {fg} on {bg}: {ratio:.2f} < {need}")
    return list(failures.values())


SCREENS = {
    "start": (),
    "iteration": ("space",),
    "cell level": ("space", "right", "full_stop", "full_stop"),
    "help": ("question_mark",),
    "outer products": ("space", "o"),
    "gradient check": ("c",),
    "signs": ("space", "s"),
}


@pytest.mark.parametrize("theme", ["dark", "light", "ansi"])
@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_every_theme_is_readable_on_a_projector(theme: str, size: tuple[int, int]) -> None:
    problems: list[str] = []
    for name, keys in SCREENS.items():
        app = make_app(NetConfig(), theme=theme)
        async with app.run_test(size=size) as pilot:
            await pilot.press(*keys)
            await pilot.pause()
            problems += [f"{name}: {line}" for line in worst(app)]
    assert not problems, "\n".join(problems)
