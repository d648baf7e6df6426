"""The view (tuinet/app/view.py) at random cursors against the engine's trace: filled cells, values, roles, marks.

The expectations are worked out here from the trace and its schedule alone, not with the view's own helpers.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tuinet.app.cursor import Cursor, Granularity
from tuinet.app.session import Session
from tuinet.app.shown import Role
from tuinet.app.view import StepView, build_view
from tuinet.engine import NetConfig, Trace, build
from tuinet.words.names import label as label_of
from tuinet.words.numbers import fmt

CONFIGS = [
    NetConfig(),
    NetConfig(hidden=(3, 2), activation="tanh", bias=True, dataset="xor"),
    NetConfig(hidden=(2,), batch="1", seed=3),
]
SESSIONS = [Session(config, build(config)) for config in CONFIGS]


@st.composite
def cursors(draw: st.DrawFn, session: Session) -> Cursor:
    iteration = draw(st.integers(1, 3))
    op = draw(st.integers(-1, session.last_op))
    cells = 0 if op < 0 else draw(st.integers(1, session.size(op)))
    return Cursor(iteration, op, cells)


def expected_filled(trace: Trace, cursor: Cursor) -> dict[str, int]:
    """Cells shown of every matrix: inputs and weights whole; each operation's result once it has run (its
    first ``cells`` while it runs); f′(z) whole from the operation that first reads it."""
    filled = {name: int(m.size) for name, m in trace.matrices.items()}
    made: set[str] = set()
    for op in trace.schedule:
        made.add(op.result)
        made.update(n for n in op.names if n.startswith("dadz"))
    for name in made:
        filled[name] = 0
    for op in trace.schedule[: cursor.op + 1]:
        for name in op.names:
            if name.startswith("dadz") and filled[name] == 0:
                filled[name] = int(trace[name].size)
        filled[op.result] = cursor.cells if op.index == cursor.op else int(trace[op.result].size)
    return filled


def check_view(view: StepView, trace: Trace, cursor: Cursor) -> None:
    filled = expected_filled(trace, cursor)
    op = trace.schedule[cursor.op] if cursor.op >= 0 else None
    assert view.cursor == cursor and view.op == op
    for pane, names in view.pane_names.items():
        for name in names:
            shown = view.shown(name)
            assert shown.filled == filled[name], (pane, name)
            values = trace[name]
            if f"{name}_new" in trace and filled[f"{name}_new"]:
                # Weights as they stand: the update's cells written so far are the new weights.
                k = filled[f"{name}_new"]
                assert np.array_equal(shown.values.ravel()[:k], trace[f"{name}_new"].ravel()[:k])
                assert np.array_equal(shown.values.ravel()[k:], values.ravel()[k:])
            else:
                assert np.array_equal(shown.values, values, equal_nan=True), name
            role = (
                Role.NONE
                if op is None
                else Role.RESULT
                if name == op.result
                else Role.OPERAND
                if name in op.names
                else Role.NONE
            )
            assert shown.role is role, name
            assert shown.label == label_of(trace, name)
    if op is not None:
        for name in op.names:  # the stage: what the operation read, never the weights it is writing
            assert np.array_equal(view.shown(name, standing=False).values, trace[name], equal_nan=True)
    loss_op = next(o for o in trace.schedule if o.result == "loss")
    assert (view.loss is not None) == (cursor.op >= loss_op.index)
    if view.cell is not None:
        assert op is not None and cursor.cells >= 1
        i, j = divmod(cursor.cells - 1, int(trace[op.result].shape[1]))
        digits = 4 if op.result == "loss" else view.digits  # the loss is shown to 4 places everywhere
        assert view.cell.text.rstrip().endswith(fmt(float(trace[op.result][i, j]), digits))


@pytest.mark.parametrize("number", range(len(SESSIONS)), ids=["default", "bias-tanh-2-layers", "batch-1"])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_view_at_a_random_cursor_is_the_trace(number: int, data: st.DataObject) -> None:
    session = SESSIONS[number]
    cursor = data.draw(cursors(session))
    session.go(cursor, cell_mode=data.draw(st.booleans()))
    view = build_view(session)
    check_view(view, session.history.trace(cursor.iteration), cursor)
    # The change marks after a move: cells newly filled, or filled before with another value.
    move = data.draw(st.sampled_from([(g, f) for g in Granularity for f in (True, False)]))
    session.step(*move)
    after = build_view(session, view)
    check_view(after, session.history.trace(session.cursor.iteration), session.cursor)
    for names in after.pane_names.values():
        for name in names:
            now, before = after.shown(name), view.shown(name)
            expected = now.filled_mask() & (~before.filled_mask() | (now.values != before.values))
            mask = after.changed(name)
            assert np.array_equal(mask if mask is not None else np.zeros_like(expected), expected), name


def test_a_view_is_a_value() -> None:
    """Frozen, and carrying no session: a widget cannot reach live state through it."""
    session = Session(NetConfig())
    view = build_view(session)
    with pytest.raises(dataclasses.FrozenInstanceError):
        view.cursor = Cursor(2)  # type: ignore[misc]
    assert not any(isinstance(value, Session) for value in vars(view).values())
    session.step(Granularity.ITERATION, True)
    assert view.cursor == Cursor() and view.shown("z1").filled == 0  # the old view is unchanged


def test_redrawing_the_same_position_keeps_the_change_marks() -> None:
    """A republish at the same cursor (a resize, a pane pinned) keeps the underlines of the last step."""
    session = Session(NetConfig())
    first = build_view(session)
    session.step(Granularity.OPERATION, True)
    stepped = build_view(session, first)
    again = build_view(session, stepped)
    mask = stepped.changed("z1")
    assert mask is not None and mask.all()
    assert again.changed("z1") is mask


def test_the_open_why_view_facts_are_reused_while_their_key_holds() -> None:
    """Cell steps inside an iteration do not redo the gradient check; the next iteration does."""
    session = Session(NetConfig())
    session.why = "gradcheck"
    view = build_view(session)
    session.step(Granularity.CELL, True)
    same = build_view(session, view)
    assert same.why is view.why
    session.step(Granularity.ITERATION, True)
    session.step(Granularity.ITERATION, True)
    later = build_view(session, same)
    assert later.why is not view.why and later.why is not None and later.why.key == ("gradcheck", 2, "tuinet")
    # Another notation names the weights its way: the key holds the notation, so the facts are made again.
    session.notation = session.notation.next()  # type: ignore[attr-defined]
    assert build_view(session, later).why is not later.why


def test_another_network_keeps_the_display_and_names_its_own_matrices() -> None:
    """Opening another network (a session file, the teacher's) keeps digits, pane and profile — the profile
    bound to the new network, so a tanh net's f′ is not called the old sigmoid net's."""
    from tuinet.app.profiles import notation_for

    old = Session(NetConfig())
    old.digits, old.pinned, old.notation = 5, "deltas", notation_for(old.network, "tutorial")
    new = Session(NetConfig(hidden=(3, 2), activation="tanh"))
    new.adopt_display(old)
    assert (new.digits, new.pinned, new.notation.name) == (5, "deltas", "tutorial")
    view = build_view(new)
    assert view.shown("dadz1").label == notation_for(new.network, "tutorial").label("dadz1") != "derv_sigmoid(a1)"
