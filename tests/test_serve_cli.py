"""`tuinet serve` as a command: what it prints, the host key it keeps, its checks, and the web mode."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tuinet.cli import main
from tuinet.errors import TuinetError
from tuinet.serve import web
from tuinet.serve.auth import Credentials, Role, Throttle
from tuinet.serve.hostkey import data_dir, load_host_key
from tuinet.serve.launch import Limits
from tuinet.serve.process import app_env, clean_term


def _start(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "TUINET_DATA_DIR": str(tmp_path / "data")}
    env.pop("TUINET_PASSWORD", None)
    return subprocess.Popen(
        [sys.executable, "-m", "tuinet", "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _banner(process: subprocess.Popen[str]) -> dict[str, str]:
    """The lines printed at start, up to the network options, keyed by what is before the colon."""
    assert process.stdout is not None
    lines: dict[str, str] = {}
    for line in process.stdout:
        key, _, value = line.partition(":")
        lines[key.strip()] = value.strip()
        if line.startswith("network options"):
            return lines
    raise AssertionError(f"no banner; stderr: {process.stderr.read() if process.stderr else ''}")


def _stop(process: subprocess.Popen[str], sig: signal.Signals = signal.SIGTERM) -> None:
    process.send_signal(sig)
    try:
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_ssh_prints_password_and_fingerprint_and_keeps_the_host_key(tmp_path: Path) -> None:
    """First start makes the host key (0600) and prints a class password; the second reuses the key."""
    fingerprints = []
    for attempt in range(2):
        process = _start(tmp_path, "--ssh", "--port", "0", "--", "--hidden", "8", "--dataset", "xor")
        try:
            banner = _banner(process)
        finally:
            _stop(process)
        assert banner["tuinet serve"].startswith("SSH on 127.0.0.1:")
        assert len(banner["class password"]) >= 16
        assert "--hidden 8 --dataset xor" in banner["network options"]
        fingerprints.append(banner["fingerprint"])
        assert banner["host key"].endswith("(new)" if attempt == 0 else "(kept from before)")
    assert fingerprints[0] == fingerprints[1] and fingerprints[0].startswith("SHA256:")
    key_path = tmp_path / "data" / "ssh_host_ed25519_key"
    assert key_path.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "data").stat().st_mode & 0o777 == 0o700


def test_bad_class_options_fail_before_listening(capsys: pytest.CaptureFixture[str]) -> None:
    """A network option mistake is one line and exit 2 at start, not an error in every student's session."""
    assert main(["serve", "--ssh", "--", "--hidden", "0"]) == 2
    assert main(["serve", "--ssh", "--", "--load", "x.json"]) == 2
    assert main(["serve", "--ssh", "--", "--hidden", "300"]) == 2  # wider than serve's --max-units 256
    assert main(["serve"]) == 2
    errors = capsys.readouterr().err.strip().splitlines()
    assert len(errors) == 4 and all(line.startswith("tuinet: error: ") for line in errors)


def test_credentials_decide_the_role() -> None:
    """The class password makes a student, the teacher's a teacher, anything else nobody."""
    credentials = Credentials("class-password", "teach-me-now")
    assert credentials.role_for_password("class-password") is Role.STUDENT
    assert credentials.role_for_password("teach-me-now") is Role.TEACHER
    assert credentials.role_for_password("Class-password") is None
    assert credentials.role_for_password("") is None


@pytest.mark.parametrize(
    ("class_password", "teacher_password", "message"),
    [
        ("a", None, "too short"),
        ("abcdefg", None, "too short"),
        ("class-password", "short", "too short"),
        ("class-password", "class-password", "near-copy"),
        ("class-password", "class-password2", "near-copy"),
        ("class-password", "CLASS-PASSWORD", "near-copy"),
        ("class-password", "class-passwerd", "near-copy"),
    ],
)
def test_weak_passwords_are_refused(class_password: str, teacher_password: str | None, message: str) -> None:
    """A password shorter than 8, or a teacher's password that is a near-copy of the class's, is one line."""
    with pytest.raises(TuinetError, match=message):
        Credentials(class_password, teacher_password)


