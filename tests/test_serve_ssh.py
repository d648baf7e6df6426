"""`tuinet serve --ssh` with asyncssh's client: who gets in, what is refused, and that nothing is left behind."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncssh
import pytest

from tests.serve_support import CLASS_PASSWORD, classroom, connect_app, pid_alive, wait_until
from tuinet.serve.auth import Credentials


async def _pids(server: object) -> list[int]:
    return [s.process.pid for s in server.sessions if s.process is not None]  # type: ignore[attr-defined]


async def test_password_opens_the_app_and_q_ends_the_session(tmp_path: Path) -> None:
    """The class password gives a session whose screen is tuinet; quitting the app closes the channel."""
    async with classroom(tmp_path) as server:
        conn, client = await connect_app(server.port)
        async with conn:
            await client.wait_for("iteration 1")
            assert "tuinet" in client.text()
            (pid,) = await _pids(server)
            client.send("q")
            await asyncio.wait_for(client.closed.wait(), 15)
            assert client.chan is not None and client.chan.get_exit_status() == 0
            await wait_until(lambda: not pid_alive(pid))


async def test_sessions_are_encrypted_with_aes_never_chacha20(tmp_path: Path) -> None:
    """Clients list ChaCha20 first; the server leaves it out (ssh.ENCRYPTION_ALGS), and every client has AES."""
    async with classroom(tmp_path) as server:
        conn, client = await connect_app(server.port)  # asyncssh's client: chacha20-poly1305 first
        async with conn:
            await client.wait_for("iteration 1")
            assert conn.get_extra_info("send_cipher") == conn.get_extra_info("recv_cipher") == "aes256-gcm@openssh.com"
        with pytest.raises(asyncssh.KeyExchangeFailed):  # a client with nothing but ChaCha20 finds no cipher
            await asyncssh.connect(
                "127.0.0.1",
                server.port,
                username="s",
                password=CLASS_PASSWORD,
                known_hosts=None,
                agent_path=None,
                encryption_algs=["chacha20-poly1305@openssh.com"],
            )


async def test_keys_are_accepted_and_unknown_keys_refused(tmp_path: Path) -> None:
    """A key from --authorized-keys logs in; any other key is refused."""
    known = asyncssh.generate_private_key("ssh-ed25519")
    stranger = asyncssh.generate_private_key("ssh-ed25519")
    async with classroom(tmp_path, credentials=Credentials(None, None, [known.convert_to_public()])) as server:
        conn, client = await connect_app(server.port, client_keys=[known])
        async with conn:
            await client.wait_for("iteration 1")
        with pytest.raises(asyncssh.PermissionDenied):
            await asyncssh.connect(
                "127.0.0.1", server.port, username="s", known_hosts=None, agent_path=None, client_keys=[stranger]
            )


async def test_wrong_passwords_cannot_lock_out_the_class(tmp_path: Path) -> None:
    """Wrong passwords are refused and slow that address down, but the right one from it still gets in."""
    from tuinet.serve.auth import Throttle

    throttle = Throttle(limit=3, window=60)
    async with classroom(tmp_path, throttle=throttle) as server:
        for _ in range(5):
            with pytest.raises(asyncssh.PermissionDenied):
                await asyncssh.connect(
                    "127.0.0.1", server.port, username="s", password="nope-nope", known_hosts=None, client_keys=None
                )
        assert throttle.hot("127.0.0.1") and throttle.factor("127.0.0.1") > 1
        conn = await asyncssh.connect(
            "127.0.0.1", server.port, username="s", password=CLASS_PASSWORD, known_hosts=None, client_keys=None
        )
        conn.close()


async def test_unknown_keys_count_as_failed_attempts(tmp_path: Path) -> None:
    """A client offering key after key is dropped after max_auth_failures, like wrong passwords."""
    known = asyncssh.generate_private_key("ssh-ed25519")
    strangers = [asyncssh.generate_private_key("ssh-ed25519") for _ in range(8)]
    credentials = Credentials(None, None, [known.convert_to_public()])
    async with classroom(tmp_path, credentials=credentials, max_auth_failures=3) as server:
        with pytest.raises(asyncssh.DisconnectError, match="too many failed logins"):
            await asyncssh.connect(
                "127.0.0.1", server.port, username="s", known_hosts=None, agent_path=None, client_keys=strangers
            )
        assert server.settings.throttle.factor("127.0.0.1") >= 1 and server.settings.throttle._failures


async def test_exec_subsystem_and_forwarding_are_refused(tmp_path: Path) -> None:
    """No commands, no SFTP, no port forwarding either way, no second session on a connection."""
    async with (
        classroom(tmp_path) as server,
        asyncssh.connect(
            "127.0.0.1", server.port, username="s", password=CLASS_PASSWORD, known_hosts=None, client_keys=None
        ) as conn,
    ):
        with pytest.raises(asyncssh.ChannelOpenError):
            await conn.run("ls /", check=False)
        with pytest.raises(asyncssh.ChannelOpenError):
            await conn.start_sftp_client()
        with pytest.raises(asyncssh.ChannelOpenError):
            await conn.open_connection("127.0.0.1", server.port)
        with pytest.raises(asyncssh.ChannelListenError):
            await conn.forward_remote_port("127.0.0.1", 0, "127.0.0.1", 9)


async def test_session_cap(tmp_path: Path) -> None:
    """With --max-sessions 2 a third connection is refused with a reason; a freed slot is reusable."""
    async with classroom(tmp_path, max_sessions=2) as server:
        first = await connect_app(server.port)
        second = await connect_app(server.port)
        with pytest.raises(asyncssh.DisconnectError, match="server full"):
            await connect_app(server.port)
        first[0].close()
        await first[0].wait_closed()
        await wait_until(lambda: len(server.connections) < 2)
        third = await connect_app(server.port)
        for conn, _ in (second, third):
            conn.close()


async def test_resize_reaches_the_app(tmp_path: Path) -> None:
    """A client's window-size change reaches the app (its too-small notice reports the new size)."""
    async with classroom(tmp_path) as server:
        conn, client = await connect_app(server.port, size=(100, 30))
        async with conn:
            await client.wait_for("iteration 1")
            client.resize(60, 20)
            await client.wait_for("is 60×20")
            client.resize(90, 26)
            await client.wait_for("iteration 1")
            assert "too small" not in client.text()


