"""``tuinet serve --ssh``: an SSH server whose only program is tuinet, one process per session.

What a client can do is decided here, and it is little: authenticate (``Connection``), open one
session with a pseudo-terminal, and use the app in it (``AppSession``). Everything else an SSH
server usually offers is refused: exec requests (``ssh host ls``), subsystems (SFTP), port
forwarding both ways, Unix-socket and tun forwarding, agent and X11 forwarding, and a second
session on the same connection. Caps on concurrent connections (in all and per address), failed
logins, idle time and per-process resources keep one student from exhausting the host.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import tempfile
import time
from collections import Counter
from typing import Any

import asyncssh

from tuinet.serve.auth import Role
from tuinet.serve.hub import Hub
from tuinet.serve.process import AppProcess, clean_term
from tuinet.serve.settings import Settings

__all__ = ["AppSession", "ClassroomServer", "Connection"]

log = logging.getLogger("tuinet.serve")
# asyncssh logs every packet-level event at INFO; our own lines say what a teacher needs.
logging.getLogger("asyncssh").setLevel(logging.WARNING)

NEEDS_TERMINAL = b"tuinet needs a terminal: connect with `ssh -t` (and without a command)\r\n"


class ClassroomServer:
    """The listening server and what its connections share: counters, the follow hub, the sessions."""

    def __init__(self, settings: Settings, host_key: asyncssh.SSHKey) -> None:
        self.settings = settings
        self.host_key = host_key
        self.hub = Hub() if settings.follow else None
        self.connections: set[Connection] = set()
        self.per_address: Counter[str] = Counter()
        self.sessions: set[AppSession] = set()
        self.workdir = tempfile.mkdtemp(prefix="tuinet-serve-")  # 0700: the apps' private working directory
        self._acceptor: asyncssh.SSHAcceptor | None = None

    async def start(self) -> None:
        s = self.settings
        self._acceptor = await asyncssh.create_server(
            lambda: Connection(self),
            s.host,
            s.port,
            server_host_keys=[self.host_key],
            login_timeout=s.login_timeout,
            keepalive_interval=30,
            keepalive_count_max=4,
            allow_pty=True,
            line_editor=False,
            encoding=None,
            agent_forwarding=False,
            x11_forwarding=False,
            allow_scp=False,
            sftp_factory=None,
            kbdint_auth=False,
            host_based_auth=False,
            gss_auth=False,
            gss_kex=False,
            server_version="tuinet",
            reuse_address=True,
        )

    @property
    def port(self) -> int:
        assert self._acceptor is not None, "start() first"
        return int(self._acceptor.get_port())

    def app_args(self, role: Role) -> list[str]:
        served_as = role.value if self.settings.follow else "solo"
        return [*self.settings.app_args, "--served-as", served_as]

    async def close(self) -> None:
        if self._acceptor is not None:
            self._acceptor.close()
            await self._acceptor.wait_closed()
        for connection in list(self.connections):
            connection.disconnect("server shutting down")
        await asyncio.gather(*(session.end() for session in list(self.sessions)))
        if self.hub is not None:
            self.hub.close()
        shutil.rmtree(self.workdir, ignore_errors=True)

    async def serve_forever(self) -> None:
        assert self._acceptor is not None, "start() first"
        await self._acceptor.wait_closed()


class Connection(asyncssh.SSHServer):
    """One client connection: admission, authentication, and at most one session."""

    def __init__(self, server: ClassroomServer) -> None:
        self.server = server
        self.conn: asyncssh.SSHServerConnection | None = None
        self.address = "?"
        self.peer = "?"
        self.role: Role | None = None
        self._key_role: Role | None = None
        self._failures = 0
        self._refusal: str | None = None
        self._started = time.monotonic()
        self.session: AppSession | None = None

    # -- admission ----------------------------------------------------------------------------

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        peer = conn.get_extra_info("peername") or ("?", 0)
        self.address, self.peer = str(peer[0]), f"{peer[0]}:{peer[1]}"
        server, settings = self.server, self.server.settings
        server.connections.add(self)
        server.per_address[self.address] += 1
        if len(server.connections) > settings.max_sessions:
            self._refusal = f"server full: {settings.max_sessions} sessions already"
        elif server.per_address[self.address] > settings.max_per_address:
            self._refusal = f"too many sessions from {self.address} (limit {settings.max_per_address})"
        elif settings.throttle.locked(self.address):
            self._refusal = "too many failed logins from this address: try again later"
        log.info(
            "connect %s%s",
            self.peer,
            f" refused: {self._refusal}" if self._refusal else f" ({len(server.connections)} open)",
        )

    def connection_lost(self, exc: Exception | None) -> None:
        server = self.server
        if self in server.connections:
            server.connections.discard(self)
            server.per_address[self.address] -= 1
            if server.per_address[self.address] <= 0:
                del server.per_address[self.address]
        reason = f": {exc}" if exc else ""
        log.info(
            "disconnect %s%s after %.0f s%s",
            self.peer,
            f" ({self.role})" if self.role else "",
            time.monotonic() - self._started,
            reason,
        )
        if self.session is not None:
            asyncio.get_running_loop().create_task(self.session.end())
        server.settings.throttle.forget_old()

    def disconnect(self, reason: str) -> None:
        if self.conn is not None:
            self.conn.disconnect(asyncssh.DISC_BY_APPLICATION, reason)

    def begin_auth(self, username: str) -> bool:
        if self._refusal is not None:
            code = asyncssh.DISC_TOO_MANY_CONNECTIONS if "failed" not in self._refusal else asyncssh.DISC_BY_APPLICATION
            raise asyncssh.DisconnectError(code, self._refusal)
        return True  # always authenticate: there is no "no password" mode

    # -- authentication -------------------------------------------------------------------------

    def password_auth_supported(self) -> bool:
        return self.server.settings.credentials.passwords

    async def validate_password(self, username: str, password: str) -> bool:
        settings = self.server.settings
        if settings.throttle.locked(self.address):
            raise asyncssh.DisconnectError(asyncssh.DISC_BY_APPLICATION, "too many failed logins: try again later")
        role = settings.credentials.role_for_password(password)
        if role is not None:
            self.role = role
            log.info("login %s as %s (password)", self.peer, role)
            return True
        self._failures += 1
        locked = settings.throttle.failed(self.address)
        log.warning(
            "auth failure %s: wrong password (user %r)%s",
            self.peer,
            username[:32],
            "; address locked out" if locked else "",
        )
        await asyncio.sleep(settings.fail_delay)
        if locked or self._failures >= settings.max_auth_failures:
            raise asyncssh.DisconnectError(asyncssh.DISC_NO_MORE_AUTH_METHODS_AVAILABLE, "too many failed logins")
        return False

    def public_key_auth_supported(self) -> bool:
        return self.server.settings.credentials.keys

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        # Called when a key is offered and again with its signature; the last accepted one is the one used.
        role = self.server.settings.credentials.role_for_key(key)
        if role is None:
            log.warning("auth failure %s: unknown key %s (user %r)", self.peer, key.get_fingerprint(), username[:32])
            return False
        self._key_role = role
        return True

    def auth_completed(self) -> None:
        if self.role is None:  # not by password, so by the key validated last
            self.role = self._key_role
            log.info("login %s as %s (key)", self.peer, self.role)

    # -- what an authenticated client may open ---------------------------------------------------

    def session_requested(self) -> AppSession | bool:
        if self.session is not None or self.role is None:
            log.warning("refused %s: a second session on one connection", self.peer)
            return False
        self.session = AppSession(self, self.role)
        return self.session

    def connection_requested(self, dest_host: str, dest_port: int, orig_host: str, orig_port: int) -> bool:
        log.warning("refused %s: port forwarding to %s:%s", self.peer, dest_host, dest_port)
        return False

    def server_requested(self, listen_host: str, listen_port: int) -> bool:
        log.warning("refused %s: remote port forwarding from %s:%s", self.peer, listen_host, listen_port)
        return False

    def unix_connection_requested(self, dest_path: str) -> bool:
        log.warning("refused %s: Unix socket forwarding", self.peer)
        return False

    def unix_server_requested(self, listen_path: str) -> bool:
        log.warning("refused %s: remote Unix socket forwarding", self.peer)
        return False

    def tun_requested(self, unit: int | None) -> bool:
        log.warning("refused %s: tunnel", self.peer)
        return False

    def tap_requested(self, unit: int | None) -> bool:
        log.warning("refused %s: tap tunnel", self.peer)
        return False


class AppSession(asyncssh.SSHServerSession[bytes]):
    """One SSH session channel running one tuinet process in a pty."""

    def __init__(self, connection: Connection, role: Role) -> None:
        self.connection = connection
        self.server = connection.server
        self.role = role
        self.chan: asyncssh.SSHServerChannel[bytes] | None = None
        self.term: str | None = None
        self.size = (80, 24)
        self.process: AppProcess | None = None
        self._early_input: list[bytes] = []
        self._follow_writer: asyncio.StreamWriter | None = None
        self._last_input = time.monotonic()
        self._idle_timer: asyncio.TimerHandle | None = None
        self._ended = False

    def connection_made(self, chan: asyncssh.SSHServerChannel[bytes]) -> None:
        self.chan = chan

    def pty_requested(self, term_type: str, term_size: tuple[int, int, int, int], term_modes: Any) -> bool:
        self.term = clean_term(term_type)
        if term_size[0] > 0 and term_size[1] > 0:
            self.size = (min(term_size[0], 1000), min(term_size[1], 1000))
        return True

    def shell_requested(self) -> bool:
        return True  # "shell" here means the app; without a pty it is refused politely in session_started

    def exec_requested(self, command: str) -> bool:
        log.warning("refused %s: command %r", self.connection.peer, command[:60])
        return False

    def subsystem_requested(self, subsystem: str) -> bool:
        log.warning("refused %s: subsystem %r", self.connection.peer, subsystem[:30])
        return False

    def break_received(self, msec: int) -> bool:
        return False

    def session_started(self) -> None:
        assert self.chan is not None
        if self.term is None:
            self.chan.write_stderr(NEEDS_TERMINAL)
            self.chan.exit(1)
            return
        self.server.sessions.add(self)
        asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        assert self.chan is not None and self.term is not None
        args = self.server.app_args(self.role)
        inherited = None
        hub = self.server.hub
        if hub is not None:
            if self.role is Role.TEACHER:
                inherited = await hub.add_teacher()
            else:
                inherited, self._follow_writer = await hub.add_student()
            args += ["--follow-fd", str(inherited.fileno())]
        if self._ended:
            if inherited is not None:
                inherited.close()
            return
        try:
            self.process = AppProcess(
                args,
                term=self.term,
                size=self.size,
                limits=self.server.settings.limits,
                on_output=self._output,
                cwd=self.server.workdir,
                pass_fds=(inherited.fileno(),) if inherited is not None else (),
            )
        except OSError as error:
            log.error("cannot start tuinet for %s: %s", self.connection.peer, error)
            self.chan.exit(1)
            return
        finally:
            if inherited is not None:
                inherited.close()  # the child has its own copy
        log.info(
            "session %s: %s pid %s, %s %dx%d", self.connection.peer, self.role, self.process.pid, self.term, *self.size
        )
        for data in self._early_input:
            self.process.write(data)
        self._early_input.clear()
        self._arm_idle_timer(self.server.settings.idle_timeout)
        status = await self.process.wait()
        self.process.close()
        if not self._ended:
            self.chan.exit(status if status >= 0 else 128 - status)

    # -- bytes both ways ----------------------------------------------------------------------

    def _output(self, data: bytes) -> None:
        if self.chan is not None and not self._ended:
            self.chan.write(data)

    def pause_writing(self) -> None:
        if self.process is not None:
            self.process.pause()

    def resume_writing(self) -> None:
        if self.process is not None:
            self.process.resume()

    def data_received(self, data: bytes, datatype: asyncssh.DataType) -> None:
        self._last_input = time.monotonic()
        if self.process is None:
            if sum(map(len, self._early_input)) < 65536:
                self._early_input.append(data)
            return
        self.process.write(data)

    def terminal_size_changed(self, width: int, height: int, pixwidth: int, pixheight: int) -> None:
        if width > 0 and height > 0:
            self.size = (min(width, 1000), min(height, 1000))
            if self.process is not None:
                self.process.resize(*self.size)

    # -- the end --------------------------------------------------------------------------------

    def _arm_idle_timer(self, delay: float) -> None:
        self._idle_timer = asyncio.get_running_loop().call_later(delay, self._check_idle)

    def _check_idle(self) -> None:
        timeout = self.server.settings.idle_timeout
        idle = time.monotonic() - self._last_input
        if idle < timeout:
            self._arm_idle_timer(timeout - idle)
            return
        log.info("idle %s: no input for %.0f s, closing", self.connection.peer, idle)
        self.connection.disconnect(f"idle for {timeout:.0f} s")

    def connection_lost(self, exc: Exception | None) -> None:
        asyncio.get_running_loop().create_task(self.end())

    async def end(self) -> None:
        """Stop the app (if still running) and forget the session; safe to call more than once."""
        self._ended = True
        if self._idle_timer is not None:
            self._idle_timer.cancel()
        if self._follow_writer is not None and self.server.hub is not None:
            self.server.hub.remove_student(self._follow_writer)
            self._follow_writer = None
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                await self.process.stop()
        self.server.sessions.discard(self)
