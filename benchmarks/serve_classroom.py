"""Measure a classroom on this machine: sessions held, whole-server memory, and follow latency under load.

    .venv/bin/python benchmarks/serve_classroom.py --students 50 --presses 20 --explorers 10

Starts ``tuinet serve --ssh --follow`` on 127.0.0.1 as its own process, logs in a teacher (120×40,
its client in a process of its own) and N students with real SSH clients (asyncssh) of mixed terminal
sizes, then:

1. reference, same run: the teacher alone steps cells (``.``) — their own latency with no class (after one
   unmeasured step: the first from the start screen redraws the whole screen, and no later phase has it);
2. the class joins; whole-server memory: RSS and PSS of the server and every process under it;
3. follow: the teacher steps cells ``--presses`` times, each once the class has been quiet for
   150 ms. A sample is the time from the teacher's key to the *last* byte of the burst it causes on
   a student's screen (the moment that screen shows the step); the teacher's own screen likewise.
   After each press every screen is emulated (pyte, outside the timed window) and its status line
   must show the teacher's step — a screen that does not counts as a miss;
4. explorers: ``--explorers`` students press ``f`` at once (timed: key → their own app's footer),
   then each steps on its own ~3 times a second while the teacher presses again; then ``f`` again
   returns them to the shared view (timed: key → the shared footer).

Where the clients run: a real class's 50 clients are 50 other machines; here they share the server's
two cores, in this one process. By default its session runs at nice 10 (``--class-nice``: the
session's autogroup nice, which is what weighs between sessions), so the simulated students do not
take the CPU from the server they measure; their own receiving is then what waits, and that wait is
inside every follower's sample. ``--class-nice 0`` gives the co-located worst case.

Budgets (issue 14): follow p95 ≤ 100 ms, teacher p95 ≤ 30 ms, whole-server RSS ≤ 1 GiB, followers'
p95 ≤ 150 ms with the explorers on top, f → first frame ≤ 150 ms; exit status 1 if one is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: the repository's root on the path, for benchmarks.ssh_class
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.ssh_class import (
    EMULATED_MS,
    Client,
    connect,
    cpu_snapshot,
    cpu_spent,
    descendants,
    kib,
    p95,
    quiet,
    wait_for,
)
from tuinet.app.follow import NOTICE_SECONDS

CLASS, TEACHER = "bench-class-password", "bench-teacher-secret"
SIZES = ((80, 24), (100, 30), (120, 40), (132, 43), (90, 28), (160, 50))
"""Students' terminals, in turn: five size classes (80×24, 100×30, 120×40, 160×50), some in between."""
VERBOSE = False
BY_SIZE: dict[tuple[int, int], list[float]] = {}
"""Followers' samples by terminal size (with --verbose: which size class is slowest)."""


class Teacher:
    """The teacher's SSH client, in a process of its own (a real teacher has their own laptop): its
    timestamps never wait behind the class's 50 streams in this process's event loop."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    @classmethod
    async def start(cls, port: int) -> Teacher:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            __file__,
            "--teacher",
            str(port),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            start_new_session=True,  # the teacher's laptop: not a share of this process's CPU
        )
        teacher = cls(process)
        assert (await teacher._line()) == {"ready": True}
        return teacher

    async def _line(self) -> dict[str, object]:
        assert self.process.stdout is not None
        line = await asyncio.wait_for(self.process.stdout.readline(), 120)
        return dict(json.loads(line))

    async def press(self) -> tuple[float, float | None, tuple[str, ...] | None]:
        """Step a cell: when the key was sent, the last byte of the teacher's frame, and its status step."""
        assert self.process.stdin is not None
        self.process.stdin.write(b"press\n")
        answer = await self._line()
        step = answer["step"]
        end = answer["end"]
        return float(answer["mark"]), None if end is None else float(end), None if step is None else tuple(step)

    async def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        await self.process.wait()