def test_weak_password_on_the_command_line_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--ssh", "--password", "a"]) == 2
    assert capsys.readouterr().err.strip() == "tuinet: error: the class password is too short: at least 8 characters"


def test_throttle_slows_an_address_and_everyone() -> None:
    """Failures raise the delay factor for that address (and all, past the global limit); never a lockout."""
    throttle = Throttle(limit=4, window=60, global_limit=10)
    assert throttle.factor("10.0.0.1") == 1
    for _ in range(4):
        throttle.failed("10.0.0.1")
    assert throttle.hot("10.0.0.1") and not throttle.hot("10.0.0.2")
    assert throttle.factor("10.0.0.1") > 1 and throttle.factor("10.0.0.2") == 1
    for n in range(6):
        throttle.failed(f"10.0.1.{n}")  # many addresses, each failing once: a botnet
    assert throttle.factor("10.0.0.2") == 8


def test_abbreviated_forbidden_options_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    """argparse takes --loa for --load: every prefix of a forbidden option is refused too."""
    for option in ("--loa", "--lo=x.json", "--serv", "--follow-f", "--max-u"):
        assert main(["serve", "--ssh", "--", option, "x"]) == 2
    errors = capsys.readouterr().err.strip().splitlines()
    assert len(errors) == 5 and all("cannot be given to served apps" in line for line in errors)


def test_host_key_location_and_private_permissions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TUINET_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert data_dir() == tmp_path / "xdg" / "tuinet"
    _, path, made = load_host_key(tmp_path / "keys")
    assert made
    path.chmod(0o644)
    with pytest.raises(Exception, match="readable by other users"):
        load_host_key(tmp_path / "keys")


def test_app_environment_leaks_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """A served app sees no server secrets, no COLUMNS/LINES (they would break resizes), and a sane TERM."""
    monkeypatch.setenv("TUINET_PASSWORD", "secret")
    env = app_env(clean_term("xterm-256color"))
    assert "TUINET_PASSWORD" not in env and "COLUMNS" not in env and "LINES" not in env
    assert clean_term("xterm; rm -rf /") == "xterm-256color"
    assert clean_term("screen.xterm-256color") == "screen.xterm-256color"


def test_web_command_and_warning(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """--web runs each tab through the launcher (limits apply) and warns loudly beyond loopback."""
    command = web.web_command(["--hidden", "8"], Limits(1 << 30, 60, None))
    assert "tuinet.serve.launch" in command and "--memory" in command and "--served-as solo" in command
    served: list[str] = []
    monkeypatch.setattr("textual_serve.server.Server.serve", lambda self, debug=False: served.append(self.host))
    assert web.serve_web("0.0.0.0", 8000, [], Limits(None, None, None), loopback=False) == 0
    assert "NO authentication" in capsys.readouterr().err
    assert web.serve_web("127.0.0.1", 8000, [], Limits(None, None, None), loopback=True) == 0
    assert "NO authentication" not in capsys.readouterr().err
    assert served == ["0.0.0.0", "127.0.0.1"]


def test_web_serves_the_page_on_loopback(tmp_path: Path) -> None:
    """`tuinet serve --web` answers on 127.0.0.1 with textual-serve's page."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "tuinet", "serve", "--web", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    page = response.read().decode()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.2)
        assert "tuinet" in page
    finally:
        _stop(process, signal.SIGINT)


def test_file_options_reach_the_students_as_absolute_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Served apps run in a private directory: relative --scenario, --weights, --lesson, --dataset paths still work."""
    from tuinet.serve.cli import absolute_file_args

    (tmp_path / "mine.toml").write_text("")
    (tmp_path / "w.npz").write_text("")
    monkeypatch.chdir(tmp_path)
    args = [
        "--scenario",
        "mine.toml",
        "--weights=w.npz",
        "--dataset",
        "xor3",
        "--less",
        "tutorial",
        "--lr",
        "mine.toml",
    ]
    assert absolute_file_args(args) == [
        "--scenario",
        str(tmp_path / "mine.toml"),
        f"--weights={tmp_path / 'w.npz'}",
        "--dataset",
        "xor3",  # a built-in name (no such file here) keeps its meaning
        "--less",
        "tutorial",
        "--lr",
        "mine.toml",  # not a file option: left alone
    ]
