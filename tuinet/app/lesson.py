"""The lesson pane: a scenario's narration and its source's printed numbers, following the cursor.

At each cursor position the pane shows the lesson's most specific stop (see tuinet/words/lessons.py) with the
engine's numbers filled in, then every number the source prints at this place beside tuinet's own (rounded the
way the source rounds), and the per-cell names of the matrices the operation reads or writes (Mazur's w1…w8).
``]`` and ``[`` move the cursor to the next or previous place the lesson has something to say; ``t`` hides it.
The text is worked out when the view changes (never in ``render``) and only redrawn when it differs.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.markdown import Markdown
from rich.text import Text
from textual.reactive import var
from textual.widget import Widget

from tuinet.app.session import Cursor, Session
from tuinet.app.view import StepView
from tuinet.scenario import Scenario
from tuinet.scenario.quantities import evaluate
from tuinet.words.lessons import Lesson, fill, matches, rounded_like

__all__ = ["LessonPane", "lesson_places", "next_place"]


def lesson_places(lesson: Lesson, session: Session) -> list[Cursor]:
    """Every place the lesson speaks at, as finished-operation cursors, in run order."""
    index = {op.result: op.index for op in session.schedule}
    places: set[Cursor] = set()
    spots = [(s.iteration, s.op) for s in lesson.stops if s.iteration is not None]
    spots += [(p.iteration, p.op) for p in lesson.printed]
    for iteration, op in spots:
        assert iteration is not None
        if op is None:
            places.add(Cursor(iteration, -1, 0))
        elif op in index:
            places.add(Cursor(iteration, index[op], session.size(index[op])))
    return sorted(places)


def next_place(places: list[Cursor], current: Cursor, forward: bool) -> Cursor | None:
    """The next (or previous) lesson place after ``current``, if there is one."""
    if forward:
        return next((p for p in places if p > current), None)
    return next((p for p in reversed(places) if p < current), None)


def _names_line(scenario: Scenario, names: tuple[str, ...]) -> Text | None:
    """``W2 = [w5 w7; w6 w8]`` for each named matrix in ``names`` (``W2_new`` uses W2's names)."""
    parts: list[str] = []
    seen: set[str] = set()
    for name in names:
        base = name.removesuffix("_new")
        base = base[1:] if base[:2] in ("dW", "db") else base  # dW2 and W2′ are named cell for cell like W2
        cells = scenario.names_of(base)
        if cells is None or base in seen:
            continue
        seen.add(base)
        parts.append(f"{base} = [" + "; ".join(" ".join(row) for row in cells) + "]")
    return Text("names: " + "   ".join(parts), "dim") if parts else None


def lesson_content(scenario: Scenario, view: StepView, places: list[Cursor]) -> RenderableType:
    """What the pane shows at ``view``'s cursor (built once per cursor position)."""
    op = view.op
    result = op.result if op is not None else None
    lesson = scenario.lesson
    parts: list[RenderableType] = []
    header = Text()
    header.append(lesson.title if lesson is not None and lesson.title else scenario.title or scenario.name, "bold")
    if places:
        done = sum(1 for p in places if p <= view.cursor)
        header.append(f"  · stop {done}/{len(places)}  ] next  [ back  t hide", "dim")
    parts.append(header)
    if op is not None and (names := _names_line(scenario, op.names)) is not None:
        parts.append(names)
    if lesson is not None:
        parts += _lesson_parts(scenario, lesson, view, result)
    return Group(*parts)


def _lesson_parts(scenario: Scenario, lesson: Lesson, view: StepView, result: str | None) -> list[RenderableType]:
    trace = view.trace
    parts: list[RenderableType] = []
    printed = lesson.printed_at(view.cursor.iteration, result)
    stop = lesson.stop_at(view.cursor.iteration, result)
    # A stop for the whole iteration introduces it: it gives way where the source's own numbers are listed.
    if stop is not None and stop.op is None and printed and result is not None:
        stop = None
    text = stop.text if stop is not None else (lesson.intro if view.cursor == Cursor() else "")
    if text:
        parts.append(Markdown(fill(text, lambda e: evaluate(e, trace), view.digits)))
    if printed:
        source = scenario.source.split(",")[0] if scenario.source else "the source"
        parts.append(Text(f"{source} prints · tuinet computes:", "dim"))
    for p in printed:
        try:
            value = evaluate(p.expression, trace)
        except (KeyError, ValueError, IndexError, ZeroDivisionError):
            parts.append(Text(f"  {p.label}  {p.printed}  · tuinet: {p.expression} is not in this network"))
            continue
        same = matches(value, p)
        line = Text(f"  {p.label}  ")
        line.append(p.printed, "bold")
        line.append("  tuinet ")
        line.append(rounded_like(value, p.printed, p.figures), "bold")
        line.append("  ✓" if same else "  ≠", "green" if same else "yellow bold")
        parts.append(line)
        if p.differs:
            parts.append(Text(f"    {p.differs}", "italic"))
    return parts


class LessonPane(Widget):
    """The scenario's lesson at the cursor. Shown only for a scenario with a lesson or names."""

    DEFAULT_CSS = """
    LessonPane {
        height: auto;
        max-height: 50%;
        padding: 0 1;
        border-top: solid $accent;
    }
    App.-no-lesson LessonPane { display: none; }
    """

    view: var[StepView | None] = var(None)

    def __init__(self, scenario: Scenario, session: Session) -> None:
        super().__init__(id="lesson")
        self.scenario = scenario
        self.places = lesson_places(scenario.lesson, session) if scenario.lesson is not None else []
        self._key: tuple[object, ...] | None = None
        self._content: RenderableType = ""
        self.plain = ""
        """The pane's text without styles (for tests and screen readers)."""

    def watch_view(self, view: StepView | None) -> None:
        if view is None:
            return
        key = (view.cursor.iteration, view.cursor.op, view.digits)
        if key == self._key:
            return
        self._key = key
        self._content = lesson_content(self.scenario, view, self.places)
        self.plain = _plain(self._content)
        self.refresh(layout=True)  # the text's height changes with the stop: one layout pass per new stop

    def render(self) -> RenderableType:
        return self._content


def _plain(content: RenderableType) -> str:
    if isinstance(content, Group):
        return "\n".join(_plain(part) for part in content.renderables)
    if isinstance(content, Text):
        return content.plain
    if isinstance(content, Markdown):
        return content.markup
    return str(content)
