"""Reading a TOML file for errors that name a line: the text, its parsed tables, and where each key is.

``tomllib`` reports the line of a *syntax* error but knows nothing of lines once the file has parsed, so a
value that is well-formed TOML but wrong for tuinet (``lr = -1``) would have no line to point at. ``KeyLines``
scans the text once and records the line of every table header and every ``key =``, by its path
(``("training", "lr")``; in an array of tables ``("stop", 2, "text")``). It skips the insides of multi-line
strings and arrays, so a row ``[0.15, 0.25],`` is never taken for a table header.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from typing import Any

from tuinet.errors import TuinetError
from tuinet.fileio import ReadRefused, read_limited

__all__ = ["MAX_SCENARIO_BYTES", "KeyLines", "ScenarioError", "TomlFile", "read_toml"]

MAX_SCENARIO_BYTES = 4 * 2**20
"""A scenario is a page of settings, perhaps with a few thousand weights: 4 MiB is far beyond that."""

Path = tuple[str | int, ...]


class ScenarioError(TuinetError):
    """A scenario, preset, lesson or weights file that cannot be used (one line: file, line, field)."""


_ARRAY_TABLE = re.compile(r"^\s*\[\[\s*([A-Za-z0-9_.\-\s\"']+?)\s*\]\]\s*(#.*)?$")
_TABLE = re.compile(r"^\s*\[\s*([A-Za-z0-9_.\-\s\"']+?)\s*\]\s*(#.*)?$")
_PART = r"(?:[A-Za-z0-9_\-]+|\"[^\"]*\"|'[^']*')"
_KEY = re.compile(rf"^\s*({_PART}(?:\s*\.\s*{_PART})*)\s*=")


def _split_key(text: str) -> tuple[str, ...]:
    parts = re.findall(r"\"([^\"]*)\"|'([^']*)'|([A-Za-z0-9_\-]+)", text)
    return tuple(next(p for p in part if p) if any(part) else "" for part in parts)


class KeyLines:
    """The 1-based line of each table header and key in a TOML text."""

    def __init__(self, text: str) -> None:
        self.lines: dict[Path, int] = {}
        counts: dict[tuple[str, ...], int] = {}
        table: Path = ()
        depth = 0  # open [ and { of a value that spans lines
        quote: str | None = None  # an open multi-line string's delimiter
        for number, line in enumerate(text.splitlines(), start=1):
            if quote is None and depth == 0:
                if match := _ARRAY_TABLE.match(line):
                    name = _split_key(match.group(1))
                    index = counts[name] = counts.get(name, -1) + 1
                    table = (*name, index)
                    self.lines.setdefault(table, number)
                    self.lines.setdefault(name, number)
                    continue
                if match := _TABLE.match(line):
                    table = _split_key(match.group(1))
                    self.lines.setdefault(table, number)
                    continue
                if match := _KEY.match(line):
                    self.lines.setdefault((*table, *_split_key(match.group(1))), number)
                    line = line[match.end() :]
            depth, quote = _scan(line, depth, quote)

    def line_of(self, path: Path) -> int | None:
        """The line of ``path``, else of the nearest enclosing table that has one."""
        for end in range(len(path), 0, -1):
            found = self.lines.get(path[:end])
            if found is not None:
                return found
        return None


def _scan(line: str, depth: int, quote: str | None) -> tuple[int, str | None]:
    """Bracket depth and open multi-line string after ``line`` (strings and comments skipped)."""
    i = 0
    while i < len(line):
        if quote is not None:
            end = line.find(quote, i)
            if end < 0:
                return depth, quote
            i, quote = end + 3, None
            continue
        char = line[i]
        if line.startswith(('"""', "'''"), i):
            quote, i = line[i : i + 3], i + 3
        elif char in "\"'":
            end = i + 1
            while end < len(line) and line[end] != char:
                end += 2 if char == '"' and line[end] == "\\" else 1
            i = end + 1
        elif char == "#":
            break
        else:
            depth += 1 if char in "[{" else -1 if char in "]}" else 0
            i += 1
    return depth, quote


@dataclass(frozen=True)
class TomlFile:
    """A parsed TOML file that can word an error about any of its fields."""

    path: str
    """As the user named it (messages quote it so)."""
    data: dict[str, Any]
    keys: KeyLines

    def error(self, path: Path, message: str) -> ScenarioError:
        """``FILE line N: [table] key <message>`` (the line of the key, or of its table)."""
        line = self.keys.line_of(path)
        where = f"{self.path} line {line}" if line is not None else self.path
        return ScenarioError(f"{where}: {field_name(path)} {message}")


def field_name(path: Path) -> str:
    """``("training", "lr")`` → ``[training] lr``; ``("stop", 2, "text")`` → ``[[stop]] #3 text``."""
    if not path:
        return "the file"
    if len(path) == 1:
        return str(path[0])
    head, rest = path[0], path[1:]
    if rest and isinstance(rest[0], int):
        return f"[[{head}]] #{rest[0] + 1}" + (" " + ".".join(map(str, rest[1:])) if rest[1:] else "")
    return f"[{head}] " + ".".join(map(str, rest))


def read_toml(path: str, what: str = "scenario", *, text: str | None = None) -> TomlFile:
    """Read and parse ``path`` (or parse ``text``, naming it ``path``); ScenarioError with a line on failure."""
    if text is None:
        try:
            raw = read_limited(path, MAX_SCENARIO_BYTES)
        except ReadRefused as refused:
            raise ScenarioError(f"{what} {path!r} {refused.reason}") from None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ScenarioError(f"{what} {path!r} is not UTF-8 text") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        # tomllib: "Expected '=' after a key in a key/value pair (at line 3, column 5)".
        message = str(error)
        found = re.search(r"\(at line (\d+), column \d+\)$", message)
        reason = message[: found.start()].strip() if found else message
        where = f"{path} line {found.group(1)}" if found else path
        raise ScenarioError(f"{where}: not valid TOML: {reason[:1].lower()}{reason[1:]}") from None
    return TomlFile(path, data, KeyLines(text))
