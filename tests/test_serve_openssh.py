"""`tuinet serve --ssh` with the real OpenSSH client, driven through a pseudo-terminal like a student's.

Skipped when `ssh` is not installed (CI installs openssh-client). Passwords are typed at ssh's own
prompt on the pty, so no sshpass is needed.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import asyncssh
import pyte
import pytest

from tests.serve_support import CLASS_PASSWORD, classroom, wait_until
from tuinet.serve.auth import Credentials
from tuinet.serve.process import set_winsize

pytestmark = pytest.mark.skipif(shutil.which("ssh") is None, reason="OpenSSH client not installed (apt openssh-client)")

# Make the pty the controlling terminal (ssh prompts on /dev/tty), then become the command.
TAKE_TTY = "import fcntl, os, sys, termios; fcntl.ioctl(0, termios.TIOCSCTTY, 0); os.execvp(sys.argv[1], sys.argv[1:])"


def ssh_argv(port: int, *extra: str) -> list[str]:
    return [
        "ssh",
        "-p",
        str(port),
        "-o",
        "StrictHostKeyChecking=no",
        "-o",
        "UserKnownHostsFile=/dev/null",
        "-o",
        "LogLevel=ERROR",
        "-o",
        "ConnectTimeout=10",
        "-F",
        "/dev/null",
        *extra,
    ]


def key_file(tmp_path: Path, name: str) -> tuple[asyncssh.SSHKey, Path]:
    key = asyncssh.generate_private_key("ssh-ed25519")
    path = tmp_path / name
    path.write_bytes(key.export_private_key())
    path.chmod(0o600)
    return key, path


class Terminal:
    """ssh running in a pty of its own; what it shows is kept on a pyte screen."""

    def __init__(self, argv: Sequence[str], columns: int = 100, rows: int = 30) -> None:
        self.screen = pyte.Screen(columns, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.master, slave = os.openpty()
        set_winsize(slave, columns, rows)
        self.process = subprocess.Popen(
            [sys.executable, "-c", TAKE_TTY, *argv],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            start_new_session=True,
        )
        os.close(slave)
        os.set_blocking(self.master, False)
        self.changed = asyncio.Event()
        asyncio.get_running_loop().add_reader(self.master, self._readable)

    def _readable(self) -> None:
        try:
            data = os.read(self.master, 65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            asyncio.get_running_loop().remove_reader(self.master)
        self.stream.feed(data)
        self.changed.set()

    def text(self) -> str:
        return "\n".join(self.screen.display)

    async def wait_for(self, needle: str, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while needle not in self.text():
            if time.monotonic() > deadline:
                raise AssertionError(f"{needle!r} not on screen:\n{self.text()}")
            self.changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), 0.2)

    def type(self, text: str) -> None:
        os.write(self.master, text.encode())

    async def exit_status(self, timeout: float = 15) -> int:
        deadline = time.monotonic() + timeout
        while self.process.poll() is None:
            if time.monotonic() > deadline:
                raise AssertionError(f"ssh did not exit:\n{self.text()}")
            await asyncio.sleep(0.05)
        return self.process.returncode

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        with contextlib.suppress(ValueError, OSError):
            asyncio.get_running_loop().remove_reader(self.master)
        os.close(self.master)


@contextlib.asynccontextmanager
async def terminal(argv: Sequence[str]) -> AsyncIterator[Terminal]:
    term = Terminal(argv)
    try:
        yield term
    finally:
        term.close()


async def run_ssh(argv: Sequence[str], timeout: float = 20) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        *argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    out, _ = await asyncio.wait_for(process.communicate(), timeout)
    return process.returncode or 0, out.decode(errors="replace")


async def test_key_login_draws_the_app_and_q_quits(tmp_path: Path) -> None:
    """`ssh -i key` opens tuinet in the student's terminal; q ends it and ssh exits 0."""
    key, path = key_file(tmp_path, "student")
    async with classroom(tmp_path, credentials=Credentials(None, None, [key.convert_to_public()])) as server:
        argv = ssh_argv(server.port, "-tt", "-o", "BatchMode=yes", "-i", str(path), "student@127.0.0.1")
        async with terminal(argv) as term:
            await term.wait_for("iteration 1")
            term.type("q")
            assert await term.exit_status() == 0


