"""The app steps through a scenario's network — Σe² loss, per-layer activations, frozen biases — at 80×24 and
120×40, and the stage draws each operation from its explicit facts (the loss kind, a frozen update reading W alone)."""

from __future__ import annotations

import pytest

from tests.screen import pane_text
from tuinet.app import make_app
from tuinet.engine import NetConfig

CONFIG = NetConfig(loss="sse", bias=True, frozen=("b",), activations=("tanh", "linear"), lr=0.5)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_every_operation_of_a_scenario_network_is_drawn(size: tuple[int, int]) -> None:
    app = make_app(CONFIG)
    async with app.run_test(size=size) as pilot:
        stages: dict[str, str] = {}
        for _ in range(len(app.session.network.schedule)):
            await pilot.press("right")
            await pilot.pause()
            op = app.session.network.schedule[app.session.cursor.op]
            stages[op.result] = pane_text(app, "#stage")
        loss = stages["loss"]
        assert " Σ(" in loss and "½" not in loss and "mean" not in loss, loss  # C = Σ e², no ½
        frozen = stages["b1_new"]
        assert "b1′" in frozen and "db1" not in frozen and "−" not in frozen.replace("−0", ""), frozen
        assert "dW1" in stages["W1_new"]  # a parameter that is not frozen reads its gradient
