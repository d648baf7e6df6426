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
from dataclasses import dataclass

import numpy as np

from tuinet.engine.errors import DatasetError
from tuinet.engine.types import Matrix

__all__ = ["BUILTIN_DATASETS", "MAX_CSV_BYTES", "Dataset", "load_dataset"]

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


def _table(rows: list[list[float]], n_targets: int, name: str) -> Dataset:
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


def _load_csv(path: str, targets: int, max_rows: int, max_columns: int) -> Dataset:
    known = ", ".join(BUILTIN_DATASETS)
    if not os.path.exists(path):
        raise DatasetError(f"no dataset named {path!r}: not one of {known}, and no such file")
    if os.path.isdir(path):
        raise DatasetError(f"dataset {path!r} is a directory, not a CSV file")
    try:
        size = os.path.getsize(path)
        if size > MAX_CSV_BYTES:
            raise DatasetError(f"CSV {path!r} is {size // 2**20} MiB; the limit is {MAX_CSV_BYTES // 2**20} MiB")
        with open(path, encoding="utf-8", newline="") as handle:
            text = handle.read()
    except UnicodeDecodeError:
        raise DatasetError(f"CSV {path!r} is not UTF-8 text") from None
    except OSError as error:
        raise DatasetError(f"cannot read CSV {path!r}: {error.strerror or error}") from None
    if "\x00" in text:
        raise DatasetError(f"CSV {path!r} is binary, not text")

    try:
        # The reader gets the text itself, not its lines: a quoted field spanning two lines ("1⏎2") then
        # stays one field and is refused, instead of being glued into the number 12. Each row keeps its
        # physical line number (blank lines are skipped but still counted) for the error messages.
        reader = csv.reader(io.StringIO(text, newline=""))
        raw = [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)]
    except csv.Error as error:
        raise DatasetError(f"CSV {path!r} cannot be parsed: {error}") from None
    if not raw:
        raise DatasetError(f"CSV {path!r} is empty")

    def parse(row: list[str]) -> list[float] | None:
        try:
            return [float(cell) for cell in row]
        except ValueError:
            return None

    # An optional header: the first row may be names, if it does not parse as numbers.
    start = 0 if parse(raw[0][1]) is not None else 1
    body = raw[start:]
    if not body:
        raise DatasetError(f"CSV {path!r} has a header but no data rows")
    width = len(raw[0][1])
    if width > max_columns:
        raise DatasetError(f"CSV {path!r} has {width} columns; the limit is {max_columns}")
    if len(body) > max_rows:
        raise DatasetError(f"CSV {path!r} has {len(body)} rows; the limit is {max_rows}")
    rows: list[list[float]] = []
    for number, row in body:
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
        rows.append(values)
    if targets >= width:
        raise DatasetError(f"--targets {targets} leaves no input columns: CSV {path!r} has only {width} column(s)")
    return _table(rows, targets, os.path.basename(path))
