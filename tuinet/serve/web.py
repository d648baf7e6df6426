"""``tuinet serve --web``: the app in a browser, through textual-serve (one process per browser tab).

textual-serve has no authentication and no session cap: anyone who can open the page gets a
process. Bound to loopback that is only this machine's users; bound beyond it, a loud warning is
printed, and the teacher should put it behind something that authenticates (or use --ssh).
Each process still starts through ``tuinet.serve.launch``, so the per-session limits apply.
"""

from __future__ import annotations

import shlex
import sys

from tuinet.serve.launch import Limits

__all__ = ["NO_AUTH_WARNING", "serve_web", "web_command"]

NO_AUTH_WARNING = (
    "WARNING: --web has NO authentication: anyone who can reach {host}:{port} can start sessions on this machine. "
    "Bind to 127.0.0.1 (the default) or use --ssh."
)


def web_command(app_args: list[str], limits: Limits) -> str:
    """The shell command textual-serve runs for each browser session."""
    argv = [sys.executable, "-m", "tuinet.serve.launch", *limits.argv(), "--", *app_args, "--served-as", "solo"]
    return shlex.join(argv)


def serve_web(host: str, port: int, app_args: list[str], limits: Limits, *, loopback: bool) -> int:
    from textual_serve.server import Server

    if not loopback:
        print(NO_AUTH_WARNING.format(host=host, port=port), file=sys.stderr, flush=True)
    Server(web_command(app_args, limits), host=host, port=port, title="tuinet").serve()
    return 0
