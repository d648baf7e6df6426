"""config.toml: settings that persist, the command line winning over them, one-line errors, `tuinet config`, keymap."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.cli_run import install_fake_app, run
from tests.screen import screen_lines
from tuinet.app import make_app
from tuinet.app.pace import PLAY_DELAYS
from tuinet.app.session import Cursor, Granularity
from tuinet.cli.config import config_path
from tuinet.engine import NetConfig


@pytest.fixture
def fake_app(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    return install_fake_app(monkeypatch)


def write_config(text: str) -> Path:
    """Write the config file where tuinet looks for it (conftest points XDG_CONFIG_HOME at a fresh folder)."""
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_the_file_is_where_xdg_says() -> None:
    assert config_path({"XDG_CONFIG_HOME": "/x", "HOME": "/h"}) == Path("/x/tuinet/config.toml")
    assert config_path({"HOME": "/h"}) == Path("/h/.config/tuinet/config.toml")
    # The XDG spec: a relative XDG_CONFIG_HOME is invalid and ignored.
    assert config_path({"XDG_CONFIG_HOME": "rel", "HOME": "/h"}) == Path("/h/.config/tuinet/config.toml")
    assert config_path() == Path(os.environ["XDG_CONFIG_HOME"]) / "tuinet" / "config.toml"


def test_settings_in_the_file_take_effect(capsys: pytest.CaptureFixture[str], fake_app: list[dict[str, Any]]) -> None:
    write_config(
        'theme = "light"\ndigits = 5\nmouse = false\nplay-every = 0.25\n'
        '[network]\nhidden = [8, 8]\nbias = true\nlr = 0.5\n[keymap]\nnext-iteration = "n"\n'
    )
    code, _, err = run(capsys)
    assert (code, err) == (0, "")
    assert fake_app == [
        {
            "config": NetConfig(hidden=(8, 8), bias=True, lr=0.5),
            "theme": "light",
            "digits": 5,
            "mouse": False,
            "speed": PLAY_DELAYS.index(0.25),
            "keymap": {"next-iteration": "n"},
        }
    ]


def test_the_command_line_wins(capsys: pytest.CaptureFixture[str], fake_app: list[dict[str, Any]]) -> None:
    write_config('theme = "light"\ndigits = 5\nmouse = false\n[network]\nhidden = 8\nlr = 0.5\n')
    code, _, err = run(capsys, "--theme", "ansi", "--hidden", "3", "--mouse")
    assert (code, err) == (0, "")
    assert fake_app == [{"config": NetConfig(hidden=(3,), lr=0.5), "theme": "ansi", "digits": 5, "mouse": True}]


def test_notation_passes_through_to_the_option(
    capsys: pytest.CaptureFixture[str], fake_app: list[dict[str, Any]]
) -> None:
    """`notation` is --notation's key: checked against the registered profiles by that option, and passed on."""
    write_config('notation = "tutorial"\n')
    assert run(capsys)[0] == 0
    assert fake_app[0]["notation"] == "tutorial"
    fake_app.clear()
    assert run(capsys, "--notation", "trask")[0] == 0  # the command line wins
    assert fake_app[0]["notation"] == "trask"
    path = write_config('notation = "klingon"\n')
    code, _, err = run(capsys)
    wanted = f"tuinet: error: {path}: notation: must be one of tuinet, tutorial, trask, nielsen, got 'klingon'"
    assert code == 2 and err.startswith(wanted), err


def test_no_config_ignores_the_file(capsys: pytest.CaptureFixture[str], fake_app: list[dict[str, Any]]) -> None:
    write_config('theme = "light"\n')
    assert run(capsys, "--no-config")[0] == 0
    assert fake_app[0]["theme"] == "dark"


def test_the_file_reaches_train_too(capsys: pytest.CaptureFixture[str]) -> None:
    write_config("[network]\nhidden = 3\nseed = 7\n")
    code, out, _ = run(capsys, "train", "--steps", "2", "--json")
    assert code == 0 and '"hidden": [3]' in out and '"seed": 7' in out


