"""A fair share of CPU per session: a student whose app keeps a core busy is moved to the lowest priority.

Priorities (nice) set the shares: the teacher's app 0, shared renderers 8, students' own apps 15
(after half a second at 0, so they start fast), each for its process and its session (priority.py),
so a student's work never comes before what the whole class watches. That alone still lets one
student take a whole core from the others of their rank (a go-to far ahead, auto-play in a huge
window). The governor samples each own app's CPU time every ``period`` seconds; one that used more
than ``share`` of a core over that period is reniced to 19 (a CFS weight of 15 against the
renderers' 134) for the rest of its life, and the event is logged. The kernel lets a process's
owner raise its nice but not lower it, which suits this: a hog stays demoted.
"""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path

from tuinet.serve.logs import event
from tuinet.serve.priority import lower_soon

__all__ = ["DEMOTED_NICE", "Governor", "cpu_seconds"]

DEMOTED_NICE = 19


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of ``pid`` (None once it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Governor:
    """Watches own apps' CPU use and demotes the ones that hog a core."""

    def __init__(self, period: float = 2.0, share: float = 0.5) -> None:
        self.period = period
        self.share = share
        self._watched: dict[int, tuple[str, float]] = {}
        self.demoted: set[int] = set()
        self._task: asyncio.Task[None] | None = None

    def watch(self, pid: int, who: str) -> None:
        used = cpu_seconds(pid)
        if used is not None:
            self._watched[pid] = (who, used)
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())

    def forget(self, pid: int) -> None:
        self._watched.pop(pid, None)
        self.demoted.discard(pid)

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.period)
            self.check()

    def check(self) -> None:
        for pid, (who, before) in list(self._watched.items()):
            used = cpu_seconds(pid)
            if used is None:
                self.forget(pid)
                continue
            self._watched[pid] = (who, used)
            if pid not in self.demoted and used - before > self.share * self.period:
                lower_soon(pid, DEMOTED_NICE)  # the app's whole process group and its session (priority.py)
                self.demoted.add(pid)
                event("demoted", logging.WARNING, peer=who, pid=pid, cpu=f"{used - before:.1f}s/{self.period:.0f}s")

    def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
