"""How every number is written: one rule for panes, stage, equation, why-views and exports.

**The rule.** A number is written in fixed point with ``digits`` decimals (``--digits``), unless that would
hide it or blow up its column; then it is written in compact scientific notation, ``6e−4``, ``5.7e−5``,
``1.470e308`` (a real minus sign, no ``+``, no leading zeros in the exponent):

- *small*: a non-zero number whose fixed form is all zeros (``0.000`` or ``−0.000`` at 3 digits) is written
  scientifically, in no more characters than the fixed form it replaces (``digits + 2``, sign apart), with
  as many significant digits as fit — at least one;
- *huge*: from ``FIXED_LIMIT`` on, likewise in the width of the widest fixed number (``99999.`` and the
  decimals), so a diverging weight reads ``1.470e308`` where ``12345.678`` stood.

So no non-zero value ever reads as zero, a column keeps its width when a number crosses either threshold
(no jitter while stepping), and ``--digits`` sets the width and precision of both forms.

**Why not a common scale factor per matrix** (``×10⁻³`` in the title)? A matrix can hold 0.9 next to 2e−6
(δ1 early in training; a gradient check's differences); one factor cannot show both, so one of them would
still read 0.000. And the equation, the cell's arithmetic and the why-views mix numbers from several
matrices in one line, where a per-matrix factor has no place to go. Per-number scientific notation is one
rule that fits every place a number is shown, and a learner reads ``6e−4`` as it is.
"""

from __future__ import annotations

__all__ = ["FIXED_LIMIT", "factor", "fixed_width", "fmt", "sci"]

FIXED_LIMIT = 1e5
"""From this magnitude on, numbers are shown in scientific notation."""


def fixed_width(digits: int) -> int:
    """Characters of a fixed-point number below 10, sign apart: ``0.125`` is 5 at 3 digits."""
    return digits + 2 if digits > 0 else 1


def fmt(value: float, digits: int = 2) -> str:
    """A number as every view shows it (see the module's rule): a real minus sign, inf/NaN spelled out."""
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "inf" if value > 0 else "−inf"
    if value == 0:
        return f"{0.0:.{digits}f}"  # −0.0 is a float artefact, not a sign worth showing
    size = abs(value)
    if size >= FIXED_LIMIT:
        text = _scientific(size, fixed_width(digits) + 4)
    else:
        text = f"{size:.{digits}f}"
        if float(text) == 0:  # all zeros: the fixed form would hide a number that is there
            text = _scientific(size, fixed_width(digits))
    return "−" + text if value < 0 else text


def _scientific(size: float, width: int) -> str:
    """``size`` (> 0) as ``m.mmme±x`` in at most ``width`` characters (at least one significant digit)."""
    exponent = len(f"{size:e}".split("e")[1].lstrip("+-0") or "0")
    for _ in range(2):  # rounding can carry into the exponent (9.96e−10 → 1e−9): then fit again
        negative = size < 1
        decimals = max(0, width - 3 - exponent - negative)
        text = _e(size, decimals)
        digits_now = len(text.split("e")[1].lstrip("−"))
        if digits_now == exponent:
            break
        exponent = digits_now
    return text


def _e(size: float, decimals: int) -> str:
    mantissa, exponent = f"{size:.{decimals}e}".split("e")
    power = int(exponent)
    return f"{mantissa}e{'−' if power < 0 else ''}{abs(power)}"


def sci(value: float, significant: int = 2) -> str:
    """A number always in scientific notation (errors, tolerances): ``1.2e−8``, with a real minus sign."""
    if value == 0:
        return "0"
    if value != value or value in (float("inf"), float("-inf")):
        return fmt(value)
    text = _e(abs(value), max(0, significant - 1))
    return "−" + text if value < 0 else text


def factor(value: float, digits: int = 2) -> str:
    """A number inside a product or power: negative ones in parentheses, so (−0.5)² is not −0.5²."""
    text = fmt(value, digits)
    return f"({text})" if text.startswith("−") else text
