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

With ``--web`` (textual-serve starts it through a shell, with the server's whole environment) it
also: keeps only a clean environment (app_env plus the variables Textual's web driver reads, the
size clamped), moves to the private ``--cwd``, lowers its priority, and asks the kernel to kill it
when its parent dies (PR_SET_PDEATHSIG survives exec), so a closed tab leaves no process behind.

It imports nothing from the app, so it starts in a few milliseconds.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import ctypes.util
import errno
import fcntl
import os
import resource
import signal
import sys
import termios
import time

__all__ = ["Limits", "apply_limits", "lower_this_session", "main", "set_session_nice"]


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


def set_session_nice(pid: int, nice: int) -> bool:
    """Weigh ``pid``'s session (if it leads one) like nice ``nice`` (priority.py says why); False on EAGAIN.

    EAGAIN is the kernel's "not now": without CAP_SYS_ADMIN it takes one autogroup change per 100 ms.
    """
    try:
        if os.getsid(pid) != pid:
            return True  # not a session of its own: its process nice is what counts
        with open(f"/proc/{pid}/autogroup", "w") as autogroup:
            autogroup.write(str(nice))
    except OSError as error:
        return error.errno != errno.EAGAIN  # gone, no autogroups, not allowed: nothing more to do
    return True


def lower_this_session(nice: int) -> None:
    """This process and, if it leads one, its session to nice ``nice``: what a served app does before it starts.

    Done here, in the app's own process after its setsid, not by the server from outside: the server
    cannot tell whether the new process has called setsid yet (before, its process group and its
    autogroup are still the fork server's). EAGAIN, the kernel's one change per 100 ms, is waited out
    for up to a second.
    """
    os.setpriority(os.PRIO_PROCESS, 0, max(nice, os.getpriority(os.PRIO_PROCESS, 0)))
    for _ in range(10):
        if set_session_nice(os.getpid(), nice):
            return
        time.sleep(0.1)


WEB_VARIABLES = ("TEXTUAL_DRIVER", "TEXTUAL_FPS", "TEXTUAL_COLOR_SYSTEM", "TERM_PROGRAM", "TERM_PROGRAM_VERSION")
"""What textual-serve sets for its web driver; everything else it passes on is the server's and is dropped."""
WEB_MAX_SIZE = (300, 100)
WEB_NICE = 10
PR_SET_PDEATHSIG = 1


def _size(name: str, default: int, top: int) -> str:
    try:
        value = int(os.environ.get(name, default))
    except ValueError:
        value = default
    return str(max(1, min(value, top)))


def web_environment() -> dict[str, str]:
    """A browser tab's app environment: app_env, Textual's web-driver variables, and a clamped size."""
    from tuinet.serve.environment import app_env

    env = app_env("xterm-256color")
    env.update({name: os.environ[name] for name in WEB_VARIABLES if name in os.environ})
    env["COLUMNS"] = _size("COLUMNS", 80, WEB_MAX_SIZE[0])
    env["ROWS"] = _size("ROWS", 24, WEB_MAX_SIZE[1])
    return env


def die_with_parent() -> None:
    name = ctypes.util.find_library("c")
    if name is not None:
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(name, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tuinet.serve.launch")
    parser.add_argument("--memory", type=int)
    parser.add_argument("--cpu", type=int)
    parser.add_argument("--processes", type=int)
    parser.add_argument("--web", action="store_true")
    parser.add_argument("--cwd")
    parser.add_argument("app_args", nargs=argparse.REMAINDER)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    app_args = args.app_args[1:] if args.app_args[:1] == ["--"] else args.app_args
    apply_limits(Limits(args.memory, args.cpu, args.processes))
    if args.web:
        die_with_parent()
        lower_this_session(WEB_NICE)
        os.chdir(args.cwd or "/")
        os.execve(sys.executable, [sys.executable, "-m", "tuinet", *app_args], web_environment())
    if os.isatty(0):
        # Not a session leader (run by hand): there is already a controlling terminal; keep it.
        with contextlib.suppress(OSError):
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    os.execv(sys.executable, [sys.executable, "-m", "tuinet", *app_args])


if __name__ == "__main__":
    raise SystemExit(main())
