"""Training data: the built-in truth tables and CSV files.

The default, ``xor3``, is the 4-row data of the classic tutorial: XOR of the first two
inputs, with a constant third input of 1 that lets the first layer learn a bias even
though the network has no separate bias vector.
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from tuinet.engine.types import Matrix
from tuinet.errors import DatasetError
from tuinet.fileio import read_named_text

__all__ = ["BUILTIN_DATASETS", "MAX_CSV_BYTES", "Dataset", "inline_dataset", "load_dataset"]

MAX_CSV_BYTES = 64 * 1024 * 1024
"""A CSV larger than this is refused before it is read (a teaching net does not need more)."""


@dataclass(frozen=True, eq=False)
class Dataset:
    """Inputs X (rows × inputs) and targets y (rows × outputs)."""

    name: str
    X: Matrix
    y: Matrix

    @property
    def n_rows(self) -> int:
        return int(self.X.shape[0])

    @property
    def n_inputs(self) -> int:
        return int(self.X.shape[1])

    @property
    def n_outputs(self) -> int:
        return int(self.y.shape[1])


def _table(rows: Sequence[Sequence[float]] | Sequence[Matrix], n_targets: int, name: str) -> Dataset:
    data = np.array(rows, dtype=np.float64)
    X = np.ascontiguousarray(data[:, :-n_targets])
    y = np.ascontiguousarray(data[:, -n_targets:])
    X.setflags(write=False)
    y.setflags(write=False)
    return Dataset(name, X, y)


BUILTIN_DATASETS: dict[str, Dataset] = {
    "xor3": _table([[0, 0, 1, 0], [0, 1, 1, 1], [1, 0, 1, 1], [1, 1, 1, 0]], 1, "xor3"),
    "xor": _table([[0, 0, 0], [0, 1, 1], [1, 0, 1], [1, 1, 0]], 1, "xor"),
    "and": _table([[0, 0, 0], [0, 1, 0], [1, 0, 0], [1, 1, 1]], 1, "and"),
    "or": _table([[0, 0, 0], [0, 1, 1], [1, 0, 1], [1, 1, 1]], 1, "or"),
}


def inline_dataset(name: str, rows: Sequence[Sequence[float]], targets: int) -> Dataset:
    """A dataset from rows given directly (a scenario's worked example): the last ``targets`` columns are targets.

    The rows were checked by NetConfig (rectangular, finite, more columns than targets).
    """
    if not rows or len(rows[0]) <= targets:
        raise DatasetError(f"dataset {name!r}: --targets {targets} leaves no input columns")
    return _table(rows, targets, name)


def load_dataset(name_or_path: str, targets: int = 1, max_rows: int = 100_000, max_columns: int = 1_000) -> Dataset:
    """A built-in dataset by name, or a CSV file whose last ``targets`` columns are the targets.

    Raises DatasetError with a one-line message for anything that cannot be used.
    """
    if targets < 1:
        raise DatasetError(f"--targets must be at least 1, got {targets}")
    if name_or_path in BUILTIN_DATASETS:
        data = BUILTIN_DATASETS[name_or_path]
        if targets != data.n_outputs:
            raise DatasetError(
                f"dataset {name_or_path!r} has {data.n_outputs} target column(s); --targets {targets} does not fit"
            )
        return data
    return _load_csv(name_or_path, targets, max_rows, max_columns)


def _read_text(path: str) -> str:
    """The file's text: a regular file of at most MAX_CSV_BYTES of UTF-8, or DatasetError."""
    return read_named_text(path, MAX_CSV_BYTES, DatasetError, "dataset", BUILTIN_DATASETS, "CSV")


def _lines(text: str, path: str, max_columns: int) -> Iterator[str]:
    """The physical lines of ``text``, refusing a line with too many columns before csv splits it.

    csv would first build the whole row: a 64 MiB line of ``10,10,…`` is 22 million strings, ~2 GB.
    Without quotes a line has exactly one column more than it has commas. With quotes (a comma may be
    inside a field) csv decides, once the line is parsed; only a line too long to be ``max_columns``
    fields of up to 1 KiB each is refused before.
    """
    for number, line in enumerate(io.StringIO(text, newline=""), start=1):
        if len(line) >= max_columns and (commas := line.count(",")) >= max_columns:
            if '"' not in line:
                raise DatasetError(f"CSV {path!r} line {number} has {commas + 1} columns; the limit is {max_columns}")
            if len(line) > 1024 * max_columns:
                raise DatasetError(
                    f"CSV {path!r} line {number} is {len(line):,} characters long, with up to {commas + 1} columns; "
                    f"the limit is {max_columns} columns"
                )
        yield line


def _load_csv(path: str, targets: int, max_rows: int, max_columns: int) -> Dataset:
    text = _read_text(path)
    if "\x00" in text:
        raise DatasetError(f"CSV {path!r} is binary, not text")

    def parse(row: list[str]) -> list[float] | None:
        try:
            return [float(cell) for cell in row]
        except ValueError:
            return None

    # Rows are checked and converted as they are read, so that neither the row limit nor the column limit
    # is only found out after the whole file sits in memory as Python strings (64 MiB of "0⏎" is 33 million
    # rows: ~7 GB and a minute, before).
    # The reader gets the text itself, not its lines: a quoted field spanning two lines ("1⏎2") then stays
    # one field and is refused, instead of being glued into the number 12. Each row keeps its physical line
    # number (blank lines are skipped but still counted) for the error messages.
    reader = csv.reader(_lines(text, path, max_columns))
    rows: list[Matrix] = []
    width = 0  # of the first non-blank row; 0 until it is read
    try:
        for row in reader:
            if not "".join(row).strip():
                continue
            number = reader.line_num
            if width == 0:
                width = len(row)
                if width > max_columns:
                    raise DatasetError(f"CSV {path!r} has {width} columns; the limit is {max_columns}")
                _check_separator(row, path, number)
                if parse(row) is None:
                    # A header is names only. A first row with a number in it is data with a typo (1,2,x):
                    # taken for a header, it would silently drop a sample and train on the rest.
                    numbers = [k for k, cell in enumerate(row) if parse([cell]) is not None]
                    if numbers:
                        column, bad = next((k, c) for k, c in enumerate(row) if parse([c]) is None)
                        raise DatasetError(
                            f"CSV {path!r} line {number} column {column + 1} is not a number: {bad.strip()[:20]!r} "
                            "(a header row holds names only)"
                        )
                    continue  # the optional header
            if len(rows) == max_rows:
                more = 1 + sum(1 for rest in reader if "".join(rest).strip())  # counted, not kept
                raise DatasetError(f"CSV {path!r} has {max_rows + more} rows; the limit is {max_rows}")
            if len(row) != width:
                raise DatasetError(f"CSV {path!r} line {number} has {len(row)} columns, expected {width} (ragged rows)")
            values = parse(row)
            if values is None:
                bad = next(cell for cell in row if parse([cell]) is None)
                raise DatasetError(f"CSV {path!r} line {number} has a value that is not a number: {bad.strip()[:20]!r}")
            if not all(math.isfinite(v) for v in values):
                raise DatasetError(f"CSV {path!r} line {number} has NaN or infinity; only finite numbers are allowed")
            if any(abs(v) > 1e12 for v in values):
                raise DatasetError(f"CSV {path!r} line {number} has a value beyond ±1e12; scale the data first")
            rows.append(np.array(values, dtype=np.float64))  # 8 bytes a number, not a 32-byte Python float
    except csv.Error as error:
        raise DatasetError(f"CSV {path!r} cannot be parsed: {error}") from None
    if width == 0:
        raise DatasetError(f"CSV {path!r} is empty")
    if not rows:
        raise DatasetError(f"CSV {path!r} has a header but no data rows")
    if targets >= width:
        raise DatasetError(f"--targets {targets} leaves no input columns: CSV {path!r} has only {width} column(s)")
    return _table(rows, targets, os.path.basename(path))


def _check_separator(row: list[str], path: str, number: int) -> None:
    """A one-column first row holding ``;`` or tabs is a file written with another separator (Excel in many
    locales writes ``0;1;1``): say so, instead of a puzzling "not a number" or "no input columns"."""
    if len(row) != 1:
        return
    for separator, name in ((";", "';'"), ("\t", "tabs")):
        if separator in row[0]:
            raise DatasetError(
                f"CSV {path!r} line {number} looks separated by {name}, not commas: "
                "tuinet reads comma-separated values (0,1,1)"
            )
