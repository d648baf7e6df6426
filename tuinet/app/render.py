"""Matrices as Rich text: fixed precision, sign by colour *and* minus sign, elision for big ones.

A matrix is drawn as a block of lines (title, then rows between box brackets). Blocks are
laid out left to right and wrap to the next band when the width runs out, so the same code
serves an 80-column laptop and a 200-column projector.
"""

from __future__ import annotations

from collections import OrderedDict
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

__all__ = ["Block", "Palette", "bands", "flow", "flow_focus", "flow_lines", "matrix_block", "pick", "symbol_block"]


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
    closer: bool = False
    """A closing bracket, ``)``: never start a band with it, keep it with the block before."""
    symbol: bool = False
    """One line, set by ``flow`` at the middle row of the matrix beside it (not at a fixed row)."""
    elided: bool = False
    """A matrix some of whose columns did not fit (⋯)."""
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


BLOCKS_KEPT = 256
"""Blocks remembered (a screen shows a few dozen; a cell step redraws one or two of them)."""
_blocks: OrderedDict[tuple[object, ...], Block] = OrderedDict()


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
    """One matrix as a titled block of text lines (a block is never modified: callers copy its lines).

    Remembered by everything it is drawn from, values included: stepping one cell changes one matrix on
    screen, and the others come back from here instead of being formatted again, number by number.
    """
    values = shown.values
    key = (
        shown.label,
        values.shape,
        values.dtype.str,
        values.tobytes(),
        shown.filled,
        shown.role,
        shown.region,
        palette,
        digits,
        None if changed is None else changed.tobytes(),
        max_rows,
        max_width,
        transpose,
        label,
    )
    block = _blocks.get(key)
    if block is not None:
        _blocks.move_to_end(key)
        return block
    block = _draw_block(shown, palette, digits, changed, max_rows, max_width, transpose, label)
    _blocks[key] = block
    if len(_blocks) > BLOCKS_KEPT:
        _blocks.popitem(last=False)
    return block


def _draw_block(
    shown: Shown,
    palette: Palette,
    digits: int,
    changed: BoolMatrix | None,
    max_rows: int,
    max_width: int,
    transpose: bool,
    label: str | None,
) -> Block:
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
    return Block(lines, width, elided=None in col_ids, focus=focus)


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
        tiny = np.abs(finite[finite != 0])
        if tiny.size:  # the smallest is written 6e−4 or 1e−300, which can be wider than a fixed 0.0
            widths.append(len(fmt(float(tiny.min()), digits)) + 1)
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


def bands(blocks: Iterable[Block], width: int, gap: int = 3) -> list[list[Block]]:
    """Blocks left to right in bands that fit ``width``: an operator stays with what follows it, a closing
    bracket with what precedes it (with that block's own operator), so σ( z ) is never split across bands."""
    out: list[list[Block]] = []

    def span(band: list[Block]) -> int:
        return sum(b.width for b in band) + gap * (len(band) - 1)

    for block in blocks:
        if out and span([*out[-1], block]) <= width:
            out[-1].append(block)
            continue
        carried: list[Block] = []
        if out:
            last = out[-1]
            take = 0
            if block.closer:  # the matrix it closes, and the operators before that matrix
                take = 1
                while take < len(last) and last[-1 - take].glue:
                    take += 1
            else:
                while take < len(last) and last[-1 - take].glue:
                    take += 1
            if 0 < take < len(last) and span([*last[-take:], block]) <= width:
                carried = last[-take:]
                del last[-take:]
        out.append([*carried, block])
    return out


def flow(blocks: Iterable[Block], width: int, gap: int = 3) -> Text:
    """``flow_lines`` as one text."""
    return Text("\n").join(flow_lines(blocks, width, gap))


def flow_lines(blocks: Iterable[Block], width: int, gap: int = 3) -> list[Text]:
    """Blocks left to right, wrapping into bands that fit ``width``, one band below the other.

    A ``symbol`` block is set at the middle row of the matrix after it (before it, for a closing bracket), so
    an arrow points at a one-row result's row, not at the middle of a taller operand.
    """
    out: list[Text] = []
    for band in bands(blocks, width, gap):
        band = _place_symbols(band)
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
            out.append(line)
    return out


def _place_symbols(band: list[Block]) -> list[Block]:
    placed = list(band)
    for k, block in enumerate(band):
        if not block.symbol:
            continue
        order = [*band[k - 1 :: -1], *band[k + 1 :]] if block.closer else [*band[k + 1 :], *band[k - 1 :: -1]]
        beside = next((b for b in order if not b.symbol), None)
        height = len(beside.lines) if beside is not None else 1
        lines = [Text() for _ in range(height)]
        lines[min(height - 1, max(1, height // 2))] = block.lines[0]
        placed[k] = Block(lines, block.width, block.glue, block.closer)
    return placed


def flow_focus(blocks: list[Block], width: int, gap: int = 3) -> tuple[int, int] | None:
    """Where ``flow`` puts the cell being written, as (line, column) of its text; None if no block holds it."""
    top = 0
    for band in bands(blocks, width, gap):
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
