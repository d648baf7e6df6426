"""A class on one machine: followers share renderers, explorers start warm, and no one student takes over."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path
from typing import cast

import pyte

from tests.serve_support import (
    CLASS_PASSWORD,
    TEACHER_PASSWORD,
    AppClient,
    classroom,
    connect_app,
    pid_alive,
    wait_until,
)
from tuinet.app.follow import SERVED_MAX_ITERATION, Classroom
from tuinet.engine import NetConfig
from tuinet.serve.auth import Credentials
from tuinet.serve.fairshare import DEMOTED_NICE, Governor
from tuinet.serve.forks import ForkServer
from tuinet.serve.groups import GATHER_SECONDS, RENDERER_NICE, Group, Renderers
from tuinet.serve.launch import Limits
from tuinet.serve.session import EXPLORER_NICE, InputBudget
from tuinet.serve.spares import SPARE_SIZES, Spare, Spares
from tuinet.serve.terminal import Command, FollowerKeys, GroupKey, group_key

FOLLOW = {"follow": True, "credentials": Credentials(CLASS_PASSWORD, TEACHER_PASSWORD)}


def nice(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])


AUTOGROUPS = Path("/proc/sys/kernel/sched_autogroup_enabled").exists() and (
    Path("/proc/sys/kernel/sched_autogroup_enabled").read_text().strip() == "1"
)
"""Whether the kernel shares the CPU between sessions first (serve/priority.py): then a session's nice counts."""


def weighs_as(pid: int, level: int) -> bool:
    """``pid`` has nice ``level``, and so has its session's autogroup where the kernel uses autogroups."""
    if nice(pid) != level:
        return False
    return not AUTOGROUPS or Path(f"/proc/{pid}/autogroup").read_text().split()[-1] == str(level)


def winsize(fd: int) -> tuple[int, int]:
    rows, columns, _, _ = struct.unpack("HHHH", fcntl.ioctl(fd, termios.TIOCGWINSZ, b"\0" * 8))
    return columns, rows


# -- pure parts ----------------------------------------------------------------------------------------------


def test_sizes_snap_down_to_a_few_classes() -> None:
    assert group_key((80, 24), "xterm-256color") == GroupKey(80, 24, "xterm-256color")
    assert group_key((132, 43), "screen-256color") == GroupKey(120, 40, "xterm-256color")
    assert group_key((104, 32), "xterm-256color") == group_key((100, 30), "tmux-256color")
    assert group_key((100, 30), "xterm").term == "xterm"  # 16 colours: another renderer
    assert group_key((400, 120), "xterm-256color") == GroupKey(200, 60, "xterm-256color")
    assert group_key((60, 20), "xterm-256color") == GroupKey(60, 20, "xterm-256color")  # below every class


def test_follower_keys_skip_sequences_and_pastes() -> None:
    keys = FollowerKeys()
    assert keys.feed(b"f") == [Command.EXPLORE]
    assert (
        keys.feed(b"q") == [Command.QUIT]
        and keys.feed(b"\x03") == [Command.QUIT]
        and keys.feed(b"\x11") == [Command.QUIT]
    )
    assert keys.feed(b"x \x1b[A\x1bOP\x1b[1;5D") == []  # keys that mean nothing to a follower
    assert keys.feed(b"\x1b]11;rgb:ffff/ffff/ffff\x07\x1b[?2026;2$y") == []  # a terminal's replies, even with f in them
    assert keys.feed(b"\x1b[200~fffq\x1b[201~") == []  # a paste is skipped whole
    assert keys.feed(b"\x1b[200~ff") == [] and keys.feed(b"q\x1b[2") == [] and keys.feed(b"01~f") == [Command.EXPLORE]
    assert keys.feed(b"\x1b") == [] and keys.feed(b"[") == [] and keys.feed(b"Af") == [Command.EXPLORE]


def test_input_budget_caps_a_paste() -> None:
    """A 1 MB burst of keys reaches an own app as at most the burst; the rest are dropped."""
    budget = InputBudget(burst=4096, rate=2048)
    assert len(budget.take(b" " * 1_000_000)) == 4096
    assert budget.dropped == 1_000_000 - 4096
    time.sleep(0.1)
    assert 100 <= len(budget.take(b" " * 10_000)) <= 400


