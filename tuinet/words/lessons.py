"""Lessons: short Markdown narration pinned to places in a run, and what a source printed there.

A lesson is a list of stops. Each stop names an iteration and, optionally, an operation (by the name of
the matrix it writes: ``z1``, ``a2``, ``e``, ``loss``, ``delta2``, ``dW1``, ``W2_new`` …). The lesson pane
shows the most specific stop for the cursor: this iteration and this operation, else this iteration,
else this operation in any iteration.

Narration may quote the engine's numbers with ``{expression}`` or ``{expression:.9f}``: the expression is
evaluated on the iteration's trace (see tuinet/scenario/quantities.py), so a sentence never states a number
the engine did not compute. ``{{`` and ``}}`` are literal braces.

A ``Printed`` is one number a source prints (a textbook's value), with where tuinet computes it: the lesson
pane puts the two side by side, and ``tuinet train --json`` reports both.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = ["BUILTIN_LESSONS", "Lesson", "Printed", "Stop", "fill", "matches", "rounded_like"]


@dataclass(frozen=True)
class Stop:
    """One piece of narration: where it applies and what it says (Markdown)."""

    iteration: int | None
    """1-based; None: every iteration."""
    op: str | None
    """The result name of an operation (``dW2``); None: the whole iteration."""
    text: str


@dataclass(frozen=True)
class Printed:
    """A number as a source prints it, and the expression that is the same quantity in tuinet's trace."""

    label: str
    """The source's own name for it (``out_h1``, ``w5⁺``, ``Error:``)."""
    iteration: int
    op: str | None
    """The operation at which it is shown; None: before the iteration's first operation."""
    expression: str
    printed: str
    """The source's digits, verbatim (``0.593269992``)."""
    figures: str = ""
    """How the source rounds: "" = to its decimals (half up); ``g12`` = 12 significant digits (Python 2 str)."""
    differs: str = ""
    """Empty when the source's number follows its rule; else why it does not (shown beside it)."""


@dataclass(frozen=True)
class Lesson:
    name: str
    title: str
    intro: str
    stops: tuple[Stop, ...]
    printed: tuple[Printed, ...] = ()

    def stop_at(self, iteration: int, op: str | None) -> Stop | None:
        """The most specific stop for the cursor (iteration, current operation's result)."""
        best: tuple[int, Stop] | None = None
        for stop in self.stops:
            if stop.iteration not in (None, iteration) or stop.op not in (None, op):
                continue
            rank = (2 if stop.iteration is not None else 0) + (1 if stop.op is not None else 0)
            if best is None or rank > best[0]:
                best = (rank, stop)
        return best[1] if best else None

    def printed_at(self, iteration: int, op: str | None) -> tuple[Printed, ...]:
        return tuple(p for p in self.printed if p.iteration == iteration and p.op == op)


_FIELD = re.compile(r"\{\{|\}\}|\{([^{}:]+)(?::([^{}]*))?\}")


def fill(text: str, value_of: Callable[[str], float], digits: int) -> str:
    """``text`` with every ``{expression[:format]}`` replaced by its value (``digits`` decimals by default).

    An expression that cannot be evaluated reads ``{?expression}``: visible, never a made-up number.
    """

    def replace(match: re.Match[str]) -> str:
        if match.group(0) in ("{{", "}}"):
            return match.group(0)[0]
        expression, spec = match.group(1).strip(), match.group(2)
        try:
            value = value_of(expression)
        except (KeyError, ValueError, IndexError, ZeroDivisionError):
            return f"{{?{expression}}}"
        if spec:
            try:
                return format(value, spec)
            except ValueError:
                return f"{{?{expression}:{spec}}}"
        return f"{value:.{digits}f}"

    return _FIELD.sub(replace, text)


def _normal(printed: str) -> str:
    return printed.strip().replace("−", "-")


def rounded_like(value: float, printed: str, figures: str = "") -> str:
    """``value`` written the way the source wrote ``printed``: same decimals (half up), or ``gN`` digits."""
    if figures.startswith("g"):
        return format(value, f".{int(figures[1:])}g")
    text = _normal(printed)
    decimals = len(text.split(".", 1)[1]) if "." in text else 0
    try:
        exact = Decimal(repr(value))
    except InvalidOperation:
        return repr(value)  # inf or nan: no rounding makes them a printed number
    out = str(exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))
    return out[1:] if out.startswith("-") and Decimal(out) == 0 else out


