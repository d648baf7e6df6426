"""The simulated class of benchmarks/serve_classroom.py: SSH clients that record what arrives, and measurements.

A Client stores every chunk with its arrival time and emulates its screen (pyte) only when asked, never
inside a timed window. The rest reads /proc: memory, CPU time, the role and priority of each process
under the server.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import time
from pathlib import Path

import asyncssh
import pyte

from tuinet.serve.fairshare import cpu_seconds

__all__ = [
    "EMULATED_MS",
    "QUIET",
    "Client",
    "comm",
    "connect",
    "cpu_ms",
    "cpu_snapshot",
    "cpu_spent",
    "descendants",
    "kib",
    "p95",
    "quiet",
    "wait_for",
]

STEP = re.compile(r"iteration (\d+) · \S+ · op (\d+)/\d+ \S+(?: · cell (\d+)/\d+)?")
QUIET = 0.15
EMULATED_MS: list[float] = []
"""CPU this process spent emulating screens (pyte) after each series of presses: not during the timed windows."""


class Client(asyncssh.SSHClientSession[bytes]):
    def __init__(self, size: tuple[int, int]) -> None:
        self.size = size
        self.screen = pyte.Screen(*size)
        self.stream = pyte.ByteStream(self.screen)
        self.unparsed = bytearray()
        self.since_mark = bytearray()
        self.mark = time.monotonic()
        self.last_after_mark: float | None = None
        self.last = time.monotonic()
        self.chunks: list[tuple[float, int]] = []
        """(arrival time, bytes since the mark) of every chunk since the mark."""
        self.chan: asyncssh.SSHClientChannel[bytes] | None = None

    def data_received(self, data: bytes, datatype: asyncssh.DataType) -> None:
        now = time.monotonic()
        self.unparsed += data
        self.since_mark += data
        self.chunks.append((now, len(self.since_mark)))
        self.last = now
        if self.mark and now >= self.mark:
            self.last_after_mark = now

    def set_mark(self, mark: float) -> None:
        self.mark, self.last_after_mark = mark, None
        self.since_mark.clear()
        self.chunks.clear()

    def burst_end(self, needle: bytes, gap: float = 0.03) -> float | None:
        """The last byte of the burst that carried ``needle`` (first seen since the mark)."""
        position = self.since_mark.find(needle)
        if position < 0:
            return None
        chunks = [c for c in self.chunks if c[1] > position]
        end = chunks[0][0]
        for at, _ in chunks[1:]:
            if at - end > gap:
                break
            end = at
        return end

    def checkpoint(self) -> int:
        """Where the stream is now: ``step_at`` it later, once nothing is being timed."""
        return len(self.unparsed)

    def step_at(self, checkpoints: list[int]) -> list[tuple[str, ...] | None]:
        """The status line's step at each checkpoint (the stream emulated now, from where it was left)."""
        steps: list[tuple[str, ...] | None] = []
        start = 0
        for end in checkpoints:
            self.stream.feed(bytes(self.unparsed[start:end]))
            start = end
            match = STEP.search(self.screen.display[0])
            steps.append(match.groups(default="") if match else None)
        del self.unparsed[:start]
        return steps

    def step(self) -> tuple[str, ...] | None:
        """What the screen's status line says now (emulated here: never inside a timed window)."""
        return self.step_at([self.checkpoint()])[0]

    def send(self, keys: bytes) -> None:
        assert self.chan is not None
        self.chan.write(keys)


def kib(pid: int, field: str, name: str = "status") -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def cpu_ms(pid: int) -> float:
    """User + system CPU time of ``pid`` so far, in ms (0 once it has gone): the governor's own reading."""
    return 1000 * (cpu_seconds(pid) or 0.0)


def comm(pid: int) -> str:
    """What a process under the server is: the fork server names each app it starts (tuinet-teacher, …)."""
    with contextlib.suppress(OSError):
        name = Path(f"/proc/{pid}/comm").read_text().strip()
        if name.startswith("tuinet-"):
            return name.removeprefix("tuinet-")
        if b"tuinet.classroom.forkserver" in Path(f"/proc/{pid}/cmdline").read_bytes():
            return "forkserver"
    return "?"


def cpu_snapshot(server: int) -> tuple[dict[int, float], float]:
    """CPU so far of the server and every process under it, and of this process."""
    return {p: cpu_ms(p) for p in [server, *descendants(server)]}, cpu_ms(os.getpid())


def cpu_spent(server: int, before: tuple[dict[int, float], float], count: int) -> str:
    """CPU per press since ``before``, by role and nice level; this process's split into receiving and emulating."""
    spent: dict[str, float] = {}
    for pid, start in before[0].items():
        nice = "?"
        with contextlib.suppress(OSError, ValueError):  # the process's nice / its session's (priority.py)
            group = Path(f"/proc/{pid}/autogroup").read_text().split()[-1]
            nice = f"{os.getpriority(os.PRIO_PROCESS, pid)}/{group}"
        name = f"{'server' if pid == server else comm(pid)} (nice {nice})"
        spent[name] = spent.get(name, 0.0) + (cpu_ms(pid) - start) / count
    emulated = EMULATED_MS[-1] / count
    spent["clients receiving"] = (cpu_ms(os.getpid()) - before[1]) / count - emulated
    spent["then emulating"] = emulated
    return ", ".join(f"{name} {ms:.0f}" for name, ms in spent.items())


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


async def connect(
    port: int, password: str, size: tuple[int, int], term: str
) -> tuple[asyncssh.SSHClientConnection, Client]:
    conn = await asyncssh.connect(
        "127.0.0.1", port, username="s", password=password, known_hosts=None, client_keys=None, agent_path=None
    )
    chan, client = await conn.create_session(lambda: Client(size), term_type=term, term_size=size, encoding=None)
    client.chan = chan
    return conn, client


async def quiet(clients: list[Client], seconds: float = QUIET, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(time.monotonic() - c.last > seconds for c in clients):
            return
        await asyncio.sleep(0.01)


async def wait_for(clients: list[Client], needle: bytes, timeout: float = 30) -> dict[int, float]:
    """For each client (by index) that showed ``needle`` since its mark: the end of the burst carrying it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not all(needle in c.since_mark for c in clients):
        await asyncio.sleep(0.005)
    await quiet(clients, timeout=10)
    ends = {index: client.burst_end(needle) for index, client in enumerate(clients)}
    return {index: end for index, end in ends.items() if end is not None}


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[int(0.95 * (len(ordered) - 1))] if ordered else float("nan")
