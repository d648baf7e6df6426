"""The footer that folds: on a narrow terminal it drops the lesser keys first and always keeps ``?`` and ``q``.

Textual's Footer lays its keys out left to right and cuts whatever passes the right edge — at 80 columns
that was ``? Help`` and ``q Quit``, the two a newcomer needs most (and a served student's ``f``). This one
measures its keys and leaves out, in ``FOLD_ORDER``, those that do not fit; ``?`` lists every key anyway.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.events import Resize
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

__all__ = ["FOLD_ORDER", "KEEP", "FoldingFooter"]

KEEP = ("help", "quit", "follow(False)", "follow(True)")
"""Never folded: how to learn every key, how to leave, and a student's way back to the teacher."""
FOLD_ORDER = (
    "command_palette",
    "app.command_palette",
    "why('outer')",
    "jump",
    "play",
    "step('iteration', False)",
    "step('cell', True)",
    "step('operation', True)",
)
"""Folded first to last; keys not named here (a screen's own) fold after these, right to left."""


def key_width(key: FooterKey) -> int:
    """Columns a footer key takes: `` key description `` (Textual pads both by one)."""
    return len(key.key_display) + len(key.description) + 3


class FoldingFooter(Footer):
    def __init__(self) -> None:
        super().__init__()
        self._width = 0

    def compose(self) -> ComposeResult:
        keys: list[Widget] = list(super().compose())
        budget = self.app.size.width - 1
        shown = list(keys)

        def used() -> int:
            return sum(key_width(k) if isinstance(k, FooterKey) else 12 for k in shown)

        def rank(widget: Widget) -> int:
            action = widget.action if isinstance(widget, FooterKey) else ""
            if action in FOLD_ORDER:
                return FOLD_ORDER.index(action)
            return len(FOLD_ORDER) + len(keys) - keys.index(widget)  # the rightmost of the rest first

        for widget in sorted(keys, key=rank):
            if used() <= budget:
                break
            if isinstance(widget, FooterKey) and widget.action in KEEP:
                continue
            shown.remove(widget)
        yield from shown

    def on_resize(self, event: Resize) -> None:
        if event.size.width != self._width:
            self._width = event.size.width
            self.call_after_refresh(self.recompose)
