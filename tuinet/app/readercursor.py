"""Where the terminal cursor stands: on the matrix cell being written, else on the current line of the equation.

Screen readers (Orca, NVDA through a terminal, VoiceOver) and braille displays (brltty) follow the terminal's
cursor. Textual leaves it at the top-left corner unless told; it moves it to ``App.cursor_position`` at the end of
every frame it draws. So after each step the app sets that position, and assistive tools that follow the cursor
follow the computation: at cell level onto the number just computed, otherwise onto the equation.
"""

from __future__ import annotations

from textual.geometry import Offset

from tuinet.app.panes import StagePane
from tuinet.app.status import EquationPane

__all__ = ["reader_cursor"]


def reader_cursor(stage: StagePane, equation: EquationPane) -> Offset:
    """The screen offset for the terminal cursor now."""
    cell = stage.cell_offset()
    if cell is not None:
        return cell
    region = equation.content_region
    # At cell level the equation's second line spells out the cell's arithmetic: that is the current line.
    view = equation.view
    line = 1 if view is not None and view.cell is not None and region.height > 1 else 0
    return Offset(region.x, region.y + line)
