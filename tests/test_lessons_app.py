"""The lesson pane, driven as a learner does at 80×24: every printed number of a preset on screen, the built-in
lesson followed to its end, a teacher's lesson file, and the lesson followed over `tuinet serve --follow`."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.serve_support import APP_ARGS, CLASS_PASSWORD, TEACHER_PASSWORD, classroom, connect_app
from tuinet.app import make_app
from tuinet.app.app import TuinetApp
from tuinet.app.lesson import LessonPane
from tuinet.app.session import Cursor
from tuinet.engine import History, build
from tuinet.scenario import load_lesson, load_preset
from tuinet.scenario.quantities import evaluate
from tuinet.serve.auth import Credentials
from tuinet.words.lessons import BUILTIN_LESSONS, rounded_like


async def _settle(app: TuinetApp, pilot: object, timeout: float = 60.0) -> None:
    """Wait until the screen shows the session's cursor (a far jump is computed in a worker first)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while app.view is None or app.view.cursor != app.session.cursor:
        assert loop.time() < deadline, "the screen never caught up with the cursor"
        await pilot.pause(0.05)  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]


async def _walk(app: TuinetApp, pilot: object) -> list[tuple[Cursor, str]]:
    """Press ] until the lesson ends; the lesson pane's text at the start and at each stop."""
    pane = app.query_one(LessonPane)
    seen = [(app.session.cursor, pane.plain)]
    for _ in range(len(pane.places) + 1):
        await pilot.press("right_square_bracket")  # type: ignore[attr-defined]
        await _settle(app, pilot)
        if seen and seen[-1][0] == app.session.cursor:
            break
        seen.append((app.session.cursor, pane.plain))
    return seen


@pytest.mark.parametrize("name", ["mazur", "hagan", "trask-1layer", "trask-2layer"])
async def test_every_printed_number_appears_on_screen_at_80x24(name: str) -> None:
    scenario = load_preset(name)
    assert scenario.lesson is not None
    app = make_app(scenario.config, scenario=scenario)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        stops = dict(await _walk(app, pilot))
        assert app.query_one(LessonPane).region.height > 0  # on screen, not hidden
    history = app.session.history  # the engine's own run, already computed as far as the lesson went
    schedule = history.trace(1).schedule  # the same operations every iteration
    for p in scenario.lesson.printed:
        place = next(
            c for c in stops if c.iteration == p.iteration and (schedule[c.op].result if c.op >= 0 else None) == p.op
        )
        ours = rounded_like(evaluate(p.expression, history.trace(p.iteration)), p.printed, p.figures)
        text = stops[place]
        assert f"{p.label}: printed {p.printed} · tuinet {ours} · {'differs' if p.differs else 'matches'}" in text
        if p.differs:
            assert p.differs in text


async def test_mazur_names_w1_to_w8_on_screen() -> None:
    scenario = load_preset("mazur")
    app = make_app(scenario.config, scenario=scenario)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right", "right", "right")  # z2 = a1·W2 + b2
        await _settle(app, pilot)
        assert "W2 = [w5 w7; w6 w8]" in app.query_one(LessonPane).plain
        await pilot.press("t")
        await pilot.pause()
        assert app.query_one(LessonPane).region.height == 0
        await pilot.press("t")
        await pilot.pause()
        assert app.query_one(LessonPane).region.height > 0


async def test_the_built_in_lesson_can_be_followed_to_the_end_at_80x24() -> None:
    scenario = load_preset("tutorial")
    lesson = BUILTIN_LESSONS["tutorial"]
    from dataclasses import replace

    scenario = replace(scenario, lesson=lesson)
    app = make_app(scenario.config, scenario=scenario)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        assert "Five questions about backprop" in app.query_one(LessonPane).plain
        stops = await _walk(app, pilot)
        notices = [n.message for n in app._notifications]
    assert len(stops) == len(lesson.stops) + 1  # the introduction, then each stop
    history = History(build(scenario.config))
    for (cursor, text), stop in zip(stops[1:], lesson.stops, strict=True):
        trace = history.trace(cursor.iteration)
        assert stop.iteration == cursor.iteration and trace.schedule[cursor.op].result == stop.op
        assert "{?" not in text and "{" not in text
    questions = "".join(text for _, text in stops)
    for question in (
        "Q1 · why a1ᵀ?",
        "Q2 · why not a Kronecker product?",
        "Q3 · per element",
        "Q4 · δ against",
        "Q5 · the two sign conventions",
    ):
        assert question in questions
    # The numbers quoted are the engine's: W2′[0,0] at the Q3 stop.
    q3 = next(text for _, text in stops if "Q3" in text)
    assert f"W2′[0,0] = {history.trace(1)['W2_new'][0, 0]:.4f}" in q3
    assert "end of the lesson" in notices


