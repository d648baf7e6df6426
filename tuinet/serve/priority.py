"""A served app's CPU priority, set where the kernel actually weighs it: the process and its session.

With autogroups on (sched(7); ``/proc/sys/kernel/sched_autogroup_enabled`` is 1 on most distributions'
kernels, and on this machine) the scheduler shares the CPU between *sessions* first, each weighted by
its autogroup's nice, and only then between the processes of one session by their own nice. Every
served app is a session of its own (the fork server's child calls setsid), so an app's process nice
alone weighs nothing against another app: measured with ``benchmarks/serve_classroom.py``, ten explorers
at nice 15 took CPU from the teacher's app (nice 0) as if they were its equals — the teacher's p95 with
the explorers on was 279 ms, and 66–75 ms once their sessions weighed as nice 15 too.

A new app sets its own (launch.lower_this_session, after its setsid: from outside, the server cannot
tell whether the child has left the fork server's session yet); this module lowers a running app's
(an explorer after its quick start, a hog the governor demotes). Only a session leader's autogroup is
touched (an app sharing the server's session would lower the server's own). Without CAP_SYS_ADMIN the
kernel accepts one autogroup change per 100 ms, machine-wide, and answers EAGAIN meanwhile: the write
is retried. Without autogroups the file does not exist and the process nice is all there is.
"""

from __future__ import annotations

import asyncio
import contextlib
import os

from tuinet.serve.launch import set_session_nice
from tuinet.serve.tasks import background

__all__ = ["lower_soon"]

RETRY_SECONDS = 0.1
RETRIES = 50
"""Five seconds of EAGAIN (50 apps started at the same moment) before giving up on one app's autogroup."""


def _renice_group(pid: int, nice: int) -> None:
    with contextlib.suppress(OSError):  # gone already
        if os.getpriority(os.PRIO_PROCESS, pid) < nice:  # only ever lower it: the kernel will not let it rise
            os.setpriority(os.PRIO_PGRP, pid, nice)


def lower_soon(pid: int, nice: int) -> None:
    """Lower the app ``pid`` (a process group and session leader) to ``nice``, in both of the kernel's steps.

    The process group at once; the session's autogroup at once too, unless the kernel's rate limit says
    "not now", and then from a retrying task in the background.
    """
    _renice_group(pid, nice)
    if not set_session_nice(pid, nice):
        background(_retry(pid, nice))


async def _retry(pid: int, nice: int) -> None:
    for _ in range(RETRIES):
        await asyncio.sleep(RETRY_SECONDS)
        if set_session_nice(pid, nice):
            return
