"""Themes: a dark default, a high-contrast light one for projectors, and ANSI for SSH links.

The ANSI theme uses the terminal's own 16 colours, so it looks right whatever the student's
terminal and costs the fewest bytes per frame over a slow link.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from textual.app import App
from textual.filter import Monochrome, NoColor
from textual.theme import Theme

__all__ = ["THEMES", "THEME_NAMES", "apply_no_color", "no_color_requested", "resolve_theme"]

THEMES = (
    Theme(
        name="tuinet-dark",
        primary="#5FAFFF",
        secondary="#87AFD7",
        accent="#FFAF5F",
        warning="#FFD75F",
        error="#FF5F5F",
        success="#87D787",
        foreground="#E4E4E4",
        background="#121212",
        surface="#1C1C1C",
        panel="#262626",
        dark=True,
    ),
    Theme(
        name="tuinet-light",
        # Projectors wash out pale colours: strong hues on white, nothing lighter than mid-tones.
        primary="#005FAF",
        secondary="#5F5F87",
        accent="#AF5F00",
        warning="#875F00",
        error="#AF0000",
        success="#005F00",
        foreground="#000000",
        background="#FFFFFF",
        surface="#F2F2F2",
        panel="#E4E4E4",
        dark=False,
    ),
)

THEME_NAMES = {"dark": "tuinet-dark", "light": "tuinet-light", "ansi": "ansi-dark"}
"""The --theme choices and the Textual theme each one selects."""


def resolve_theme(name: str, available: Iterable[str]) -> str | None:
    """The Textual theme for a --theme choice (dark, light, ansi) or a theme's own name; None if unknown."""
    theme = THEME_NAMES.get(name, name)
    return theme if theme in available else None


def no_color_requested(environ: Mapping[str, str]) -> bool:
    """NO_COLOR (no-color.org): set to any non-empty value, it turns colour off."""
    return bool(environ.get("NO_COLOR"))


def apply_no_color(app: App[Any], environ: Mapping[str, str]) -> None:
    """Honour NO_COLOR exactly: no colour codes at all when it is set and non-empty, colour when it is empty.

    Textual takes NO_COLOR even when empty, and then still writes grey true-colour codes (its Monochrome filter);
    its NoColor filter writes none. Meaning is kept without colour by the widgets' ``:nocolor`` styles: signs,
    underline (changed), bold (operands) and reverse video (the cell being written).
    """
    app.no_color = no_color_requested(environ)
    # Textual keeps its output filters in a private list; this swaps the one NO_COLOR put there.
    app._filters = [f for f in app._filters if not isinstance(f, Monochrome | NoColor)]
    if app.no_color:
        app._filters.append(NoColor())
