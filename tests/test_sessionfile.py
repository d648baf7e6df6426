"""Session files: round trips, every way a file can be bad (a one-line SessionError), atomic saves, and fuzzing."""

from __future__ import annotations

import contextlib
import copy
import errno
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tuinet.app.sessionfile import (
    CONFIG_KEYS,
    MAX_ITERATION,
    MAX_SESSION_BYTES,
    PANES,
    SavedSession,
    SessionError,
    load,
    loads,
    save,
    to_json,
    validate_cursor,
)
from tuinet.engine import NetConfig, build

ROOT = Path(__file__).resolve().parents[1]
STAMP = "2025-01-31T12:00:00+00:00"
DELETE = object()
"""In a mutation table: remove the key instead of setting it."""


def last_cursor(config: NetConfig) -> tuple[int, int]:
    """(op, cells) of the finished iteration: the last operation, complete."""
    network = build(config)
    rows, cols = network.shape_of(network.schedule[-1].result)
    return len(network.schedule) - 1, rows * cols


def valid_document() -> dict[str, Any]:
    """A good file for the default network, its cursor inside z2 = a1 · W2 (op 2, a 4×1 result)."""
    saved = SavedSession(NetConfig(), iteration=3, op=2, cells=4, saved_at=STAMP)
    document: dict[str, Any] = json.loads(to_json(saved))
    return document