async def test_password_typed_at_the_prompt(tmp_path: Path) -> None:
    """The class password typed at ssh's prompt is accepted."""
    async with classroom(tmp_path) as server:
        argv = ssh_argv(server.port, "-tt", "-o", "PubkeyAuthentication=no", "student@127.0.0.1")
        async with terminal(argv) as term:
            await term.wait_for("assword:")
            term.type(CLASS_PASSWORD + "\r")
            await term.wait_for("iteration 1")
            term.type("q")
            assert await term.exit_status() == 0


async def test_wrong_password_and_unknown_key_refused(tmp_path: Path) -> None:
    """A wrong password and a key not in --authorized-keys both end in "Permission denied"."""
    known, _ = key_file(tmp_path, "known")
    _, stranger = key_file(tmp_path, "stranger")
    credentials = Credentials(CLASS_PASSWORD, None, [known.convert_to_public()])
    async with classroom(tmp_path, credentials=credentials) as server:
        argv = ssh_argv(server.port, "-tt", "-o", "PubkeyAuthentication=no", "-o", "NumberOfPasswordPrompts=1")
        async with terminal([*argv, "student@127.0.0.1"]) as term:
            await term.wait_for("assword:")
            term.type("not-the-password\r")
            assert await term.exit_status() == 255
            assert "Permission denied" in term.text()
        status, output = await run_ssh(
            ssh_argv(server.port, "-o", "BatchMode=yes", "-i", str(stranger), "student@127.0.0.1", "true")
        )
        assert status == 255 and "Permission denied" in output


async def test_commands_and_forwarding_refused(tmp_path: Path) -> None:
    """`ssh host ls`, `-R` and `-L` are all refused by the server."""
    key, path = key_file(tmp_path, "student")
    async with classroom(tmp_path, credentials=Credentials(None, None, [key.convert_to_public()])) as server:
        base = ssh_argv(server.port, "-o", "BatchMode=yes", "-i", str(path))
        status, output = await run_ssh([*base, "student@127.0.0.1", "ls", "/"])
        assert status != 0 and "bin" not in output.split()
        status, output = await run_ssh(
            [*base, "-N", "-o", "ExitOnForwardFailure=yes", "-R", "0:127.0.0.1:9", "student@127.0.0.1"]
        )
        assert status == 255 and "forwarding failed" in output
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            local = probe.getsockname()[1]
        forward = await asyncio.create_subprocess_exec(
            *base, "-N", "-L", f"{local}:127.0.0.1:{server.port}", "student@127.0.0.1", stderr=subprocess.PIPE
        )
        try:
            await wait_until(lambda: len(server.connections) == 1)
            await asyncio.sleep(0.3)
            reader, writer = await asyncio.open_connection("127.0.0.1", local)
            data = await asyncio.wait_for(reader.read(100), 10)
            assert data == b""  # the server refused the channel: ssh closes our end at once
            writer.close()
        finally:
            forward.kill()
            await forward.wait()


async def test_killed_client_leaves_no_process(tmp_path: Path) -> None:
    """SIGKILL on the ssh client: the server notices the drop and ends the app's process group."""
    key, path = key_file(tmp_path, "student")
    async with classroom(tmp_path, credentials=Credentials(None, None, [key.convert_to_public()])) as server:
        argv = ssh_argv(server.port, "-tt", "-o", "BatchMode=yes", "-i", str(path), "student@127.0.0.1")
        async with terminal(argv) as term:
            await term.wait_for("iteration 1")
            (session,) = server.sessions
            assert session.process is not None
            pid = session.process.pid
            term.process.kill()
            await wait_until(lambda: not server.sessions, timeout=10)
            with pytest.raises(ProcessLookupError):
                os.killpg(pid, 0)
