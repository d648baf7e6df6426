"""Export the iteration on screen: a numpy script that recomputes it, a Markdown handout, or the network as a
scenario file (TOML) that loads back to the same numbers (``tuinet --scenario FILE``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import App

from tuinet.app.dialogs import FileRequest, PathDialog
from tuinet.engine import History, Network, TuinetError
from tuinet.fileio import write_text
from tuinet.words.export import CommandLine, export_markdown, export_python

if TYPE_CHECKING:
    from tuinet.scenario import Scenario

__all__ = ["EXPORT_FORMATS", "ask_export"]

EXPORT_FORMATS = {
    "py": "Python script (numpy only) that recomputes this iteration",
    "md": "Markdown handout",
    "toml": "Scenario file: this network, its weights and lesson (tuinet --scenario FILE)",
}


def ask_export(
    app: App[Any],
    network: Network,
    history: History,
    iteration: int,
    command_line: CommandLine | None = None,
    scenario: Scenario | None = None,
) -> None:
    """Ask for a file and a format, write iteration ``iteration`` there; every failure is a one-line notice.

    ``command_line`` (from the CLI, which owns the parser) spells the export's ``tuinet export`` command;
    ``scenario`` is the app's (its names and lesson go into a scenario file).
    """

    def done(request: FileRequest | None) -> None:
        if request is None:
            return
        form = "md" if request.form == "md" else "py"
        command = command_line(network.config, iteration, form) if command_line is not None else None
        try:
            if request.form == "toml":
                from tuinet.scenario.schema import Scenario
                from tuinet.scenario.writer import scenario_toml

                text = scenario_toml(scenario or Scenario(name="tuinet", config=network.config))
            elif form == "md":
                text = export_markdown(network, history.trace(iteration), command=command)
            else:
                text = export_python(network, history, iteration, command)
            write_text(text, request.path)
        except TuinetError as error:
            app.notify(str(error), title="Export failed", severity="error")
            return
        what = "the scenario" if request.form == "toml" else f"iteration {iteration}"
        app.notify(f"{what} written to {request.path}", title="Exported")

    app.push_screen(
        PathDialog(f"Export iteration {iteration}", "File:", f"tuinet-iteration-{iteration}.py", EXPORT_FORMATS),
        done,
    )