async def teacher_main(port: int) -> None:
    """The teacher's process: connect, then one press per "press" line on stdin, answered in JSON."""
    gc.disable()  # a measuring instrument must not pause: a collection here is not the server's latency
    conn, client = await connect(port, TEACHER, (120, 40), "xterm-256color")
    await wait_for([client], b"iteration")
    await quiet([client], 1.0)
    print(json.dumps({"ready": True}), flush=True)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while await reader.readline():
        await quiet([client])
        mark = time.monotonic()
        client.set_mark(mark)
        client.send(b".")
        while time.monotonic() < mark + 5 and client.last_after_mark is None:
            await asyncio.sleep(0.001)
        await quiet([client])
        answer = {"mark": mark, "end": client.last_after_mark, "step": client.step()}
        print(json.dumps(answer), flush=True)
    conn.close()


async def presses(teacher: Teacher, followers: list[Client], count: int) -> tuple[list[float], list[float], int]:
    """Teacher steps a cell ``count`` times: followers' samples (ms), the teacher's, and screens that missed.

    The screens are emulated (pyte is slow) only after the last press, so this process spends the
    timed windows receiving, as a student's own machine would.
    """
    samples: list[float] = []
    own: list[float] = []
    expected: list[tuple[str, ...] | None] = []
    checkpoints: dict[int, list[int]] = {id(c): [] for c in followers}
    for _ in range(count):
        await quiet(followers)
        now = time.monotonic()
        for client in followers:
            client.set_mark(now)
        mark, end, step = await teacher.press()
        deadline = mark + 5
        while time.monotonic() < deadline and any(c.last_after_mark is None for c in followers):
            await asyncio.sleep(0.002)
        await quiet(followers, timeout=5)
        got = [(c.last_after_mark - mark) * 1000 for c in followers if c.last_after_mark is not None]
        if VERBOSE and got:  # which steps are slow: an operation change redraws the stage
            own_ms = "-" if end is None else f"{(end - mark) * 1000:.0f}"
            spread = f"{min(got):.0f}/{statistics.median(got):.0f}/{max(got):.0f}"
            print(f"step {step}: followers min/median/max {spread} ms, teacher {own_ms}")
        for client in followers:
            checkpoints[id(client)].append(client.checkpoint())
            if client.last_after_mark is not None:
                samples.append((client.last_after_mark - mark) * 1000)
                BY_SIZE.setdefault(client.size, []).append(samples[-1])
        if end is not None:
            own.append((end - mark) * 1000)
        expected.append(step)
    misses = 0
    started = time.process_time()
    for client in followers:
        for shown, wanted in zip(client.step_at(checkpoints[id(client)]), expected, strict=True):
            if shown != wanted:
                misses += 1
                if VERBOSE:
                    print("miss", client.size, shown, wanted, client.screen.display[0])
    EMULATED_MS.append((time.process_time() - started) * 1000)
    gc.collect()  # after the series, with the emulation: never inside a timed window (see run)
    return samples, own, misses


async def explore(explorers: list[Client], stop: asyncio.Event) -> None:
    """Explorers step on their own, about 3 keys a second each, until ``stop``: each at a moment of its own, as
    students press (all ten keys at the same instant made ten frames at once, ~200 ms of CPU in one burst)."""
    period = 0.33
    while not stop.is_set():
        for client in explorers:
            client.send(b".")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), period / len(explorers))


