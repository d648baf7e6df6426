"""The environment a served app gets: nothing of the server's (it may hold passwords), a checked TERM."""

from __future__ import annotations

import os
import re
from pathlib import Path

import tuinet

__all__ = ["DEFAULT_TERM", "app_env", "clean_term"]

_TERM_OK = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,63}")
DEFAULT_TERM = "xterm-256color"


def clean_term(term: str | None) -> str:
    """The client's TERM if it looks like a terminal name, else a safe default (it goes into the app's env)."""
    return term if term and _TERM_OK.fullmatch(term) else DEFAULT_TERM


def app_env(term: str) -> dict[str, str]:
    """The whole environment of a served app: nothing of the server's (it may hold passwords) leaks in.

    COLUMNS/LINES are deliberately absent: they would override the pty's size and break resizes.
    One BLAS thread keeps the per-session memory and thread count small.
    """
    source = str(Path(tuinet.__file__).resolve().parent.parent)
    return {
        "PATH": os.defpath,
        "HOME": os.environ.get("HOME", "/"),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONUTF8": "1",
        "PYTHONPATH": source,
        "TERM": term,
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