def matches(value: float, printed: Printed) -> bool:
    """Whether tuinet's ``value`` rounds to exactly the source's printed digits."""
    return rounded_like(value, printed.printed, printed.figures) == _normal(printed.printed)


# -- the built-in lesson: the five questions, on the tutorial network ---------------------------------------

_TUTORIAL_INTRO = """\
**Five questions about backprop**, on the tutorial network (3-4-1 sigmoid, XOR, no biases).
Step with **→** (one operation); the lesson stops where each question is answered.
**]** jumps to the next stop, **[** back."""

_TUTORIAL_STOPS = (
    Stop(
        1,
        "z1",
        "The forward pass: z1 = a0·W1. Each **row** is one sample, each **column** one hidden unit: "
        "z1[0,0] = {z1[0,0]:.4f} is sample 1's inputs times W1's first column.",
    ),
    Stop(
        1,
        "loss",
        "C = ½Σe² = {loss:.4f}, with e = a2 − y. Everything that follows is ∂C/∂(something).",
    ),
    Stop(
        1,
        "delta2",
        "**Q4 · δ against ∂C/∂W.** δ2 = e ⊙ σ′(z2) is ∂C/∂z2: one number per sample and output unit "
        "(δ2[0,0] = {delta2[0,0]:.4f}). It is not a weight gradient yet; ∂C/∂W2 comes next, made from δ2.",
    ),
    Stop(
        1,
        "dW2",
        "**Q1 · why a1ᵀ?** z2 = a1·W2, so ∂z2[n,j]/∂W2[i,j] = a1[n,i]: a weight's gradient is Σ over samples "
        "of *its input* × *its δ*. For all i, j at once that is a1ᵀ·δ2 — the transpose puts the samples on "
        "the summed index: (4×4)ᵀ·(4×1) → 4×1, the shape of W2. Press **o** to see it as a sum of outer products.",
    ),
    Stop(
        1,
        "delta1",
        "**Q4 again.** δ1 = (δ2·W2ᵀ) ⊙ σ′(z1) = ∂C/∂z1: the error sent back through the *old* W2, gated by "
        "each hidden unit's slope. A δ has a row per sample; a dW sums the samples away.",
    ),
    Stop(
        1,
        "dW1",
        "**Q2 · why not a Kronecker product?** a0ᵀ⊗δ1 would be (3·4)×(4·4) = 12×16 numbers; dW1 is 3×4, one per "
        "weight. The gradient pairs input i with unit j *and sums over the samples n*: dW1[i,j] = Σₙ a0[n,i]·δ1[n,j], "
        "a matrix product. (For a single sample it is the outer product a0ᵀδ1.)",
    ),
    Stop(
        1,
        "W2_new",
        "**Q3 · per element against matrix form.** Per element: W2′[i,j] = W2[i,j] − lr·Σₙ a1[n,i]·δ2[n,j]. "
        "As matrices: W2′ = W2 − lr·a1ᵀ·δ2. The same numbers: W2′[0,0] = {W2_new[0,0]:.4f}. Step cells with "
        "**.** to see one element's arithmetic; press **c** to check dW against finite differences.",
    ),
    Stop(
        1,
        "W1_new",
        "**Q5 · the two sign conventions.** tuinet: e = a − y, δ = ∂C/∂z, W −= lr·a0ᵀ·δ. The tutorial code: "
        "error = y − a, so its delta is −δ, and W += a0ᵀ·delta. The same W1′[0,0] = {W1_new[0,0]:.4f}. "
        "Press **s** to see both side by side.",
    ),
    Stop(
        2,
        "loss",
        "Iteration 2 ran from the updated weights: C = {loss:.4f} now. **space** runs whole iterations; "
        "watch C fall in the status line. That is the end of the lesson.",
    ),
)

BUILTIN_LESSONS: dict[str, Lesson] = {
    "tutorial": Lesson("tutorial", "Five questions about backprop", _TUTORIAL_INTRO, _TUTORIAL_STOPS),
}
"""Lessons by name (``--lesson NAME``); each is written for the preset of the same name."""
