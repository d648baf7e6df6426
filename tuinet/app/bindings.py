"""The main screen's keys. Each runs an action (actions/) that changes the session; the frame follows.

Add a key here, and its action in the actions/ module of its kind (or a new one).
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

__all__ = ["BINDINGS"]

BINDINGS: list[BindingType] = [
    Binding("space", "step('iteration', True)", "Iteration", key_display="space"),
    Binding("backspace", "step('iteration', False)", "Back", key_display="⌫"),
    Binding("right", "step('operation', True)", "Op", key_display="→"),
    Binding("left", "step('operation', False)", "Op back", key_display="←", show=False),
    Binding("l", "step('operation', True)", "Next operation", show=False),
    Binding("h", "step('operation', False)", "Previous operation", show=False),
    Binding("full_stop", "step('cell', True)", "Cell", key_display="."),
    Binding("comma", "step('cell', False)", "Cell back", key_display=",", show=False),
    Binding("down,j", "step('cell', True)", "Next cell", show=False),
    Binding("up,k", "step('cell', False)", "Previous cell", show=False),
    Binding("p", "play", "Play"),
    Binding("plus,equals_sign", "speed(1)", "Faster", show=False),
    Binding("minus,underscore", "speed(-1)", "Slower", show=False),
    Binding("g", "jump", "Go to"),
    Binding("o", "why('outer')", "Why", key_display="o c s m"),
    Binding("c", "why('gradcheck')", "Gradient check", show=False),
    Binding("s", "why('signs')", "Sign conventions", show=False),
    Binding("m", "why('map')", "Prediction map", show=False),
    Binding("x", "export", "Export", show=False),
    Binding("d", "derivation", "Derivation", show=False),
    Binding("n", "notation", "Notation", show=False),
    Binding("w", "mistakes", "Mistakes", show=False),
    Binding("ctrl+s", "save", "Save", show=False),
    Binding("ctrl+o", "load", "Open", show=False),
    Binding("r", "reset", "Reset", show=False),
    *(Binding(str(n), f"pane({n})", f"Pane {n}", show=False) for n in range(1, 6)),
    Binding("0", "pane(0)", "Follow", show=False),
    # Classroom (follow.py): a served student's one key to leave and rejoin the teacher's screen.
    Binding("f", "follow(False)", "Explore"),
    Binding("f", "follow(True)", "Follow teacher"),
    Binding("question_mark", "help", "Help", key_display="?"),
    Binding("q", "quit", "Quit"),
    Binding("ctrl+c", "quit", "Quit", show=False, priority=True),
]
