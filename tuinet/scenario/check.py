"""A lesson checked against the network it narrates: every operation it names exists, and every number it quotes
can be computed — so a typo is an error when the file is loaded, never a silent gap or a ``{?…}`` on screen."""

from __future__ import annotations

import re

from tuinet.engine import History, Network, Trace
from tuinet.scenario.quantities import evaluate
from tuinet.words.lessons import Lesson, Printed, Stop

__all__ = ["lesson_problems"]

_FIELD = re.compile(r"\{\{|\}\}|\{([^{}:]+)(?::([^{}]*))?\}")


def _quantity(expression: str, trace: Trace, spec: str | None = None) -> str | None:
    try:
        value = evaluate(expression, trace)
        if spec:
            format(value, spec)
    except KeyError as missing:
        return f"{{{expression}}} names {missing.args[0]!r}, which this network does not have"
    except IndexError as outside:
        return f"{{{expression}}}: {outside}"
    except (ValueError, ZeroDivisionError) as bad:
        return f"{{{expression}}}: {bad}"
    return None


def _text_problem(text: str, trace: Trace) -> str | None:
    for match in _FIELD.finditer(text):
        if match.group(1) is not None and (problem := _quantity(match.group(1).strip(), trace, match.group(2))):
            return problem
    return None


def lesson_problems(lesson: Lesson, network: Network) -> list[tuple[Stop | Printed, str, str]]:
    """Each (entry, field, problem) of ``lesson`` that ``network`` cannot show; empty when all is well."""
    results = [op.result for op in network.schedule]
    trace = History(network).trace(1)
    problems: list[tuple[Stop | Printed, str, str]] = []
    entries: list[Stop | Printed] = [*lesson.stops, *lesson.printed]
    for entry in entries:
        if entry.op is not None and entry.op not in results:
            problems.append((entry, "op", f"names no operation of this network (they write {', '.join(results)})"))
            continue
        if isinstance(entry, Printed):
            problem = _quantity(entry.expression, trace)
            if problem is not None:
                problems.append((entry, "value", problem))
        elif (problem := _text_problem(entry.text, trace)) is not None:
            problems.append((entry, "text", problem))
    problems += [(Stop(None, None, lesson.intro), "intro", p) for p in [_text_problem(lesson.intro, trace)] if p]
    return problems
