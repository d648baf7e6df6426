"""Themes: a dark default, a high-contrast light one for projectors, and ANSI for SSH links.

The ANSI theme uses the terminal's own 16 colours, so it looks right whatever the student's
terminal and costs the fewest bytes per frame over a slow link.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.theme import Theme

__all__ = ["THEMES", "THEME_NAMES"]

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
        accent="#8F4A00",  # ≥ 4.5:1 on white and on the footer's grey (#AF5F00 was 3.7:1 there)
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
