"""Keys by binding id: config.toml's ``[keymap]`` rebinds them, and ``?`` lists the keys as they are bound.

Every binding of the app has an id (app.py's BINDINGS). A keymap maps ids to keys — ``next-iteration = "n"`` or
``quit = "q,ctrl+q"`` — and Textual's ``App.set_keymap`` puts those keys in place of the binding's own; the footer
follows by itself. This module checks a keymap against the ids that exist and says, for the help screen, which keys
each id is bound to now.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from textual.binding import Binding, BindingType
from textual.keys import format_key

__all__ = ["KeymapError", "bindings_by_id", "check_keymap", "keys_shown"]

_KEY = re.compile(r"^[A-Za-z0-9_+\-?.,/;:'\"`~!@#$%^&*()=\[\]{}<>|\\]+$")
"""One key as Textual names it: ``n``, ``N``, ``ctrl+n``, ``f5``, ``question_mark`` or the character itself."""


class KeymapError(ValueError):
    """A bad keymap entry; ``key`` is the binding id it was given for, the message says what is wrong."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


def bindings_by_id(bindings: Iterable[BindingType]) -> dict[str, Binding]:
    """The bindings that have an id, by id (the ones a keymap can rebind)."""
    return {b.id: b for b in bindings if isinstance(b, Binding) and b.id is not None}


def check_keymap(keymap: Mapping[str, object], known: Mapping[str, Binding]) -> dict[str, str]:
    """``keymap`` as id → keys, each id known and each value a comma-separated list of keys; else KeymapError."""
    checked: dict[str, str] = {}
    for binding_id, keys in keymap.items():
        if binding_id not in known:
            raise KeymapError(binding_id, f"no binding has this id; the ids are: {', '.join(sorted(known))}")
        if not isinstance(keys, str):
            raise KeymapError(binding_id, f'must be text such as "n" or "n,ctrl+n", got {keys!r}')
        parts = [part.strip() for part in keys.split(",")]
        if not all(part and _KEY.match(part) for part in parts):
            raise KeymapError(binding_id, f'must be keys separated by commas, such as "n" or "n,ctrl+n", got {keys!r}')
        checked[binding_id] = ",".join(parts)
    return checked


def _shown(key: str) -> str:
    """One key as the help shows it: ``→``, ``.``, ``ctrl+s``."""
    *modifiers, name = key.split("+") if key != "+" else [key]
    return "+".join([*modifiers, format_key(name)])


def keys_shown(binding: Binding, keymap: Mapping[str, str]) -> str:
    """The keys ``binding`` answers to under ``keymap`` (its own unless the keymap rebinds its id)."""
    keys = keymap.get(binding.id, binding.key) if binding.id is not None else binding.key
    return "  ".join(_shown(key.strip()) for key in keys.split(","))