def test_the_governor_demotes_a_hog() -> None:
    """A process keeping a core busy is reniced to 19; an idle one is left alone."""

    async def run() -> tuple[int, int]:
        hog = subprocess.Popen([sys.executable, "-c", "while True: pass"], start_new_session=True)
        idle = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"], start_new_session=True)
        try:
            governor = Governor(period=0.5, share=0.1)  # a low bar: the machine may be busy
            governor.watch(hog.pid, "hog")
            governor.watch(idle.pid, "idle")
            await asyncio.sleep(0.8)
            governor.check()
            governor.close()
            assert weighs_as(hog.pid, DEMOTED_NICE) and weighs_as(idle.pid, 0)  # its session too (priority.py)
            return nice(hog.pid), nice(idle.pid)
        finally:
            for process in (hog, idle):
                process.kill()
                process.wait()

    assert asyncio.run(run()) == (DEMOTED_NICE, 0)


def test_imports_of_serve_load_no_numpy_and_no_textual_widgets() -> None:
    """serve launches programs and speaks a protocol: it never imports numpy, the engine or the app."""
    modules = sorted(p.stem for p in Path("tuinet/serve").glob("*.py"))
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module('tuinet.serve.' + name)\n"
        "bad = [m for m in sys.modules if m.split('.')[0] == 'numpy' or m.startswith(('textual.widgets', 'tuinet.app',"
        " 'tuinet.engine'))]\n"
        "print(bad)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert len(modules) > 10 and result.stdout.strip() == "[]"


async def test_served_apps_have_no_screenshot_and_a_bounded_go_to() -> None:
    """The palette's Screenshot writes files into ~/Downloads: a served app drops it; go-to is capped."""
    from tuinet.app import make_app

    served = make_app(NetConfig(), classroom=Classroom("solo"))
    async with served.run_test(size=(100, 30)):
        titles = [command.title for command in served.get_system_commands(served.screen)]
        assert "Screenshot" not in titles and "Keys" in titles
        assert served.session.max_iteration == SERVED_MAX_ITERATION
    local = make_app(NetConfig())
    async with local.run_test(size=(100, 30)):
        assert "Screenshot" in [command.title for command in local.get_system_commands(local.screen)]


# -- the classroom over SSH ------------------------------------------------------------------------------------


