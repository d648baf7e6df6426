"""One structured log line per event, with everything a client supplied escaped first.

``event("login", peer=..., role=..., key="SHA256:…")`` logs ``event=login peer=1.2.3.4:5 role=student
key=SHA256:…``. Values are quoted when they hold a space or a quote, and every control character,
escape code or non-ASCII character a client could send is written as a ``\\xNN``/``\\uNNNN`` escape,
so no one who can connect can forge a log line or send escape codes to the teacher's terminal.
"""

from __future__ import annotations

import logging
import re

__all__ = ["event", "safe"]

log = logging.getLogger("tuinet.serve")

MAX_VALUE = 200
"""Client text beyond this is cut (a 1 MB user name would still be one line, but a useless one)."""
_PLAIN = re.compile(r"[A-Za-z0-9_.:/@+=,\-\[\]()]*")


def safe(value: object) -> str:
    """``value`` as printable ASCII: controls, escapes, quotes and non-ASCII characters escaped."""
    text = str(value)
    cut = len(text) > MAX_VALUE
    text = text[:MAX_VALUE]
    if _PLAIN.fullmatch(text) and text:
        return text + ("..." if cut else "")
    escaped = text.encode("unicode_escape").decode("ascii").replace('"', '\\"')
    return f'"{escaped}{"..." if cut else ""}"'


def event(name: str, level: int = logging.INFO, **fields: object) -> None:
    """Log one line: ``event=NAME key=value …`` (None values are left out)."""
    parts = [f"event={name}"]
    parts += [f"{key}={safe(value)}" for key, value in fields.items() if value is not None]
    log.log(level, " ".join(parts))
