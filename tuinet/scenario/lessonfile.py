"""A lesson file: Markdown, one ``##`` section per stop.

    # Title
    Introduction, shown before the first stop.

    ## iteration 1 · dW2
    Narration for iteration 1 at the operation writing dW2. {dW2[0,0]:.4f} quotes the engine.

    ## iteration 3
    Narration for all of iteration 3.

    ## every iteration · loss
    Narration at the loss of any iteration without its own.

The operation is named by the matrix it writes (z1, a1, e, loss, delta2, dW2, W2_new, …).
"""

from __future__ import annotations

import os
import re

from tuinet.fileio import read_named_text
from tuinet.scenario.quantities import check_expression
from tuinet.scenario.tomlfile import ScenarioError
from tuinet.words.lessons import BUILTIN_LESSONS, Lesson, Stop

__all__ = ["MAX_LESSON_BYTES", "load_lesson", "parse_lesson"]

MAX_LESSON_BYTES = 1 * 2**20

_HEADING = re.compile(r"^##\s+(?:iteration\s+(\d+)|(every iteration))\s*(?:[·,:]\s*([A-Za-z][A-Za-z0-9_]*))?\s*$")
_FIELD = re.compile(r"\{([^{}:]+)(?::[^{}]*)?\}")


def parse_lesson(text: str, path: str) -> Lesson:
    """The lesson in ``text`` (``path`` names it in errors): ScenarioError naming the line of any mistake."""
    title = ""
    intro_lines: list[str] = []
    stops: list[Stop] = []
    current: tuple[int | None, str | None] | None = None
    body: list[str] = []

    def close() -> None:
        if current is not None:
            stops.append(Stop(current[0], current[1], "\n".join(body).strip()))

    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("# ") and not title and current is None:
            title = line[2:].strip()
            continue
        if line.startswith("##"):
            match = _HEADING.match(line.strip())
            if match is None:
                raise ScenarioError(
                    f"{path} line {number}: a stop heading must read '## iteration N', '## iteration N · OP' "
                    f"or '## every iteration · OP', got {line.strip()[:40]!r}"
                )
            close()
            iteration = int(match.group(1)) if match.group(1) else None
            if iteration is not None and not 1 <= iteration <= 10_000_000:
                raise ScenarioError(f"{path} line {number}: iteration must be from 1 to 10,000,000")
            current, body = (iteration, match.group(3)), []
            continue
        for field in _FIELD.finditer(line):
            if field.group(0).startswith("{{"):
                continue
            try:
                check_expression(field.group(1).strip())
            except ValueError as bad:
                raise ScenarioError(f"{path} line {number}: {{{field.group(1)}}} {bad}") from None
        (body if current is not None else intro_lines).append(line)
    close()
    if not stops:
        raise ScenarioError(f"{path}: a lesson needs at least one '## iteration N' section")
    name = os.path.splitext(os.path.basename(path))[0]
    return Lesson(name, title or name, "\n".join(intro_lines).strip(), tuple(stops))


def load_lesson(name_or_path: str) -> Lesson:
    """A built-in lesson by name, or a lesson file (Markdown)."""
    if name_or_path in BUILTIN_LESSONS:
        return BUILTIN_LESSONS[name_or_path]
    text = read_named_text(name_or_path, MAX_LESSON_BYTES, ScenarioError, "lesson", BUILTIN_LESSONS, "lesson")
    return parse_lesson(text, name_or_path)