def test_served_apps_read_no_config(capsys: pytest.CaptureFixture[str], fake_app: list[dict[str, Any]]) -> None:
    """A class sees what the teacher typed, not the config of whoever runs the server."""
    write_config('theme = "light"\n[network]\nhidden = 8\n')
    assert run(capsys, "--served-as", "solo")[0] == 0
    assert fake_app[0]["theme"] == "dark" and fake_app[0]["config"] == NetConfig()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("digits = 12\n", "digits: must be from 1 to 8, got 12"),
        ('theme = "pink"\n', "theme: invalid choice: 'pink'"),
        ('mouse = "yes"\n', "mouse: must be true or false, got 'yes'"),
        ("play-every = 0.3\n", "play-every: invalid choice: 0.3"),
        ("colour = 1\n", "colour: unknown setting; the settings are: theme, digits,"),
        ('[network]\nlr = "fast"\n', "[network] lr: must be a number, got 'fast'"),
        ("[network]\nhidden = [8, 0]\n", "[network] hidden: layer sizes must be at least 1, got 0"),
        ("[network]\ntheme = 'light'\n", "[network] theme: unknown setting; the [network] settings are: dataset,"),
        ("[network]\nlr = {a = 1}\n", "[network] lr: must be a number or text"),
        ("network = 3\n", "network: must be a table"),
        ('[keymap]\nnext-step = "n"\n', "[keymap] next-step: no binding has this id; the ids are: derivation,"),
        ("[keymap]\nnext-iteration = 3\n", "[keymap] next-iteration: must be text"),
        ('[keymap]\nnext-iteration = "n,,m"\n', "[keymap] next-iteration: must be keys separated by commas"),
        ("digits = \n", "not valid TOML: Invalid value (at line 1, column 10)"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_file_and_key(
    capsys: pytest.CaptureFixture[str], fake_app: list[dict[str, Any]], text: str, message: str
) -> None:
    path = write_config(text)
    code, out, err = run(capsys)
    assert code == 2 and out == "" and fake_app == []
    assert err.startswith(f"tuinet: error: {path}: {message}"), err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_a_directory_in_place_of_the_file(capsys: pytest.CaptureFixture[str]) -> None:
    path = config_path()
    path.mkdir(parents=True)
    code, _, err = run(capsys, "train", "--steps", "1")
    assert code == 2 and err == f"tuinet: error: {path}: is a directory\n"


def test_tuinet_config_says_where_each_setting_came_from(capsys: pytest.CaptureFixture[str]) -> None:
    path = write_config('theme = "light"\ndigits = 5\n[network]\nlr = 0.5\nhidden = [8, 8]\n[keymap]\nquit = "Q"\n')
    code, out, err = run(capsys, "--digits", "6", "config", "--hidden", "3")
    assert (code, err) == (0, "")
    rows: dict[str, list[str]] = {}
    section = ""
    for line in out.splitlines()[1:]:
        if line.startswith("["):
            section = line.strip()
        elif line.strip():
            rows[f"{section}{line.split()[0]}"] = line.split()[1:]
    assert out.splitlines()[0] == f"config file: {path}"
    assert rows["theme"] == ["light", "config", "file:", "theme"]
    assert rows["digits"] == ["6", "command", "line"]
    assert rows["mouse"] == ["true", "default"]
    assert rows["notation"] == ["tuinet", "default"]
    assert rows["[network]lr"] == ["0.5", "config", "file:", "[network]", "lr"]
    assert rows["[network]hidden"] == ["3", "command", "line"]
    assert rows["[network]seed"] == ["1", "default"]
    assert rows["[keymap]quit"] == ["Q", "config", "file"]
    assert rows["[keymap]next-operation"] == ["→", "default"]
    assert rows["[keymap]next-cell-alt"] == ["↓", "j", "default"]


def test_tuinet_config_without_a_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "config")
    assert code == 0 and "(not found" in out.splitlines()[0]


# -- the keymap in the real app ----------------------------------------------------------------------------------


async def test_a_rebinding_takes_effect_and_help_shows_it() -> None:
    app = make_app(NetConfig(), keymap={"next-iteration": "n", "help": "f1"})
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space")  # no longer bound
        assert app.view is not None and app.view.cursor.iteration == 1 and app.view.op is None
        await pilot.press("n")  # finishes iteration 1, as space did
        assert app.view.cursor == app.session.move(Cursor(), Granularity.ITERATION, True)
        assert app.view.op is not None and app.view.cursor.iteration == 1
        await pilot.press("question_mark")  # rebound away: nothing opens
        assert app.screen is app.get_default_screen() or not app.screen.is_modal
        await pilot.press("f1")
        await pilot.pause()
        lines = screen_lines(app)
        row = next(line for line in lines if "next iteration (finish" in line)
        assert row.split("next iteration")[0].split()[-1] == "n"  # the keys column, just before the words
        assert "f1" in next(line for line in lines if "this help" in line)
        assert "→  l" in next(line for line in lines if "next operation" in line)  # not rebound: its own keys
