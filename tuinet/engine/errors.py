"""The engine's errors live in :mod:`tuinet.errors` (a module importing no numpy); re-exported here."""

from __future__ import annotations

from tuinet.errors import ConfigError, DatasetError, TuinetError

__all__ = ["ConfigError", "DatasetError", "TuinetError"]
