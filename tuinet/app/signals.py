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
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from typing import Any

from textual.app import App

__all__ = ["EXIT_SIGNALS", "exit_on_signals"]

EXIT_SIGNALS = (signal.SIGHUP, signal.SIGTERM, signal.SIGINT)
"""The signals that make the app quit through its normal shutdown."""


def exit_on_signals(app: App[Any]) -> None:
    """Make ``app`` exit cleanly on each of EXIT_SIGNALS. Call from the app's event loop (``on_load``)."""
    loop = asyncio.get_running_loop()
    for sig in EXIT_SIGNALS:
        # Only the main thread may handle signals, and not every platform lets asyncio do it: then keep the defaults.
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, _exit, loop, app, sig)


def _exit(loop: asyncio.AbstractEventLoop, app: App[Any], sig: signal.Signals) -> None:
    loop.remove_signal_handler(sig)  # the default action again: a second signal is not ignored
    if app.is_headless:  # a test or a screenshot owns no terminal: the signal is for whoever runs it
        signal.raise_signal(sig)
        return
    app.exit(return_code=128 + sig.value)
