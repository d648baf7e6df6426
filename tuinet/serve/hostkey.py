"""The server's host key: made on first run, kept in the user's data directory, reused after.

Keeping the key means students' SSH clients see the same fingerprint every lesson, so a changed
fingerprint means something (the OpenSSH warning is then worth reading). The directory is
``$TUINET_DATA_DIR``, else ``$XDG_DATA_HOME/tuinet``, else ``~/.local/share/tuinet``; it is made
private (0700) and the key file is written 0600, never readable by other users. Like sshd's
StrictModes, a directory or key owned by another user or writable by others is refused (one line),
and neither may be a symlink: another user could otherwise plant the key students are told to trust.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import asyncssh

from tuinet.errors import TuinetError

__all__ = ["HOST_KEY_NAME", "check_data_dir", "data_dir", "load_host_key"]

HOST_KEY_NAME = "ssh_host_ed25519_key"


def data_dir() -> Path:
    """Where tuinet keeps its host key."""
    explicit = os.environ.get("TUINET_DATA_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".local" / "share"
    return base / "tuinet"


def _refuse_unsafe(path: Path, info: os.stat_result, what: str) -> None:
    """sshd's StrictModes: ours, and not writable by anyone else (else another user could swap the key)."""
    if info.st_uid != os.geteuid():
        raise TuinetError(f"{what} {path} is owned by another user (uid {info.st_uid}): refusing to use it")
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise TuinetError(f"{what} {path} is writable by other users: chmod go-w it")


def check_data_dir(directory: Path) -> None:
    """Make ``directory`` (0700) if absent; refuse a symlink, a non-directory, or one others could write."""
    try:
        info = os.lstat(directory)
    except FileNotFoundError:
        try:
            directory.mkdir(mode=0o700, parents=True)
        except OSError as error:
            raise TuinetError(f"cannot make data directory {directory}: {error.strerror}") from None
        info = os.lstat(directory)
    except OSError as error:
        raise TuinetError(f"cannot use data directory {directory}: {error.strerror}") from None
    if stat.S_ISLNK(info.st_mode):
        raise TuinetError(f"data directory {directory} is a symlink: refusing to follow it")
    if not stat.S_ISDIR(info.st_mode):
        raise TuinetError(f"data directory {directory} is not a directory")
    _refuse_unsafe(directory, info, "data directory")


def _read_key(path: Path) -> asyncssh.SSHKey:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise TuinetError(f"host key {path} is a symlink: refusing to follow it") from None
        raise TuinetError(f"cannot read host key {path}: {error.strerror}") from None
    with os.fdopen(fd, "rb") as key_file:
        info = os.fstat(key_file.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise TuinetError(f"host key {path} is not a regular file")
        _refuse_unsafe(path, info, "host key")
        if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise TuinetError(
                f"host key {path} is readable by other users: chmod 600 it (or delete it to make a new one)"
            )
        data = key_file.read(1 << 16)
    try:
        return asyncssh.import_private_key(data)
    except (asyncssh.KeyImportError, ValueError) as error:
        raise TuinetError(f"cannot read host key {path}: {error}") from None


def load_host_key(directory: Path) -> tuple[asyncssh.SSHKey, Path, bool]:
    """The host key in ``directory`` (made if absent), its path, and whether it was just made."""
    check_data_dir(directory)
    path = directory / HOST_KEY_NAME
    if os.path.lexists(path):  # lexists: a dangling symlink is refused, not replaced
        return _read_key(path), path, False
    key = asyncssh.generate_private_key("ssh-ed25519", comment="tuinet host key")
    # O_EXCL (which also refuses a symlink): never follow or overwrite something put there meanwhile.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except OSError as error:
        raise TuinetError(f"cannot write host key {path}: {error.strerror}") from None
    with os.fdopen(fd, "wb") as out:
        out.write(key.export_private_key())
    return key, path, True
