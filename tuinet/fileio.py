"""Files a user names: reading them safely (only regular files, never more than a limit) and writing atomically.

Datasets and session files are paths a user types. A FIFO would block the read forever, /dev/zero
would never end, and merely opening some devices has effects; so anything that is not a regular file
is refused before it is opened. The file is opened non-blocking and checked again (it may have been
swapped meanwhile), and at most one byte more than the limit is read, whatever its size claims.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
import sys
from collections.abc import Iterable

from tuinet.errors import TuinetError

__all__ = ["FileWriteError", "ReadRefused", "read_limited", "read_named_text", "write_atomically", "write_text"]


class ReadRefused(Exception):
    """Why a file cannot be used, as a short phrase: 'does not exist', 'is a directory', …"""

    def __init__(self, reason: str, *, missing: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.missing = missing


def read_limited(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of regular file ``path`` if it holds at most ``limit`` of them; else ReadRefused."""
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        raise ReadRefused("does not exist", missing=True) from None
    except ValueError:  # a NUL byte in the path: no file can have that name
        raise ReadRefused("is not a valid path", missing=True) from None
    except OSError as error:
        raise ReadRefused(f"cannot be read: {error.strerror or error}") from None
    if stat.S_ISDIR(info.st_mode):
        raise ReadRefused("is a directory")
    if not stat.S_ISREG(info.st_mode):
        raise ReadRefused("is a device, FIFO or socket, not a file")
    if info.st_size > limit:
        raise ReadRefused(f"is {_size(info.st_size)}, larger than the limit of {_size(limit)}")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        with open(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise ReadRefused("is no longer a regular file")
            data = handle.read(limit + 1)
    except OSError as error:
        raise ReadRefused(f"cannot be read: {error.strerror or error}") from None
    if len(data) > limit:
        raise ReadRefused(f"is larger than the limit of {_size(limit)}")
    return data


def _size(count: int) -> str:
    return f"{count // 2**20} MiB" if count >= 10 * 2**20 else f"{count // 1024:,} KiB"


def write_atomically(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` so the file is either the old one or the new one, never a mix.

    Through a symlink, the file it points to is replaced (and the temporary file is kept in that directory: a
    rename is only atomic within one file system). Raises OSError, or ValueError for a path with a NUL byte.
    """
    target = os.path.realpath(path)
    directory, name = os.path.split(target)
    temp = os.path.join(directory, f".{name}.{secrets.token_hex(4)}.tmp")
    # O_EXCL never writes through an existing file or symlink; mode 0o666 lets the umask decide, as open() does.
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())  # the data is on disk before the rename makes it the file
        with contextlib.suppress(FileNotFoundError):
            os.chmod(temp, stat.S_IMODE(os.stat(target).st_mode))  # an overwritten file keeps its permissions
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


class FileWriteError(TuinetError):
    """A file the user named cannot be written (missing directory, no permission, a full disk…)."""


def write_text(text: str, path: str | None) -> None:
    """Write ``text`` to ``path`` atomically, or to stdout when path is None or ``-``."""
    if path is None or path == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        if _is_special(path):
            # /dev/null, /dev/stdout, a FIFO: written to in place. Renaming a new file over them would replace
            # the device itself.
            with open(path, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
        else:
            write_atomically(path, text.encode("utf-8"))
    except OSError as error:
        raise FileWriteError(f"cannot write {path!r}: {error.strerror or error}") from None
    except ValueError:
        raise FileWriteError(f"cannot write {path!r}: the path holds a NUL byte") from None


def _is_special(path: str) -> bool:
    """True when ``path`` exists and is not a regular file (a device, a FIFO, a socket)."""
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def read_named_text(
    path: str, limit: int, error: type[TuinetError], what: str, builtins: Iterable[str], text_noun: str
) -> str:
    """The UTF-8 text of a file the user named where a built-in name was also allowed (a dataset, a lesson).

    Every refusal is one ``error`` line: a missing file lists the built-in names (the user may have meant one),
    anything else says why (``what`` names the kind; ``text_noun`` the file in the not-UTF-8 message). A
    byte-order mark (Excel's "CSV UTF-8") is not part of the text.
    """
    try:
        data = read_limited(path, limit)
    except ReadRefused as refused:
        if refused.missing:
            known = ", ".join(builtins)
            raise error(f"no {what} named {path!r}: not one of {known}, and no such file") from None
        raise error(f"{what} {path!r} {refused.reason}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise error(f"{text_noun} {path!r} is not UTF-8 text") from None
