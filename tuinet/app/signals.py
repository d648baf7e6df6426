"""Quit cleanly when told to stop by a signal, so the terminal is left as it was found.

Textual restores the terminal (main screen, cursor, mouse tracking off, cooked mode) only when the
app exits normally. SIGTERM (``kill``, a supervisor such as ``tuinet serve`` stopping a session) and
SIGHUP (the terminal window or SSH connection closed) would otherwise kill the process on the spot
and leave the user's shell on the alternate screen, in raw mode, with mouse reports pouring in.
SIGINT is only ever sent from outside (the app reads ctrl+c as a key and quits), and gets the same
treatment instead of a KeyboardInterrupt somewhere inside the event loop.

The handlers go in when the app loads, before its driver switches the terminal over, so there is no
moment at start-up when a signal would leave the terminal in application mode. Each handler runs once:
it asks the app to exit (the same path as ``q``) with the status a shell reports for that signal,
and restores the default action, so a second signal still ends a shutdown that cannot finish.

A shutdown can hang: when the terminal is gone (a closed window, a dropped SSH link) Textual's output
thread dies on the first failed write, its bounded queue fills, and the event loop blocks for ever in
``queue.put`` — seen in a pty here, the process sleeping in ``WriterThread.stop``. So the handlers are
plain ``signal.signal`` handlers, which run even while the loop is blocked (a blocked lock wait is
interrupted by signals), not asyncio ones, which need the loop; and each starts a watchdog that ends the
process with the same status if the clean shutdown has not finished within SHUTDOWN_GRACE seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import signal
import threading
from types import FrameType
from typing import Any

from textual.app import App

__all__ = ["EXIT_SIGNALS", "SHUTDOWN_GRACE", "exit_on_signals"]

SHUTDOWN_GRACE = 3.0
"""Seconds a clean shutdown may take after a signal before the watchdog ends the process."""

EXIT_SIGNALS = (signal.SIGHUP, signal.SIGTERM, signal.SIGINT)
"""The signals that make the app quit through its normal shutdown."""


def exit_on_signals(app: App[Any]) -> None:
    """Make ``app`` exit cleanly on each of EXIT_SIGNALS. Call from the app's event loop (``on_load``)."""
    loop = asyncio.get_running_loop()
    for sig in EXIT_SIGNALS:
        # Only the main thread may set handlers: elsewhere (or where the platform refuses) keep the defaults.
        with contextlib.suppress(RuntimeError, ValueError, OSError):
            signal.signal(sig, functools.partial(_exit, loop, app))


def _exit(loop: asyncio.AbstractEventLoop, app: App[Any], signum: int, frame: FrameType | None) -> None:
    sig = signal.Signals(signum)
    signal.signal(sig, signal.SIG_DFL)  # the default action again: a second signal is not ignored
    if app.is_headless:  # a test or a screenshot owns no terminal: the signal is for whoever runs it
        signal.raise_signal(sig)
        return
    code = 128 + sig.value
    watchdog = threading.Timer(SHUTDOWN_GRACE, os._exit, args=(code,))
    watchdog.daemon = True  # a shutdown that finishes ends the process, and the watchdog with it
    watchdog.start()
    with contextlib.suppress(RuntimeError):  # the loop already closed: the shutdown is under way
        loop.call_soon_threadsafe(functools.partial(app.exit, return_code=code))
