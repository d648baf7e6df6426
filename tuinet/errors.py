"""Errors for bad user input, in a module that imports nothing (serve uses them without numpy). One line each."""

from __future__ import annotations

__all__ = ["ConfigError", "DatasetError", "TuinetError"]


class TuinetError(ValueError):
    """Base class: a problem with what the user asked for, never a bug."""


class ConfigError(TuinetError):
    """A network option is out of range or inconsistent."""


class DatasetError(TuinetError):
    """A dataset name is unknown or a CSV file cannot be used."""
