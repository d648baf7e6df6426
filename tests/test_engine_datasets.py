"""Datasets: the built-in truth tables, CSV files, and a one-line DatasetError for every bad file."""

from __future__ import annotations

import os
import random
from pathlib import Path

import numpy as np
import pytest

from tuinet.engine import BUILTIN_DATASETS, DatasetError, TuinetError, load_dataset


@pytest.mark.parametrize(
    "name, X, y",
    [
        ("xor3", [[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], [[0], [1], [1], [0]]),
        ("xor", [[0, 0], [0, 1], [1, 0], [1, 1]], [[0], [1], [1], [0]]),
        ("and", [[0, 0], [0, 1], [1, 0], [1, 1]], [[0], [0], [0], [1]]),
        ("or", [[0, 0], [0, 1], [1, 0], [1, 1]], [[0], [1], [1], [1]]),
    ],
)
def test_builtin_values(name: str, X: list[list[int]], y: list[list[int]]) -> None:
    data = load_dataset(name)
    assert data is BUILTIN_DATASETS[name] and data.name == name
    assert data.X.dtype == data.y.dtype == np.float64
    assert np.array_equal(data.X, np.array(X, dtype=np.float64)) and np.array_equal(data.y, np.array(y, dtype=float))
    assert (data.n_rows, data.n_inputs, data.n_outputs) == (4, len(X[0]), 1)
    assert not data.X.flags.writeable and not data.y.flags.writeable
    assert data.X.flags.c_contiguous and data.y.flags.c_contiguous


def test_builtin_names() -> None:
    assert set(BUILTIN_DATASETS) == {"xor3", "xor", "and", "or"}


def _write(tmp_path: Path, name: str, content: str | bytes) -> str:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return str(path)


def test_csv_with_header_and_two_targets(tmp_path: Path) -> None:
    path = _write(tmp_path, "data.csv", "x1,x2,x3,t1,t2\n0,0.5,1,0,1\n1,-2.5,3e2,1,0\n\n7,8,9,10,11\n")
    data = load_dataset(path, targets=2)
    assert data.name == "data.csv"
    np.testing.assert_array_equal(data.X, [[0, 0.5, 1], [1, -2.5, 300], [7, 8, 9]])
    np.testing.assert_array_equal(data.y, [[0, 1], [1, 0], [10, 11]])
    assert not data.X.flags.writeable and data.X.flags.c_contiguous and data.y.flags.c_contiguous


def test_csv_without_header(tmp_path: Path) -> None:
    data = load_dataset(_write(tmp_path, "plain.csv", "1,2,3\r\n4,5,6\r\n"))
    np.testing.assert_array_equal(data.X, [[1, 2], [4, 5]])
    np.testing.assert_array_equal(data.y, [[3], [6]])


def test_csv_whitespace_and_quotes_are_tolerated(tmp_path: Path) -> None:
    data = load_dataset(_write(tmp_path, "spaced.csv", '"1", 2 ,3\n4,5, 6 \n'))
    np.testing.assert_array_equal(data.X, [[1, 2], [4, 5]])


def test_a_single_row_is_enough(tmp_path: Path) -> None:
    data = load_dataset(_write(tmp_path, "one.csv", "a,b\n1,0\n"))
    assert data.n_rows == 1 and data.n_inputs == 1


BAD_FILES: dict[str, str | bytes] = {
    "empty": "",
    "blank lines only": "\n \n\t\n",
    "header only": "a,b,c\n",
    "ragged": "1,2,3\n4,5\n",
    "ragged after a header": "a,b\n1,2\n3,4,5\n",
    "not a number": "1,2\n3,x\n",
    "empty cell": "1,2\n3,\n",
    "nan": "1,2\nnan,3\n",
    "inf": "1,2\n3,inf\n",
    "overflowing number": "1,1e400\n",
    "beyond 1e12": "1,2e12\n",
    "NUL byte": b"1,2\x00\n3,4\n",
    "not UTF-8": b"1,2\n\xff\xfe,3\n",
    "quoted field across lines": '1,2\n"3\n4",5\n',
    "one column": "1\n2\n",
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_csv_is_one_line_dataset_error(tmp_path: Path, case: str) -> None:
    path = _write(tmp_path, "bad.csv", BAD_FILES[case])
    with pytest.raises(DatasetError) as caught:
        load_dataset(path)
    _one_line(caught.value)
    assert "bad.csv" in str(caught.value)


def _one_line(error: BaseException) -> None:
    text = str(error)
    assert text and "\n" not in text and "\r" not in text, repr(text)
    assert isinstance(error, TuinetError) and isinstance(error, ValueError)


@pytest.mark.parametrize("seed", range(12))
def test_binary_junk_is_refused(tmp_path: Path, seed: int) -> None:
    junk = random.Random(seed).randbytes(512)
    with pytest.raises(DatasetError) as caught:
        load_dataset(_write(tmp_path, "junk.bin", junk))
    _one_line(caught.value)


def test_missing_file_and_unknown_name(tmp_path: Path) -> None:
    for name in ("xor4", str(tmp_path / "nope.csv"), str(tmp_path / "two\nlines.csv"), ""):
        with pytest.raises(DatasetError, match="no dataset named") as caught:
            load_dataset(name)
        _one_line(caught.value)


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="directory") as caught:
        load_dataset(str(tmp_path))
    _one_line(caught.value)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "secret.csv", "1,2\n")
    os.chmod(path, 0)
    try:
        with pytest.raises(DatasetError, match="cannot read") as caught:
            load_dataset(path)
        _one_line(caught.value)
    finally:
        os.chmod(path, 0o600)


