"""Random options and random CSV files: every outcome is success or one line on stderr and exit status 2.

Never a traceback (an exception escaping ``main`` fails the test), never a hang, never a memory blow-up.
Valid tables must load to exactly the numbers written; a table with one defect must be refused. The
files that are not files (directories, FIFOs, devices) and the size limits are checked on the real
process, with a timeout, so that a regression fails rather than hangs the suite.
"""

from __future__ import annotations

import io
import json
import math
import os
import string
import subprocess
import sys
import time
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

import tuinet.engine.datasets as datasets
from tests.cli_run import ROOT, install_fake_app, strict_json
from tuinet.cli import main
from tuinet.engine import DatasetError, load_dataset

FUZZ = settings(
    max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


# -- running main ---------------------------------------------------------------------------------------------


def run_main(*argv: str) -> tuple[int, str, str]:
    """``tuinet *argv`` in-process: exit status, stdout, stderr. Any exception escaping main fails the test."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def assert_success_or_one_line(code: int, out: str, err: str) -> bool:
    """The outcome is a clean success or a one-line error with status 2; return whether it succeeded."""
    if code == 0:
        assert err == "", err
        return True
    assert code == 2, (code, err)
    assert out == "", out
    assert err.startswith("tuinet: error: ") and err.endswith("\n") and err.count("\n") == 1, repr(err)
    assert "Traceback" not in err
    return False


def assert_one_line_error(code: int, out: str, err: str, *needles: str) -> str:
    assert not assert_success_or_one_line(code, out, err), "expected an error"
    for needle in needles:
        assert needle in err, (needle, err)
    return err


# -- random options -------------------------------------------------------------------------------------------

JUNK = st.text(max_size=12)
SMALL_INTS = st.integers(-3, 40).map(str)
HUGE_INTS = st.sampled_from(["100000", str(2**32), str(2**63), "1" + "0" * 40, "-99999999999"])
FLOATS = st.floats(allow_nan=True, allow_infinity=True).map(repr) | st.sampled_from(
    ["1e6", "1e300", "1e309", "-0", "0x10", "1_0", " 2 ", "5e-324", ".5", "1.", "inf", "NaN"]
)
HIDDEN = (
    st.lists(st.integers(-2, 12), min_size=1, max_size=4).map(lambda sizes: ",".join(map(str, sizes)))
    | st.sampled_from(["none", "NONE", "", ",", "4,,4", "1025", "100000", "4,100000", ",".join(["2"] * 17), " 3 "])
    | JUNK
)


def option(name: str, values: st.SearchStrategy[str]) -> st.SearchStrategy[list[str]]:
    return values.map(lambda value: [name, value])


NETWORK_OPTIONS = [
    option("--dataset", st.sampled_from(["xor3", "xor", "and", "or", "", "xor4", "/", "/nonexistent.csv"]) | JUNK),
    option("--targets", SMALL_INTS | HUGE_INTS | JUNK),
    option("--hidden", HIDDEN),
    option("--activation", st.sampled_from(["sigmoid", "tanh", "relu", "swish", "", "RELU"])),
    option("--output-activation", st.sampled_from(["sigmoid", "linear", "relu", ""])),
    option("--init", st.sampled_from(["uniform", "signed", "xavier", "zeros"])),
    option("--seed", SMALL_INTS | HUGE_INTS | JUNK),
    option("--lr", FLOATS | JUNK),
    option("--batch", st.sampled_from(["full", "1", "2", "0"])),
    option("--loss", st.sampled_from(["sum", "mean", "max"])),
    option("--max-units", st.sampled_from(["0", "1", "4", "64", "1024", "-5", "x"])),
    st.sampled_from([["--bias"], ["--no-bias"], ["--bias=yes"], ["--frobnicate"], ["-x"], ["--"]]),
]
TRAIN_OPTIONS = [
    option("--steps", st.integers(-2, 25).map(str) | HUGE_INTS | JUNK),
    st.sampled_from([["--json"], ["--trace"], ["--json", "--trace"], []]),
]
APP_OPTIONS = [
    option("--theme", st.sampled_from(["dark", "light", "ansi", "pink"])),
    option("--digits", SMALL_INTS | JUNK),
    option("--load", st.sampled_from(["", "/", "/nonexistent.json", str(ROOT / "pyproject.toml")]) | JUNK),
    st.sampled_from([["--no-mouse"], ["--version"], ["--help"], []]),
]


@st.composite
def command_lines(draw: st.DrawFn, choices: list[st.SearchStrategy[list[str]]]) -> list[str]:
    picked = draw(st.lists(st.sampled_from(choices), max_size=6))
    return [word for strategy in picked for word in draw(strategy)]


@FUZZ
@given(argv=command_lines(NETWORK_OPTIONS + TRAIN_OPTIONS))
def test_random_train_options(argv: list[str]) -> None:
    """`tuinet train …` with random, mostly wrong, option values."""
    # Keep the runs short: a huge hidden layer is only interesting when it is refused.
    assume("--max-units" not in argv or not any("100000" in word or "1025" in word for word in argv))
    code, out, err = run_main("train", "--steps", "3", *argv)
    event(f"exit {code}")
    if assert_success_or_one_line(code, out, err) and "--json" in argv:
        report = strict_json(out)
        assert report["steps"] >= 1 and isinstance(report["diverged"], bool)


@FUZZ
@given(argv=command_lines(NETWORK_OPTIONS + APP_OPTIONS))
def test_random_app_options(monkeypatch: pytest.MonkeyPatch, argv: list[str]) -> None:
    """`tuinet …` (the app) with random options: the app starts only with a valid config, else one line and 2."""
    assume("--max-units" not in argv or not any("100000" in word or "1025" in word for word in argv))
    calls = install_fake_app(monkeypatch)
    calls.clear()
    code, out, err = run_main(*argv)
    event(f"exit {code}")
    if ("--help" in argv or "--version" in argv) and code == 0:  # printed, no app (unless refused first)
        assert out and calls == []
        return
    if assert_success_or_one_line(code, out, err):
        assert len(calls) == 1, calls
    else:
        assert calls == []


def test_absurd_hidden_size_names_the_limit_and_the_flag() -> None:
    err = assert_one_line_error(*run_main("train", "--steps", "1", "--hidden", "100000"), "1024", "--max-units")
    assert "100000" in err


# -- random CSV files -------------------------------------------------------------------------------------------

NUMBER = st.one_of(
    st.integers(-(10**12), 10**12).map(float),
    st.floats(min_value=-1e12, max_value=1e12, allow_nan=False),
    st.sampled_from([0.0, -0.0, 1.0, 0.5, 1e12, -1e12, 5e-324]),
)
NUMBER_TEXT: dict[str, Any] = {
    "repr": repr,
    "general": lambda v: f"{v:g}",
    "fixed": lambda v: f"{v:.3f}",
    "exp": lambda v: f"{v:e}",
    "quoted": lambda v: f'"{v!r}"',
    "spaced": lambda v: f"  {v!r} ",
    "plus": lambda v: f"+{v!r}" if not str(v).startswith("-") else repr(v),
}
NAME = st.text(alphabet=string.ascii_letters + "_ ", min_size=1, max_size=8).filter(
    lambda text: text.strip() != "" and not _is_number(text)
)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _cell_value(text: str) -> float:
    """What a CSV cell means as a number: csv removes the quotes, float() the spaces."""
    return float(text.strip().strip('"'))


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[str] | None, list[list[str]], int]:
    """A valid table as text cells: (header or None, data rows, targets)."""
    width = draw(st.integers(2, 6))
    rows = draw(st.integers(1, 8))
    header = draw(st.lists(NAME, min_size=width, max_size=width)) if draw(st.booleans()) else None
    style = draw(st.sampled_from(sorted(NUMBER_TEXT)))
    data = [
        [NUMBER_TEXT[style](draw(NUMBER)) for _ in range(width)] for _ in range(rows)
    ]  # one style per file, as a program writes it
    data = [[cell if _is_finite_cell(cell) else "0" for cell in row] for row in data]
    targets = draw(st.integers(1, width - 1))
    return header, data, targets


def _is_finite_cell(text: str) -> bool:
    try:
        value = _cell_value(text)
    except ValueError:
        return False
    return math.isfinite(value) and abs(value) <= 1e12


@st.composite
def layouts(draw: st.DrawFn, lines: list[str]) -> str:
    """Join lines with random line endings and blank lines; maybe no final newline."""
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    out: list[str] = []
    for line in lines:
        for _ in range(draw(st.integers(0, 1))):
            out.append(draw(st.sampled_from(["", "   ", "\t"])))
        out.append(line)
    text = ending.join(out)
    return text + ending if draw(st.booleans()) else text


def _write(directory: Path, data: str | bytes) -> str:
    path = directory / "data.csv"
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return str(path)


def _load_ok(path: str, targets: int) -> None:
    code, out, err = run_main("train", "--steps", "2", "--json", "--dataset", path, "--targets", str(targets))
    assert (code, err) == (0, ""), err
    strict_json(out)


@FUZZ
@given(table=tables(), data=st.data())
def test_valid_random_tables_load_exactly(tmp_path: Path, table: Any, data: st.DataObject) -> None:
    """Any rectangular table of finite numbers (with or without a header) loads to exactly those numbers."""
    header, rows, targets = table
    lines = ([",".join(header)] if header else []) + [",".join(row) for row in rows]
    bom = data.draw(st.sampled_from(["", "\ufeff"]))  # Excel's "CSV UTF-8" starts with a byte-order mark
    path = _write(tmp_path, bom + data.draw(layouts(lines)))
    loaded = load_dataset(path, targets=targets)
    expected = np.array([[_cell_value(cell) for cell in row] for row in rows])
    assert np.array_equal(loaded.X, expected[:, :-targets]) and np.array_equal(loaded.y, expected[:, -targets:])
    _load_ok(path, targets)


DEFECTS = (
    "ragged short",
    "ragged long",
    "text",
    "empty cell",
    "nan",
    "inf",
    "overflow",
    "beyond 1e12",
    "NUL",
    "not UTF-8",
    "line break in quotes",
    "targets too many",
    "header only",
    "nothing",
)


@FUZZ
@given(table=tables(), defect=st.sampled_from(DEFECTS), data=st.data())
def test_tables_with_one_defect_are_refused(tmp_path: Path, table: Any, defect: str, data: st.DataObject) -> None:
    """The same tables with one defect in the last data row (or the file): refused, one line, exit 2."""
    header, rows, targets = table
    if header is None and len(rows) == 1:
        rows = [*rows, list(rows[0])]  # the defect must not land in a row that could be read as a header
    last = list(rows[-1])
    column = data.draw(st.integers(0, len(last) - 1))
    replace = {
        "text": data.draw(NAME),
        "empty cell": "",
        "nan": data.draw(st.sampled_from(["nan", "NaN", "-nan"])),
        "inf": data.draw(st.sampled_from(["inf", "-Infinity", "+inf"])),
        "overflow": "1e400",
        "beyond 1e12": data.draw(st.sampled_from(["1000000000001", "-2e12", "1e300"])),
        "line break in quotes": '"1\n2"',
    }
    if defect in replace:
        last[column] = replace[defect]
    elif defect == "ragged short":
        del last[column]
    elif defect == "ragged long":
        last.insert(column, "1")
    lines = ([",".join(header)] if header else []) + [",".join(row) for row in [*rows[:-1], last]]
    if defect == "header only":
        lines = [",".join(header or ["a"] * len(last))]
    text = "" if defect == "nothing" else data.draw(layouts(lines))
    raw = text.encode()
    if defect == "NUL":
        spot = data.draw(st.integers(0, len(raw)))
        raw = raw[:spot] + b"\x00" + raw[spot:]
    elif defect == "not UTF-8":
        spot = data.draw(st.integers(0, len(raw)))
        raw = raw[:spot] + b"\xff" + raw[spot:]
    if defect == "targets too many":
        targets = len(last) + data.draw(st.integers(0, 3))
    path = _write(tmp_path, raw)
    with pytest.raises(DatasetError) as caught:
        load_dataset(path, targets=targets)
    assert "\n" not in str(caught.value)
    assert_one_line_error(*run_main("train", "--steps", "1", "--dataset", path, "--targets", str(targets)))


CSV_ALPHABET = '0123456789.,-+e \n\r"x'
"""Mostly numbers and commas, so that some random files are valid tables and some nearly are."""


@FUZZ
@given(
    content=st.binary(max_size=300)
    | st.text(max_size=300).map(str.encode)
    | st.text(alphabet=CSV_ALPHABET, max_size=300).map(str.encode),
    targets=st.integers(1, 4),
)
def test_random_bytes_as_a_csv(tmp_path: Path, content: bytes, targets: int) -> None:
    """Arbitrary bytes: whatever they are, a dataset or one line and exit 2."""
    path = _write(tmp_path, content)
    code, out, err = run_main("train", "--steps", "1", "--json", "--dataset", path, "--targets", str(targets))
    event(f"exit {code}")
    if assert_success_or_one_line(code, out, err):
        report = json.loads(out)
        assert len(report["final_outputs"][0]) == targets


# -- things that are not regular files ---------------------------------------------------------------------------


def python_m_tuinet(*args: str, timeout: float = 30, memory_cap_mib: int | None = None) -> tuple[int, str, str, float]:
    """The real process, with a timeout (a hang is a failure, not a stuck suite); also its peak memory in MiB.

    ``memory_cap_mib`` caps its address space, so that a run that would exhaust the machine fails with
    MemoryError inside the process instead of bringing in the kernel's OOM killer.
    """
    cap = "" if memory_cap_mib is None else f"resource.setrlimit(resource.RLIMIT_AS, ({memory_cap_mib} << 20,) * 2)\n"
    script = (
        f"import resource, runpy, sys; sys.argv = ['tuinet', *sys.argv[1:]]\n{cap}"
        "try:\n    runpy.run_module('tuinet', run_name='__main__')\n"
        "finally:\n    print(_peak_kib(), file=sys.__stdout__)"
    )
    # Linux carries ru_maxrss across exec: a child of a pytest process that has grown to 430 MiB reports 430 MiB
    # however little it used itself. VmHWM in /proc is the high-water mark of this process's own memory.
    script = (
        "def _peak_kib():\n"
        "    import os, resource\n"
        "    if os.path.exists('/proc/self/status'):\n"
        "        with open('/proc/self/status') as status:\n"
        "            return next(int(line.split()[1]) for line in status if line.startswith('VmHWM:'))\n"
        "    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    ) + script
    done = subprocess.run(
        [sys.executable, "-c", script, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
    *out, peak = done.stdout.rstrip("\n").split("\n")
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS; KiB on Linux (VmHWM too)
    return done.returncode, "\n".join(out), done.stderr, int(peak) * 1024 / scale / 1024


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    """Opening a FIFO for reading blocks until a writer comes: the dataset loader must not even try."""
    fifo = tmp_path / "data.csv"
    os.mkfifo(fifo)
    link = tmp_path / "link.csv"
    link.symlink_to(fifo)
    for path in (fifo, link):
        code, out, err, _ = python_m_tuinet("train", "--steps", "1", "--dataset", str(path))
        assert_one_line_error(code, out, err, "FIFO")


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null", "/dev/urandom"])
def test_a_device_is_refused(device: str) -> None:
    """/dev/zero never ends: reading it would hang and eat memory."""
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    code, out, err, _ = python_m_tuinet("train", "--steps", "1", "--dataset", device)
    assert_one_line_error(code, out, err, "device")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_as_a_session_file_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "session.json"
    os.mkfifo(fifo)
    code, out, err, _ = python_m_tuinet("--load", str(fifo), timeout=5)
    assert_one_line_error(code, out, err)


def test_odd_paths(tmp_path: Path) -> None:
    """A directory, a dangling symlink, a path through a file, a NUL byte, an over-long name: one line each."""
    dangling = tmp_path / "gone.csv"
    dangling.symlink_to(tmp_path / "never.csv")
    plain = tmp_path / "plain.csv"
    plain.write_text("0,1\n")
    for path, needle in [
        (str(tmp_path), "directory"),
        (str(dangling), "no such file"),
        (f"{plain}/inside.csv", "no such file"),
        ("bad\x00name.csv", "no such file"),
        ("x" * 5000, ""),
    ]:
        assert_one_line_error(*run_main("train", "--steps", "1", "--dataset", path), needle)


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Permission denied (simulated: the tests may run as root, who can read anything)."""
    path = _write(tmp_path, "0,1\n")
    real_open = os.open

    def denied(name: str, flags: int, *args: int) -> int:
        if name == path:
            raise PermissionError(13, "Permission denied")
        return real_open(name, flags, *args)

    monkeypatch.setattr(os, "open", denied)
    assert_one_line_error(*run_main("train", "--steps", "1", "--dataset", path), "cannot be read", "Permission denied")


@pytest.mark.skipif(not os.path.exists("/proc/self/maps"), reason="needs /proc")
def test_a_file_larger_than_its_size_says_is_read_only_up_to_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """/proc files claim size 0: the loader reads at most the limit + 1 byte, whatever the size says."""
    monkeypatch.setattr(datasets, "MAX_CSV_BYTES", 64)
    with pytest.raises(DatasetError, match="larger than"):
        load_dataset("/proc/self/maps")


# -- limits --------------------------------------------------------------------------------------------------------


def test_too_many_rows_or_columns_name_the_limit(tmp_path: Path) -> None:
    rows = _write(tmp_path, "a,b\n" + "0,1\n" * 100_001)
    assert_one_line_error(*run_main("train", "--steps", "1", "--dataset", rows), "100001 rows", "the limit is 100000")
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(["1"] * 5000) + "\n")
    assert_one_line_error(
        *run_main("train", "--steps", "1", "--dataset", str(wide)), "5000 columns", "the limit is 1000"
    )
    quoted = tmp_path / "quoted.csv"
    quoted.write_text(",".join(['"1"'] * 5000) + "\n")
    assert_one_line_error(
        *run_main("train", "--steps", "1", "--dataset", str(quoted)), "5000 columns", "the limit is 1000"
    )


