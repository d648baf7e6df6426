"""How every number is written: one rule for panes, stage, equation, why-views and exports."""

from __future__ import annotations

__all__ = ["FIXED_LIMIT", "factor", "fmt"]

FIXED_LIMIT = 1e5
"""From this magnitude on, numbers are shown in scientific notation."""


def fmt(value: float, digits: int = 2) -> str:
    """A number as the panes show it: fixed precision, a real minus sign, inf/NaN spelled out."""
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "inf" if value > 0 else "−inf"
    if value == 0:
        value = 0.0  # −0.0 is a float artefact, not a sign worth showing
    # Fixed precision while it stays narrow; a diverging weight (1e300) switches to 1.23e+300
    # rather than a 300-digit number that would wreck every column it is in.
    text = f"{value:.{digits}f}" if abs(value) < FIXED_LIMIT else f"{value:.{max(1, digits - 1)}e}"
    # A tiny negative number keeps its sign (−0.000): a weight that crossed zero is news.
    return "−" + text[1:] if text.startswith("-") else text


def factor(value: float, digits: int = 2) -> str:
    """A number inside a product or power: negative ones in parentheses, so (−0.5)² is not −0.5²."""
    text = fmt(value, digits)
    return f"({text})" if text.startswith("−") else text
