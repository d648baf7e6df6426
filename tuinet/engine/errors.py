"""The engine's errors live in tuinet.errors (a module that imports no numpy, so tuinet.serve can use them)."""

from tuinet.errors import ConfigError, DatasetError, TuinetError

__all__ = ["ConfigError", "DatasetError", "TuinetError"]
