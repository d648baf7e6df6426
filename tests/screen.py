"""Read matrices back from what the app shows, so tests assert on the screen, not on internals."""

from __future__ import annotations

import io
import re

from rich.console import Console
from rich.text import Text
from textual.app import App
from textual.widget import Widget

__all__ = ["pane_text", "read_matrix", "screen_lines"]

_TITLE = re.compile(r"(\S+) \((\d+)×(\d+)\)")


def pane_text(app: App[object], selector: str) -> str:
    """The plain text a pane widget currently renders."""
    widget = app.screen.query_one(selector, Widget)
    rendered = widget.render()
    if isinstance(rendered, Text):
        return rendered.plain
    # Tables and groups: lay them out as the widget would, at its width, without colour.
    console = Console(file=io.StringIO(), width=max(20, widget.content_size.width), color_system=None)
    with console.capture() as capture:
        console.print(rendered)
    return capture.get()


def screen_lines(app: App[object]) -> list[str]:
    """The whole screen as the terminal would show it (the top screen over those below), one string per row."""
    return ["".join(segment.text for segment in strip).rstrip() for strip in app.screen._compositor.render_strips()]


def read_matrix(text: str, label: str) -> list[list[str]]:
    """The cells of the matrix titled ``label (r×c)`` in ``text``, as shown (e.g. '0.417', '−0.062', '·')."""
    lines = text.split("\n")
    for number, line in enumerate(lines):
        for match in _TITLE.finditer(line):
            if match.group(1) != label:
                continue
            rows = int(match.group(2))
            start = match.start()
            cells: list[list[str]] = []
            for row_line in lines[number + 1 : number + 1 + rows]:
                segment = row_line[start:]
                closing = min(
                    i for i in (segment.find("┐"), segment.find("│", 1), segment.find("┘"), segment.find("]")) if i > 0
                )
                inner = segment[1:closing]
                cells.append(inner.split())
            return cells
    raise AssertionError(f"no matrix titled {label!r} in:\n{text}")
