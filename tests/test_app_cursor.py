"""Cursor arithmetic (tuinet/app/cursor.py): properties over random schedules, plus the default net's numbers.

A schedule is only its cells per operation; the moves are integer arithmetic on (iteration, op, cells).
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tuinet.app.cursor import Cursor, Granularity, Steps
from tuinet.app.session import Session
from tuinet.engine import NetConfig, build

sizes = st.lists(st.integers(1, 12), min_size=1, max_size=6).map(tuple)
schedules = st.builds(Steps, sizes, st.integers(1, 4))


@st.composite
def positions(draw: st.DrawFn) -> tuple[Steps, Cursor]:
    """A schedule and a valid cursor in it."""
    steps = draw(schedules)
    iteration = draw(st.integers(1, steps.max_iteration))
    op = draw(st.integers(-1, steps.last_op))
    cells = 0 if op < 0 else draw(st.integers(1, steps.sizes[op]))
    return steps, Cursor(iteration, op, cells)


def boundary(steps: Steps, c: Cursor) -> bool:
    """At an operation boundary: an iteration not started, or an operation complete."""
    return c.op < 0 or c.cells == steps.sizes[c.op]


MOVES = [(g, forward) for g in Granularity for forward in (True, False)]


@given(positions(), st.sampled_from(MOVES))
def test_moves_never_leave_the_schedule_and_go_the_way_they_say(
    position: tuple[Steps, Cursor], move: tuple[Granularity, bool]
) -> None:
    steps, c = position
    granularity, forward = move
    moved = steps.move(c, granularity, forward)
    assert steps.valid(moved)
    # Cursors order as (iteration, op, cells): forward never goes back, back never goes forward.
    assert moved >= c if forward else moved <= c


@given(positions())
def test_cell_steps_are_inverse_except_across_an_iteration_start(position: tuple[Steps, Cursor]) -> None:
    steps, c = position
    ahead = steps.next_cell(c)
    if ahead == c:  # the very end: the last cell of the last iteration
        assert steps.is_complete(c) and c.iteration == steps.max_iteration
    elif steps.is_complete(c):
        # Back from the next iteration's first cell is that iteration "not started", a position of its own.
        assert steps.previous_cell(ahead) == Cursor(c.iteration + 1, -1, 0)
    else:
        assert steps.previous_cell(ahead) == c
    back = steps.previous_cell(c)
    if back == c:
        assert c == Cursor()
    elif c.op < 0:
        assert back == steps.complete(c.iteration - 1) and steps.next_cell(back) == Cursor(c.iteration, 0, 1)
    elif c.cells == 1:
        # Back over a first cell lands on the previous operation complete, from which . writes that cell again.
        assert boundary(steps, back) and steps.next_cell(back) == c
    else:
        assert steps.next_cell(back) == c


@given(positions())
def test_operation_steps_are_inverse_at_operation_boundaries(position: tuple[Steps, Cursor]) -> None:
    steps, c = position
    ahead = steps.next_op(c)
    assert boundary(steps, ahead)
    if boundary(steps, c) and ahead != c and not steps.is_complete(c):
        assert steps.previous_op(ahead) == c
    if not boundary(steps, c):
        # Mid-operation, → finishes it and runs the next (the last one: just finishes it).
        assert ahead == steps.at_op(c.iteration, min(c.op + 1, steps.last_op))
    back = steps.previous_op(c)
    if boundary(steps, c) and back != c and c.op >= 0:
        assert steps.next_op(back) == c


@given(positions())
def test_iteration_steps(position: tuple[Steps, Cursor]) -> None:
    steps, c = position
    ahead = steps.next_iteration(c)
    assert steps.is_complete(ahead)
    if steps.is_complete(c):
        assert ahead.iteration == min(c.iteration + 1, steps.max_iteration)
        if c.iteration < steps.max_iteration:
            assert steps.previous_iteration(ahead) == c
    else:
        assert ahead == steps.complete(c.iteration)  # space first finishes the iteration on screen
    back = steps.previous_iteration(c)
    assert back == (Cursor() if c.iteration == 1 else steps.complete(c.iteration - 1))


@given(schedules)
def test_stepping_a_whole_iteration_counts_every_cell_and_every_operation(steps: Steps) -> None:
    for granularity, expected in ((Granularity.CELL, sum(steps.sizes)), (Granularity.OPERATION, len(steps.sizes))):
        c, count = Cursor(), 0
        while c != steps.complete(1):
            c = steps.move(c, granularity, True)
            count += 1
        assert count == expected
        while c != Cursor():  # and back again, the same number of steps
            c = steps.move(c, granularity, False)
            count -= 1
        assert count == 0


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.integers(1, 5), min_size=1, max_size=3).map(tuple),
    st.booleans(),
    st.sampled_from(["full", "1"]),
)
def test_cells_per_operation_agree_with_the_trace(hidden: tuple[int, ...], bias: bool, batch: str) -> None:
    """The arithmetic's sizes are the sizes of the matrices the engine computes."""
    config = NetConfig(hidden=hidden, bias=bias, batch=batch)
    session = Session(config, build(config))
    trace = session.history.trace(1)
    assert len(session.layout.sizes) == len(trace.schedule)
    for op in trace.schedule:
        assert session.size(op.index) == trace[op.result].size, op.result


def test_the_default_net() -> None:
    """3-4-1: twelve operations; z1 is 4×4, so the 17th cell step is a1[0,0]."""
    session = Session(NetConfig())
    assert session.last_op == 11 and session.size(0) == 16
    c = Cursor()
    for _ in range(17):
        c = session.move(c, Granularity.CELL, True)
    assert c == Cursor(1, 1, 1)
    assert session.jump(0) == session.complete(1) and session.jump(10**9) == session.complete(10_000_000)


def test_the_session_owns_the_one_cursor() -> None:
    """A step changes the session's cursor and how it moves; go() and restore() put it anywhere valid."""
    session = Session(NetConfig())
    session.step(Granularity.CELL, True)
    assert session.cursor == Cursor(1, 0, 1) and session.cell_mode and session.granularity is Granularity.CELL
    session.step(Granularity.ITERATION, True)
    assert session.cursor == session.complete(1) and not session.cell_mode
    saved = session.saved("dark")
    other = Session(NetConfig())
    other.restore(saved)
    assert other.cursor == session.cursor and other.fits(other.cursor)
    assert not other.fits(Cursor(1, 0, 17)) and not other.fits(Cursor(0, -1, 0))
