"""The config file, ``$XDG_CONFIG_HOME/tuinet/config.toml``: the defaults a person wants to keep.

```toml
theme = "light"          # any app option by its command-line name: theme, digits, mouse, play-every, notation
digits = 4
mouse = false

[network]                # any network option: hidden = [8, 8], activation = "tanh", lr = 0.5, bias = true, …
hidden = [8, 8]

[keymap]                 # binding id = keys (tuinet config lists the ids)
next-iteration = "space,n"
```

How it works, and why: each setting *is* a command-line option. The file is turned into the words one would type
(``--theme light --hidden 8,8``) and put before the words actually typed, so argparse's "the last one wins" makes
the command line win, and every value is checked by the very option that checks it when typed — one rule and one
message, which cannot drift from ``--help``. Each setting is parsed on its own first, so a bad value is one line
naming the file and the key. `tuinet config` prints the effective settings and where each came from.

Apps started by ``tuinet serve`` read no config file: a class sees what the teacher's command line says.
"""

from __future__ import annotations

import argparse
import os
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tuinet.cli.options import NETWORK_DEFAULTS
from tuinet.errors import TuinetError
from tuinet.fileio import ReadRefused, read_limited

__all__ = [
    "APP_KEYS",
    "CONFIG_HELP",
    "ConfigFile",
    "ConfigFileError",
    "config_path",
    "read_config",
]

APP_KEYS = ("theme", "digits", "notation", "mouse", "play-every")
"""The app options a config file may set at its top level (each one only if this tuinet has the option)."""
NETWORK_KEYS = tuple(name.replace("_", "-") for name in NETWORK_DEFAULTS)
"""The network options, set in the file's [network] table."""
CONFIG_HELP = "$XDG_CONFIG_HOME/tuinet/config.toml, by default ~/.config/tuinet/config.toml"
"""Where the file is, as --help says it."""
SIZE_LIMIT = 256 * 1024
"""A config file is a few lines; anything this large is not one."""


class ConfigFileError(TuinetError):
    """A config file that cannot be used; the message names the file and, for a bad setting, the key."""


@dataclass(frozen=True)
class ConfigFile:
    """What a config file says, as command-line words and a keymap."""

    path: Path
    found: bool
    words: tuple[str, ...] = ()
    """The options the file stands for, to be put before the typed ones."""
    keys: dict[str, str] = field(default_factory=dict)
    """Option dest → the key as written in the file (so `tuinet config` can say where a value came from)."""
    keymap: dict[str, object] = field(default_factory=dict)
    """[keymap] as written: binding id → keys; checked against the app's bindings when the app starts."""


def config_path(environ: Mapping[str, str] | None = None) -> Path:
    """``$XDG_CONFIG_HOME/tuinet/config.toml``, or ``~/.config/tuinet/config.toml`` when it is unset or relative."""
    environ = os.environ if environ is None else environ
    base = environ.get("XDG_CONFIG_HOME", "")
    # The XDG spec: a relative path is invalid and is to be ignored.
    root = Path(base) if base and os.path.isabs(base) else Path(environ.get("HOME") or Path.home()) / ".config"
    return root / "tuinet" / "config.toml"


def read_config(
    path: Path, parser_factory: Callable[[], argparse.ArgumentParser], usage_error: type[Exception]
) -> ConfigFile:
    """Read and check ``path`` (a missing file is no settings); ConfigFileError names the file and the bad key.

    ``parser_factory`` builds the command line's parser, whose ``error`` raises ``usage_error`` with argparse's
    one-line message.
    """
    try:
        raw = read_limited(path, SIZE_LIMIT)
    except ReadRefused as refused:
        if refused.missing:
            return ConfigFile(path, found=False)
        raise ConfigFileError(f"{path}: {refused.reason}") from None
    try:
        document = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigFileError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigFileError(f"{path}: not valid TOML: {error}") from None

    parser = parser_factory()
    options = _options(parser)
    words: list[str] = []
    keys: dict[str, str] = {}
    keymap: dict[str, object] = {}

    def setting(name: str, shown: str, value: object, allowed: Sequence[str]) -> None:
        action = options.get(name) if name in allowed else None
        if action is None:
            known = ", ".join(k for k in allowed if k in options)
            which = f"the [network] settings are: {known}" if allowed is NETWORK_KEYS else f"the settings are: {known}"
            tables = "" if allowed is NETWORK_KEYS else ", and the tables [network] and [keymap]"
            raise ConfigFileError(f"{path}: {shown}: unknown setting; {which}{tables}")
        these = _words(name, action, value)
        if these is None:
            wanted = "true or false" if isinstance(action, argparse.BooleanOptionalAction) else "a number or text"
            raise ConfigFileError(f"{path}: {shown}: must be {wanted}, got {value!r}")
        try:
            parser.parse_args(these)  # checked alone, by the option itself
        except usage_error as error:
            message = str(error).removeprefix(f"argument --{name}: ").removeprefix(f"argument --{name}/--no-{name}: ")
            message = message.removeprefix(f"--{name} ")  # an option's own line, e.g. "--notation must be one of …"
            raise ConfigFileError(f"{path}: {shown}: {message}") from None
        words.extend(these)
        keys[action.dest] = shown

    for key, value in document.items():
        name = key.replace("_", "-")
        if key == "network":
            if not isinstance(value, dict):
                raise ConfigFileError(f"{path}: network: must be a table ([network]), got {value!r}")
            for net_key, net_value in value.items():
                net_name = net_key.replace("_", "-")
                setting(net_name, f"[network] {net_key}", net_value, NETWORK_KEYS)
        elif key == "keymap":
            if not isinstance(value, dict):
                raise ConfigFileError(f"{path}: keymap: must be a table ([keymap]), got {value!r}")
            keymap = dict(value)
        else:
            setting(name, key, value, APP_KEYS)
    return ConfigFile(path, found=True, words=tuple(words), keys=keys, keymap=keymap)


def _options(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    """The parser's long options by name (``hidden``, ``theme``, ``mouse``)."""
    found: dict[str, argparse.Action] = {}
    for action in parser._actions:  # argparse has no public list of its options
        for flag in action.option_strings:
            if flag.startswith("--") and not flag.startswith("--no-"):
                found[flag[2:]] = action
    return found


def _words(name: str, action: argparse.Action, value: object) -> list[str] | None:
    """The command-line words for ``value`` of option ``--name`` (None if TOML's type cannot be one)."""
    if isinstance(action, argparse.BooleanOptionalAction):
        if not isinstance(value, bool):
            return None
        return [f"--{name}" if value else f"--no-{name}"]
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, list):
        text = ",".join(str(v) for v in value) if value else "none"
    elif isinstance(value, int | float | str):
        text = str(value)
    else:
        return None
    return [f"--{name}={text}"]  # with =, a value starting with - is still the value
