"""Errors for bad user input (engine, CLI, files, serve). Each message is one line, fit to show as-is.

This module imports nothing, so tuinet.serve can raise and catch these without loading numpy.
"""

from __future__ import annotations

__all__ = ["ConfigError", "DatasetError", "TuinetError"]


class TuinetError(ValueError):
    """Base class: a problem with what the user asked for, never a bug."""


class ConfigError(TuinetError):
    """A network option is out of range or inconsistent."""


class DatasetError(TuinetError):
    """A dataset name is unknown or a CSV file cannot be used."""
