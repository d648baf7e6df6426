"""The server's host key: made on first run, kept in the user's data directory, reused after.

Keeping the key means students' SSH clients see the same fingerprint every lesson, so a changed
fingerprint means something (the OpenSSH warning is then worth reading). The directory is
``$TUINET_DATA_DIR``, else ``$XDG_DATA_HOME/tuinet``, else ``~/.local/share/tuinet``; it is made
private (0700) and the key file is written 0600, never readable by other users.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import asyncssh

from tuinet.errors import TuinetError

__all__ = ["HOST_KEY_NAME", "data_dir", "load_host_key"]

HOST_KEY_NAME = "ssh_host_ed25519_key"


def data_dir() -> Path:
    """Where tuinet keeps its host key."""
    explicit = os.environ.get("TUINET_DATA_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".local" / "share"
    return base / "tuinet"


def load_host_key(directory: Path) -> tuple[asyncssh.SSHKey, Path, bool]:
    """The host key in ``directory`` (made if absent), its path, and whether it was just made."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = directory / HOST_KEY_NAME
    if path.exists():
        mode = path.stat().st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise TuinetError(
                f"host key {path} is readable by other users: chmod 600 it (or delete it to make a new one)"
            )
        try:
            return asyncssh.read_private_key(str(path)), path, False
        except (OSError, asyncssh.KeyImportError) as error:
            raise TuinetError(f"cannot read host key {path}: {error}") from None
    key = asyncssh.generate_private_key("ssh-ed25519", comment="tuinet host key")
    # O_EXCL: never follow or overwrite something another process put there meanwhile.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(key.export_private_key())
    return key, path, True
