"""The main screen's keys. Each runs an action (actions/) that changes the session; the frame follows.

Add a key here, and its action in the actions/ module of its kind (or a new one).
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

__all__ = ["BINDINGS"]

# Every binding has an id: config.toml's [keymap] rebinds it by that id (keymap.py), and ? shows the keys as bound.
BINDINGS: list[BindingType] = [
    Binding("space", "step('iteration', True)", "Iteration", key_display="space", id="next-iteration"),
    Binding("backspace", "step('iteration', False)", "Back", key_display="⌫", id="previous-iteration"),
    Binding("right", "step('operation', True)", "Op", key_display="→", id="next-operation"),
    Binding("left", "step('operation', False)", "Op back", key_display="←", show=False, id="previous-operation"),
    Binding("l", "step('operation', True)", "Next operation", show=False, id="next-operation-alt"),
    Binding("h", "step('operation', False)", "Previous operation", show=False, id="previous-operation-alt"),
    Binding("full_stop", "step('cell', True)", "Cell", key_display=".", id="next-cell"),
    Binding("comma", "step('cell', False)", "Cell back", key_display=",", show=False, id="previous-cell"),
    Binding("down,j", "step('cell', True)", "Next cell", show=False, id="next-cell-alt"),
    Binding("up,k", "step('cell', False)", "Previous cell", show=False, id="previous-cell-alt"),
    Binding("p", "play", "Play", id="play"),
    Binding("plus,equals_sign", "speed(1)", "Faster", show=False, id="faster"),
    Binding("minus,underscore", "speed(-1)", "Slower", show=False, id="slower"),
    Binding("g", "jump", "Go to", id="go-to"),
    Binding("o", "why('outer')", "Why", key_display="o c s m", id="why-outer"),
    Binding("c", "why('gradcheck')", "Gradient check", show=False, id="why-gradcheck"),
    Binding("s", "why('signs')", "Sign conventions", show=False, id="why-signs"),
    Binding("m", "why('map')", "Prediction map", show=False, id="why-map"),
    Binding("L", "loss_plot", "Loss plot", show=False, id="loss-plot"),
    Binding("x", "export", "Export", show=False, id="export"),
    Binding("d", "derivation", "Derivation", show=False, id="derivation"),
    Binding("n", "notation", "Notation", show=False, id="notation"),
    Binding("w", "mistakes", "Mistakes", show=False, id="mistakes"),
    Binding("ctrl+s", "save", "Save", show=False, id="save"),
    Binding("ctrl+o", "load", "Open", show=False, id="open"),
    Binding("r", "reset", "Reset", show=False, id="reset"),
    *(Binding(str(n), f"pane({n})", f"Pane {n}", show=False, id=f"pane-{n}") for n in range(1, 6)),
    Binding("0", "pane(0)", "Follow", show=False, id="pane-follow"),
    # Classroom (follow.py): a served student's one key to leave and rejoin the teacher's screen.
    Binding("f", "follow(False)", "Explore", id="explore"),
    Binding("f", "follow(True)", "Follow teacher", id="follow-teacher"),
    # Lessons (lesson.py): the next and previous place the lesson speaks at; t hides the lesson pane.
    Binding("right_square_bracket", "lesson(True)", "Next lesson stop", key_display="]", show=False, id="lesson-next"),
    Binding(
        "left_square_bracket",
        "lesson(False)",
        "Previous lesson stop",
        key_display="[",
        show=False,
        id="lesson-previous",
    ),
    Binding("t", "toggle_lesson", "Lesson pane", show=False, id="lesson-pane"),
    Binding("question_mark", "help", "Help", key_display="?", id="help"),
    Binding("q", "quit", "Quit", id="quit"),
    # No id: ctrl+c always quits, whatever the keymap says.
    Binding("ctrl+c", "quit", "Quit", show=False, priority=True),
]
