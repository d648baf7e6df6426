"""`tuinet` on bad input, ctrl+c and closed pipes: one line on stderr, the right exit status, no traceback.

Most tests call main() in-process (fast); two run `python -m tuinet` to prove the real exit
status and that no traceback reaches the terminal.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import tuinet.cli.command
from tests.cli_run import ROOT, install_fake_app, run
from tuinet.cli import main
from tuinet.engine.train import MAX_STEPS

# -- bad input: one line, exit 2 -------------------------------------------------------------------

CSV_FILES: dict[str, bytes] = {
    "empty.csv": b"",
    "header.csv": b"a,b,c\n",
    "ragged.csv": b"0,0,1\n1,1\n",
    "words.csv": b"a,b,c\n0,x,1\n",
    "binary.csv": b"\x00\x01\x02\x03",
    "latin1.csv": b"\xff\xfe,1\n",
    "nan.csv": b"0,nan,1\n",
    "ok.csv": b"0,1,1\n1,0,1\n",
}

BAD_ARGS: dict[str, list[str]] = {
    "hidden zero": ["--hidden", "0"],
    "hidden negative": ["--hidden", "-4"],
    "hidden empty": ["--hidden", ""],
    "hidden empty layer": ["--hidden", "4,,4"],
    "hidden not a number": ["--hidden", "4,x"],
    "hidden too wide": ["--hidden", "2000"],
    "hidden too many layers": ["--hidden", ",".join(["2"] * 17)],
    "steps zero": ["--steps", "0"],
    "steps negative": ["--steps", "-3"],
    "steps not a number": ["--steps", "ten"],
    "steps too many": ["--steps", str(MAX_STEPS + 1)],
    "steps missing": ["--steps"],
    "lr zero": ["--lr", "0"],
    "lr negative": ["--lr", "-1"],
    "lr not a number": ["--lr", "fast"],
    "lr inf": ["--lr", "inf"],
    "lr nan": ["--lr", "nan"],
    "activation unknown": ["--activation", "swish"],
    "output activation unknown": ["--output-activation", "relu"],
    "init unknown": ["--init", "zeros"],
    "batch unknown": ["--batch", "2"],
    "loss unknown": ["--loss", "max"],
    "seed negative": ["--seed", "-1"],
    "seed too large": ["--seed", str(2**32)],
    "max units zero": ["--max-units", "0"],
    "targets zero": ["--targets", "0"],
    "targets too many (builtin)": ["--targets", "2"],
    "targets too many (csv)": ["--dataset", "{tmp}/ok.csv", "--targets", "3"],
    "unknown dataset": ["--dataset", "xor4"],
    "empty dataset name": ["--dataset", ""],
    "missing csv": ["--dataset", "{tmp}/missing.csv"],
    "directory": ["--dataset", "{tmp}"],
    "unknown option": ["--frobnicate"],
    "trace without json": ["--trace"],
    "trace too big": ["--json", "--trace", "--steps", "100000"],
    **{f"csv {name}": ["--dataset", "{tmp}/" + name] for name in CSV_FILES if name != "ok.csv"},
}


@pytest.fixture
def csv_dir(tmp_path: Path) -> Path:
    for name, data in CSV_FILES.items():
        (tmp_path / name).write_bytes(data)
    return tmp_path


def assert_one_line_error(code: int, out: str, err: str) -> None:
    assert code == 2
    assert out == ""
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert err.startswith("tuinet: error: "), err
    assert "Traceback" not in err


@pytest.mark.parametrize("bad", list(BAD_ARGS.values()), ids=list(BAD_ARGS))
def test_bad_train_input(capsys: pytest.CaptureFixture[str], csv_dir: Path, bad: list[str]) -> None:
    """Every kind of bad input is one line on stderr and exit status 2."""
    args = [arg.replace("{tmp}", str(csv_dir)) for arg in bad]
    if "--steps" not in args:
        args += ["--steps", "5"]
    elif args[-1] == "--steps":
        args = args[:-1]  # `--steps` omitted entirely: it is required
    code, out, err = run(capsys, "train", *args)
    assert_one_line_error(code, out, err)


def test_error_names_the_problem(capsys: pytest.CaptureFixture[str], csv_dir: Path) -> None:
    """The messages say what is wrong, not just that something is."""
    cases = {
        ("--lr", "nan"): "--lr",
        ("--dataset", f"{csv_dir}/ragged.csv"): "ragged",
        ("--dataset", f"{csv_dir}/header.csv"): "no data rows",
        ("--hidden", "0"): "--hidden",
        ("--json", "--trace", "--steps", "100000"): "the limit is 2,000,000",
    }
    for args, needle in cases.items():
        steps = [] if "--steps" in args else ["--steps", "5"]
        _, _, err = run(capsys, "train", *args, *steps)
        assert needle in err, (args, err)


@pytest.mark.parametrize(
    "bad",
    [["--digits", "0"], ["--digits", "9"], ["--theme", "pink"], ["--hidden", "0"], ["--dataset", "{tmp}/ragged.csv"]],
    ids=["digits 0", "digits 9", "theme", "hidden", "bad csv"],
)
def test_bad_app_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, csv_dir: Path, bad: list[str]
) -> None:
    """Config and dataset are checked before the app starts: one line, exit 2, no app."""
    fake_app = install_fake_app(monkeypatch)
    code, out, err = run(capsys, *[arg.replace("{tmp}", str(csv_dir)) for arg in bad])
    assert_one_line_error(code, out, err)
    assert fake_app == []


# -- interruptions --------------------------------------------------------------------------------


def test_keyboard_interrupt(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """ctrl+c during training: one line, exit 130."""

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(tuinet.cli.command, "train", interrupted)
    code, out, err = run(capsys, "train", "--steps", "5")
    assert (code, out, err) == (130, "", "tuinet: interrupted\n")


def test_broken_pipe_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """A reader that went away (`| head`) ends the run quietly with 141."""

    class ClosedPipe(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    assert main(["train", "--steps", "5", "--json"]) == 141


# -- the real process ------------------------------------------------------------------------------


def python_m_tuinet(*args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tuinet", *args], cwd=ROOT, capture_output=True, text=True, timeout=60, **kwargs
    )


def test_process_bad_input_exit_status() -> None:
    """`python -m tuinet` really exits 2 with one line and no traceback."""
    done = python_m_tuinet("train", "--steps", "0")
    assert done.returncode == 2
    assert done.stderr == "tuinet: error: argument --steps: must be at least 1, got 0\n"
    assert done.stdout == ""


def test_process_broken_pipe_and_no_textual() -> None:
    """Piping into a reader that quits prints no traceback; `tuinet train` never imports Textual."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tuinet", "train", "--steps", "50", "--json"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before the first write
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141
    assert err == ""

    check = "import sys; from tuinet.cli import main; main(['train', '--steps', '3']); print(sorted(sys.modules))"
    done = subprocess.run([sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "'textual'" not in done.stdout
