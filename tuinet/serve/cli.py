"""``tuinet serve``: its options, the checks made before listening, and what is printed for the teacher."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import ipaddress
import logging
import os
import secrets
import shlex
import signal
import subprocess
import sys
from pathlib import Path

from tuinet.errors import TuinetError
from tuinet.serve.auth import Credentials, Throttle, read_keys
from tuinet.serve.launch import Limits
from tuinet.serve.logs import event
from tuinet.serve.settings import Settings

__all__ = ["build_serve_parser", "check_app_args", "serve", "settings_from_args"]


SERVE_EPILOG = """\
examples:
  tuinet serve --ssh                                  SSH on 127.0.0.1:2222, a class password is printed
  tuinet serve --ssh --host 0.0.0.0 -- --hidden 8 --dataset xor
                                                      every student gets that network (options after --)
  tuinet serve --ssh --follow --authorized-keys class.pub --teacher-keys me.pub
                                                      students see the teacher's screen; f explores alone
  tuinet serve --web                                  in a browser at http://127.0.0.1:8000 (no login!)

students type:  ssh -p 2222 student@HOST   (any user name; the password or key decides)

security: login is always required; the host key is kept in $TUINET_DATA_DIR, $XDG_DATA_HOME/tuinet or
~/.local/share/tuinet; no shell, commands, forwarding or SFTP; each session is its own process with
memory and CPU limits; the app cannot read or write files. Passwords may also come from the
environment (TUINET_PASSWORD, TUINET_TEACHER_PASSWORD), which other users cannot see in `ps`.
"""

FORBIDDEN_APP_OPTIONS = ("--load", "--served-as", "--follow-fd", "--max-units", "-h", "--help", "--version")
FILE_APP_OPTIONS = ("--scenario", "--weights", "--lesson", "--dataset")
"""Options whose value may be a file: served apps run in a private working directory, so a relative path is made
absolute here, where the teacher typed it (a built-in name such as ``xor3`` or ``tutorial`` is left alone)."""
PASSWORD_BYTES = 12  # secrets.token_urlsafe(12): 16 characters, 96 bits


class ServeUsageError(TuinetError):
    """A bad ``tuinet serve`` command line (shown as one line, exit status 2)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        if message.startswith("unrecognized arguments"):
            message += " (network options for the class go after --: tuinet serve --ssh -- --hidden 8)"
        raise ServeUsageError(message)


