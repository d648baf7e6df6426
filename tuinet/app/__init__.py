"""The Textual app: the stepper over the engine's traces.

The package face imports nothing heavy (``tuinet.app.sessionfile`` is read by the CLI without loading
Textual); the names below load their modules on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tuinet.app.app import TuinetApp, make_app
    from tuinet.app.session import Cursor, Granularity, Session
    from tuinet.app.view import StepView

__all__ = ["Cursor", "Granularity", "Session", "StepView", "TuinetApp", "make_app"]

_HOME = {
    "TuinetApp": "tuinet.app.app",
    "make_app": "tuinet.app.app",
    "Cursor": "tuinet.app.session",
    "Granularity": "tuinet.app.session",
    "Session": "tuinet.app.session",
    "StepView": "tuinet.app.view",
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'tuinet.app' has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