class Watcher:
    """A follower as a group sees it: what it was sent, write by write."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []

    def send(self, data: bytes) -> None:
        self.writes.append(data)

    def backlog(self) -> int:
        return 0

    def renderer_lost(self) -> None:
        raise AssertionError("no renderer here to lose")


async def test_a_frame_read_in_pieces_goes_to_each_follower_in_one_write() -> None:
    """A frame crosses the pty 2–4 KB at a time; each follower gets it as one SSH write, not one per piece."""
    group = Group(GroupKey(80, 24, "xterm-256color"), cast(Renderers, None))  # fan-out needs no renderer
    watchers = [Watcher(), Watcher()]
    group.members.update(watchers)
    frame = [b"\x1b[1;1H" + b"a" * 4000, b"b" * 4095, b"c" * 700]
    for piece in frame:
        group._output(piece)
    assert all(not w.writes for w in watchers)  # held for the rest of the frame...
    await asyncio.sleep(GATHER_SECONDS * 5)
    assert [w.writes for w in watchers] == [[b"".join(frame)]] * 2  # ...then sent whole, to each
    group._output(b"next frame")
    await asyncio.sleep(GATHER_SECONDS * 5)
    assert [w.writes[1:] for w in watchers] == [[b"next frame"]] * 2


async def test_followers_of_one_size_class_share_one_renderer(tmp_path: Path) -> None:
    """Two students at 100×30 and 104×32 watch one renderer, one at 80×24 another; none has an app."""
    async with classroom(tmp_path, **FOLLOW) as server, contextlib.AsyncExitStack() as stack:
        clients: list[AppClient] = []
        for password, size in (
            (TEACHER_PASSWORD, (100, 30)),
            *((CLASS_PASSWORD, s) for s in ((100, 30), (104, 32), (80, 24))),
        ):
            conn, client = await connect_app(server.port, password=password, size=size)
            stack.callback(conn.close)
            clients.append(client)
        for client in clients:
            await client.wait_for("iteration 1")
        assert server.renderers is not None
        assert set(server.renderers.groups) == {GroupKey(100, 30, "xterm-256color"), GroupKey(80, 24, "xterm-256color")}
        own = [s.process for s in server.sessions if s.process is not None]
        assert len(own) == 1  # the teacher's app only
        teacher, *students = clients
        teacher.send(" ")
        await asyncio.gather(*(c.wait_for("iteration 1 · update", timeout=10) for c in clients))
        # The 104×32 student sees the 100×30 screen in its top-left corner; the rest is blank.
        assert students[1].screen.display[0].rstrip() == students[0].screen.display[0].rstrip()
        assert not students[1].screen.display[31].strip()


async def test_a_late_joiner_gets_the_whole_screen(tmp_path: Path) -> None:
    """A student joining a running renderer is sent a full repaint, from a clean start."""
    async with classroom(tmp_path, **FOLLOW) as server, contextlib.AsyncExitStack() as stack:
        conn, teacher = await connect_app(server.port, password=TEACHER_PASSWORD)
        stack.callback(conn.close)
        await teacher.wait_for("iteration 1")
        teacher.send("  .")
        first_conn, first = await connect_app(server.port)
        stack.callback(first_conn.close)
        await first.wait_for("iteration 3 · forward")
        await asyncio.sleep(0.5)
        late_conn, late = await connect_app(server.port)
        stack.callback(late_conn.close)
        await late.wait_for("iteration 3 · forward")
        await asyncio.sleep(0.5)
        assert late.screen.display == first.screen.display


async def test_f_explores_at_the_teachers_cursor_and_f_rejoins(tmp_path: Path) -> None:
    async with classroom(tmp_path, **FOLLOW) as server, contextlib.AsyncExitStack() as stack:
        conn, teacher = await connect_app(server.port, password=TEACHER_PASSWORD)
        stack.callback(conn.close)
        student_conn, student = await connect_app(server.port)
        stack.callback(student_conn.close)
        await teacher.wait_for("iteration 1")
        teacher.send("  ")
        await student.wait_for("iteration 2 · update")
        (session,) = [s for s in server.sessions if s.group is not None]
        student.send("f")
        await student.wait_for("Follow teacher")
        assert session.process is not None and session.group is None
        pid = session.process.pid
        assert "iteration 2 · update" in student.text()
        await wait_until(lambda: weighs_as(pid, EXPLORER_NICE))  # after a quick start at nice 0; its session too
        student.send("  ")  # on their own now
        await student.wait_for("iteration 4")
        assert "iteration 4" not in teacher.text()
        student.send("f")
        await student.wait_for("Explore")
        await student.wait_for("iteration 2 · update")
        assert session.process is None and session.group is not None
        await asyncio.sleep(0.2)
        assert not pid_alive(pid)


async def test_a_fork_server_that_dies_is_started_again_for_the_next_login(tmp_path: Path) -> None:
    """Killed (out of memory, by hand): the apps it had started are lost, but the class can log in again."""
    async with classroom(tmp_path, **FOLLOW) as server, contextlib.AsyncExitStack() as stack:
        conn, teacher = await connect_app(server.port, password=TEACHER_PASSWORD)
        stack.callback(conn.close)
        await teacher.wait_for("iteration 1")
        process = server.forks._process
        assert process is not None
        process.kill()  # the warm spares are replaced at once: that alone may start the new one
        again, teacher_again = await connect_app(server.port, password=TEACHER_PASSWORD)
        stack.callback(again.close)
        await teacher_again.wait_for("iteration 1")  # a new fork server forked the new app
        assert server.forks._process is not None and server.forks._process.pid != process.pid
        student_conn, student = await connect_app(server.port)
        stack.callback(student_conn.close)
        await student.wait_for("iteration 1")  # and a renderer for a follower


async def test_priorities_put_the_teacher_first(tmp_path: Path) -> None:
    """The teacher's app at nice 0, renderers at 8 (a student's own app at 15: the explore test), each app's
    session as well as its process: with autogroups, a session's nice is what the kernel weighs first."""
    async with classroom(tmp_path, **FOLLOW) as server, contextlib.AsyncExitStack() as stack:
        conn, _ = await connect_app(server.port, password=TEACHER_PASSWORD)
        stack.callback(conn.close)
        student_conn, student = await connect_app(server.port)
        stack.callback(student_conn.close)
        await student.wait_for("iteration 1")
        (teacher_session,) = [s for s in server.sessions if s.process is not None]
        assert teacher_session.process is not None and weighs_as(teacher_session.process.pid, 0)
        assert server.renderers is not None
        (group,) = server.renderers.groups.values()
        assert group.process is not None
        renderer = group.process.pid
        await wait_until(lambda: weighs_as(renderer, RENDERER_NICE))


async def test_a_student_who_only_watches_is_never_dropped_as_idle(tmp_path: Path) -> None:
    async with classroom(tmp_path, idle_timeout=0.5, **FOLLOW) as server:
        conn, student = await connect_app(server.port)
        async with conn:
            await student.wait_for("iteration 1")
            await asyncio.sleep(2.0)
            assert not student.closed.is_set()