async def run(students: int, count: int, explorers: int) -> int:
    # This process is 50 students' machines at once, with 50 emulated screens: a full collection here takes
    # ~150-250 ms and, landing inside a timed window, delayed every student's sample of that step (the same step,
    # run after run). A real student's machine pauses for no one else: collect after each series instead.
    gc.disable()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    data = tempfile.mkdtemp(prefix="tuinet-bench-")
    os.chmod(data, 0o700)
    env = {**os.environ, "TUINET_DATA_DIR": data, "TUINET_PASSWORD": CLASS, "TUINET_TEACHER_PASSWORD": TEACHER}
    argv = [sys.executable, "-m", "tuinet", "serve", "--ssh", "--follow", "--port", str(port), "--max-sessions", "200"]
    log = open(os.path.join(data, "server.log"), "w")  # noqa: SIM115 - lives as long as the server
    # A session of its own, as a server started from its own terminal or by systemd is: with autogroups on, the
    # kernel shares the CPU between sessions first, and this process's 50 clients are not the server's own load.
    server = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)
    rows: list[tuple[str, str, str, bool | None]] = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # the fork server imports everything first: wait for the port
            with contextlib.suppress(OSError):
                _, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.close()
                break
            await asyncio.sleep(0.2)
        teacher = await Teacher.start(port)
        await teacher.press()  # the first step draws every pane for the first time: not a step like the others
        _, alone, _ = await presses(teacher, [], count)
        rows.append(
            ("teacher alone (reference)", f"p95 {p95(alone):.0f} ms", f"median {statistics.median(alone):.0f}", None)
        )

        start = time.monotonic()
        pairs = []
        for n in range(students):
            pairs.append(await connect(port, CLASS, SIZES[n % len(SIZES)], "xterm-256color"))
        clients = [c for _, c in pairs]
        seen = await wait_for(clients, b"iteration", timeout=120)  # marks: set when each client was made
        await quiet(clients, 1.0, timeout=60)
        joined = time.monotonic() - start
        # Each renderer shows the class notice ("following the teacher's screen") for NOTICE_SECONDS: its going
        # is a frame of its own, which would land in some step's window and stretch that step's burst.
        await asyncio.sleep(max(0.0, start + NOTICE_SECONDS + 1.0 - time.monotonic()))
        pids = [server.pid, *descendants(server.pid)]
        rss = sum(kib(p, "VmRSS") for p in pids) / 1024
        pss = sum(kib(p, "Pss", "smaps_rollup") for p in pids) / 1024
        rows.append((f"{students} students joined", f"{len(seen)} drawn", f"in {joined:.1f} s", len(seen) == students))
        rows.append((f"whole server, {len(pids)} processes", f"RSS {rss:.0f} MiB", f"PSS {pss:.0f} MiB", rss <= 1024))

        before = cpu_snapshot(server.pid)
        follow, own, misses = await presses(teacher, clients, count)
        rows.append(("CPU ms per press", cpu_spent(server.pid, before, count), "", None))
        ratio = p95(own) / p95(alone)
        rows.append(
            (
                "follow: teacher key → student screen",
                f"p95 {p95(follow):.0f} ms",
                f"max {max(follow):.0f}",
                p95(follow) <= 100,
            )
        )
        rows.append(("teacher's own screen, class on", f"p95 {p95(own):.0f} ms", f"{ratio:.2f}× alone", p95(own) <= 30))
        if VERBOSE:
            print("follow p95 by size:", {f"{c}x{r}": round(p95(v)) for (c, r), v in sorted(BY_SIZE.items())})
        rows.append(
            ("screens showing the teacher's step", f"{count * students - misses}/{count * students}", "", misses == 0)
        )

        if explorers:
            group, rest = clients[:explorers], clients[explorers:]
            singles: list[float] = []
            for c in group[:3]:  # one at a time (up to three): what a student pressing f sees
                await quiet(clients, 0.3)
                c.set_mark(mark := time.monotonic())
                c.send(b"f")
                singles += [(t - mark) * 1000 for t in (await wait_for([c], b"iteration")).values()]
            rows.append(
                (
                    "f → own app's first frame, one at a time",
                    f"max {max(singles):.0f} ms",
                    f"median {statistics.median(singles):.0f}",
                    max(singles) <= 150 and len(singles) == len(group[:3]),
                )
            )
            if group[3:]:  # the rest at the same moment
                await quiet(clients, 0.3)
                mark = time.monotonic()
                for c in group[3:]:
                    c.set_mark(mark)
                    c.send(b"f")
                started = await wait_for(group[3:], b"iteration")
                firsts = [(t - mark) * 1000 for t in started.values()] or [float("nan")]
                rows.append(
                    (
                        f"{len(group) - 3} × f at the same moment",
                        f"max {max(firsts):.0f} ms",
                        f"median {statistics.median(firsts):.0f}",
                        None if len(started) == len(group) - 3 else False,
                    )
                )
            await quiet(clients, 0.5)
            stop = asyncio.Event()
            busy = asyncio.create_task(explore(group, stop))
            before = cpu_snapshot(server.pid)
            follow2, own2, misses2 = await presses(teacher, rest, count)
            stop.set()
            await busy
            rows.append(("CPU ms per press, explorers on", cpu_spent(server.pid, before, count), "", None))
            rows.append(
                (
                    f"follow with {explorers} explorers stepping",
                    f"p95 {p95(follow2):.0f} ms",
                    f"max {max(follow2):.0f}",
                    p95(follow2) <= 150 and misses2 == 0,
                )
            )
            rows.append(
                (
                    "teacher's own, explorers on",
                    f"p95 {p95(own2):.0f} ms",
                    f"{p95(own2) / p95(alone):.2f}× alone",
                    p95(own2) <= 30,
                )
            )
            pids = [server.pid, *descendants(server.pid)]
            rows.append(
                (
                    f"whole server with explorers, {len(pids)} proc",
                    f"RSS {sum(kib(p, 'VmRSS') for p in pids) / 1024:.0f} MiB",
                    f"PSS {sum(kib(p, 'Pss', 'smaps_rollup') for p in pids) / 1024:.0f} MiB",
                    None,
                )
            )
            await quiet(clients, 0.3)
            mark = time.monotonic()
            for c in group:
                c.set_mark(mark)
                c.send(b"f")
            back = await wait_for(group, b"iteration")
            times = [(t - mark) * 1000 for t in back.values()]
            rows.append(
                (
                    f"{explorers} × f again → shared view",
                    f"max {max(times):.0f} ms",
                    f"{len(times)} back",
                    len(times) == explorers,
                )
            )

        for conn, _ in pairs:
            conn.close()
        await teacher.close()
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    print(
        f"\ntuinet serve, {students} students, {count} presses, {os.cpu_count()} CPUs, the students' clients' session"
        f" at nice {_session_nice()} (server log: {data}/server.log)"
    )
    width = max(len(r[0]) for r in rows)
    for what, main, detail, ok in rows:
        verdict = "" if ok is None else ("ok" if ok else "MISSED")
        print(f"  {what:<{width}}  {main:<14} {detail:<16} {verdict}")
    return 0 if all(ok is not False for *_, ok in rows) else 1


