"""The human-readable side of ``tuinet train``: a Rich summary and a progress bar for long runs."""

from __future__ import annotations

import time
from types import TracebackType

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn
from rich.table import Table

from tuinet.engine.network import Network
from tuinet.engine.train import TrainResult
from tuinet.engine.types import Matrix
from tuinet.words.numbers import fmt

__all__ = ["MAX_TABLE_COLUMNS", "MAX_TABLE_ROWS", "ProgressBar", "config_line", "format_loss", "print_summary"]

MAX_TABLE_ROWS = 20
MAX_TABLE_COLUMNS = 8
"""Per group (inputs, targets, outputs): a wide CSV would otherwise wrap into an unreadable table."""

PROGRESS_AFTER_STEPS = 20_000
PROGRESS_AFTER_SECONDS = 0.5
"""Show a bar only for runs this long: a short run would just flash one on and off."""


def format_loss(loss: float) -> str:
    """A loss as the summary prints it: six significant digits, inf/NaN spelled out."""
    return f"{loss:.6g}"


def config_line(network: Network) -> str:
    """Everything that decides the numbers, on one line."""
    c = network.config
    layers = "→".join(str(n) for n in network.sizes)
    acts = (
        f"activations {', '.join(c.activations)}"
        if c.activations
        else f"{c.activation} hidden, {c.output_activation} output"
    )
    start = ("explicit weights" if c.weights else f"init {c.init}") + f" · seed {c.seed}"
    frozen = f" · frozen {','.join(c.frozen)}" if c.frozen else ""
    return (
        f"dataset {c.dataset} ({network.data.n_rows} rows) · layers {layers} · {acts} · {start} · lr {c.lr:g} · "
        f"bias {'on' if c.bias else 'off'} · batch {c.batch} · loss {c.loss}{frozen}"
    )


def _columns(table: Table, prefix: str, count: int, style: str) -> None:
    shown = min(count, MAX_TABLE_COLUMNS)
    for j in range(shown):
        # One target or output column needs no number: "y" reads better than "y1".
        table.add_column(prefix if count == 1 else f"{prefix}{j + 1}", justify="right", style=style)
    if count > shown:
        table.add_column("…", style=style)


def _cells(values: Matrix, row: int, digits: int | None) -> list[str]:
    count = int(values.shape[1])
    shown = [float(v) for v in values[row, :MAX_TABLE_COLUMNS]]
    cells = [f"{v:g}" if digits is None else fmt(v, digits) for v in shown]
    return [*cells, "…"] if count > MAX_TABLE_COLUMNS else cells


def _outputs_table(result: TrainResult) -> Table:
    data = result.network.data
    outputs = result.final_outputs()
    table = Table()
    table.add_column("row", justify="right", style="dim")
    _columns(table, "x", data.n_inputs, "")
    _columns(table, "y", data.n_outputs, "cyan")
    _columns(table, "output", data.n_outputs, "bold")
    for row in range(min(data.n_rows, MAX_TABLE_ROWS)):
        table.add_row(str(row), *_cells(data.X, row, None), *_cells(data.y, row, None), *_cells(outputs, row, 4))
    if data.n_rows > MAX_TABLE_ROWS:
        table.caption = f"the first {MAX_TABLE_ROWS} of {data.n_rows} rows"
    return table


def print_summary(result: TrainResult, console: Console) -> None:
    """The config, the loss and a table of inputs, targets and final outputs."""
    console.print(f"[bold]tuinet train[/]  {escape(config_line(result.network))}")
    first, last = result.losses[0], result.losses[-1]
    if result.diverged_at is not None:
        console.print(
            f"[bold red]diverged at step {result.diverged_at:,}[/]: loss {format_loss(last)} "
            f"(step 1: {format_loss(first)}); try a smaller --lr"
        )
    else:
        console.print(
            f"{result.steps:,} steps · final loss [bold]{format_loss(last)}[/] (step 1: {format_loss(first)})"
        )
    # A separate line, not the table's title: Rich would wrap a title to the narrow table's width.
    console.print("final outputs (a forward pass over the dataset with the final weights):")
    console.print(_outputs_table(result))


class ProgressBar:
    """A progress callback for train() that shows a Rich bar once a run proves long.

    The bar starts lazily: after the first chunk we know the speed, so a run of many steps or
    one projected to take more than half a second gets a bar, and a quick run prints nothing.
    Use as a context manager so the bar is removed even when the run is interrupted.
    """

    def __init__(self, console: Console, total: int, enabled: bool) -> None:
        self.console = console
        self.total = total
        self.enabled = enabled
        self.started = time.perf_counter()
        self._progress: Progress | None = None
        self._task = TaskID(0)

    def __call__(self, done: int) -> None:
        if not self.enabled or (done >= self.total and self._progress is None):
            return
        if self._progress is None:
            elapsed = time.perf_counter() - self.started
            projected = elapsed / max(done, 1) * self.total
            if self.total <= PROGRESS_AFTER_STEPS and projected <= PROGRESS_AFTER_SECONDS:
                return
            self._progress = Progress(
                TextColumn("training"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("steps"),
                TimeRemainingColumn(),
                console=self.console,
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task("training", total=self.total)
        self._progress.update(self._task, completed=done)

    @property
    def shown(self) -> bool:
        return self._progress is not None

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self._progress is not None:
            self._progress.stop()
