"""Reading a user-named file safely: only regular files, never more than a limit.

Datasets and session files are paths a user types. A FIFO would block the read forever, /dev/zero
would never end, and merely opening some devices has effects; so anything that is not a regular file
is refused before it is opened. The file is opened non-blocking and checked again (it may have been
swapped meanwhile), and at most one byte more than the limit is read, whatever its size claims.
"""

from __future__ import annotations

import os
import stat

__all__ = ["ReadRefused", "read_limited"]


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
