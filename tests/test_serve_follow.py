"""Follow mode: the teacher drives, students' screens follow; `f` detaches and re-attaches a student."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.serve_support import APP_ARGS, CLASS_PASSWORD, TEACHER_PASSWORD, classroom, connect_app
from tuinet.app.follow import decode_config, decode_position, encode_config, encode_position
from tuinet.app.session import Cursor
from tuinet.engine import NetConfig
from tuinet.serve.auth import Credentials

FOLLOW = {"follow": True, "credentials": Credentials(CLASS_PASSWORD, TEACHER_PASSWORD)}
DONE = "iteration 1 · update"
"""The status line once iteration 1 is complete (its last operation is the update)."""


def test_messages_are_small_and_round_trip() -> None:
    """A step is one JSON line under 100 bytes; the network goes before it, in a line of its own."""
    position = encode_position(Cursor(3, 4, 2), True)
    assert position.endswith(b"\n") and position.count(b"\n") == 1 and len(position) < 100
    assert decode_position(position.strip()) == (Cursor(3, 4, 2), True)
    network, position_again = (encode_config(NetConfig()) + encode_position(Cursor(3, 4, 2), True)).splitlines()
    assert decode_config(network) == NetConfig().to_dict() and position_again == position.strip()
    assert decode_position(network) is None and decode_config(position) is None
    for bad in (b"", b"[]", b'{"config": 3}', b'{"iteration": true, "op": 0, "cells": 0}', b"{" * 100_000):
        assert decode_position(bad) is None and decode_config(bad) is None


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
        teacher_end.sendall(encode_config(NetConfig()) + encode_position(Cursor(2, -1, 0), False))
        other_end.setblocking(False)
        received = b""
        while received.count(b"\n") < 2:
            received += await asyncio.wait_for(asyncio.get_running_loop().sock_recv(other_end, 4096), 5)
        network, position = received.splitlines()
        assert decode_config(network) == NetConfig().to_dict()
        assert decode_position(position) == (Cursor(2, -1, 0), False)
    finally:
        for end in (teacher_end, student_end, other_end):
            end.close()
        hub.close()


async def test_a_network_with_large_explicit_weights_is_followed(tmp_path: Path) -> None:
    """--hidden 64,64 with its own weights: a ~90 KB network line (the old 4 KiB cap dropped it), sent once;
    then every step is a small position line on it, for a follower and for an explorer alike."""
    rng = np.random.default_rng(0)
    weights = {"W1": rng.normal(size=(3, 64)), "W2": rng.normal(size=(64, 64)), "W3": rng.normal(size=(64, 1))}
    path = tmp_path / "weights.json"
    path.write_text(json.dumps({name: matrix.tolist() for name, matrix in weights.items()}))
    args = [*APP_ARGS, "--hidden", "64,64", "--weights", str(path)]
    async with classroom(tmp_path, app_args=args, **FOLLOW) as server, contextlib.AsyncExitStack() as stack:
        conn, teacher = await connect_app(server.port, password=TEACHER_PASSWORD)
        stack.callback(conn.close)
        await teacher.wait_for("iteration 1")
        teacher.send("  ")
        await teacher.wait_for("iteration 2 · update")
        assert server.hub is not None and server.hub.network is not None and len(server.hub.network) > 40_000
        student_conn, student = await connect_app(server.port)
        stack.callback(student_conn.close)
        await student.wait_for("iteration 2 · update")
        teacher.send(" ")
        await student.wait_for("iteration 3 · update")
        assert step(student) == step(teacher)  # the same loss: the teacher's own weights, not a fresh net
        student.send("f")  # an explorer starts on the same network, at the teacher's cursor
        await student.wait_for("Follow teacher")
        await student.wait_for("iteration 3 · update")  # once it has read the ~90 KB network
        assert step(student) == step(teacher)
        student.send("  ")  # and steps on its own from there
        await student.wait_for("iteration 5")
        assert "iteration 3 · update" in teacher.text()


def step(client: Any) -> str:
    """The status line's step and loss (the curve beside it depends on the width)."""
    found = re.search(r"iteration \d+ · \S+ · op \d+/\d+ \S+ · loss \S+", client.text().splitlines()[0])
    assert found is not None, client.text().splitlines()[0]
    return found.group(0)