async def test_a_teachers_lesson_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.md"
    path.write_text("# Watch the loss\nStart here.\n\n## every iteration · loss\nC is {loss:.5f} now.\n")
    scenario = load_preset("tutorial")
    from dataclasses import replace

    scenario = replace(scenario, lesson=load_lesson(str(path)))
    app = make_app(scenario.config, scenario=scenario)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        assert "Start here." in app.query_one(LessonPane).plain
        await pilot.press("space", *["right"] * 6)  # iteration 2, through z1 a1 z2 a2 e to the loss
        await _settle(app, pilot)
        loss = History(build(scenario.config)).trace(2).loss
        assert f"C is {loss:.5f} now." in app.query_one(LessonPane).plain


async def test_students_follow_the_teachers_place_in_the_lesson(tmp_path: Path) -> None:
    """Over `tuinet serve --follow -- --lesson tutorial`, the teacher's ] moves every student's lesson pane."""
    follow = {"follow": True, "credentials": Credentials(CLASS_PASSWORD, TEACHER_PASSWORD)}
    async with classroom(tmp_path, **follow, app_args=[*APP_ARGS, "--lesson", "tutorial"]) as server:
        conn, teacher = await connect_app(server.port, password=TEACHER_PASSWORD)
        student_conn, student = await connect_app(server.port, password=CLASS_PASSWORD)
        async with conn, student_conn:
            await asyncio.gather(teacher.wait_for("Five questions"), student.wait_for("Five questions"))
            teacher.send("]]]]")  # z1, loss, delta2, dW2: the Q1 stop
            await asyncio.gather(teacher.wait_for("Q1 · why a1ᵀ?"), student.wait_for("Q1 · why a1ᵀ?", timeout=10))
            student.send("]")  # a following student does not drive, not even the lesson
            await asyncio.sleep(0.3)
            assert "Q1 · why a1ᵀ?" in student.text() and "Q4 again" not in student.text()


def test_serve_checks_a_scenario_once_at_start(tmp_path: Path) -> None:
    """`tuinet serve -- --preset …/--scenario …/--lesson …`: the teacher's choice, checked before any student."""
    from tuinet.serve.cli import ServeUsageError, check_app_args

    with pytest.raises(ServeUsageError, match="lesson 'tutorial' is written for the tutorial network"):
        check_app_args(["--preset", "mazur", "--lesson", "tutorial"], 256)
    assert check_app_args(["--preset", "hagan"], 256) == ["--preset", "hagan", "--max-units", "256"]
    with pytest.raises(ServeUsageError, match=r"network options for the class: scenario '.*nope.toml' does not exist"):
        check_app_args(["--scenario", str(tmp_path / "nope.toml")], 256)


async def test_the_app_exports_its_scenario_and_it_loads_back(tmp_path: Path) -> None:
    """x, choose "Scenario file": the file loads back to the same network, names and printed numbers."""
    from textual.widgets import RadioButton

    from tuinet.scenario import load_scenario

    scenario = load_preset("mazur")
    app = make_app(scenario.config, scenario=scenario)
    target = tmp_path / "mine.toml"
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space", "x")
        await pilot.pause()
        button = next(b for b in app.screen.query(RadioButton) if b.name == "toml")
        await pilot.click(button)
        await pilot.pause()
        path_input = app.screen.query_one("#path")
        path_input.value = str(target)  # type: ignore[attr-defined]
        path_input.focus()
        await pilot.press("enter")
        await pilot.pause()
    back = load_scenario(str(target))
    assert back.config == scenario.config and back.names == scenario.names
    assert back.lesson is not None and scenario.lesson is not None and back.lesson.printed == scenario.lesson.printed


async def test_stepping_cells_names_each_cell_as_the_source_does() -> None:
    """Mazur's w5…w8 by name, cell by cell, as the update W2′ = W2 − lr·dW2 is applied."""
    scenario = load_preset("mazur")
    app = make_app(scenario.config, scenario=scenario)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*["right"] * 12, "full_stop")  # through db1 (the 12th operation), then W2′'s first cell
        await _settle(app, pilot)
        assert app.view is not None and app.view.op is not None and app.view.op.result == "W2_new"
        text = app.query_one(LessonPane).plain
        assert "cell: w5⁺ = W2′[0,0] = 0.359" in text
        await pilot.press("full_stop", "full_stop")
        await _settle(app, pilot)
        assert "cell: w6⁺ = W2′[1,0] = 0.409" in app.query_one(LessonPane).plain  # row-major: [0,1] is w7, [1,0] w6
