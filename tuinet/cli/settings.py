"""`tuinet config`: the effective settings and where each came from; and the config file's keymap, checked.

Where a value came from is found without guessing at argparse's rules: the typed words are parsed again into a
namespace whose every attribute is a marker (argparse fills in a default only for an attribute not already there),
so whatever is no longer the marker was typed.
"""

from __future__ import annotations

import argparse
from typing import TextIO

from tuinet.cli.config import APP_KEYS, ConfigFile, ConfigFileError
from tuinet.cli.options import NETWORK_DEFAULTS

__all__ = ["checked_keymap", "print_settings", "typed_options"]

_UNTYPED = object()


def typed_options(parser: argparse.ArgumentParser, argv: list[str]) -> set[str]:
    """The option dests that ``argv`` itself sets (not a default, not the config file)."""
    marked = argparse.Namespace(**{action.dest: _UNTYPED for action in parser._actions})
    args = parser.parse_args(argv, namespace=marked)
    return {dest for dest, value in vars(args).items() if value is not _UNTYPED and dest != "command"}


def checked_keymap(file: ConfigFile) -> dict[str, str]:
    """The file's [keymap], checked against the app's binding ids (imports the app: only for the app and config)."""
    from tuinet.app.app import TuinetApp
    from tuinet.app.keymap import KeymapError, bindings_by_id, check_keymap

    try:
        return check_keymap(file.keymap, bindings_by_id(TuinetApp.BINDINGS))
    except KeymapError as error:
        raise ConfigFileError(f"{file.path}: [keymap] {error.key}: {error}") from None


def print_settings(
    parser: argparse.ArgumentParser, argv: list[str], args: argparse.Namespace, file: ConfigFile, out: TextIO
) -> None:
    """Every setting with its effective value and its source: default, config file (key) or command line.

    ``argv`` is what was typed, ``args`` what it means with the file's settings before it.
    """
    from tuinet.app.app import TuinetApp
    from tuinet.app.keymap import bindings_by_id, keys_shown

    keymap = checked_keymap(file)
    typed = typed_options(parser, argv)
    options = {action.dest for action in parser._actions}
    state = "" if file.found else " (not found: every setting below is a default or typed)"
    print(f"config file: {file.path}{state}", file=out)

    def source(dest: str) -> str:
        if dest in typed:
            return "command line"
        if dest in file.keys:
            return f"config file: {file.keys[dest]}"
        return "default"

    rows: list[tuple[str, str, str]] = []
    for key in APP_KEYS:
        dest = key.replace("-", "_")
        if dest == "notation":  # its default is left out of the namespace (SUPPRESS): notation_of knows it
            from tuinet.cli.transcript import notation_of

            rows.append((key, notation_of(args), source(dest)))
        elif dest in options:
            rows.append((key, _shown(getattr(args, dest)), source(dest)))
    rows.append(("[network]", "", ""))
    for dest, default in NETWORK_DEFAULTS.items():
        if dest not in options:  # a NetConfig field that only scenario files set
            continue
        rows.append((dest.replace("_", "-"), _shown(getattr(args, dest, default)), source(dest)))
    rows.append(("[keymap]", "", ""))
    for binding_id, binding in bindings_by_id(TuinetApp.BINDINGS).items():
        rows.append((binding_id, keys_shown(binding, keymap), "config file" if binding_id in keymap else "default"))
    width = max(len(name) for name, _, _ in rows) + 2
    value_width = max(len(value) for _, value, _ in rows) + 2
    for name, value, where in rows:
        print(f"{name:<{width}}{value:<{value_width}}{where}".rstrip(), file=out)


def _shown(value: object) -> str:
    """A value as it would be typed (or written in the file)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value) or "none"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
