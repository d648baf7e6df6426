"""The stage: the current operation with its operands and result side by side, as the product forms."""

from __future__ import annotations

from collections.abc import Iterator

from rich.text import Text
from textual.geometry import Offset

from tuinet.app.cursor import Cursor
from tuinet.app.lines import split_lines
from tuinet.app.panes import MatrixLines
from tuinet.app.render import Block, bands, flow_focus, flow_lines, matrix_block
from tuinet.app.view import StepView
from tuinet.engine import Operation, OpKind
from tuinet.engine.losses import LossKind
from tuinet.words.formulas import LOSS_HEAD, loss_of
from tuinet.words.symbols import symbol

__all__ = ["StagePane"]


class StagePane(MatrixLines):
    """The current operation with its operands and result side by side: watch the product form.

    Transposed operands are drawn transposed (a1ᵀ, not a1), so "row i of the left times
    column j of the right" is literally what the highlights show.
    """

    DEFAULT_CSS = """
    StagePane {
        border-top: round $accent;
        border-title-color: $text-accent;
        padding: 0 1;
    }
    """

    def __init__(self) -> None:
        super().__init__(id="stage")
        self.border_title = "Operation"
        self.max_rows = 10
        self._focus: tuple[tuple[Cursor, int], tuple[int, int] | None] | None = None
        """((cursor, width), where the cell being written is in the content) for the view on screen."""

    def cell_offset(self) -> Offset | None:
        """The screen position of the cell being written (cell level, on screen), for the terminal cursor."""
        view, width = self.view, self.content_size.width
        if view is None or not view.cell_mode or not width or not self.display:
            return None
        self.laid_out(width)  # built once per content: the render of this frame reuses it
        if self._focus is None or self._focus[0] != (view.cursor, max(10, width)) or self._focus[1] is None:
            return None
        line, column = self._focus[1]
        region = self.content_region
        y = region.y + line - round(self.scroll_offset.y)
        if not (region.y <= y < region.bottom and column < region.width):
            return None  # cropped (a matrix taller than the stage): the equation line tells instead
        return Offset(region.x + column, y)

    def content_key(self, view: StepView) -> tuple[object, ...]:
        if view.op is None:
            return ("start", view.layout, view.cursor.iteration, view.digits, self.app.theme, view.notation.name)
        names = view.op.names
        parts = [(view.shown(n).filled, view.shown(n).region) for n in names]
        key = (view.layout, view.cursor.iteration, view.op.index, tuple(parts), view.digits, self.app.theme)
        return (*key, view.notation.name)

    def watch_view(self, view: StepView | None) -> None:
        if view is not None:
            op = view.op
            title = (
                f"Iteration {view.cursor.iteration}"
                if op is None
                else f"Operation {op.index + 1}/{view.op_count} · {op.phase}"
            )
            if title != self.border_title:  # the setter refreshes even when the value is the same
                self.border_title = title
        super().watch_view(view)

    compact = False
    """In a small terminal the stage takes the height of the current operation (rows are scarce there;
    a layout pass when the operation changes, never while stepping its cells). Elsewhere it keeps the
    height of the tallest operation, so that no step ever re-lays out the screen."""

    fits_all = True

    def set_compact(self, compact: bool) -> None:
        if compact == self.compact:
            return
        self.compact = compact
        self.fits_all = not compact
        self._height_for = None
        if compact:
            self.styles.height = None  # back to app.tcss: height auto, the current operation's
        elif self.view is not None:
            self._fix_height(self.view)
        self._key = None
        self.watch_view(self.view)

    def variants(self, view: StepView, width: int) -> Iterator[list[Text]]:
        """Every operation of the iteration on screen, complete."""
        for variant in view.stage_variants:
            yield self.build(variant, width)

    def build(self, view: StepView, width: int) -> list[Text]:
        op = view.op
        if op is None:
            return split_lines(
                Text.assemble(
                    ("Iteration ", "bold"),
                    (str(view.cursor.iteration), "bold"),
                    " is about to start: the inputs and weights below are all there is.\n",
                    ("→", "bold"),
                    " runs one operation, ",
                    (".", "bold"),
                    " one matrix cell, ",
                    ("space", "bold"),
                    " the whole iteration.",
                )
            )
        # All columns, wrapping into a second band, while that is enough; a wider network (64 units) gets its
        # columns elided instead, so that σ( z1 ) → a1 stays one drawing on one band.
        # The stage is at most half the screen (app.tcss): fewer rows per matrix (⋮, keeping the row in play)
        # rather than a result band cut off at its bottom.
        budget = max(6, self.app.size.height // 2 - 2)  # max-height 50%, less the border
        tallest = _tallest(view)
        tried: set[int] = set()
        for rows in (self.max_rows, 6, 4, 3):
            if min(rows, tallest) in tried:
                continue  # every matrix fits in both row limits: the same drawing again (4-row data, 80×24)
            tried.add(min(rows, tallest))
            lines = self._fit(view, width, rows)
            if len(lines) <= budget:
                break
        return lines

    def _fit(self, view: StepView, width: int, rows: int) -> list[Text]:
        natural = self._parts(view, width - 4, rows)  # room for an operator carried to the next band
        layout = bands(natural, width, gap=1)
        if len(layout) > 2 or (len(layout) > 1 and any(b.elided for b in natural)):
            # Elide just enough: first try two bands (half the matrices each), then one.
            matrices = sum(1 for b in natural if not b.symbol)
            symbols = sum(b.width for b in natural if b.symbol) + len(natural) - 1
            # One band when each matrix keeps a few columns there (σ( z1 ) → a1), else two bands.
            one_band = (width - symbols) // matrices
            per_band = matrices if one_band >= 30 else -(-matrices // 2)
            natural = self._parts(view, max(16, (width - symbols * per_band // matrices) // per_band), rows)
        if view is self.view:  # not one of the variants measured for the height: where the cell being written is
            self._focus = ((view.cursor, width), flow_focus(natural, width, gap=1))
        return flow_lines(natural, width, gap=1)

    def _parts(self, view: StepView, max_width: int, max_rows: int) -> list[Block]:
        """The current operation's matrices and operators, each at most ``max_width`` columns, ``max_rows`` rows."""
        op = view.op
        assert op is not None
        palette = self.palette()
        digits = view.digits

        def block(name: str, transpose: bool = False, label: str | None = None) -> Block:
            return matrix_block(
                view.shown(name, standing=False),  # the operands as the operation read them
                palette,
                digits,
                max_rows=max_rows,
                max_width=max_width,
                transpose=transpose,
                label=label,
            )

        parts: list[Block] = []
        kind = op.kind
        operands = [block(o.name, o.transpose) for o in op.operands]
        if kind is OpKind.MATMUL:
            if view.notation.columns:  # column vectors: Rᵀ = Bᵀ·Aᵀ, so z = W·a and ∇W = δ·a_prevᵀ
                operands.reverse()
            parts = [operands[0], _op("·"), operands[1]]
            if op.bias:
                parts += [_op("+"), block(op.bias)]
            if op.gate:
                parts += [_op("⊙"), block(op.gate)]
        elif kind is OpKind.ACTIVATION:
            parts = [_op(f"{symbol(op.activation)}("), operands[0], _op(")")]
        elif kind is OpKind.ELEMENTWISE and op.result == "e":
            parts = [operands[0], _op("−"), operands[1]]
        elif kind is OpKind.ELEMENTWISE:  # δL = factor·e ⊙ f′(zL), the factor ∂C/∂e = factor·e of the loss
            parts = [*_scaled(op, operands[0]), _op("⊙"), operands[1]]
        elif kind is OpKind.LOSS:
            # The sum of the squares, e ⊙ e, summed: ½Σ(e)² would read as ½(Σe)², the square of the sum.
            parts = [_op(f"{LOSS_HEAD[loss_of(op)]}("), operands[0], _op("⊙"), operands[0], _op(")")]
        elif kind is OpKind.REDUCE:
            parts = [_op("Σ_rows"), operands[0]]
        else:  # update
            parts = [operands[0]] if op.frozen else [operands[0], _op(f"− {op.scale:g}·"), operands[1]]
        return [*parts, _op("→"), block(op.result)]


def _tallest(view: StepView) -> int:
    """Rows of the operation's tallest matrix as the stage draws it (a transposed operand's columns)."""
    op = view.op
    assert op is not None
    drawn = [(o.name, o.transpose) for o in op.operands]
    drawn += [(name, False) for name in (op.bias, op.gate, op.result) if name]
    return max(int(view.shown(name).values.shape[1 if transpose else 0]) for name, transpose in drawn)


def _scaled(op: Operation, e: Block) -> list[Block]:
    """``e`` times the loss's factor as the formula writes it: e, 2·e, (e / 4) — and (e / 1) for the mean of one."""
    factor = op.factor
    if loss_of(op) is LossKind.HALF_MEAN:
        return [_op("("), e, _op(f"/ {factor.denominator})")]
    if factor == 1:
        return [e]
    if factor.denominator == 1:
        return [_op(f"{factor.numerator}·"), e]
    if factor.numerator == 1:
        return [_op("("), e, _op(f"/ {factor.denominator})")]
    return [_op(f"({factor}·"), e, _op(")")]


def _op(symbol: str) -> Block:
    """An operator, set by ``flow`` at the middle row of its matrix; a closing one keeps with what it closes."""
    closer = symbol.endswith(")") and "(" not in symbol
    return Block([Text(f" {symbol} ", "bold")], len(symbol) + 2, glue=not closer, closer=closer, symbol=True)
