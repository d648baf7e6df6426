"""Files a user names: written atomically when they are files, in place when they are devices."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tuinet.fileio import FileWriteError, write_text


def test_a_file_is_replaced_whole(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old contents that are longer than the new ones\n")
    os.chmod(target, 0o600)
    write_text("new\n", str(target))
    assert target.read_text() == "new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600  # an overwritten file keeps its permissions
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]  # no temporary file left behind


def test_a_device_is_written_in_place_not_renamed_over() -> None:
    """`--output /dev/null` (the serve probe does this) must never replace the device with a regular file."""
    write_text("thrown away\n", os.devnull)
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_a_missing_directory_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(FileWriteError, match=r"^cannot write .*: No such file or directory$"):
        write_text("x", str(tmp_path / "missing" / "out.txt"))
