"""The "why" views: outer products, the gradient check, the two sign conventions, the prediction map.

Each answers one of the questions learners ask, with the numbers of the iteration on screen. They
live on one screen with a tab each (keys o, c, s, m); space/backspace still step iterations, so the
gradient check and the prediction map follow training as it goes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

import numpy as np
from rich.color import Color
from rich.console import Group, RenderableType
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, TabbedContent, TabPane

from tuinet.app import sessionfile
from tuinet.app.notation import Notation
from tuinet.app.panes import MatrixWidget
from tuinet.app.profiles import names_line, signs_line
from tuinet.app.render import Block, flow, matrix_block, symbol_block
from tuinet.app.shown import Role, Shown
from tuinet.app.view import StepView
from tuinet.app.whyfacts import GradFacts, MapFacts, OuterFacts, SignFacts, WhyFacts
from tuinet.words.cells import Region
from tuinet.words.numbers import fmt, sci

__all__ = ["VIEWS", "GradCheckView", "MapView", "OuterView", "SignsView", "WhyScreen"]

TITLES = {
    "outer": "Outer products",
    "gradcheck": "Gradient check",
    "signs": "Sign conventions",
    "map": "Prediction map",
}
VIEWS = {view: TITLES[view] for view in sessionfile.VIEWS}
"""Tab id → title. The ids (sessionfile.VIEWS) are also what a saved session records as the open view."""
KEYS = {"outer": "o", "gradcheck": "c", "signs": "s", "map": "m"}


def _shown(name: str, label: str, values: object, role: Role = Role.NONE, region: Region | None = None) -> Shown:
    """A matrix computed by a why-view, shown whole."""
    matrix = np.atleast_2d(np.asarray(values, dtype=np.float64))
    return Shown(name, label, matrix, int(matrix.size), role, region)


BOLD = Style(bold=True)


def _oriented(notation: Notation, shown: Shown, label: str) -> Shown:
    """``shown`` (tuinet's orientation) in the active notation's orientation, as the main view draws it (its
    ``present``, the one place), labelled ``label`` (already in the notation's names)."""
    return replace(notation.present(shown), label=label)


class WhyView(MatrixWidget):
    """A why-view: draws the facts the view carries for its tab (whyfacts.py works them out, not ``render``)."""

    FACTS: ClassVar[type[object]]
    """The facts class this view draws."""

    def facts(self) -> WhyFacts | None:
        """This view's facts, when the view on screen carries them (it carries only the open tab's)."""
        view = self.view
        return view.why if view is not None and isinstance(view.why, self.FACTS) else None

    def content_key(self, view: StepView) -> tuple[object, ...]:
        # The facts are one object while their key holds (whyfacts.py): the object itself is the content key.
        facts = view.why if isinstance(view.why, self.FACTS) else None
        return (facts, view.digits, self.app.theme, self.size)

    # Why-views are off the stepping hot path: Textual's own measuring and rendering of their tables will do.
    def watch_view(self, view: StepView | None) -> None:
        if view is not None and isinstance(view.why, self.FACTS) and self.content_key(view) != self._key:
            self._key = self.content_key(view)
            self.refresh(layout=True)


class OuterView(WhyView):
    """dW = a_prevᵀ·δ as the sum over samples of a_prev[n]ᵀ ⊗ δ[n], one sample at a time."""

    FACTS = OuterFacts

    def render(self) -> RenderableType:
        facts, view = self.facts(), self.view
        if not isinstance(facts, OuterFacts) or view is None:
            return ""
        layer, outer, count, n = facts.layer, facts.outer, facts.count, facts.n
        palette, digits, width = self.palette(), view.digits, max(20, self.content_size.width)
        a_label, d_label, dW_label, notation = facts.a_label, facts.d_label, facts.dW_label, view.notation

        def block(shown: Shown, label: str, wide: bool = True) -> Block:
            oriented = _oriented(notation, shown, label)
            return (
                matrix_block(oriented, palette, digits, max_width=width)
                if wide
                else matrix_block(oriented, palette, digits)
            )

        # Sample n's a_prev drawn as a column (tuinet: a_prev[n]ᵀ, its row turned) or as a row (columns: a_prev[n]ᵀ,
        # its column turned); δ[n] the other way. Either way a column times a row: the outer product P_n.
        a_block = block(_shown("a", "", facts.a_row, Role.OPERAND), f"{a_label}[{n}]ᵀ", wide=False)
        d_block = block(_shown("d", "", facts.d_row, Role.OPERAND), f"{d_label}[{n}]", wide=False)
        product = (
            [d_block, symbol_block(" · ", 3), a_block] if facts.columns else [a_block, symbol_block(" ⊗ ", 3), d_block]
        )
        blocks: list[Block] = [
            *product,
            symbol_block(" = ", 3),
            block(_shown("p", "", outer.products[n], Role.RESULT), f"P{n}"),
        ]
        whole = f"{d_label}·{a_label}ᵀ" if facts.columns else f"{a_label}ᵀ·{d_label}"
        sums: list[Block] = [
            block(_shown("s", "", outer.running[n], Role.RESULT), _sum_label(n)),
            symbol_block("  vs  ", 3),
            block(_shown("dW", "", outer.dW), f"{dW_label} = {whole}"),
        ]
        done = n == count - 1
        exactly = (
            "to the last bit"
            if outer.max_abs_diff == 0
            else f"up to float rounding, {sci(outer.max_abs_diff)}: the matrix product adds in another order"
        )
        verdict = (
            f"✓ the sum of all {count} outer products equals {dW_label} ({exactly})"
            if done
            else f"{count - n - 1} more sample(s) to add: press . to add the next one"
        )
        row = facts.dataset_row
        names = names_line(view.notation, (f"a{layer - 1}", f"delta{layer}", f"dW{layer}"))
        # Column form: sample n is column n of a_prev and of δ; P_n = δ[n]·a_prev[n]ᵀ = δ[n] ⊗ a_prev[n].
        head = (
            f"{dW_label} = Σ_n {d_label}[n] ⊗ {a_label}[n] = Σ_n {d_label}[n]·{a_label}[n]ᵀ  (column n = sample n)"
            if facts.columns
            else f"{dW_label} = Σ_n {a_label}[n]ᵀ ⊗ {d_label}[n]"
        )
        return self._text(
            Text.assemble(
                *(((names, "italic"), "\n") if names else ()),
                (head, "bold"),
                f"   sample n = {n} (dataset row {row}) of {count}   ",
                (". , samples  [ ] layer", "dim"),
                "\n",
                (outer.why_transpose, "italic"),
                "\n\n",
                flow(blocks, width, gap=1),
                "\n\n",
                flow(sums, width, gap=1),
                "\n\n",
                (verdict, "bold" if done else "dim"),
            )
        )


def _sum_label(n: int) -> str:
    """P0 + … + Pn by name: every term while there are at most three, an ellipsis only when it hides some."""
    return "+".join(f"P{k}" for k in range(n + 1)) if n < 3 else f"P0+…+P{n}"


class GradCheckView(WhyView):
    """Every weight's analytic ∂C/∂w beside its central finite difference."""

    FACTS = GradFacts
    DIGITS: ClassVar[int] = 10
    """Decimals of both gradients: enough to see them agree to far below the tolerance."""

    def content_key(self, view: StepView) -> tuple[object, ...]:
        facts = view.why if isinstance(view.why, GradFacts) else None
        return (facts, self.app.theme)

    def render(self) -> RenderableType:
        facts = self.facts()
        if not isinstance(facts, GradFacts):
            return ""
        t, check = facts.iteration, facts.check
        good, bad = self.palette().positive, self.palette().negative + BOLD  # theme colours: readable in each
        table = Table(box=None, padding=(0, 2), header_style="bold")
        for title in ("weight", "analytic ∂C/∂w (backprop)", "numeric (C(w+h)−C(w−h))/2h", "relative error", ""):
            table.add_column(title, justify="right" if title else "left")
        for entry, weight in zip(check.entries, facts.weights, strict=True):
            ok = entry.rel_error <= check.tolerance
            table.add_row(
                weight,
                fmt(entry.analytic, self.DIGITS),
                fmt(entry.numeric, self.DIGITS),
                sci(entry.rel_error),
                Text("✓", good) if ok else Text("✗ MISMATCH", bad),
            )
        verdict = (
            Text(f"✓ all {len(check.entries)} gradients match", good + BOLD)
            if check.ok
            else Text(f"✗ {len(check.mismatches)} of {len(check.entries)} gradients do not match", bad)
        )
        summary = Text.assemble(
            (f"Iteration {t}: ", "bold"),
            verdict,
            f" — largest relative error {sci(check.max_rel_error)} (tolerance {sci(check.tolerance, 1)}, h = 1e−5)",
        )
        total = facts.total
        note = Text(f"(the first {len(check.entries)} of {total} weights)" if len(check.entries) < total else "", "dim")
        return Group(summary, note, table)


class SignsView(WhyView):
    """Form A (e = a − y, W −= lr·dW) and form B (e = y − a, W += lr·…) side by side: the same new weights."""

    FACTS = SignFacts

    def render(self) -> RenderableType:
        facts, view = self.facts(), self.view
        if not isinstance(facts, SignFacts) or view is None:
            return ""
        signs = facts.signs
        palette, digits, width = self.palette(), view.digits, max(20, self.content_size.width)
        L, notation = facts.layers, view.notation
        columns: list[Text] = []
        heads: list[Text] = []
        bodies: list[Text] = []
        half = max(20, (width - 3) // 2)
        for form in (signs.descent, signs.tutorial):
            # Labelled in the forms' own maths (form B's e and δ are minus tuinet's), drawn in the notation's
            # orientation.
            shown = [
                _oriented(notation, _shown("e", "", form.e), "e"),
                _oriented(notation, _shown(f"delta{L}", "", form.deltas[-1]), f"δ{L}"),
                *(
                    _oriented(notation, _shown(f"W{layer}_new", "", form.W_new[layer - 1], Role.RESULT), f"W{layer}′")
                    for layer in range(L, 0, -1)
                ),
            ]
            blocks = [matrix_block(s, palette, digits, max_width=half) for s in shown]
            head = Text.assemble((f"Form {form.label}: ", "bold"), (form.title, "bold"), "\n")
            head.append("\n".join("  " + f for f in form.formulas), "")
            head.append("\n")
            heads.append(head)
            bodies.append(flow(blocks, half, gap=2))
        # The heads wrap at half the width; the shorter gets blank lines, so both forms' matrices share rows.
        tallest = max(len(head.wrap(self.app.console, half)) for head in heads)
        for head, body in zip(heads, bodies, strict=True):
            head.append("\n" * (tallest - len(head.wrap(self.app.console, half))))
            columns.append(Text.assemble(head, body))
        grid = Table.grid(padding=(0, 3))
        grid.add_column(width=half)
        grid.add_column(width=half)
        grid.add_row(columns[0], columns[1])
        verdict = Text(
            ("✓ identical new weights. " if signs.identical else "✗ the forms differ. ") + signs.explanation,
            (self.palette().positive if signs.identical else self.palette().negative) + BOLD,
        )
        # The textbook's scalar form for one weight, chosen with . and ,
        scalar = facts.scalar
        textbook = Text.assemble(
            ("\nThe textbook's scalar form, weight by weight ", "bold"),
            ("(. , choose the weight, [ ] the layer)", "dim"),
            "\n",
            _fit_check(scalar.text, width),
        )
        names = signs_line(view.notation, ("e", f"delta{L}"))
        return Group(*((Text(names, "italic"),) if names else ()), grid, verdict, textbook)


def _fit_check(text: str, width: int) -> str:
    """The scalar sum, and its check against dW on a line of its own when both do not fit on one."""
    head, sep, check = text.rpartition("  (")
    return f"{head}\n({check}" if sep and len(text) > width else text


class MapView(WhyView):
    """The network's output over the input square, in half blocks, with the training points marked."""

    LOW: ClassVar[tuple[int, int, int]] = (40, 90, 200)
    HIGH: ClassVar[tuple[int, int, int]] = (230, 120, 30)

    FACTS = MapFacts

    def content_key(self, view: StepView) -> tuple[object, ...]:
        facts = view.why if isinstance(view.why, MapFacts) else None
        return (facts, self.app.theme)

    def _colour(self, value: float, low: float, high: float) -> Color:
        span = high - low or 1.0
        t = min(1.0, max(0.0, (value - low) / span)) if value == value else 0.5
        r, g, b = (round(lo + (hi - lo) * t) for lo, hi in zip(self.LOW, self.HIGH, strict=True))
        return Color.from_rgb(r, g, b)

    def render(self) -> RenderableType:
        facts = self.facts()
        if not isinstance(facts, MapFacts):
            return ""
        grid = facts.grid
        if grid is None:
            return Text(
                "The prediction map needs a dataset with two varying inputs (xor3, xor, and, or, or a 2-input CSV).",
                "italic",
            )
        lines, values, low, high = facts.lines, grid.values, facts.low, facts.high
        marks = {(p.row, p.col): p for p in grid.points}
        out = Text()
        out.append(f"{facts.output} of the network after {facts.after} update(s)", "bold")
        out.append(f"   ● target ≥ 0.5   ○ target < 0.5   low {fmt(low, 1)} ", "dim")
        for k in range(8):
            out.append("█", Style(color=self._colour(low + (high - low) * k / 7, low, high)))
        out.append(f" high {fmt(high, 1)}\n", "dim")
        for line in range(lines):
            top_row, bottom_row = 2 * line, 2 * line + 1
            edge = {0: grid.x2[0], lines - 1: grid.x2[-1]}.get(line)
            label = f"{float(edge):5.2f} " if edge is not None else "      "
            out.append(label, "dim")
            for c in range(values.shape[1]):
                upper = self._colour(float(values[top_row, c]), low, high)
                lower = self._colour(float(values[bottom_row, c]), low, high)
                point = marks.get((top_row, c)) or marks.get((bottom_row, c))
                if point is not None:
                    mark = "●" if point.target >= 0.5 else "○"
                    out.append(mark, Style(color="white", bgcolor=upper, bold=True))
                else:
                    out.append("▀", Style(color=upper, bgcolor=lower))
            out.append("\n")
        out.append(f"      {facts.inputs[0]} → {float(grid.x1[0]):.2f} … {float(grid.x1[-1]):.2f}", "dim")
        out.append(f"    ↑ {facts.inputs[1]}", "dim")
        if grid.fixed:
            held = ", ".join(f"x{c + 1} = {v:g}" for c, v in grid.fixed)
            out.append(f"    (held constant: {held})", "dim")
        return out


class WhyScreen(Screen[None]):
    """The four why-views in tabs, following the iteration on the main screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,w", "close", "Close"),  # "Back" is ⌫'s, the previous iteration
        Binding("o", "show('outer')", "Outer", show=False),
        Binding("c", "show('gradcheck')", "Grad check", show=False),
        Binding("s", "show('signs')", "Signs", show=False),
        Binding("m", "show('map')", "Map", show=False),
        Binding("full_stop", "index(1)", "Next sample/weight", key_display="."),
        Binding("comma", "index(-1)", "Previous", key_display=",", show=False),
        Binding("right_square_bracket", "layer(1)", "Layer", key_display="]"),
        Binding("left_square_bracket", "layer(-1)", "Layer back", show=False),
    ]
    DEFAULT_CSS = """
    WhyScreen VerticalScroll { height: 1fr; padding: 0 1; }
    WhyScreen WhyView { height: auto; }
    """

    @dataclass
    class TabShown(Message):
        """The screen shows why-view ``tab`` now (by key or click): the session records it."""

        tab: str

    @dataclass
    class Picked(Message):
        """. , [ ]: explain another sample or weight (``index`` change), another layer (``layer`` change)."""

        layer: int = 0
        index: int = 0

    def __init__(self, initial: str = "outer") -> None:
        super().__init__()
        self.initial = initial if initial in VIEWS else "outer"

    def compose(self) -> ComposeResult:
        views = {"outer": OuterView(), "gradcheck": GradCheckView(), "signs": SignsView(), "map": MapView()}
        with TabbedContent(initial=self.initial, id="why-tabs"):
            for key, title in VIEWS.items():
                with TabPane(f"{title} ({KEYS[key]})", id=key), VerticalScroll():
                    yield views[key]
        yield Footer()

    def on_mount(self) -> None:
        self.watch(self.app, "view", self._follow, init=True)

    def _follow(self, view: StepView | None) -> None:
        for widget in self.query(WhyView):
            widget.view = view

    @property
    def active(self) -> str:
        return self.query_one(TabbedContent).active or self.initial

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self.post_message(self.TabShown(self.active))
        self.refresh_bindings()  # . , [ ] are shown only where they choose something

    PICKS: ClassVar[frozenset[str]] = frozenset({"outer", "signs"})
    """The views whose sample/weight (. ,) and layer ([ ]) the keys choose; the others have none."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("index", "layer"):
            return self.active in self.PICKS
        return True

    def action_show(self, key: str) -> None:
        self.query_one(TabbedContent).active = key

    def action_index(self, change: int) -> None:
        self.post_message(self.Picked(index=change))

    def action_layer(self, change: int) -> None:
        self.post_message(self.Picked(layer=change))

    def action_close(self) -> None:
        self.dismiss(None)
