"""The command palette's entries (ctrl+p): ours, and Textual's minus the two that misled.

Textual adds a "Keys" entry (its key panel) beside ours, two entries of one name; and its "Screenshot"
saves to a downloads folder and, when that is missing, says only "Failed to save screenshot". Ours writes to
the current directory and says where, or why not.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from textual.app import App, SystemCommand

from tuinet.fileio import write_atomically

__all__ = ["REPLACED", "save_screenshot", "textual_commands"]

REPLACED = frozenset({"Keys", "Screenshot"})
"""Textual's entries that tuinet's replace (the names stay: they are what users look for)."""


def textual_commands(commands: Iterable[SystemCommand]) -> Iterator[SystemCommand]:
    """Textual's own entries, without those that tuinet replaces."""
    return (command for command in commands if command.title not in REPLACED)


def save_screenshot(app: App[None], directory: Path | None = None) -> Path | None:
    """The screen as SVG in ``directory`` (the current one): notifies the file, or the reason it was not written."""
    name = f"tuinet-{time.strftime('%Y-%m-%dT%H-%M-%S')}.svg"
    try:
        path = (directory or Path.cwd()) / name
        write_atomically(path, app.export_screenshot().encode("utf-8"))
    except OSError as error:
        where = directory if directory is not None else "the current directory"
        reason = error.strerror or str(error)
        app.notify(f"screenshot not saved in {where}: {reason}", title="Screenshot", severity="error", timeout=8)
        return None
    app.notify(f"screenshot saved: {path}", title="Screenshot", timeout=6)
    return path
