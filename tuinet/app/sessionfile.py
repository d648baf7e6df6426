"""Save and load a session as versioned JSON: the config, the cursor, and what restores the exact screen.

A session file is data, never code: it is parsed with ``json`` (nothing is unpickled or evaluated) and every
value is checked before anything is built from it. A file that cannot be used — missing, too large, not UTF-8,
truncated, wrong types, an unsupported version, absurd sizes, a cursor outside the network's schedule — raises
SessionError, whose message is one line naming the file and the problem, fit to show as-is.

It imports no UI library and nothing from ``tuinet.app`` (they call it). Format version 1, keys sorted::

    {
      "config": {"activation": "sigmoid", ..., "seed": 1, "targets": 1},   (NetConfig.to_dict())
      "cursor": {"cell_mode": false, "cells": 0, "iteration": 1, "op": -1},
      "display": {"digits": 3, "notation": "tuinet", "pane": null, "theme": "dark", "view": null},
      "format": "tuinet-session",
      "saved_at": "2025-01-31T12:00:00+00:00",
      "tuinet_version": "0.1.0",
      "version": 1
    }

The cursor means what it means in ``tuinet.app.session``: ``op == -1`` is an iteration not yet started (``cells``
is 0); otherwise ``cells`` of operation ``op``'s result are filled (0 to its size). ``display.notation`` (the
notation profile, tuinet.words.notation) came later: a file without it opens in the default profile, tuinet.
"""

from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tuinet import __version__
from tuinet.engine import Network, build
from tuinet.engine.config import DEFAULT_MAX_UNITS, NetConfig
from tuinet.engine.config import NEW_KEYS as NEW_CONFIG_KEYS
from tuinet.engine.config_dict import json_bool as _bool
from tuinet.engine.config_dict import json_int as _int
from tuinet.engine.config_dict import json_text as _text
from tuinet.engine.config_dict import quote, show_json
from tuinet.engine.datasets import BUILTIN_DATASETS
from tuinet.errors import ConfigError, TuinetError
from tuinet.fileio import ReadRefused, read_limited, write_atomically
from tuinet.words.notation import DEFAULT as DEFAULT_NOTATION
from tuinet.words.notation import registered

__all__ = [
    "CONFIG_KEYS",
    "MAX_ITERATION",
    "MAX_SESSION_BYTES",
    "PANES",
    "SESSION_FORMAT",
    "SESSION_VERSION",
    "VIEWS",
    "SavedSession",
    "SessionError",
    "load",
    "loads",
    "save",
    "to_json",
    "validate_cursor",
]

SESSION_FORMAT = "tuinet-session"
SESSION_VERSION = 1
MAX_SESSION_BYTES = 1024 * 1024
"""A real session file is under 1 KiB; anything past this limit is refused unread."""
MAX_ITERATION = 10_000_000
"""The last iteration the app can reach (its Session's max_iteration, and `tuinet train`'s MAX_STEPS)."""
PANES = ("inputs", "weights", "activations", "deltas", "updates")
"""The panes the app can pin (tuinet.app.view.PANES; a test keeps the two equal)."""
VIEWS = ("outer", "gradcheck", "signs", "map")
"""The explanation views that can be open when a session is saved."""
CONFIG_KEYS = tuple(sorted(NetConfig().to_dict()))
"""The keys "config" must hold (a test pins them: a new required field is a format change, needing a new version).
NEW_CONFIG_KEYS (explicit weights and biases, inline data, per-layer activations, frozen parameters) may also
appear: ``NetConfig.to_dict`` writes them only when set, so a file without them is what format 1 always was."""

_TOP_KEYS = ("config", "cursor", "display", "format", "saved_at", "tuinet_version", "version")
_CURSOR_KEYS = ("cell_mode", "cells", "iteration", "op")
_DISPLAY_KEYS = ("digits", "pane", "theme", "view")
_OPTIONAL_DISPLAY_KEYS = ("notation",)
"""Written by every save; optional on load, so files saved before notation profiles still open (as tuinet's)."""
_THEME = re.compile(r"[a-z0-9-]{1,64}")


