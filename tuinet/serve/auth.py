"""Who may log in, as what, and how hard guessing is made.

Two kinds of credentials: the class's (``--password``, ``--authorized-keys``) make a *student*;
the teacher's (``--teacher-password``, ``--teacher-keys``) make the *teacher*, who drives in follow
mode. The user name is ignored: the credential decides the role. Passwords are compared in
constant time. The Throttle counts failed passwords per client address and locks an address out
for a while once it has failed too often, and each failure is answered only after a delay.
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

__all__ = ["Credentials", "Role", "Throttle", "read_keys"]


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
        if self.class_password is not None and self.class_password == self.teacher_password:
            raise TuinetError("the teacher's password must differ from the class password")

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
    """Failed logins per address: more than ``limit`` within ``window`` seconds locks it out for ``lockout``."""

    def __init__(self, limit: int = 10, window: float = 60.0, lockout: float = 60.0) -> None:
        self.limit = limit
        self.window = window
        self.lockout = lockout
        self._failures: dict[str, deque[float]] = {}
        self._locked_until: dict[str, float] = {}

    def locked(self, address: str) -> bool:
        until = self._locked_until.get(address)
        if until is None:
            return False
        if time.monotonic() < until:
            return True
        del self._locked_until[address]
        return False

    def failed(self, address: str) -> bool:
        """Record a failure; True when the address is now locked out."""
        now = time.monotonic()
        times = self._failures.setdefault(address, deque())
        times.append(now)
        while times and times[0] < now - self.window:
            times.popleft()
        if len(times) >= self.limit:
            times.clear()
            self._locked_until[address] = now + self.lockout
            return True
        return False

    def forget_old(self) -> None:
        """Drop addresses with no recent failure (called now and then, so the tables stay small)."""
        now = time.monotonic()
        for address in [a for a, t in self._failures.items() if not t or t[-1] < now - self.window]:
            del self._failures[address]
        for address in [a for a, until in self._locked_until.items() if until <= now]:
            del self._locked_until[address]
