"""The lesson pane: a scenario's narration and its source's printed numbers, following the cursor.

What it says at each place comes from tuinet/scenario/narrate.py (shared with the transcript): the lesson's
most specific stop with the engine's numbers filled in, every number the source prints there beside tuinet's
own (rounded the way the source rounds, ✓ or ≠ with the reason), and the per-cell names of the matrices the
operation touches (Mazur's w1…w8). ``]`` and ``[`` move to the next or previous place the lesson speaks at;
``t`` hides the pane. The content is built when the view moves to a new place, never in ``render``.
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
from tuinet.scenario.narrate import LessonAt, lesson_at, lesson_lines, names_text
from tuinet.words.lessons import Lesson

__all__ = ["LessonPane", "lesson_places", "next_place"]


def lesson_places(lesson: Lesson, session: Session) -> list[Cursor]:
    """Every place the lesson speaks at, as cursors of finished operations, in run order."""
    index = {op.result: op.index for op in session.schedule}
    spots = [(s.iteration, s.op) for s in lesson.stops if s.iteration is not None]
    spots += [(p.iteration, p.op) for p in lesson.printed]
    places: set[Cursor] = set()
    for iteration, op in spots:
        if iteration is None:
            continue
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


def _rich(at: LessonAt, header: Text) -> RenderableType:
    parts: list[RenderableType] = [header]
    if at.cell:
        parts.append(Text(f"cell: {at.cell}", "bold"))
    if at.names:
        parts.append(Text("names: " + names_text(at.names), "dim"))
    if at.narration:
        parts.append(Markdown(at.narration))
    if at.printed:
        parts.append(Text(f"{at.source} prints · tuinet computes:", "dim"))
    for row in at.printed:
        line = Text(f"  {row.label}  ")
        line.append(row.printed, "bold")
        line.append("  tuinet ")
        line.append(row.ours or "(not in this network)", "bold")
        line.append("  ✓" if row.same else "  ≠", "green" if row.same else "yellow bold")
        parts.append(line)
        if row.differs:
            parts.append(Text(f"    {row.differs}", "italic"))
    return Group(*parts)


class LessonPane(Widget):
    """The scenario's lesson at the cursor. Composed only for a scenario with a lesson or names."""

    DEFAULT_CSS = """
    LessonPane {
        height: auto;
        max-height: 50%;
        padding: 0 1;
        border-top: solid $accent;
    }
    """

    view: var[StepView | None] = var(None)

    def __init__(self, scenario: Scenario, session: Session) -> None:
        super().__init__(id="lesson")
        self.scenario = scenario
        self.places = lesson_places(scenario.lesson, session) if scenario.lesson is not None else []
        self._key: tuple[object, ...] | None = None
        self._content: RenderableType = ""
        self.plain = ""
        """What the pane says, as plain text lines (what the transcript prints at this place)."""

    def watch_view(self, view: StepView | None) -> None:
        if view is None:
            return
        cell = (view.cell.row, view.cell.col) if view.cell is not None else None
        key = (view.cursor.iteration, view.cursor.op, view.digits, cell)
        if key == self._key:
            return
        self._key = key
        at = lesson_at(self.scenario, view.trace, view.op, view.digits, at_start=view.cursor == Cursor(), cell=cell)
        lesson = self.scenario.lesson
        header = Text(lesson.title if lesson is not None and lesson.title else self.scenario.title, "bold")
        if self.places:
            done = sum(1 for p in self.places if p <= view.cursor)
            header.append(f"  · stop {done}/{len(self.places)}  ] next  [ back  t hide", "dim")
        self._content = _rich(at, header)
        before, self.plain = self.plain, "\n".join([header.plain, *lesson_lines(at)])
        # A new place may change the pane's height (one layout pass); a new cell of the same place only its text.
        self.refresh(layout=[len(t) for t in before.splitlines()] != [len(t) for t in self.plain.splitlines()])

    def render(self) -> RenderableType:
        return self._content