class SessionError(TuinetError):
    """A session cannot be saved or loaded. The message is one line, naming the file and the problem."""

    def __init__(self, message: str) -> None:
        # Messages quote what the file holds; a newline smuggled into them must not break the one-line promise.
        super().__init__(" ".join(message.splitlines()))


class _Invalid(Exception):
    """A problem found inside the document; turned into a SessionError once the file's name is known."""


@dataclass(frozen=True)
class SavedSession:
    """Everything a session file restores: the network, where the cursor is, and how the screen looks."""

    config: NetConfig
    iteration: int = 1
    op: int = -1  # -1 (the iteration has not started) to len(schedule) − 1
    cells: int = 0  # of op's result already filled: 0 when op is -1, else 0 to the result's size
    cell_mode: bool = False  # whether the app was stepping cell by cell
    theme: str = "dark"  # dark, light, ansi or any Textual theme name (1 to 64 of a-z, 0-9 and -)
    digits: int = 3  # decimal places shown, 1 to 8
    pane: str | None = None  # the pinned pane (one of PANES), or None to follow the cursor
    view: str | None = None  # the open explanation view (one of VIEWS), or None
    notation: str = DEFAULT_NOTATION  # the notation profile's name (tuinet.words.notation: built-in or registered)
    saved_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    """When the file was written, ISO 8601; informational only."""
    tuinet_version: str = __version__
    """The tuinet that wrote the file; informational only (``version`` decides what a reader accepts)."""


def to_json(saved: SavedSession) -> str:
    """The session file's text for ``saved`` (does not check it; ``save`` does)."""
    document = {
        "format": SESSION_FORMAT,
        "version": SESSION_VERSION,
        "config": saved.config.to_dict(),
        "cursor": {"iteration": saved.iteration, "op": saved.op, "cells": saved.cells, "cell_mode": saved.cell_mode},
        "display": {
            "theme": saved.theme,
            "digits": saved.digits,
            "pane": saved.pane,
            "view": saved.view,
            "notation": saved.notation,
        },
        "saved_at": saved.saved_at,
        "tuinet_version": saved.tuinet_version,
    }
    # ASCII only: a dataset path that is not UTF-8 on disk reaches Python with surrogate escapes, which survive
    # only as \udcXX escapes; the file then also reads the same under any locale.
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=True, allow_nan=False) + "\n"


def save(path: str | os.PathLike[str], saved: SavedSession) -> None:
    """Write ``saved`` to ``path`` atomically: the file is either the old one or the new one, never a mix."""
    prefix = f"cannot save session to {_quote(os.fspath(path), 200)}"
    text = to_json(saved)
    # Never write a file that load would refuse. The cursor is not checked here: that needs the dataset, and the
    # app's own cursor is inside its schedule by construction.
    _decode(text, prefix, saved.config.max_units)
    try:
        write_atomically(path, text.encode("ascii"))
    except OSError as error:  # a missing directory, no permission, a directory in the way, a full disk…
        raise SessionError(f"{prefix}: {error.strerror or error}") from None
    except ValueError:
        raise SessionError(f"{prefix}: the path holds a NUL byte") from None


def load(path: str | os.PathLike[str], *, max_units: int = DEFAULT_MAX_UNITS) -> SavedSession:
    """Read and check a session file; raise SessionError (one line) for anything that cannot be used.

    ``max_units`` is NetConfig's guard on hidden-layer width, as raised by ``--max-units``.
    """
    prefix = f"session file {_quote(os.fspath(path), 200)}"
    try:
        data = read_limited(path, MAX_SESSION_BYTES)  # regular files only: a FIFO would hang the load
    except ReadRefused as refused:
        if refused.missing and refused.reason == "does not exist":
            raise SessionError(f"{prefix} does not exist") from None
        raise SessionError(f"{prefix} {refused.reason}") from None
    try:
        text = data.decode("utf-8-sig")  # tolerate the byte-order mark some Windows editors add
    except UnicodeDecodeError as error:
        raise SessionError(f"{prefix} is not UTF-8 text (bad byte at offset {error.start})") from None
    return _load_text(text, prefix, max_units)