def test_targets_must_leave_inputs(tmp_path: Path) -> None:
    path = _write(tmp_path, "three.csv", "1,2,3\n")
    assert load_dataset(path, targets=2).n_inputs == 1
    for targets in (3, 4, 100):
        with pytest.raises(DatasetError, match="no input columns") as caught:
            load_dataset(path, targets=targets)
        _one_line(caught.value)
    with pytest.raises(DatasetError, match="at least 1") as caught:
        load_dataset(path, targets=0)
    _one_line(caught.value)


def test_builtin_targets_must_fit() -> None:
    with pytest.raises(DatasetError, match="target column") as caught:
        load_dataset("xor", targets=2)
    _one_line(caught.value)


def test_size_limits(tmp_path: Path) -> None:
    path = _write(tmp_path, "big.csv", "".join(f"{i},{i % 2}\n" for i in range(50)))
    with pytest.raises(DatasetError, match="50 rows; the limit is 10") as caught:
        load_dataset(path, max_rows=10)
    _one_line(caught.value)
    wide = _write(tmp_path, "wide.csv", ",".join("1" * 30) + "\n")
    with pytest.raises(DatasetError, match="30 columns; the limit is 20") as caught:
        load_dataset(wide, max_columns=20)
    _one_line(caught.value)


def test_error_points_at_the_physical_line(tmp_path: Path) -> None:
    """Blank lines are skipped, but still counted: the message names the line an editor shows."""
    path = _write(tmp_path, "gaps.csv", "a,b\n\n1,2\n\n\n3,oops\n")
    with pytest.raises(DatasetError, match=r"line 6 has a value that is not a number: 'oops'"):
        load_dataset(path)
    ragged = _write(tmp_path, "ragged.csv", "1,2\n\n3,4,5\n")
    with pytest.raises(DatasetError, match=r"line 3 has 3 columns, expected 2"):
        load_dataset(ragged)


def test_a_first_row_with_a_typo_is_not_taken_for_a_header(tmp_path: Path) -> None:
    """A header has no number in it; 1,2,x is a data row with a typo, and the message names the cell."""
    path = _write(tmp_path, "typo.csv", "1,2,x\n0,1,1\n1,0,1\n")
    with pytest.raises(DatasetError) as caught:
        load_dataset(path)
    _one_line(caught.value)
    assert "line 1" in str(caught.value) and "'x'" in str(caught.value) and "column 3" in str(caught.value)
    # A header of names still is one, even when a name has digits in it.
    header = load_dataset(_write(tmp_path, "named.csv", "x1,x2,y\n0,1,1\n1,1,0\n"))
    assert header.n_rows == 2


@pytest.mark.parametrize("text", ["x1;x2;y\n0;1;1\n1;0;1\n", "0;1;1\n1;0;1\n", "0\t1\t1\n1\t0\t1\n"])
def test_a_file_with_another_separator_is_told_so(tmp_path: Path, text: str) -> None:
    path = _write(tmp_path, "semi.csv", text)
    with pytest.raises(DatasetError) as caught:
        load_dataset(path)
    _one_line(caught.value)
    separator = ";" if ";" in text else "tab"
    assert f"separated by {separator!r}" in str(caught.value) or f"separated by {separator}" in str(caught.value)
    assert "commas" in str(caught.value)