async def test_a_huge_terminal_is_clamped(tmp_path: Path) -> None:
    """A 1000×1000 terminal would make every frame 50× dearer: the app's pty is clamped."""
    async with classroom(tmp_path) as server:
        conn, client = await connect_app(server.port, size=(1000, 1000))
        async with conn:
            await client.wait_for("iteration 1", timeout=30)
            (session,) = server.sessions
            assert session.process is not None
            assert winsize(session.process.master) == (300, 100)


def test_a_late_joiners_prelude_clears_the_screen() -> None:
    """What a joiner gets first leaves nothing of their shell on screen."""
    from tuinet.serve.terminal import PRELUDE

    screen = pyte.Screen(40, 5)
    stream = pyte.ByteStream(screen)
    stream.feed(b"old shell prompt $ ls\r\nfiles")
    stream.feed(PRELUDE)
    assert not "".join(screen.display).strip()


async def test_a_dead_renderer_is_replaced(tmp_path: Path) -> None:
    """If a shared renderer dies, its followers get a new one and keep following."""
    async with classroom(tmp_path, **FOLLOW) as server, contextlib.AsyncExitStack() as stack:
        conn, teacher = await connect_app(server.port, password=TEACHER_PASSWORD)
        stack.callback(conn.close)
        student_conn, student = await connect_app(server.port)
        stack.callback(student_conn.close)
        await student.wait_for("iteration 1")
        assert server.renderers is not None
        (group,) = server.renderers.groups.values()
        assert group.process is not None
        os.kill(group.process.pid, signal.SIGKILL)
        await wait_until(lambda: any(g is not group for g in server.renderers.groups.values()))  # type: ignore[union-attr]
        teacher.send(" ")
        await student.wait_for("iteration 1 · update")


async def test_f_takes_a_warm_spare_and_a_new_one_is_made(tmp_path: Path) -> None:
    """The first explorer is a spare app started before anyone asked; it is resized and moved to the teacher."""
    async with classroom(tmp_path, **FOLLOW) as server, contextlib.AsyncExitStack() as stack:
        conn, teacher = await connect_app(server.port, password=TEACHER_PASSWORD)
        stack.callback(conn.close)
        student_conn, student = await connect_app(server.port, size=(120, 40))
        stack.callback(student_conn.close)
        assert server.spares is not None
        await wait_until(lambda: len(server.spares.ready) == len(SPARE_SIZES))  # type: ignore[union-attr]
        (spare,) = [s for s in server.spares.ready if s.size == (120, 36)]  # the full layout's: 120×40 fits it
        assert spare.process is not None
        await teacher.wait_for("iteration 1")
        teacher.send("  ")
        await student.wait_for("iteration 2 · update")
        student.send("f")
        await student.wait_for("Follow teacher")
        (session,) = [s for s in server.sessions if s.role.value == "student"]
        assert session.process is spare.process
        assert winsize(session.process.master) == (120, 40)
        assert "iteration 2 · update" in student.screen.display[0]
        # Drawn at the student's own size: the footer on the last of its 40 rows (the spare's first frame may come
        # before the resized one, so wait for that row rather than for the words anywhere).
        await wait_until(lambda: "Follow teacher" in student.screen.display[39])
        await wait_until(lambda: sorted(s.size for s in server.spares.ready) == sorted(SPARE_SIZES))  # type: ignore[union-attr]
        assert spare not in server.spares.ready


def test_a_student_gets_the_largest_spare_that_fits_their_terminal() -> None:
    """A hand-over resizes within the app's layout (compact below COMPACT_BELOW, full from it), not across it."""
    from tuinet.app.app import COMPACT_BELOW

    assert max(SPARE_SIZES) == COMPACT_BELOW and min(SPARE_SIZES) == (80, 24)
    spares = Spares(cast(ForkServer, None), [], Limits(None, None, None))
    spares.fill = lambda: None  # type: ignore[method-assign]  # no fork server here: the choice only

    def taken(size: tuple[int, int], term: str = "xterm-256color") -> tuple[int, int] | None:
        spares.ready = [Spare(s) for s in SPARE_SIZES]
        spare = spares.take(term, size)
        return None if spare is None else spare.size

    assert taken((80, 24)) == taken((100, 30)) == taken((200, 30)) == taken((119, 60)) == (80, 24)  # compact
    assert taken((120, 36)) == taken((160, 50)) == taken((300, 100)) == (120, 36)  # full
    assert taken((70, 22)) == (80, 24)  # smaller than every spare: the smallest
    assert taken((120, 40), "xterm") is None  # another colour system: a fresh fork
    spares.ready = [Spare((80, 24))]
    assert (spare := spares.take("xterm-256color", (160, 50))) is not None and spare.size == (80, 24)  # any, not none