def change(document: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, key = dotted.split(".")
    target = document
    for parent in parents:
        target = target[parent]
    if value is DELETE:
        del target[key]
    else:
        target[key] = value


def one_line_error(call: Callable[[], object], start: str = "") -> str:
    """The message of the SessionError ``call`` raises, checked to be one non-empty line."""
    with pytest.raises(SessionError) as caught:
        call()
    message = str(caught.value)
    assert message and message.splitlines() == [message], message
    assert message.startswith(start), message
    return message


def load_error(path: Path, **kwargs: Any) -> str:
    return one_line_error(lambda: load(path, **kwargs), start=f"session file {str(path)!r}")


def write_document(tmp_path: Path, document: dict[str, Any]) -> Path:
    path = tmp_path / "session.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


# -- round trips ---------------------------------------------------------------------------------------------

ROUND_TRIPS = {
    "defaults, before the first operation": SavedSession(NetConfig(), saved_at=STAMP),
    "bias, two tanh layers, every display field": SavedSession(
        NetConfig(hidden=(8, 8), activation="tanh", output_activation="linear", init="signed", bias=True, lr=0.05),
        iteration=MAX_ITERATION,
        op=4,
        cells=2,
        cell_mode=True,
        theme="catppuccin-mocha",
        digits=8,
        pane="deltas",
        view="gradcheck",
        notation="nielsen",
    ),
    "batch 1, no hidden layer, mean loss, largest seed": SavedSession(
        NetConfig(batch="1", hidden=(), loss="mean", seed=2**32 - 1, dataset="and"),
        iteration=17,
        op=0,
        cells=1,
        theme="light",
        digits=1,
        pane="inputs",
        view="outer",
        notation="trask",
    ),
    # The widest layers --max-units allows, as many as --max-numbers then allows (see engine.build).
    "widest layers the default limits allow": SavedSession(NetConfig(hidden=(1024,) * 6), op=0),
}


@pytest.mark.parametrize("saved", ROUND_TRIPS.values(), ids=ROUND_TRIPS.keys())
def test_round_trip(tmp_path: Path, saved: SavedSession) -> None:
    """What is saved loads back equal, from a file and from text."""
    path = tmp_path / "session.json"
    save(path, saved)
    assert load(path) == saved
    assert loads(to_json(saved)) == saved


@pytest.mark.parametrize("config", [NetConfig(), NetConfig(bias=True, hidden=(3, 2)), NetConfig(batch="1")])
def test_round_trip_at_the_end_of_an_iteration(config: NetConfig) -> None:
    """The finished iteration (the last op, all its cells) is a valid cursor."""
    op, cells = last_cursor(config)
    saved = SavedSession(config, iteration=2, op=op, cells=cells, saved_at=STAMP)
    assert loads(to_json(saved)) == saved


def test_round_trip_with_a_csv_dataset(tmp_path: Path) -> None:
    """A CSV dataset is loaded on load: its two targets decide the schedule's sizes."""
    csv = tmp_path / "data.csv"
    csv.write_text("x1,x2,y1,y2\n0,0,0,1\n0,1,1,0\n1,0,1,0\n1,1,0,1\n", encoding="utf-8")
    config = NetConfig(dataset=str(csv), targets=2, bias=True)
    op, cells = last_cursor(config)
    saved = SavedSession(config, iteration=5, op=op, cells=cells)
    save(tmp_path / "s.json", saved)
    assert load(tmp_path / "s.json") == saved


def test_round_trip_with_a_dataset_path_that_is_not_utf8(tmp_path: Path) -> None:
    """A file name that is not UTF-8 reaches Python with surrogate escapes; it survives the (ASCII) file."""
    csv = Path(os.fsdecode(bytes(tmp_path) + b"/\xff.csv"))
    csv.write_text("0,0,1\n1,1,0\n", encoding="utf-8")
    saved = SavedSession(NetConfig(dataset=str(csv), hidden=(2,)))
    save(tmp_path / "s.json", saved)
    assert (tmp_path / "s.json").read_bytes().isascii()
    assert load(tmp_path / "s.json") == saved


def test_file_layout() -> None:
    """Pretty, sorted keys, format and version first in the reader's eyes, one trailing newline."""
    text = to_json(SavedSession(NetConfig(), saved_at=STAMP))
    document = json.loads(text)
    assert (document["format"], document["version"]) == ("tuinet-session", 1)
    assert list(document) == sorted(document) and list(document["config"]) == sorted(document["config"])
    assert text.endswith("}\n") and "\n  " in text
    assert document["cursor"] == {"iteration": 1, "op": -1, "cells": 0, "cell_mode": False}


def test_the_notation_is_saved_and_a_file_without_it_opens_in_tuinets() -> None:
    """Every save writes display.notation; a file saved before profiles existed has none and loads as tuinet's."""
    assert json.loads(to_json(SavedSession(NetConfig(), notation="tutorial")))["display"]["notation"] == "tutorial"
    document = valid_document()
    del document["display"]["notation"]
    assert loads(json.dumps(document)).notation == "tuinet"


def test_wider_layers_load_with_a_raised_max_units() -> None:
    """max_units is --max-units: a file with a 2000-unit layer needs it raised."""
    document = valid_document()
    document["config"]["hidden"] = [2000]
    message = one_line_error(lambda: loads(json.dumps(document)), start="session: ")
    assert "config.hidden" in message and "1,024" in message
    assert loads(json.dumps(document), max_units=2048).config.hidden == (2000,)


def test_config_keys_are_pinned() -> None:
    """A new NetConfig field changes the file format: bump SESSION_VERSION (and this list) deliberately."""
    assert CONFIG_KEYS == (
        "activation",
        "batch",
        "bias",
        "dataset",
        "hidden",
        "init",
        "loss",
        "lr",
        "output_activation",
        "seed",
        "targets",
    )


def test_panes_match_the_app() -> None:
    """The panes a file may pin are the app's panes."""
    from tuinet.app.view import PANES as APP_PANES

    assert APP_PANES == PANES


def test_imports_no_ui_library() -> None:
    """sessionfile is pure: the app and the CLI call it, never the reverse; the app package face loads nothing."""
    code = (
        "import sys, tuinet.app.sessionfile; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'rich') "
        "or (m.startswith('tuinet.app.') and m != 'tuinet.app.sessionfile')]; "
        "print(bad)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


# -- bad contents: one line naming the field -------------------------------------------------------------

BAD_VALUES: list[tuple[str, Any, str]] = [
    # (dotted key, new value or DELETE, what the message must say)
    ("format", "something-else", "not a tuinet session file (format 'something-else'"),
    ("format", DELETE, 'no "format" key'),
    ("version", 7, "version 7 is not supported (this tuinet reads version 1)"),
    ("version", "1", "version '1' is not supported"),
    ("version", True, "version true is not supported"),
    ("version", 1.0, "version 1.0 is not supported"),
    ("version", DELETE, "missing key 'version'"),
    ("cursor", DELETE, "missing key 'cursor'"),
    ("cursor.op", DELETE, "missing key 'cursor.op'"),
    ("config.lr", DELETE, "missing key 'config.lr'"),
    ("display.view", DELETE, "missing key 'display.view'"),
    ("extra", 1, "unknown key 'extra'"),
    ("cursor.cell", 1, "unknown key 'cursor.cell'"),
    ("config.max_units", 4096, "unknown key 'config.max_units'"),
    ("display.colour", "red", "unknown key 'display.colour'"),
    ("cursor", [], "cursor must be a JSON object, got a list"),
    ("config", None, "config must be a JSON object, got null"),
    ("cursor.iteration", True, "cursor.iteration must be a whole number, got true"),
    ("cursor.iteration", 2.5, "cursor.iteration must be a whole number, got 2.5"),
    ("cursor.iteration", 3.0, "cursor.iteration must be a whole number, got 3.0"),
    ("cursor.iteration", "3", "cursor.iteration must be a whole number, got '3'"),
    ("cursor.iteration", 0, "cursor.iteration must be from 1 to 10,000,000, got 0"),
    ("cursor.iteration", MAX_ITERATION + 1, "cursor.iteration must be from 1 to 10,000,000"),
    ("cursor.iteration", 10**4000, "cursor.iteration must be from 1 to 10,000,000, got a number with too many digits"),
    ("cursor.op", -2, "cursor.op must be from -1"),
    ("cursor.op", 12, "cursor.op must be from -1 to 11 (the schedule has 12 operations), got 12"),
    ("cursor.op", None, "cursor.op must be a whole number, got null"),
    ("cursor.cells", 5, "cursor.cells must be from 0 to 4 (the size of operation 2's result), got 5"),
    ("cursor.cells", -1, "cursor.cells"),
    ("cursor.cell_mode", 1, "cursor.cell_mode must be true or false, got 1"),
    ("display.theme", "Dark", "display.theme must be a theme name"),
    ("display.theme", "a" * 65, "display.theme"),
    ("display.theme", "", "display.theme"),
    ("display.theme", None, "display.theme must be a string, got null"),
    ("display.digits", 0, "display.digits must be from 1 to 8, got 0"),
    ("display.digits", 9, "display.digits"),
    ("display.digits", True, "display.digits must be a whole number, got true"),
    ("display.pane", "nope", "display.pane must be null or one of inputs, weights"),
    ("display.pane", 1, "display.pane"),
    ("display.view", "nope", "display.view must be null or one of outer, gradcheck"),
    ("display.notation", "x", "display.notation must be one of tuinet, tutorial, trask, nielsen, got 'x'"),
    ("display.notation", None, "display.notation must be one of tuinet, tutorial, trask, nielsen, got null"),
    ("display.notation", "Nielsen", "display.notation must be one of"),
    ("config.hidden", [True], "config.hidden must be a list of whole numbers"),
    ("config.hidden", [4.5], "config.hidden must be a list of whole numbers"),
    ("config.hidden", "4", "config.hidden must be a list of whole numbers"),
    ("config.hidden", [0], "config.hidden sizes must be from 1 to 1,024 units, got 0"),
    ("config.hidden", [5000], "config.hidden sizes must be from 1 to 1,024 units, got 5000"),
    ("config.hidden", [10**30], "config.hidden sizes must be from 1 to 1,024 units, got a number with too many digits"),
    ("config.hidden", [4] * 17, "config.hidden has 17 layers; the limit is 16"),
    ("config.lr", "1", "config.lr must be a number, got '1'"),
    ("config.lr", True, "config.lr must be a number, got true"),
    ("config.lr", 0, "config.lr must be a positive finite number, got 0.0"),
    ("config.lr", -1.5, "config.lr must be a positive finite number"),
    ("config.lr", 10**400, "config.lr must be a positive finite number, got inf"),
    ("config.seed", -1, "config.seed must be from 0 to 4,294,967,295, got -1"),
    ("config.seed", 2**32, "config.seed"),
    ("config.seed", 1.0, "config.seed must be a whole number"),
    ("config.targets", 0, "config.targets"),
    ("config.targets", 2, "--targets 2 does not fit"),
    ("config.activation", "softmax", "config: --activation must be one of"),
    ("config.activation", 3, "config.activation must be a string, got 3"),
    ("config.activation", "x" * 100, "config.activation must be 1 to 32 characters long, got 100"),
    ("config.output_activation", "tanh", "--output-activation must be one of"),
    ("config.init", "zeros", "--init must be one of"),
    ("config.loss", "max", "--loss must be one of"),
    ("config.batch", 1, "config.batch must be a string, got 1"),
    ("config.batch", "2", "--batch must be 'full' or '1'"),
    ("config.bias", "yes", "config.bias must be true or false"),
    ("config.bias", 0, "config.bias must be true or false, got 0"),
    ("config.dataset", 7, "config.dataset must be a string"),
    ("config.dataset", "", "config.dataset must be 1 to 4,096 characters long, got 0"),
    ("config.dataset", "no-such.csv", "no dataset named 'no-such.csv'"),
    ("config.dataset", "a\x00b.csv", "no dataset named 'a\\x00b.csv'"),
    ("config.dataset", "/", "dataset '/' is a directory"),
    ("config.dataset", "/dev/zero", "config.dataset '/dev/zero' is not a regular file"),
    ("saved_at", "yesterday", "saved_at must be an ISO 8601 timestamp, got 'yesterday'"),
    ("saved_at", 5, "saved_at must be a string"),
    ("tuinet_version", "", "tuinet_version must be 1 to 64 characters"),
    ("tuinet_version", "0.1\x1b[2J", "tuinet_version must be printable text, got '0.1\\x1b[2J'"),
    ("tuinet_version", "line\nbreak", "tuinet_version must be printable text"),
]


@pytest.mark.parametrize(("key", "value", "expected"), BAD_VALUES, ids=[f"{k}={v!r:.20}" for k, v, _ in BAD_VALUES])
def test_bad_value(tmp_path: Path, key: str, value: Any, expected: str) -> None:
    """Each bad value is refused with one line naming the file and the field."""
    document = valid_document()
    change(document, key, value)
    message = load_error(write_document(tmp_path, document))
    assert expected in message


def test_cells_must_be_zero_before_the_first_operation() -> None:
    """op -1 means nothing is computed yet, so no cell can be filled."""
    document = valid_document()
    document["cursor"].update(op=-1, cells=1)
    message = one_line_error(lambda: loads(json.dumps(document)), start="session: ")
    assert "cursor.cells must be 0 while cursor.op is -1" in message


def test_validate_cursor() -> None:
    """The helper load uses, for callers that hold a network already."""
    network = build(NetConfig())
    validate_cursor(network, 1, -1, 0)
    validate_cursor(network, 9, 11, 12)
    validate_cursor(network, 9, 11, 0)
    message = one_line_error(lambda: validate_cursor(network, 1, 11, 13, source="here"), start="here: ")
    assert "cursor.cells must be from 0 to 12" in message


# -- bad files -----------------------------------------------------------------------------------------------

VALID_TEXT = json.dumps(valid_document(), indent=2)
CUT = VALID_TEXT[: len(VALID_TEXT) // 2]
CUT_END = f"line {CUT.count(chr(10)) + 1}, column {len(CUT.rsplit(chr(10), 1)[-1]) + 1}"
"""Where a file cut in half ends: the parser reports that position."""
BAD_TEXTS: dict[str, tuple[bytes, str]] = {
    "empty": (b"", " is empty"),
    "blank": (b"  \n\t\n", " is empty"),
    "truncated": (CUT.encode(), f" is truncated or not JSON ({CUT_END})"),
    "python, not JSON": (b"{'format': 'tuinet-session'}", " is truncated or not JSON (line 1, column 2)"),
    "a list": (b"[1, 2]", ": the top level must be a JSON object, got a list"),
    "a string": (b'"hello"', ": the top level must be a JSON object, got 'hello'"),
    "latin-1": (b'{"format": "caf\xe9"}', " is not UTF-8 text (bad byte at offset 15)"),
    "NaN": (VALID_TEXT.replace('"lr": 1.0', '"lr": NaN').encode(), ": NaN is not allowed"),
    "-Infinity": (VALID_TEXT.replace('"lr": 1.0', '"lr": -Infinity').encode(), ": -Infinity is not allowed"),
    "1e999": (VALID_TEXT.replace('"lr": 1.0', '"lr": 1e999').encode(), "config.lr must be a positive finite number"),
    "5000 digits": (VALID_TEXT.replace('"seed": 1', '"seed": ' + "9" * 5000).encode(), "number with too many digits"),
    "nested lists": (b"[" * 100_000, " is nested too deeply"),
    "nested objects": (b'{"a": ' * 100_000, " is nested too deeply"),
    "duplicate key": (b'{"format": "tuinet-session", "format": "x"}', ": key 'format' appears twice in one object"),
    "too large": (b" " * (MAX_SESSION_BYTES + 1), " larger than the limit of 1,024 KiB"),
}


@pytest.mark.parametrize(("data", "expected"), BAD_TEXTS.values(), ids=BAD_TEXTS.keys())
def test_bad_file(tmp_path: Path, data: bytes, expected: str) -> None:
    """Each unusable file gives one line naming it and the problem."""
    path = tmp_path / "session.json"
    path.write_bytes(data)
    assert expected in load_error(path)


def test_a_byte_order_mark_is_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "session.json"
    path.write_bytes(b"\xef\xbb\xbf" + VALID_TEXT.encode())
    assert load(path).cells == 4


def test_missing_file_directory_and_odd_paths(tmp_path: Path) -> None:
    """Paths that name no readable file; the path is quoted, so even a newline in it stays on one line."""
    assert load_error(tmp_path / "nope.json").endswith(" does not exist")
    assert load_error(tmp_path / "line\nbreak.json").endswith(" does not exist")
    assert load_error(tmp_path).endswith(" is a directory")
    one_line_error(lambda: load("a\x00b"), start="session file 'a\\x00b' is not a valid path")


# -- saving --------------------------------------------------------------------------------------------------

OLD = SavedSession(NetConfig(), iteration=2, saved_at=STAMP)


def test_save_replaces_the_file_and_keeps_its_permissions(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    save(path, OLD)
    path.chmod(0o640)
    new = SavedSession(NetConfig(hidden=(2,)), iteration=3)
    save(path, new)
    assert load(path) == new and path.read_text(encoding="ascii") == to_json(new)
    assert path.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["s.json"]


def test_save_through_a_symlink_writes_the_file_it_points_to(tmp_path: Path) -> None:
    real, link = tmp_path / "real.json", tmp_path / "link.json"
    save(real, OLD)
    link.symlink_to(real)
    save(link, SavedSession(NetConfig(), iteration=9))
    assert link.is_symlink() and load(real).iteration == 9


@pytest.mark.parametrize(
    ("where", "expected"),
    [("missing/dir/s.json", ": No such file or directory"), ("a-directory", ": Is a directory")],
)
def test_save_to_an_unusable_path(tmp_path: Path, where: str, expected: str) -> None:
    """A save that cannot happen is one line; a directory in the way is left as it was."""
    (tmp_path / "a-directory").mkdir()
    target = tmp_path / where
    message = one_line_error(lambda: save(target, OLD), start=f"cannot save session to {str(target)!r}")
    assert message.endswith(expected)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-directory"]
    assert list((tmp_path / "a-directory").iterdir()) == []


def test_a_failed_save_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Neither a refused session nor a failing disk touches the previous file, or leaves a temporary one."""
    path = tmp_path / "s.json"
    save(path, OLD)
    before = path.read_bytes()
    bad = SavedSession(NetConfig(), theme="Not A Theme")
    assert "display.theme" in one_line_error(lambda: save(path, bad), start="cannot save session to ")

    def disk_full(source: str, target: str) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    message = one_line_error(lambda: save(path, SavedSession(NetConfig(), iteration=5)))
    assert message.endswith(": No space left on device")
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["s.json"]


# -- fuzzing: success or one line, never a traceback -------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)
KEYS = [
    f"{section}.{key}" if section else key
    for section, keys in [("", list(valid_document()))]
    + [(name, list(value)) for name, value in valid_document().items() if isinstance(value, dict)]
    for key in keys
]
FUZZ = settings(max_examples=150, deadline=None, database=None)


def succeeds_or_one_line(call: Callable[[], SavedSession]) -> None:
    try:
        call()
    except SessionError as error:
        message = str(error)
        assert message and message.splitlines() == [message], message


@FUZZ
@given(JSON_VALUES)
def test_any_json_value(value: Any) -> None:
    succeeds_or_one_line(lambda: loads(json.dumps(value)))


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(KEYS), st.just(DELETE) | JSON_VALUES), min_size=1, max_size=3))
def test_a_mutated_valid_file(changes: list[tuple[str, Any]]) -> None:
    document = copy.deepcopy(valid_document())
    for key, value in changes:
        with contextlib.suppress(KeyError, TypeError):  # an earlier change removed or replaced the parent
            change(document, key, value)
    succeeds_or_one_line(lambda: loads(json.dumps(document)))


@settings(FUZZ, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400))
def test_any_bytes(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "s.json"
    path.write_bytes(data)
    succeeds_or_one_line(lambda: load(path))


@settings(FUZZ, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_a_corrupted_valid_file(tmp_path: Path, data: st.DataObject) -> None:
    raw = bytearray(VALID_TEXT.encode())
    at = data.draw(st.integers(0, len(raw) - 1))
    how = data.draw(st.sampled_from(["cut", "replace", "insert"]))
    byte = data.draw(st.integers(0, 255))
    if how == "cut":
        del raw[at:]
    elif how == "replace":
        raw[at] = byte
    else:
        raw.insert(at, byte)
    path = tmp_path / "s.json"
    path.write_bytes(bytes(raw))
    succeeds_or_one_line(lambda: load(path))
