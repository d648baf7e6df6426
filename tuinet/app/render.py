"""Matrices as Rich text: fixed precision, sign by colour *and* minus sign, elision for big ones.

A matrix is drawn as a block of lines (title, then rows between box brackets). Blocks are
laid out left to right and wrap to the next band when the width runs out, so the same code
serves an 80-column laptop and a 200-column projector.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from rich.style import Style
from rich.text import Text

from tuinet.app.shown import BoolMatrix, Role, Shown
from tuinet.engine.types import Matrix
from tuinet.words.cells import Region
from tuinet.words.names import shape_text
from tuinet.words.numbers import FIXED_LIMIT, fmt

__all__ = ["Block", "Palette", "flow", "flow_focus", "matrix_block", "pick", "symbol_block"]


@dataclass(frozen=True)
class Palette:
    """The styles a matrix is drawn with (taken from the widget's component classes, so themes apply)."""

    positive: Style
    negative: Style
    zero: Style
    empty: Style
    bracket: Style
    title: Style
    shape: Style
    operand: Style
    """Row/column of an operand that the current cell reads."""
    result: Style
    """The cell being written."""
    operand_title: Style
    result_title: Style
    changed: Style
    bad: Style
    """inf / NaN."""


@dataclass(frozen=True)
class Block:
    lines: list[Text]
    width: int
    glue: bool = False
    """An operator: never end a band with it, keep it with the block that follows."""
    focus: tuple[int, int] | None = None
    """(line, column) of the first character of the cell being written, if this block holds it."""


def pick(n: int, limit: int, focus: int | None) -> list[int | None]:
    """Indices 0…n−1 to show when only ``limit`` fit; None marks the elided run (⋮ or ⋯).

    Keeps the first and last few, and always the ``focus`` index (the row or column in play).
    """
    if n <= limit:
        return list(range(n))
    limit = max(limit, 3)
    if focus is None or focus < limit - 2 or focus >= n - 1:
        head = limit - 2
        return [*range(head), None, n - 1]
    # first, …, focus neighbourhood, …, last
    keep = {0, n - 1, focus}
    for k in (focus - 1, focus + 1):
        if len(keep) < limit - 2 and 0 <= k < n:
            keep.add(k)
    ordered = sorted(keep)
    out: list[int | None] = []
    for index in ordered:
        if out and out[-1] is not None and index != out[-1] + 1:
            out.append(None)
        out.append(index)
    return out


def _focus(region: Region | None, axis: str) -> int | None:
    if region is None or region.kind == "all":
        return None
    if axis == "row":
        return region.i if region.kind in ("row", "cell") else None
    return region.j if region.kind in ("col", "cell") else None


def matrix_block(
    shown: Shown,
    palette: Palette,
    digits: int,
    changed: BoolMatrix | None = None,
    max_rows: int = 8,
    max_width: int = 80,
    transpose: bool = False,
    label: str | None = None,
) -> Block:
    """One matrix as a titled block of text lines."""
    values = shown.values.T if transpose else shown.values
    region = shown.region
    if transpose and region is not None:
        swap = {"row": "col", "col": "row"}.get(region.kind, region.kind)
        region = Region(swap, region.j, region.i)  # type: ignore[arg-type]
    rows, cols = values.shape
    filled = shown.filled_mask()
    if transpose:
        filled = filled.T
        changed = None if changed is None else changed.T

    cell_width = _cell_width(values, digits)
    fit_cols = max(1, (max_width - 3) // (cell_width + 1))
    row_ids = pick(rows, max_rows, _focus(region, "row"))
    col_ids = pick(cols, fit_cols, _focus(region, "col"))

    title = Text()
    name = label or shown.label + ("ᵀ" if transpose else "")
    title_style = {Role.RESULT: palette.result_title, Role.OPERAND: palette.operand_title}.get(
        shown.role, palette.title
    )
    title.append(name, title_style)
    title.append(" " + shape_text((rows, cols)), palette.shape)

    lines = [title]
    focus: tuple[int, int] | None = None
    single = len(row_ids) == 1
    for position, i in enumerate(row_ids):
        line = Text()
        left, right = _brackets(position, len(row_ids), single)
        line.append(left, palette.bracket)
        for j in col_ids:
            line.append(" ")
            if i is None or j is None:
                mark = "⋮" if i is None else "⋯"
                if i is None and j is None:
                    mark = "⋱"
                line.append(mark.rjust(cell_width), palette.empty)
                continue
            if not filled[i, j]:
                line.append("·".rjust(cell_width), palette.empty)
                continue
            value = float(values[i, j])
            style = _value_style(value, palette)
            if changed is not None and changed[i, j]:
                style = style + palette.changed
            number = fmt(value, digits)
            if region is not None and shown.role is not Role.NONE and region.contains(i, j):
                writing = shown.role is Role.RESULT and region.kind == "cell"
                style = style + (palette.result if writing else palette.operand)
                if writing:  # where the terminal cursor goes, for screen readers (app/readercursor.py)
                    focus = (len(lines), line.cell_len + cell_width - len(number))
            line.append(number.rjust(cell_width), style)
        line.append(" " + right, palette.bracket)
        lines.append(line)
    width = max(line.cell_len for line in lines)
    return Block(lines, width, focus=focus)


def _cell_width(values: Matrix, digits: int) -> int:
    """The widest number in the matrix, found without formatting every cell (a 256×64 matrix shows 8 rows).

    The widest fixed-point text belongs to the largest or the most negative value; scientific notation and
    inf/NaN have widths of their own, so those are measured only when present.
    """
    widths = [digits + 3]
    finite = values[np.isfinite(values)]
    if finite.size:
        widths += [len(fmt(float(finite.max()), digits)), len(fmt(float(finite.min()), digits))]
        big = finite[np.abs(finite) >= FIXED_LIMIT]
        if big.size:
            widths.append(len(fmt(float(big[0]), digits)) + 1)  # exponents of 3 digits and a sign
    if finite.size != values.size:
        widths.append(4)  # −inf
    return max(widths)


def _brackets(position: int, count: int, single: bool) -> tuple[str, str]:
    if single:
        return "[", "]"
    if position == 0:
        return "┌", "┐"
    if position == count - 1:
        return "└", "┘"
    return "│", "│"


def _value_style(value: float, palette: Palette) -> Style:
    if value != value or value in (float("inf"), float("-inf")):
        return palette.bad
    if value < 0:
        return palette.negative
    if value == 0:
        return palette.zero
    return palette.positive


def _bands(blocks: Iterable[Block], width: int, gap: int) -> list[list[Block]]:
    """The blocks grouped into bands (rows of blocks) that fit ``width``."""
    bands: list[list[Block]] = []
    used = 0
    for block in blocks:
        if bands and used + gap + block.width <= width:
            bands[-1].append(block)
            used += gap + block.width
        else:
            carried = [bands[-1].pop()] if bands and len(bands[-1]) > 1 and bands[-1][-1].glue else []
            bands.append([*carried, block])
            used = sum(b.width for b in bands[-1]) + gap * (len(bands[-1]) - 1)
    return bands


def flow(blocks: Iterable[Block], width: int, gap: int = 3) -> Text:
    """Blocks left to right, wrapping into bands that fit ``width``, one band below the other."""
    out = Text()
    for number, band in enumerate(_bands(blocks, width, gap)):
        if number:
            out.append("\n")
        height = max(len(b.lines) for b in band)
        for row in range(height):
            line = Text()
            for k, block in enumerate(band):
                if k:
                    line.append(" " * gap)
                piece = block.lines[row] if row < len(block.lines) else Text()
                line.append_text(piece)
                line.append(" " * (block.width - piece.cell_len))
            line.rstrip()
            out.append_text(line)
            if row < height - 1:
                out.append("\n")
    return out


def flow_focus(blocks: list[Block], width: int, gap: int = 3) -> tuple[int, int] | None:
    """Where ``flow`` puts the cell being written, as (line, column) of its text; None if no block holds it."""
    top = 0
    for band in _bands(blocks, width, gap):
        left = 0
        for block in band:
            if block.focus is not None:
                return top + block.focus[0], left + block.focus[1]
            left += block.width + gap
        top += max(len(b.lines) for b in band)
    return None


def symbol_block(symbol: str, height: int, style: Style | None = None) -> Block:
    """An operator (·, →, ⊙, −) set at the middle row of a band of matrices ``height`` lines tall."""
    lines = [Text() for _ in range(height)]
    middle = min(height - 1, max(1, (height) // 2))
    lines[middle] = Text(symbol, style or Style(bold=True))
    return Block(lines, len(symbol), glue=True)