def build_serve_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="tuinet serve",
        description="Serve tuinet to a class: over SSH (one process per student) or in a browser.",
        epilog=SERVE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--ssh", action="store_true", help="serve over SSH (asyncssh)")
    mode.add_argument("--web", action="store_true", help="serve in a browser (textual-serve; no authentication)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    parser.add_argument("--port", type=int, help="port (default: 2222 for --ssh, 8000 for --web)")
    who = parser.add_argument_group("who may log in (--ssh)")
    who.add_argument("--authorized-keys", metavar="FILE", help="students' public keys, one per line")
    who.add_argument("--password", help="the class password (visible in `ps`: prefer TUINET_PASSWORD)")
    who.add_argument("--teacher-keys", metavar="FILE", help="the teacher's public keys")
    who.add_argument("--teacher-password", help="the teacher's password (or TUINET_TEACHER_PASSWORD)")
    who.add_argument("--follow", action="store_true", help="students' screens follow the teacher's")
    limits = parser.add_argument_group("limits")
    limits.add_argument("--max-sessions", type=int, default=50, metavar="N", help="concurrent sessions (default: 50)")
    limits.add_argument(
        "--max-per-address", type=int, metavar="N", help="sessions per client address (default: --max-sessions)"
    )
    limits.add_argument("--idle-timeout", type=float, default=1800, metavar="S", help="seconds (default: 1800)")
    limits.add_argument("--max-memory", type=int, default=1536, metavar="MB", help="address space (default: 1536)")
    limits.add_argument("--max-cpu", type=int, default=1800, metavar="S", help="CPU seconds (default: 1800)")
    limits.add_argument(
        "--max-processes", type=int, metavar="N", help="RLIMIT_NPROC of the server's user (default: off)"
    )
    limits.add_argument("--max-units", type=int, default=256, metavar="N", help="widest hidden layer (default: 256)")
    parser.add_argument("--data-dir", metavar="DIR", help="where the host key is kept (default: see below)")
    parser.add_argument("app_args", nargs=argparse.REMAINDER, help="after --: network and app options for everyone")
    return parser


def check_app_args(app_args: list[str], max_units: int) -> list[str]:
    """The teacher's network options, checked once now (a mistake should not greet every student)."""
    for arg in app_args:
        name = arg.split("=", 1)[0]
        # argparse accepts any unambiguous prefix (--loa means --load): refuse every prefix too.
        long_prefix = name.startswith("--") and len(name) > 2 and any(o.startswith(name) for o in FORBIDDEN_APP_OPTIONS)
        if name in FORBIDDEN_APP_OPTIONS or long_prefix:
            raise ServeUsageError(f"{name} cannot be given to served apps")
    fixed = [*absolute_file_args(app_args), "--max-units", str(max_units)]
    # Run the real parser and engine (in a process of their own: serve never imports numpy).
    probe = [sys.executable, "-m", "tuinet", *fixed, "export", "--format", "md", "--output", os.devnull]
    result = subprocess.run(probe, capture_output=True, text=True, timeout=120, check=False)
    if result.returncode != 0:
        message = result.stderr.strip().splitlines()[-1:] or [f"exit status {result.returncode}"]
        raise ServeUsageError(f"network options for the class: {message[0].removeprefix('tuinet: error: ')}")
    return fixed


def absolute_file_args(app_args: list[str]) -> list[str]:
    """``--scenario mine.toml`` → ``--scenario /where/the/teacher/is/mine.toml`` (also ``--opt=value`` and prefixes).

    Only values that name an existing file are rewritten, so built-in names keep their meaning.
    """
    out: list[str] = []
    pending = False  # the previous argument was a file option waiting for its value
    for arg in app_args:
        if pending:
            out.append(os.path.abspath(arg) if os.path.isfile(arg) else arg)
            pending = False
            continue
        name, eq, value = arg.partition("=")
        matches = [o for o in FILE_APP_OPTIONS if name.startswith("--") and len(name) > 2 and o.startswith(name)]
        if len(matches) == 1 and eq:
            out.append(f"{name}={os.path.abspath(value)}" if os.path.isfile(value) else arg)
        else:
            out.append(arg)
            pending = len(matches) == 1
    return out


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def settings_from_args(args: argparse.Namespace, app_args: list[str]) -> tuple[Settings, list[str]]:
    """The server settings, and lines to print for the teacher (generated passwords)."""
    notes: list[str] = []
    class_password = args.password or os.environ.get("TUINET_PASSWORD") or None
    teacher_password = args.teacher_password or os.environ.get("TUINET_TEACHER_PASSWORD") or None
    class_keys = read_keys(args.authorized_keys)
    teacher_keys = read_keys(args.teacher_keys)
    if class_password is None and not class_keys:
        class_password = secrets.token_urlsafe(PASSWORD_BYTES)
        notes.append(f"class password:   {class_password}")
    if args.follow and teacher_password is None and not teacher_keys:
        teacher_password = secrets.token_urlsafe(PASSWORD_BYTES)
        notes.append(f"teacher password: {teacher_password}   (keep it to yourself: it drives every screen)")
    credentials = Credentials(class_password, teacher_password, class_keys, teacher_keys)
    data_dir = Path(args.data_dir) if args.data_dir else None
    from tuinet.serve.hostkey import data_dir as default_dir

    settings = Settings(
        credentials=credentials,
        host_key_dir=data_dir or default_dir(),
        host=args.host,
        port=2222 if args.port is None else args.port,
        app_args=app_args,
        follow=args.follow,
        max_sessions=args.max_sessions,
        max_per_address=args.max_sessions if args.max_per_address is None else args.max_per_address,
        idle_timeout=args.idle_timeout,
        throttle=Throttle(),
        limits=Limits(args.max_memory * 1024 * 1024, args.max_cpu, args.max_processes),
    )
    return settings, notes


def serve(argv: list[str]) -> int:
    """``tuinet serve …``; returns the exit status."""
    parser = build_serve_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help
        return stop.code if isinstance(stop.code, int) else 0
    app_args = args.app_args[1:] if args.app_args[:1] == ["--"] else args.app_args
    for number in (args.max_sessions, args.max_per_address or 1, args.max_memory, args.max_cpu, args.max_units):
        if number < 1:
            raise ServeUsageError("limits must be at least 1")
    app_args = check_app_args(app_args, args.max_units)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    if args.web:
        from tuinet.serve.web import serve_web

        port = 8000 if args.port is None else args.port
        limits = Limits(args.max_memory * 1024 * 1024, args.max_cpu, args.max_processes)
        loopback = _is_loopback(args.host)
        return serve_web(args.host, port, app_args, limits, loopback=loopback, max_sessions=args.max_sessions)
    settings, notes = settings_from_args(args, app_args)
    return asyncio.run(_run_ssh(settings, notes))


async def _run_ssh(settings: Settings, notes: list[str]) -> int:
    from tuinet.serve.hostkey import load_host_key
    from tuinet.serve.ssh import ClassroomServer

    key, path, made = load_host_key(settings.host_key_dir)
    server = ClassroomServer(settings, key)
    await server.start()
    # Everything imported and made at start-up (asyncssh, the settings, the fork server's handle) lives as long as
    # the server: out of the collector's reach, a full collection walks only the sessions' objects. Measured with
    # gc.callbacks during the class benchmark (50 followers): full collections of 19-47 ms, a stall of every
    # student's stream at once, became 2-3 ms.
    gc.collect()
    gc.freeze()
    out = sys.stdout
    print(f"tuinet serve: SSH on {settings.host}:{server.port}", file=out)
    print(f"host key:         {path} ({'new' if made else 'kept from before'})", file=out)
    print(f"fingerprint:      {key.get_fingerprint()}", file=out)
    for line in notes:
        print(line, file=out)
    print(f"students type:    ssh -p {server.port} student@{_shown_host(settings.host)}", file=out)
    print("network options: " + (shlex.join(settings.app_args) or "(defaults)"), file=out)
    if not _is_loopback(settings.host):
        print("listening beyond this machine: anyone who can reach it may try to log in", file=out)
    out.flush()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(ValueError):
                loop.remove_signal_handler(sig)
        event("shutdown", sessions=len(server.sessions))
        await server.close()
    return 0


def _shown_host(host: str) -> str:
    return "HOST" if host in ("0.0.0.0", "::") else host
