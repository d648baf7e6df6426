"""`tuinet serve --web`: Origin check, session cap, size clamp, clean environment, and no process left behind."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest

from tests.serve_support import pid_alive
from tuinet.serve.web import same_origin

SECRET = "TUINET_TEST_SECRET"


def test_same_origin() -> None:
    assert same_origin("http://127.0.0.1:8000", "127.0.0.1:8000")
    assert not same_origin("http://evil.example", "127.0.0.1:8000")
    assert not same_origin("http://127.0.0.1:8001", "127.0.0.1:8000")
    assert not same_origin(None, "127.0.0.1:8000") and not same_origin("null", "127.0.0.1:8000")


def _apps(root: int) -> list[int]:
    """The tuinet apps under ``root`` (after the launcher's exec their command line is `-m tuinet …`)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, frontier = [], [root]
    while frontier:
        for pid in children.get(frontier.pop(), []):
            frontier.append(pid)
            try:
                argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if argv[1:3] == [b"-m", b"tuinet"] and pid_alive(pid):
                found.append(pid)
    return found


@asynccontextmanager
async def web_server(tmp_path: Path) -> AsyncIterator[tuple[subprocess.Popen[bytes], str]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, SECRET: "hunter2", "TUINET_DATA_DIR": str(tmp_path / "data")}
    argv = [sys.executable, "-m", "tuinet", "serve", "--web", "--port", str(port), "--max-sessions", "1"]
    process = subprocess.Popen(argv, env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                await asyncio.sleep(0.2)
        yield process, base
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def _first_bytes(ws: aiohttp.ClientWebSocketResponse) -> None:
    async for message in ws:
        if message.type is aiohttp.WSMsgType.BINARY and message.data:
            return


@pytest.mark.parametrize("stop_the_app", [False, True], ids=["quits", "deaf"])
async def test_web_sessions_are_guarded_and_leave_nothing_behind(tmp_path: Path, stop_the_app: bool) -> None:
    async with web_server(tmp_path) as (server, base), aiohttp.ClientSession() as http:
        url = f"ws://{base}/ws?width=20000&height=20000"
        with pytest.raises(aiohttp.WSServerHandshakeError) as wrong:
            await http.ws_connect(url, headers={"Origin": "http://evil.example"})
        assert wrong.value.status == 403
        ws = await http.ws_connect(url, headers={"Origin": f"http://{base}"})
        await asyncio.wait_for(_first_bytes(ws), 30)
        (app,) = _apps(server.pid)
        environ = dict(
            item.split("=", 1) for item in Path(f"/proc/{app}/environ").read_text().split("\0") if "=" in item
        )
        assert SECRET not in environ and environ["COLUMNS"] == "300" and environ["ROWS"] == "100"
        cwd = os.readlink(f"/proc/{app}/cwd")
        assert cwd != str(tmp_path) and Path(cwd).name.startswith("tuinet-web-")
        with pytest.raises(aiohttp.WSServerHandshakeError) as full:
            await http.ws_connect(url, headers={"Origin": f"http://{base}"})
        assert full.value.status == 503
        if stop_the_app:  # an app that cannot answer "quit" (it spun in a resize before: deaf to SIGHUP)
            os.kill(app, signal.SIGSTOP)
        await ws.close()
        deadline = time.monotonic() + 15
        while pid_alive(app):
            assert time.monotonic() < deadline, "the app outlived its tab"
            await asyncio.sleep(0.1)
