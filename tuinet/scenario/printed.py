"""What a source printed against what tuinet computes: for ``tuinet train --json`` and the lesson pane."""

from __future__ import annotations

import math
from typing import Any

from tuinet.engine import History, Network
from tuinet.scenario.quantities import evaluate
from tuinet.words.lessons import Lesson, matches, rounded_like

__all__ = ["printed_report"]


def printed_report(lesson: Lesson, network: Network, steps: int) -> list[dict[str, Any]]:
    """Each printed number whose iteration a run of ``steps`` reaches (1…steps + 1: the last forward pass
    after the final update counts), with tuinet's full-precision value, rounded like the source, and a verdict."""
    history = History(network)
    out: list[dict[str, Any]] = []
    for p in sorted(lesson.printed, key=lambda p: p.iteration):
        if p.iteration > steps + 1:
            continue
        value = evaluate(p.expression, history.trace(p.iteration))
        out.append(
            {
                "label": p.label,
                "iteration": p.iteration,
                "op": p.op,
                "quantity": p.expression,
                "printed": p.printed,
                "tuinet": value if math.isfinite(value) else repr(value),  # JSON has no inf/nan: "inf", "nan"
                "tuinet_rounded": rounded_like(value, p.printed, p.figures),
                "matches": matches(value, p),
                "differs": p.differs or None,
            }
        )
    return out
