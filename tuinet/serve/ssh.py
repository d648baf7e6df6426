"""``tuinet serve --ssh``: an SSH server whose only program is tuinet.

What a client can do is decided here, and it is little: connect (admission), authenticate, open one
session with a pseudo-terminal, and use the app in it (session.py). Everything else an SSH server
usually offers is refused and logged: exec requests (``ssh host ls``), subsystems (SFTP), port
forwarding both ways, Unix-socket and tun forwarding, agent and X11 forwarding, environment
variables, and a second session on the same connection.

Admission has two stages, like OpenSSH's. Before login a connection costs little but proves nothing,
so unauthenticated connections have their own cap (``max_startups``, with random early drop past
half of it) and timeouts (``hello_timeout`` to finish the handshake, ``login_timeout`` to log in);
they never take a student's slot. Only a logged-in connection counts against ``max_sessions`` and
``max_per_address``, and it must open its session within ``session_timeout``.
"""

from __future__ import annotations

import asyncio
import logging
import random
import shutil
import tempfile
import time
from collections import Counter
from typing import Any

import asyncssh

from tuinet.serve.auth import Role
from tuinet.serve.fairshare import Governor
from tuinet.serve.forks import ForkServer
from tuinet.serve.groups import Renderers
from tuinet.serve.hub import Hub
from tuinet.serve.logs import event, safe
from tuinet.serve.process import app_env
from tuinet.serve.session import AppSession
from tuinet.serve.settings import Settings
from tuinet.serve.spares import Spares
from tuinet.serve.tasks import background

__all__ = ["AppSession", "ClassroomServer", "Connection"]

# asyncssh logs every packet-level event at INFO; our own lines say what a teacher needs.
logging.getLogger("asyncssh").setLevel(logging.WARNING)

ENCRYPTION_ALGS = ("aes128-gcm@openssh.com", "aes256-gcm@openssh.com", "aes128-ctr", "aes192-ctr", "aes256-ctr")
"""asyncssh's default ciphers without chacha20-poly1305, which clients list first. The server encrypts every
frame once per follower, and asyncssh's ChaCha20 builds two cipher objects and a Poly1305 per packet: 28 % of
the server's CPU while a class followed. AES (GCM, or CTR with asyncssh's default EtM MACs) runs on the CPU's
AES instructions; every OpenSSH since 6.2 and PuTTY offers it, and it is as safe a choice."""


