"""``tuinet serve --web``: the app in a browser, through textual-serve (one process per browser tab).

textual-serve has no authentication: keep it on loopback (a loud warning is printed otherwise).
What it also lacks is added here, in a Server subclass whose websocket handler
- checks the Origin header against the Host (another site's page cannot open a session in the
  visitor's browser: cross-site WebSocket hijacking);
- caps the concurrent sessions (``max_sessions``: 503 beyond);
- clamps the terminal size, at start and on every resize (a 20000×20000 tab cost ~620 MiB);
- ends the app when the tab goes away: it asks the app to quit, and kills it after a grace
  period (a tab closed during a resize left an app spinning, deaf to SIGHUP).
Each process starts through ``tuinet.serve.launch --web``: per-session limits, a clean environment,
a private working directory, a lower priority, and death with its parent.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shlex
import shutil
import sys
import tempfile
from typing import Any
from urllib.parse import urlsplit

from tuinet.serve.launch import WEB_MAX_SIZE, Limits
from tuinet.serve.logs import event

__all__ = ["NO_AUTH_WARNING", "same_origin", "serve_web", "web_command"]

NO_AUTH_WARNING = (
    "WARNING: --web has NO authentication: anyone who can reach {host}:{port} can start sessions on this machine. "
    "Bind to 127.0.0.1 (the default) or use --ssh."
)
STOP_GRACE = 3.0
"""Seconds an app has to quit once its tab has gone, before it is killed."""
MAX_MESSAGE = 64 * 1024


def web_command(app_args: list[str], limits: Limits, cwd: str = "/") -> str:
    """The shell command textual-serve runs for each browser session."""
    argv = [sys.executable, "-m", "tuinet.serve.launch", *limits.argv(), "--web", "--cwd", cwd, "--"]
    return shlex.join([*argv, *app_args, "--served-as", "solo"])


def same_origin(origin: str | None, host: str | None) -> bool:
    """Whether a websocket's Origin header names the page's own host (browsers always send one)."""
    if not origin or not host:
        return False
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and parts.netloc.lower() == host.lower()


def _clamp(value: Any, default: int, top: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return max(1, min(number, top))


def _guarded_server(command: str, host: str, port: int, max_sessions: int) -> Any:
    from aiohttp import web
    from textual_serve.app_service import AppService
    from textual_serve.server import Server

    class ClampedAppService(AppService):
        async def set_terminal_size(self, width: int, height: int) -> None:
            await super().set_terminal_size(_clamp(width, 80, WEB_MAX_SIZE[0]), _clamp(height, 24, WEB_MAX_SIZE[1]))

    class GuardedServer(Server):
        active = 0

        async def handle_websocket(self, request: web.Request) -> web.StreamResponse:  # type: ignore[override]
            peer = request.remote
            origin = request.headers.get("Origin")
            if not same_origin(origin, request.host):
                event("refused", logging.WARNING, peer=peer, what="web origin", origin=origin, host=request.host)
                return web.Response(status=403, text="wrong origin\n")
            if GuardedServer.active >= max_sessions:
                event("refused", logging.WARNING, peer=peer, what="web session", reason="server full")
                return web.Response(status=503, text=f"server full: {max_sessions} sessions already\n")
            width = _clamp(request.query.get("width"), 80, WEB_MAX_SIZE[0])
            height = _clamp(request.query.get("height"), 24, WEB_MAX_SIZE[1])
            websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=MAX_MESSAGE)
            service = ClampedAppService(
                self.command,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,  # type: ignore[arg-type]  # (textual-serve passes it so too)
                download_manager=self.download_manager,
            )
            GuardedServer.active += 1
            event("web_session", peer=peer, size=f"{width}x{height}", sessions=GuardedServer.active)
            try:
                await websocket.prepare(request)
                await service.start(width, height)
                await self._process_messages(websocket, service)
            except (asyncio.CancelledError, ConnectionError, ValueError, KeyError, TypeError) as error:
                event("web_error", peer=peer, error=type(error).__name__)
            finally:
                GuardedServer.active -= 1
                await _end(service)
                event("web_end", peer=peer, sessions=GuardedServer.active)
            return websocket

    return GuardedServer(command, host=host, port=port, title="tuinet")


async def _end(service: Any) -> None:
    """Ask the app to quit; kill it (its shell, and so the app: PR_SET_PDEATHSIG) if it does not."""
    with contextlib.suppress(TimeoutError, ConnectionError, RuntimeError):
        await asyncio.wait_for(service.stop(), STOP_GRACE)
    process = getattr(service, "_process", None)  # textual-serve keeps the shell's Process here
    if process is not None and process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            process.kill()


def serve_web(
    host: str, port: int, app_args: list[str], limits: Limits, *, loopback: bool, max_sessions: int = 50
) -> int:
    if not loopback:
        print(NO_AUTH_WARNING.format(host=host, port=port), file=sys.stderr, flush=True)
    workdir = tempfile.mkdtemp(prefix="tuinet-web-")  # 0700: the apps' private working directory
    try:
        _guarded_server(web_command(app_args, limits, workdir), host, port, max_sessions).serve()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0
