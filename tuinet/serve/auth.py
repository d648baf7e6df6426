"""Who may log in, as what, and how hard guessing is made.

Two kinds of credentials: the class's (``--password``, ``--authorized-keys``) make a *student*;
the teacher's (``--teacher-password``, ``--teacher-keys``) make the *teacher*, who drives in follow
mode. The user name is ignored: the credential decides the role. Passwords are compared in
constant time, must be at least MIN_PASSWORD characters, and the teacher's may not be a near-copy
of the class's (a student who guesses one from the other would drive every screen).

The Throttle slows guessing without letting anyone lock the class out. A wrong password or an
unknown key is answered only after a delay that grows with that address's recent failures, and
with everyone's (so a botnet is slowed too); an address with many recent failures may hold only a
few unauthenticated connections at once. A right credential is never delayed or refused: a lockout
per address would lock out every student behind the school's NAT, the teacher included.
"""

from __future__ import annotations

import hmac
import time
from collections import deque
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import asyncssh

from tuinet.errors import TuinetError

__all__ = ["MIN_PASSWORD", "Credentials", "Role", "Throttle", "check_passwords", "read_keys"]

MIN_PASSWORD = 8


class Role(StrEnum):
    STUDENT = "student"
    TEACHER = "teacher"


def read_keys(path: str | None) -> list[asyncssh.SSHKey]:
    """The public keys of an OpenSSH ``authorized_keys`` file (options in it are not supported)."""
    if path is None:
        return []
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise TuinetError(f"cannot read {path}: {error}") from None
    keys: list[asyncssh.SSHKey] = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            keys.append(asyncssh.import_public_key(line))
        except asyncssh.KeyImportError as error:
            raise TuinetError(f"{path}:{number}: not a public key ({error})") from None
    return keys


def _near_copy(a: str, b: str) -> bool:
    """Whether one password is the other with a small change (case, a suffix, a character or two)."""
    a, b = a.casefold(), b.casefold()
    if a in b or b in a:
        return True
    # Levenshtein distance, stopping early: passwords are short.
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1] <= max(2, min(len(a), len(b)) // 4)


def check_passwords(class_password: str | None, teacher_password: str | None) -> None:
    """Refuse (one line) a password shorter than MIN_PASSWORD, or a teacher's password close to the class's."""
    for name, password in (("class", class_password), ("teacher's", teacher_password)):
        if password is not None and len(password) < MIN_PASSWORD:
            raise TuinetError(f"the {name} password is too short: at least {MIN_PASSWORD} characters")
    if class_password is not None and teacher_password is not None and _near_copy(class_password, teacher_password):
        raise TuinetError("the teacher's password must not be a near-copy of the class password")


def _key_id(key: asyncssh.SSHKey) -> bytes:
    return bytes(key.public_data)


@dataclass
class Credentials:
    class_password: str | None = None
    teacher_password: str | None = None
    class_keys: list[asyncssh.SSHKey] = field(default_factory=list)
    teacher_keys: list[asyncssh.SSHKey] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._students = {_key_id(k) for k in self.class_keys}
        self._teachers = {_key_id(k) for k in self.teacher_keys}
        check_passwords(self.class_password, self.teacher_password)

    @property
    def passwords(self) -> bool:
        return self.class_password is not None or self.teacher_password is not None

    @property
    def keys(self) -> bool:
        return bool(self._students or self._teachers)

    def role_for_password(self, password: str) -> Role | None:
        given = password.encode("utf-8", "surrogateescape")
        # Check both, always: the time taken must not tell which one nearly matched.
        teacher = self.teacher_password is not None and hmac.compare_digest(given, self.teacher_password.encode())
        student = self.class_password is not None and hmac.compare_digest(given, self.class_password.encode())
        return Role.TEACHER if teacher else Role.STUDENT if student else None

    def role_for_key(self, key: asyncssh.SSHKey) -> Role | None:
        data = _key_id(key)
        if data in self._teachers:
            return Role.TEACHER
        return Role.STUDENT if data in self._students else None


class Throttle:
    """Failed logins, per address and over all addresses, within a sliding ``window`` of seconds."""

    def __init__(self, limit: int = 10, window: float = 60.0, global_limit: int = 100) -> None:
        self.limit = limit
        """Failures from one address within the window beyond which it is "hot"."""
        self.window = window
        self.global_limit = global_limit
        self._failures: dict[str, deque[float]] = {}
        self._all: deque[float] = deque()

    def _recent(self, times: deque[float]) -> int:
        cutoff = time.monotonic() - self.window
        while times and times[0] < cutoff:
            times.popleft()
        return len(times)

    def failed(self, address: str) -> None:
        now = time.monotonic()
        self._failures.setdefault(address, deque()).append(now)
        self._all.append(now)

    def hot(self, address: str) -> bool:
        """Whether ``address`` failed ``limit`` times within the window (it then gets fewer connections)."""
        times = self._failures.get(address)
        return times is not None and self._recent(times) >= self.limit

    def factor(self, address: str) -> int:
        """How many times the base delay to wait before answering this address's next failure (1 to 8)."""
        times = self._failures.get(address)
        mine = self._recent(times) if times is not None else 0
        everyone = self._recent(self._all)
        over = max(mine - self.limit // 2, 0) + (4 if everyone >= self.global_limit else 0)
        return int(2 ** min(over, 3))

    def forget_old(self) -> None:
        """Drop addresses with no recent failure (called now and then, so the tables stay small)."""
        for address in [a for a, t in self._failures.items() if not self._recent(t)]:
            del self._failures[address]