class ClassroomServer:
    """The listening server and what its connections share: counters, the fork server, the follow hub."""

    def __init__(self, settings: Settings, host_key: asyncssh.SSHKey) -> None:
        self.settings = settings
        self.host_key = host_key
        self.workdir = tempfile.mkdtemp(prefix="tuinet-serve-")  # 0700: the apps' private working directory
        self.forks = ForkServer(app_env("dumb"), self.workdir)
        self.hub = Hub() if settings.follow else None
        self.renderers = (
            Renderers(self.hub, self.forks, settings.app_args, settings.limits) if self.hub is not None else None
        )
        self.spares = Spares(self.forks, settings.app_args, settings.limits) if settings.follow else None
        self.governor = Governor()
        self.connections: set[Connection] = set()
        self.unauthenticated: Counter[str] = Counter()
        self.logged_in: Counter[str] = Counter()
        self.sessions: set[AppSession] = set()
        self._acceptor: asyncssh.SSHAcceptor | None = None

    async def start(self) -> None:
        s = self.settings
        await self.forks.start()
        if self.spares is not None:
            self.spares.fill()
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
            encryption_algs=ENCRYPTION_ALGS,
            reuse_address=True,
        )

    @property
    def port(self) -> int:
        assert self._acceptor is not None, "start() first"
        return int(self._acceptor.get_port())

    def app_args(self) -> list[str]:
        return list(self.settings.app_args)

    async def close(self) -> None:
        if self._acceptor is not None:
            self._acceptor.close()
            await self._acceptor.wait_closed()
        for connection in list(self.connections):
            connection.disconnect("server shutting down")
        await asyncio.gather(*(session.end() for session in list(self.sessions)))
        if self.renderers is not None:
            await self.renderers.close()
        if self.spares is not None:
            await self.spares.close()
        if self.hub is not None:
            self.hub.close()
        self.governor.close()
        await self.forks.close()
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
        self.authenticated = False
        self._key_role: tuple[Role, str] | None = None
        self._failures = 0
        self._refusal: tuple[int, str] | None = None
        self._started = time.monotonic()
        self._session_timer: asyncio.TimerHandle | None = None
        self._hello_timer: asyncio.TimerHandle | None = None
        self._greeted = False
        self.session: AppSession | None = None

    # -- admission ----------------------------------------------------------------------------

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        peer = conn.get_extra_info("peername") or ("?", 0)
        self.address, self.peer = str(peer[0]), f"{peer[0]}:{peer[1]}"
        server, settings = self.server, self.server.settings
        # Log refused agent and X11 requests (asyncssh would refuse them silently).
        conn.create_agent_listener = self._refuse_agent  # type: ignore[method-assign]
        conn.attach_x11_listener = self._refuse_x11  # type: ignore[method-assign]
        waiting = sum(server.unauthenticated.values())
        mine = server.unauthenticated[self.address]
        start = settings.max_startups // 2
        per_address = settings.max_startups_per_address
        if waiting >= settings.max_startups or (
            waiting >= start and random.random() < (waiting - start + 1) / (settings.max_startups - start + 1)
        ):
            self._refusal = (asyncssh.DISC_TOO_MANY_CONNECTIONS, "too many connections logging in: try again")
        elif mine >= per_address:
            self._refusal = (asyncssh.DISC_TOO_MANY_CONNECTIONS, "too many connections from your address: try again")
        server.connections.add(self)
        server.unauthenticated[self.address] += 1
        event(
            "connect",
            peer=self.peer,
            refused=self._refusal[1] if self._refusal else None,
            waiting=waiting + 1,
            sessions=sum(server.logged_in.values()),
        )
        loop = asyncio.get_running_loop()
        if self._refusal is not None:
            loop.call_soon(self._hang_up)
        else:
            self._hello_timer = loop.call_later(settings.hello_timeout, self._silent)

    def _hang_up(self) -> None:
        if self.conn is not None:
            self.conn.abort()  # before the handshake there is no one to send a reason to

    def _silent(self) -> None:
        if not self._greeted:
            event("timeout", peer=self.peer, what="no handshake")
            self._hang_up()

    def _count_out(self) -> None:
        counter = self.server.logged_in if self.authenticated else self.server.unauthenticated
        counter[self.address] -= 1
        if counter[self.address] <= 0:
            del counter[self.address]

    def connection_lost(self, exc: Exception | None) -> None:
        server = self.server
        if self in server.connections:
            server.connections.discard(self)
            self._count_out()
        for timer in (self._session_timer, self._hello_timer):
            if timer is not None:
                timer.cancel()
        event(
            "disconnect",
            peer=self.peer,
            role=self.role,
            seconds=f"{time.monotonic() - self._started:.0f}",
            reason=str(exc) if exc else None,  # a client's own words: escaped by event()
        )
        if self.session is not None:
            background(self.session.end())
        server.settings.throttle.forget_old()

    def disconnect(self, reason: str, code: int = asyncssh.DISC_BY_APPLICATION) -> None:
        if self.conn is not None:
            self.conn.disconnect(code, reason)

    def begin_auth(self, username: str) -> bool:
        self._greeted = True
        if self._refusal is not None:
            raise asyncssh.DisconnectError(*self._refusal)
        return True  # always authenticate: there is no "no password" mode

    # -- authentication -------------------------------------------------------------------------

    def _admit(self, role: Role, method: str, key: str | None = None) -> None:
        """Logged in: now, and only now, the connection takes a session slot."""
        server, settings = self.server, self.server.settings
        sessions = sum(server.logged_in.values())
        if role is not Role.TEACHER:  # the teacher always gets in, even to a full class
            if sessions >= settings.max_sessions:
                reason = f"server full: {settings.max_sessions} sessions already"
                event("refused", logging.WARNING, peer=self.peer, what="login", reason=reason)
                raise asyncssh.DisconnectError(asyncssh.DISC_TOO_MANY_CONNECTIONS, reason)
            if server.logged_in[self.address] >= settings.max_per_address:
                reason = f"too many sessions from {self.address} (limit {settings.max_per_address})"
                event("refused", logging.WARNING, peer=self.peer, what="login", reason=reason)
                raise asyncssh.DisconnectError(asyncssh.DISC_TOO_MANY_CONNECTIONS, reason)
        self._count_out()
        self.authenticated = True
        server.logged_in[self.address] += 1
        self.role = role
        event("login", peer=self.peer, role=role, method=method, key=key)

    async def _failed(self, what: str, username: str, key: str | None = None) -> None:
        settings = self.server.settings
        self._failures += 1
        settings.throttle.failed(self.address)
        factor = settings.throttle.factor(self.address)
        event(
            "auth_failure", logging.WARNING, peer=self.peer, what=what, user=username, key=key, failures=self._failures
        )
        await asyncio.sleep(settings.fail_delay * factor)
        if self._failures >= settings.max_auth_failures:
            raise asyncssh.DisconnectError(asyncssh.DISC_NO_MORE_AUTH_METHODS_AVAILABLE, "too many failed logins")

    def password_auth_supported(self) -> bool:
        return self.server.settings.credentials.passwords

    async def validate_password(self, username: str, password: str) -> bool:
        role = self.server.settings.credentials.role_for_password(password)
        if role is not None:
            self._admit(role, "password")
            return True
        await self._failed("password", username)
        return False

    def public_key_auth_supported(self) -> bool:
        return self.server.settings.credentials.keys

    async def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        # Called when a key is offered and again with its signature; the last accepted one is the one used.
        role = self.server.settings.credentials.role_for_key(key)
        fingerprint = key.get_fingerprint()
        if role is None:
            await self._failed("key", username, fingerprint)
            return False
        self._key_role = (role, fingerprint)
        return True

    def auth_completed(self) -> None:
        if self.role is None and self._key_role is not None:  # not by password, so by the key validated last
            role, fingerprint = self._key_role
            try:
                self._admit(role, "publickey", fingerprint)
            except asyncssh.DisconnectError as refusal:
                self.disconnect(refusal.reason, refusal.code)
                return
        timeout = self.server.settings.session_timeout
        self._session_timer = asyncio.get_running_loop().call_later(timeout, self._no_session, timeout)

    def _no_session(self, timeout: float) -> None:
        if self.session is None:
            event("timeout", peer=self.peer, what="no session", seconds=f"{timeout:.0f}")
            self.disconnect(f"no session opened within {timeout:.0f} s")

    def session_opened(self) -> None:
        if self._session_timer is not None:
            self._session_timer.cancel()
            self._session_timer = None

    # -- what an authenticated client may open ---------------------------------------------------

    def session_requested(self) -> AppSession | bool:
        if self.session is not None or self.role is None:
            event("refused", logging.WARNING, peer=self.peer, what="second session")
            return False
        self.session = AppSession(self, self.role)
        return self.session

    def _refuse(self, what: str, **details: Any) -> bool:
        event("refused", logging.WARNING, peer=self.peer, what=what, **details)
        return False

    async def _refuse_agent(self) -> bool:
        return self._refuse("agent forwarding")

    async def _refuse_x11(self, chan: Any, auth_proto: bytes, auth_data: bytes, screen: int) -> None:
        self._refuse("X11 forwarding", proto=safe(auth_proto))

    def connection_requested(self, dest_host: str, dest_port: int, orig_host: str, orig_port: int) -> bool:
        return self._refuse("port forwarding", to=f"{dest_host}:{dest_port}")

    def server_requested(self, listen_host: str, listen_port: int) -> bool:
        return self._refuse("remote port forwarding", listen=f"{listen_host}:{listen_port}")

    def unix_connection_requested(self, dest_path: str) -> bool:
        return self._refuse("unix socket forwarding", path=dest_path)

    def unix_server_requested(self, listen_path: str) -> bool:
        return self._refuse("remote unix socket forwarding", path=listen_path)

    def tun_requested(self, unit: int | None) -> bool:
        return self._refuse("tunnel")

    def tap_requested(self, unit: int | None) -> bool:
        return self._refuse("tap tunnel")
