"""The first program a served session runs: set its limits, take its terminal, then become ``tuinet``.

Run as ``python -m tuinet.serve.launch --memory BYTES --cpu SECONDS --processes N -- <tuinet args>``.
Doing this in a program of its own (rather than a ``preexec_fn``) keeps the server free of code that
runs between ``fork`` and ``exec`` in a multi-threaded process. The launcher:

1. sets RLIMIT_AS (address space), RLIMIT_CPU (CPU seconds; the kernel kills the process past it)
   and RLIMIT_NPROC, so one student cannot exhaust the host;
2. when its stdin is a terminal (an SSH session's pty), makes it the controlling terminal of the
   new session the server started, so that a window-size change reaches the app as SIGWINCH and a
   dropped connection as SIGHUP;
3. replaces itself with ``python -m tuinet …`` (``os.execv``: same process, same limits).

It imports nothing from the app, so it starts in a few milliseconds.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import resource
import sys
import termios

__all__ = ["Limits", "apply_limits", "main"]


class Limits:
    """Per-session resource limits (None: leave the inherited limit)."""

    def __init__(self, memory: int | None, cpu: int | None, processes: int | None) -> None:
        self.memory = memory
        self.cpu = cpu
        self.processes = processes

    def argv(self) -> list[str]:
        """The launcher's options for these limits."""
        out: list[str] = []
        for flag, value in (("--memory", self.memory), ("--cpu", self.cpu), ("--processes", self.processes)):
            if value is not None:
                out += [flag, str(value)]
        return out


def _lower(kind: int, value: int) -> None:
    """Set the soft and hard limit to ``value``, never above the current hard limit (that would fail)."""
    _, hard = resource.getrlimit(kind)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(kind, (value, value))


def apply_limits(limits: Limits) -> None:
    if limits.memory is not None:
        _lower(resource.RLIMIT_AS, limits.memory)
    if limits.cpu is not None:
        # The soft limit sends SIGXCPU (which ends Python); the hard one, a second later, SIGKILL.
        _, hard = resource.getrlimit(resource.RLIMIT_CPU)
        top = limits.cpu + 1 if hard == resource.RLIM_INFINITY else min(limits.cpu + 1, hard)
        resource.setrlimit(resource.RLIMIT_CPU, (min(limits.cpu, top), top))
    if limits.processes is not None:
        _lower(resource.RLIMIT_NPROC, limits.processes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tuinet.serve.launch")
    parser.add_argument("--memory", type=int)
    parser.add_argument("--cpu", type=int)
    parser.add_argument("--processes", type=int)
    parser.add_argument("app_args", nargs=argparse.REMAINDER)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    app_args = args.app_args[1:] if args.app_args[:1] == ["--"] else args.app_args
    apply_limits(Limits(args.memory, args.cpu, args.processes))
    if os.isatty(0):
        # Not a session leader (run by hand): there is already a controlling terminal; keep it.
        with contextlib.suppress(OSError):
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    os.execv(sys.executable, [sys.executable, "-m", "tuinet", *app_args])


if __name__ == "__main__":
    raise SystemExit(main())