def loads(text: str, *, max_units: int = DEFAULT_MAX_UNITS) -> SavedSession:
    """Check a session file's text, as ``load`` does; messages name it ``session``."""
    return _load_text(text, "session", max_units)


def validate_cursor(network: Network, iteration: int, op: int, cells: int, *, source: str = "session") -> None:
    """Raise SessionError (prefixed with ``source``) unless the cursor is a position in ``network``'s schedule."""
    last = len(network.schedule) - 1
    size = 0 if not 0 <= op <= last else network.schema.cells[op]
    if not 1 <= iteration <= MAX_ITERATION:
        problem = f"cursor.iteration must be from 1 to {MAX_ITERATION:,}, got {_show(iteration)}"
    elif not -1 <= op <= last:
        problem = f"cursor.op must be from -1 to {last} (the schedule has {last + 1} operations), got {_show(op)}"
    elif op == -1 and cells != 0:
        problem = f"cursor.cells must be 0 while cursor.op is -1 (no operation started), got {_show(cells)}"
    elif not 0 <= cells <= size:
        problem = f"cursor.cells must be from 0 to {size} (the size of operation {op}'s result), got {_show(cells)}"
    else:
        return
    raise SessionError(f"{source}: {problem}")


def _load_text(text: str, prefix: str, max_units: int) -> SavedSession:
    saved = _decode(text, prefix, max_units)
    dataset = saved.config.dataset
    if dataset not in BUILTIN_DATASETS and not saved.config.data:  # inline rows: the dataset is only a name
        try:
            mode = os.stat(dataset).st_mode
        except (OSError, ValueError):
            mode = stat.S_IFREG  # missing or unusable: load_dataset explains that in its own words
        # A file names its dataset, so it must not make tuinet read /dev/zero forever or wait on a FIFO.
        if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            raise SessionError(f"{prefix}: config.dataset {_quote(dataset)} is not a regular file")
    try:
        # Loads the dataset: its shape decides the schedule's matrix sizes, hence which cursors exist.
        network = build(saved.config)
    except TuinetError as error:
        raise SessionError(f"{prefix}: {error}") from None
    validate_cursor(network, saved.iteration, saved.op, saved.cells, source=prefix)
    return saved


def _decode(text: str, prefix: str, max_units: int) -> SavedSession:
    """Everything load checks except what needs the dataset (its existence and the cursor's range)."""
    if not text.strip():
        raise SessionError(f"{prefix} is empty")
    try:
        document = json.loads(text, parse_constant=_refuse_constant, object_pairs_hook=_unique_keys)
    except _Invalid as problem:
        raise SessionError(f"{prefix}: {problem}") from None
    except json.JSONDecodeError as error:
        raise SessionError(f"{prefix} is truncated or not JSON (line {error.lineno}, column {error.colno})") from None
    except ValueError:
        # Python refuses to read an integer of more than 4,300 digits (a guard against quadratic-time parsing).
        raise SessionError(f"{prefix} holds a number with too many digits") from None
    except RecursionError:
        raise SessionError(f"{prefix} is nested too deeply") from None
    try:
        return _session(document, max_units)
    except (_Invalid, ConfigError) as problem:  # ConfigError: a value the shared JSON checks refused
        raise SessionError(f"{prefix}: {problem}") from None


def _refuse_constant(name: str) -> Any:
    raise _Invalid(f"{name} is not allowed: session files hold finite numbers only")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json keeps the last of duplicate keys silently; a file that says two things is refused instead.
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Invalid(f"key {_quote(key)} appears twice in one object")
        out[key] = value
    return out


