"""Small modal dialogs that ask for a file: export an iteration, save a session, load a session."""

from __future__ import annotations

import os
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, RadioButton, RadioSet

__all__ = ["FileRequest", "PathDialog"]


class FileRequest:
    """What a PathDialog returns: the path typed, and the format chosen (if it offered any)."""

    def __init__(self, path: str, form: str | None) -> None:
        self.path = path
        self.form = form


class PathDialog(ModalScreen[FileRequest | None]):
    """Ask for a file path (and optionally a format); enter confirms, escape cancels."""

    DEFAULT_CSS = """
    PathDialog { align: center middle; }
    PathDialog > Vertical {
        width: 70; max-width: 95%; height: auto; border: round $accent; background: $surface; padding: 0 1;
    }
    PathDialog RadioSet { width: 100%; }
    PathDialog #path-error { color: $text-error; height: auto; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self, title: str, prompt: str, default: str, formats: dict[str, str] | None = None, writes: bool = False
    ) -> None:
        super().__init__()
        self.title_text = title
        self.prompt = prompt
        self.default = default
        self.formats = formats or {}
        self.writes = writes
        """The file will be written: an existing one is replaced only after a second enter on the same name."""
        self._confirmed: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            if self.formats:
                with RadioSet(id="format"):
                    for index, (key, label) in enumerate(self.formats.items()):
                        yield RadioButton(label, value=index == 0, name=key)
            yield Label(self.prompt)
            yield Input(value=self.default, id="path")
            yield Label("enter confirms · esc cancels", classes="dim")
            yield Label("", id="path-error")

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        # Keep the file's extension in step with the chosen format.
        chosen = event.pressed.name or ""
        path_input = self.query_one("#path", Input)
        stem, dot, extension = path_input.value.rpartition(".")
        if dot and extension in self.formats:
            path_input.value = f"{stem}.{chosen}"
        path_input.focus()

    def _format(self) -> str | None:
        if not self.formats:
            return None
        pressed = self.query_one("#format", RadioSet).pressed_button
        return pressed.name if pressed is not None else next(iter(self.formats))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        path = event.value.strip()
        if not path:
            self.query_one("#path-error", Label).update("Type a file name.")
            return
        if self.writes and path != self._confirmed and os.path.isfile(path):
            self._confirmed = path
            self.query_one("#path-error", Label).update(f"{path} exists: enter again replaces it, or change the name.")
            return
        self.dismiss(FileRequest(path, self._format()))

    def action_cancel(self) -> None:
        self.dismiss(None)