def _session_nice() -> str:
    with contextlib.suppress(OSError, IndexError):
        return Path("/proc/self/autogroup").read_text().split()[-1]
    return "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--students", type=int, default=50)
    parser.add_argument("--presses", type=int, default=20)
    parser.add_argument("--explorers", type=int, default=10)
    parser.add_argument(
        "--class-nice",
        type=int,
        default=10,
        metavar="N",
        help="the simulated students' priority, for their process and its session (default 10; 0: as the server's)",
    )
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--teacher", type=int, metavar="PORT", help=argparse.SUPPRESS)  # the teacher's process
    args = parser.parse_args()
    if args.teacher:
        asyncio.run(teacher_main(args.teacher))
        return
    if args.class_nice and os.getsid(0) != os.getpid():
        # The students' clients weigh as nice N only as a session of their own (autogroups share the CPU
        # between sessions first): run this benchmark again in one, and lower that session.
        child = subprocess.run([sys.executable, *sys.argv], start_new_session=True, check=False)
        raise SystemExit(child.returncode)
    if args.class_nice:
        # The session's weight only (what counts between sessions): a process nice would be inherited by the
        # server and, through it, by every app.
        with contextlib.suppress(OSError):
            Path("/proc/self/autogroup").write_text(str(args.class_nice))
    global VERBOSE
    VERBOSE = args.verbose
    raise SystemExit(asyncio.run(run(args.students, args.presses, args.explorers)))


if __name__ == "__main__":
    main()