async def test_dropped_connection_leaves_no_process(tmp_path: Path) -> None:
    """Killing the client's connection without a goodbye ends the app process (and its group)."""
    async with classroom(tmp_path) as server:
        conn, client = await connect_app(server.port)
        await client.wait_for("iteration 1")
        (pid,) = await _pids(server)
        conn.abort()  # the TCP connection just drops
        await wait_until(lambda: not pid_alive(pid), timeout=10)
        await wait_until(lambda: not server.sessions)


async def test_no_pty_is_refused_politely(tmp_path: Path) -> None:
    """A shell without a terminal gets a one-line explanation and exit status 1."""
    async with (
        classroom(tmp_path) as server,
        asyncssh.connect(
            "127.0.0.1", server.port, username="s", password=CLASS_PASSWORD, known_hosts=None, client_keys=None
        ) as conn,
    ):
        result = await conn.run(term_type=None, check=False)
        assert result.exit_status == 1
        assert "needs a terminal" in str(result.stderr)


async def test_per_address_cap_and_idle_timeout(tmp_path: Path) -> None:
    """One address may hold only --max-per-address sessions; a session idle past the timeout is closed."""
    async with classroom(tmp_path, max_per_address=1, idle_timeout=1.0) as server:
        conn, client = await connect_app(server.port)
        with pytest.raises(asyncssh.DisconnectError, match=r"too many sessions from 127\.0\.0\.1"):
            await connect_app(server.port)
        await client.wait_for("iteration 1")
        (pid,) = await _pids(server)
        await asyncio.wait_for(client.closed.wait(), 10)  # no key for 1 s: the server hangs up
        await wait_until(lambda: not pid_alive(pid))
        conn.close()


async def test_sessions_run_with_resource_limits(tmp_path: Path) -> None:
    """The app process carries the address-space and CPU-time limits (set before it became tuinet)."""
    from tuinet.serve.launch import Limits

    async with classroom(tmp_path, limits=Limits(memory=1400 * 1024 * 1024, cpu=77, processes=None)) as server:
        conn, client = await connect_app(server.port)
        async with conn:
            await client.wait_for("iteration 1")
            (pid,) = await _pids(server)
            limits = Path(f"/proc/{pid}/limits").read_text()
            assert any(line.startswith("Max cpu time") and " 77 " in line for line in limits.splitlines())
            assert any(
                line.startswith("Max address space") and str(1400 * 1024 * 1024) in line for line in limits.splitlines()
            )
            assert "tuinet" in Path(f"/proc/{pid}/cmdline").read_text()
