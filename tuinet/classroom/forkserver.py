"""A pre-imported, single-threaded fork server: starts a served tuinet app in milliseconds, sharing memory.

``tuinet serve`` runs ``python -m tuinet.classroom.forkserver`` once, with one end of a SOCK_SEQPACKET
socketpair as its stdin. Importing numpy, Textual and the app costs ~0.5 s and ~50 MiB per process;
here it is paid once, and every app is a ``fork`` of this process, so the imported code and data
are shared copy-on-write (``gc.freeze`` keeps the collector from touching, and so copying, them).

The process never starts a thread or an event loop: forking a multi-threaded process is unsafe.

Requests (one datagram each, JSON, with file descriptors attached by SCM_RIGHTS):
  ``{"id": n, "argv": [...], "env": {...}, "cwd": "...", "nice": k, "limits": [memory, cpu, processes]}``
  with fds ``[pty slave]`` or ``[pty slave, follow socket]``. The child makes the pty its controlling
  terminal and stdin/stdout/stderr, finds the follow socket on fd 3, lowers its priority, sets its
  limits and runs ``tuinet.cli.main(argv)``.
Answers: ``{"id": n, "pid": p}`` or ``{"id": n, "error": "..."}``; when a child ends, ``{"exited": p,
"status": s}`` (s is the exit status, or 128 + N after signal N). When the server's end closes, every
child is sent SIGHUP and the fork server exits.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import gc
import json
import os
import select
import signal
import socket
import sys
import termios
import threading
from typing import Any

from tuinet.classroom.protocol import FOLLOW_FD

__all__ = ["main"]

MAX_REQUEST = 1 << 16


def _warm() -> None:
    """Import everything an app needs before its first frame, so a fork does not import it again."""
    import numpy  # noqa: F401
    import textual.drivers.linux_driver
    import textual.widgets  # noqa: F401

    import tuinet.app.app
    import tuinet.cli  # noqa: F401

    # One headless run fills the caches a first frame needs (parsed CSS, Rich's cell widths, numpy's
    # first-call set-up): measured 213 → ~110 ms to first frame at 120×40. No thread outlives it.
    asyncio.run(_headless_run())


async def _headless_run() -> None:
    from tuinet.app.app import make_app
    from tuinet.engine import NetConfig

    app = make_app(NetConfig())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space", "right", "full_stop")
        await pilot.pause()


def _apply(limits: list[int | None], nice: int) -> None:
    from tuinet.serve.launch import Limits, apply_limits, lower_this_session

    if nice:
        lower_this_session(nice)  # the process and its new session: with autogroups, the session's is what weighs
    apply_limits(Limits(*limits))


def _name(argv: list[str]) -> str:
    """The process name ``ps`` and ``top`` show: tuinet-teacher, -renderer (a shared follow screen) or -explorer."""
    role = argv[argv.index("--served-as") + 1] if "--served-as" in argv[:-1] else "app"
    return "tuinet-renderer" if role == "student" and "--follow-fd" in argv else f"tuinet-{role}"[:15]


def _child(request: dict[str, Any], fds: list[int]) -> int:
    """In the forked child: take the terminal, become the app, return its exit status."""
    with contextlib.suppress(OSError), open("/proc/self/comm", "w") as comm:  # a fork keeps the fork server's name
        comm.write(_name([str(a) for a in request["argv"]]))
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    os.setsid()
    slave = fds[0]
    for target in (0, 1, 2):
        os.dup2(slave, target)
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    if len(fds) > 1:
        os.dup2(fds[1], FOLLOW_FD)
        os.set_inheritable(FOLLOW_FD, True)
    os.closerange(FOLLOW_FD + 1 if len(fds) > 1 else FOLLOW_FD, os.sysconf("SC_OPEN_MAX"))
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    _apply(request["limits"], int(request["nice"]))
    from tuinet.cli import main as tuinet_main

    return tuinet_main([str(a) for a in request["argv"]])


def _spawn(control: socket.socket, request: dict[str, Any], fds: list[int]) -> int:
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            status = _child(request, fds)
        except BaseException as error:  # never return into the fork server's loop
            with contextlib.suppress(OSError):
                os.write(2, f"tuinet: error: cannot start: {error}\r\n".encode())
        finally:
            with contextlib.suppress(OSError):
                sys.stdout.flush()
                sys.stderr.flush()
            os._exit(status)
    for fd in fds:
        os.close(fd)
    _send(control, {"id": request.get("id"), "pid": pid})
    return pid


def _send(control: socket.socket, message: dict[str, Any]) -> None:
    with contextlib.suppress(OSError):
        control.send(json.dumps(message).encode())


def _reap(control: socket.socket, children: set[int]) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        children.discard(pid)
        code = os.waitstatus_to_exitcode(status)
        _send(control, {"exited": pid, "status": code if code >= 0 else 128 - code})


def serve(control: socket.socket) -> None:
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_r, False)
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # a handler (not SIG_IGN), so children stay reapable
    children: set[int] = set()
    try:
        while True:
            readable, _, _ = select.select([control.fileno(), wake_r], [], [])
            if wake_r in readable:
                with contextlib.suppress(BlockingIOError):
                    os.read(wake_r, 4096)
                _reap(control, children)
            if control.fileno() not in readable:
                continue
            data, fds, _, _ = socket.recv_fds(control, MAX_REQUEST, 2)
            if not data:
                break
            try:
                request = json.loads(data)
                if not fds or not isinstance(request, dict):
                    raise ValueError("a request is a JSON object with a pty attached")
            except ValueError as error:
                for fd in fds:
                    os.close(fd)
                _send(control, {"error": str(error)})
                continue
            if threading.active_count() != 1:  # a thread would make fork unsafe: refuse loudly
                _send(control, {"id": request.get("id"), "error": "fork server is not single-threaded"})
                continue
            children.add(_spawn(control, request, fds))
    finally:
        for pid in children:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGHUP)


def main() -> int:
    control = socket.socket(fileno=os.dup(0))
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    _warm()
    gc.collect()
    gc.freeze()  # imported objects move to a permanent generation: the collector never writes to them
    _send(control, {"ready": os.getpid()})
    serve(control)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
