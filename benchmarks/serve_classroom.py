"""Measure a classroom: sessions held, RSS per session, and follow latency (teacher key → student output).

    .venv/bin/python benchmarks/serve_classroom.py --students 30 --presses 40

Starts ``tuinet serve --ssh --follow`` on 127.0.0.1 as a separate process (so the clients here do
not steal its CPU share unfairly), logs in one teacher and N students with asyncssh, waits until
every screen is drawn, then reads each session's VmRSS from /proc. For latency, the teacher presses
space ``--presses`` times, each after the class has been quiet for a moment; a sample is the time
from sending the key to the first bytes a student receives afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import asyncssh

CLASS, TEACHER = "bench-class", "bench-teacher"


class Client(asyncssh.SSHClientSession[bytes]):
    def __init__(self) -> None:
        self.data = bytearray()
        self.first_after: float | None = None
        self.mark = 0.0
        self.last = time.monotonic()
        self.chan: asyncssh.SSHClientChannel[bytes] | None = None

    def data_received(self, data: bytes, datatype: asyncssh.DataType) -> None:
        now = time.monotonic()
        self.data += data
        self.last = now
        if self.first_after is None and self.mark and now >= self.mark:
            self.first_after = now


def screen_line(data: bytes) -> str:
    import pyte

    screen = pyte.Screen(120, 40)
    pyte.ByteStream(screen).feed(bytes(data))
    return screen.display[0].strip()


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def descendants(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError):
                stat = Path(f"/proc/{entry}/stat").read_text()
                parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    out, frontier = [], [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        out += children
        frontier += children
    return out


async def connect(port: int, password: str) -> tuple[asyncssh.SSHClientConnection, Client]:
    conn = await asyncssh.connect(
        "127.0.0.1", port, username="s", password=password, known_hosts=None, client_keys=None, agent_path=None
    )
    chan, client = await conn.create_session(Client, term_type="xterm-256color", term_size=(120, 40), encoding=None)
    client.chan = chan
    return conn, client


async def quiet(clients: list[Client], seconds: float = 0.4, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(time.monotonic() - c.last > seconds for c in clients):
            return
        await asyncio.sleep(0.05)


async def run(students: int, presses: int) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    data = tempfile.mkdtemp(prefix="tuinet-bench-")
    env = {**os.environ, "TUINET_DATA_DIR": data, "TUINET_PASSWORD": CLASS, "TUINET_TEACHER_PASSWORD": TEACHER}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tuinet",
            "serve",
            "--ssh",
            "--follow",
            "--port",
            str(port),
            "--max-per-address",
            "200",
            "--max-sessions",
            "200",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(os.path.join(data, "server.log"), "w"),  # noqa: SIM115 - lives as long as the server
    )
    print(f"server log: {data}/server.log")
    try:
        await asyncio.sleep(1.5)
        start = time.monotonic()
        teacher_conn, teacher = await connect(port, TEACHER)
        pairs = [await connect(port, CLASS) for _ in range(students)]
        clients = [c for _, c in pairs]
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and not all(b"iteration" in c.data for c in (teacher, *clients)):
            await asyncio.sleep(0.1)
        await quiet([teacher, *clients], 1.0, timeout=120)
        drawn = sum(b"iteration" in c.data for c in clients)
        print(
            f"sessions: 1 teacher + {students} students connected, {drawn} drawn, in {time.monotonic() - start:.1f} s"
        )
        pids = descendants(server.pid)
        rss = sorted(rss_kib(p) for p in pids)
        print(
            f"app processes: {len(pids)}; RSS per session: median {statistics.median(rss) / 1024:.0f} MiB, "
            f"max {rss[-1] / 1024:.0f} MiB; server RSS {rss_kib(server.pid) / 1024:.0f} MiB"
        )
        samples: list[float] = []
        own: list[float] = []
        for _ in range(presses):
            await quiet([teacher, *clients])
            mark = time.monotonic()
            for c in (teacher, *clients):
                c.first_after, c.mark = None, mark
            assert teacher.chan is not None
            teacher.chan.write(b" ")
            deadline = mark + 5
            while time.monotonic() < deadline and any(c.first_after is None for c in clients):
                await asyncio.sleep(0.002)
            samples += [(c.first_after - mark) * 1000 for c in clients if c.first_after is not None]
            if teacher.first_after is not None:
                own.append((teacher.first_after - mark) * 1000)
        print("screens:", [screen_line(c.data)[:40] for c in (teacher, *clients[:2])])
        print(f"teacher's own screen: median {statistics.median(own):.0f} ms, max {max(own):.0f} ms")
        samples.sort()
        p95 = samples[int(0.95 * (len(samples) - 1))]
        print(
            f"follow latency over {len(samples)} samples ({presses} presses × {students} students): "
            f"median {statistics.median(samples):.0f} ms, p95 {p95:.0f} ms, max {samples[-1]:.0f} ms"
        )
        for conn, _ in pairs:
            conn.close()
        teacher_conn.close()
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=20)
    parser.add_argument("--presses", type=int, default=30)
    args = parser.parse_args()
    asyncio.run(run(args.students, args.presses))


if __name__ == "__main__":
    main()
