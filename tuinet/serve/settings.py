"""Everything a classroom server is told: where to listen, who may log in, and how much each session may use."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tuinet.serve.auth import Credentials, Throttle
from tuinet.serve.launch import Limits

__all__ = ["DEFAULT_LIMITS", "Settings"]

DEFAULT_LIMITS = Limits(memory=1536 * 1024 * 1024, cpu=1800, processes=None)
"""Per session: 1.5 GiB of address space (a session uses ~70 MB of RSS but maps far more), 30 minutes of CPU.

RLIMIT_NPROC counts every process of the server's user, not one session's, so it is off by default
(the app never starts processes and students get no shell); ``--max-processes`` sets it.
"""


@dataclass
class Settings:
    credentials: Credentials
    host_key_dir: Path
    host: str = "127.0.0.1"
    port: int = 2222
    app_args: list[str] = field(default_factory=list)
    """The network and app options every session gets, fixed by the teacher."""
    follow: bool = False
    max_sessions: int = 50
    """Logged-in connections (the teacher may always log in on top)."""
    max_per_address: int = 50
    """Logged-in connections from one address (a class behind one NAT shares an address)."""
    max_startups: int = 100
    """Connections not yet logged in (a class typing its password at once is 50 of them); past half of
    it new ones are dropped at random, more often the fuller it is (OpenSSH's MaxStartups)."""
    max_startups_per_address: int = 100
    """... from one address: as many by default, since a class behind one NAT shares an address."""
    hello_timeout: float = 5.0
    """Seconds for a new connection to finish the SSH handshake: a socket that says nothing is dropped
    long before ``login_timeout``, so a flood of them cannot hold the unauthenticated slots."""
    idle_timeout: float = 1800.0
    """Seconds without a key from an own app's client before its session is closed (followers never are)."""
    login_timeout: float = 20.0
    """Seconds to log in, from the TCP connection."""
    session_timeout: float = 30.0
    """Seconds after login to open the app's session (``ssh -N`` opens none)."""
    fail_delay: float = 1.0
    """Seconds before a wrong password or key is answered (up to 8× that for an address guessing)."""
    throttle: Throttle = field(default_factory=Throttle)
    limits: Limits = DEFAULT_LIMITS
    max_auth_failures: int = 6
    """Failed attempts (wrong passwords and unknown keys) one connection may make before it is dropped."""
