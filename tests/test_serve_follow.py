"""Follow mode: the teacher drives, students' screens follow; `f` detaches and re-attaches a student."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import pytest

from tests.serve_support import CLASS_PASSWORD, TEACHER_PASSWORD, classroom, connect_app
from tuinet.app.follow import decode, encode
from tuinet.app.session import Cursor
from tuinet.engine import NetConfig
from tuinet.serve.auth import Credentials

FOLLOW = {"follow": True, "credentials": Credentials(CLASS_PASSWORD, TEACHER_PASSWORD)}
DONE = "iteration 1 · update"
"""The status line once iteration 1 is complete (its last operation is the update)."""


def test_messages_are_small_and_round_trip() -> None:
    """A follow message is one JSON line well under 512 bytes, and decodes to what was encoded."""
    line = encode(NetConfig(), Cursor(3, 4, 2), True)
    assert line.endswith(b"\n") and line.count(b"\n") == 1 and len(line) < 512
    decoded = decode(line.strip())
    assert decoded is not None
    config, cursor, cell_mode = decoded
    assert config == NetConfig().to_dict() and cursor == Cursor(3, 4, 2) and cell_mode
    for bad in (b"", b"[]", b'{"config": {}}', b'{"config": {}, "iteration": true, "op": 0, "cells": 0}'):
        assert decode(bad) is None


async def test_teacher_step_reaches_two_students_and_f_detaches(tmp_path: Path) -> None:
    """Teacher presses space: both students show iteration 1 complete; a detached student stays put."""
    async with classroom(tmp_path, **FOLLOW) as server, contextlib.AsyncExitStack() as stack:
        clients = []
        for password in (TEACHER_PASSWORD, CLASS_PASSWORD, CLASS_PASSWORD):
            conn, client = await connect_app(server.port, password=password)
            stack.push_async_callback(conn.wait_closed)
            stack.callback(conn.close)
            clients.append(client)
        teacher, first, second = clients
        for client in clients:
            await client.wait_for("iteration 1")
        await first.wait_for("Explore")  # a following student's footer offers to explore
        assert "Explore" not in teacher.text()

        teacher.send(" ")
        await teacher.wait_for(DONE)
        await asyncio.gather(first.wait_for(DONE, timeout=5), second.wait_for(DONE, timeout=5))

        # Students never drive: a student's space key is off while following, and the teacher is unmoved.
        first.send(" ")
        await asyncio.sleep(0.3)
        assert "iteration 2" not in teacher.text() and "iteration 2" not in first.text()

        # f detaches the second student, who then stays at iteration 1 while the class moves on.
        second.send("f")
        await second.wait_for("Follow teacher")
        teacher.send(" ")
        await asyncio.gather(teacher.wait_for("iteration 2"), first.wait_for("iteration 2", timeout=5))
        await asyncio.sleep(0.3)
        assert "iteration 2" not in second.text()
        # ... and f re-attaches, straight to where the teacher is.
        second.send("f")
        await second.wait_for("iteration 2", timeout=5)


async def test_late_student_starts_where_the_teacher_is(tmp_path: Path) -> None:
    """A student who joins after the teacher moved sees the teacher's position at once."""
    async with classroom(tmp_path, **FOLLOW) as server:
        conn, teacher = await connect_app(server.port, password=TEACHER_PASSWORD)
        async with conn:
            await teacher.wait_for("iteration 1")
            teacher.send("  ")
            await teacher.wait_for("iteration 2")
            student_conn, student = await connect_app(server.port, password=CLASS_PASSWORD)
            async with student_conn:
                await student.wait_for("iteration 2")


async def test_a_students_socket_is_read_only() -> None:
    """What a student's process writes to the hub is refused by the kernel, so it never reaches anyone."""
    from tuinet.serve.hub import Hub

    hub = Hub()
    teacher_end = await hub.add_teacher()
    student_end, _ = await hub.add_student()
    other_end, _ = await hub.add_student()
    try:
        with pytest.raises(OSError):
            for _ in range(3):  # the first write may be accepted into a buffer that is then discarded
                student_end.sendall(b'{"config": {}, "iteration": 9, "op": 0, "cells": 0}\n')
                await asyncio.sleep(0.05)
        assert hub.latest is None
        teacher_end.sendall(encode(NetConfig(), Cursor(2, -1, 0), False))
        other_end.setblocking(False)
        line = await asyncio.wait_for(asyncio.get_running_loop().sock_recv(other_end, 4096), 5)
        assert decode(line.strip()) is not None
    finally:
        for end in (teacher_end, student_end, other_end):
            end.close()
        hub.close()