def test_a_file_over_64_mib_is_refused_unread(tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    with open(big, "wb") as handle:
        handle.truncate(65 * 2**20)  # sparse: instant, and takes no disk
    started = time.perf_counter()
    assert_one_line_error(*run_main("train", "--steps", "1", "--dataset", str(big)), "65 MiB", "the limit of 64 MiB")
    assert time.perf_counter() - started < 2


@pytest.mark.parametrize(
    "content, needle",
    [
        (b"0\n" * (8 * 2**20), "8388608 rows; the limit is 100000"),  # 16 MiB: 8 million one-number rows
        (b"10," * (16 * 2**20 // 3) + b"1\n", "columns; the limit is 1000"),  # 16 MiB: one line, 5.6 million fields
        (b'"10",' * (16 * 2**20 // 5) + b"1\n", "the limit is 1000 columns"),  # the same, quoted
    ],
    ids=["millions of rows", "millions of columns", "millions of quoted columns"],
)
def test_huge_csv_is_refused_in_bounded_memory_and_time(tmp_path: Path, content: bytes, needle: str) -> None:
    """A CSV far past a limit is refused in seconds, without first holding it all as Python strings."""
    path = _write(tmp_path, content)
    started = time.perf_counter()
    code, out, err, peak_mib = python_m_tuinet("train", "--steps", "1", "--dataset", path, timeout=120)
    elapsed = time.perf_counter() - started
    assert_one_line_error(code, out, err, needle)
    # The whole CSV as str rows took ~2 GB and 15 s for 8 million rows; now the text plus a little.
    assert peak_mib < 400, f"peak memory {peak_mib:.0f} MiB"
    assert elapsed < 60, f"took {elapsed:.0f} s"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="address-space cap tested on Linux")
def test_a_network_too_large_for_memory_is_refused_up_front(tmp_path: Path) -> None:
    """Each limit alone is fine; their product must be refused before anything is computed."""
    path = _write(tmp_path, "".join(f"{i % 7},{i % 2}\n" for i in range(100_000)))
    started = time.perf_counter()
    code, out, err, _ = python_m_tuinet(
        "train",
        "--steps",
        "1",
        "--dataset",
        path,
        "--hidden",
        ",".join(["1024"] * 16),
        memory_cap_mib=3072,
        timeout=120,
    )
    assert_one_line_error(code, out, err, "limit")
    assert time.perf_counter() - started < 10