def _session(document: Any, max_units: int) -> SavedSession:
    if not isinstance(document, dict):
        raise _Invalid(f"the top level must be a JSON object, got {_show(document)}")
    # Format and version first: a newer file should say so, not complain about keys this reader does not know.
    if document.get("format") != SESSION_FORMAT:
        found = f"format {_show(document['format'])}" if "format" in document else 'no "format" key'
        raise _Invalid(f'not a tuinet session file ({found}; expected "format": "{SESSION_FORMAT}")')
    if "version" not in document:
        raise _Invalid("missing key 'version'")
    version = document["version"]
    if type(version) is not int or version != SESSION_VERSION:  # type(): true and 1.0 equal 1 to Python
        raise _Invalid(f"version {_show(version)} is not supported (this tuinet reads version {SESSION_VERSION})")
    top = _object(document, "", _TOP_KEYS)
    cursor = _object(top["cursor"], "cursor", _CURSOR_KEYS)
    display = _object(top["display"], "display", _DISPLAY_KEYS, optional=_OPTIONAL_DISPLAY_KEYS)
    saved_at = _text(top["saved_at"], "saved_at", 64)
    try:
        datetime.fromisoformat(saved_at)
    except ValueError:
        raise _Invalid(f"saved_at must be an ISO 8601 timestamp, got {_show(saved_at)}") from None
    theme = _text(display["theme"], "display.theme", 64)
    if not _THEME.fullmatch(theme):
        raise _Invalid(f"display.theme must be a theme name (1 to 64 of a-z, 0-9 and -), got {_show(theme)}")
    return SavedSession(
        config=_config(top["config"], max_units),
        iteration=_int(cursor["iteration"], "cursor.iteration", 1, MAX_ITERATION),
        op=_int(cursor["op"], "cursor.op", -1, 10_000),  # the real bound, the schedule's length, needs the dataset
        cells=_int(cursor["cells"], "cursor.cells", 0, 2**62),  # likewise: the result's size
        cell_mode=_bool(cursor["cell_mode"], "cursor.cell_mode"),
        theme=theme,
        digits=_int(display["digits"], "display.digits", 1, 8),
        pane=_choice(display["pane"], "display.pane", PANES),
        view=_choice(display["view"], "display.view", VIEWS),
        notation=_notation(display.get("notation", DEFAULT_NOTATION)),
        saved_at=saved_at,
        tuinet_version=_text(top["tuinet_version"], "tuinet_version", 64),
    )


def _config(value: Any, max_units: int) -> NetConfig:
    # Format 1's keys are required; the scenario keys (explicit weights, inline data, …) only when set.
    obj = _object(value, "config", CONFIG_KEYS, optional=NEW_CONFIG_KEYS)
    # One line naming the key on failure, e.g. "config.hidden must be a list of whole numbers".
    return NetConfig.from_dict(obj, max_units=max_units, where="config")


def _object(value: Any, where: str, keys: tuple[str, ...], optional: tuple[str, ...] = ()) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Invalid(f"{where or 'the top level'} must be a JSON object, got {_show(value)}")
    # Strict both ways: a misspelt key must not be silently ignored (nor silently defaulted).
    allowed = set(keys) | set(optional)
    for kind, names in ("missing", [k for k in keys if k not in value]), ("unknown", sorted(set(value) - allowed)):
        if names:
            more = f" and {len(names) - 1} more" if len(names) > 1 else ""
            raise _Invalid(f"{kind} key {_quote(f'{where}.{names[0]}' if where else names[0])}{more}")
    return value


def _notation(value: Any) -> str:
    # The profiles known now: the built-ins, and any a preset has registered in this process.
    if isinstance(value, str) and value in registered():
        return value
    raise _Invalid(f"display.notation must be one of {', '.join(registered())}, got {_show(value)}")


def _choice(value: Any, name: str, choices: tuple[str, ...]) -> str | None:
    if value is None or (isinstance(value, str) and value in choices):
        return value
    raise _Invalid(f"{name} must be null or one of {', '.join(choices)}, got {_show(value)}")


_show = show_json
_quote = quote
