"""SVG snapshots of the main screens, at fixed sizes, with the default (seed 1) network.

Plain `def` tests: snap_compare runs the app with asyncio.run itself.
Update after an intended UI change with: pytest tests/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

from typing import Any

import pytest

from tuinet.app import make_app
from tuinet.engine import NetConfig

SIZES = [(80, 24), (120, 40)]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_start_screen(snap_compare: Any, size: tuple[int, int]) -> None:
    """The start: inputs and initial weights, nothing computed yet."""
    assert snap_compare(make_app(NetConfig()), terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_iteration_halfway_product_forming(snap_compare: Any, size: tuple[int, int]) -> None:
    """Iteration 2, backward pass: dW2 = a1ᵀ·δ2 half filled, cell by cell."""
    keys = ["space", *["right"] * 7, "full_stop", "full_stop"]  # → shows an operation whole, . then steps its cells
    assert snap_compare(make_app(NetConfig()), press=keys, terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_cell_level_view(snap_compare: Any, size: tuple[int, int]) -> None:
    """Forward pass of iteration 1, cell z1[1,2] being written with its dot product."""
    assert snap_compare(make_app(NetConfig()), press=["full_stop"] * 7, terminal_size=size)


def test_light_theme(snap_compare: Any) -> None:
    """The projector theme after one iteration."""
    assert snap_compare(make_app(NetConfig(), theme="light"), press=["space"], terminal_size=(120, 40))


def test_too_small_notice(snap_compare: Any) -> None:
    """Below 70×22 a notice replaces the layout."""
    assert snap_compare(make_app(NetConfig()), terminal_size=(60, 18))


def test_help_screen(snap_compare: Any) -> None:
    """The ? help screen."""
    assert snap_compare(make_app(NetConfig()), press=["question_mark"], terminal_size=(120, 40))


def test_large_network_elides(snap_compare: Any) -> None:
    """64 hidden units: matrices elide with ⋯ and ⋮ instead of wrapping."""
    app = make_app(NetConfig(hidden=(64,), dataset="xor"))
    assert snap_compare(app, press=["space", "right", "right", "full_stop"], terminal_size=(120, 40))


@pytest.mark.parametrize("key", ["o", "c", "s", "m"], ids=["outer", "gradcheck", "signs", "map"])
def test_why_views(snap_compare: Any, key: str) -> None:
    """The why-views after one iteration: outer products, gradient check, sign conventions, prediction map."""
    assert snap_compare(make_app(NetConfig()), press=["space", key], terminal_size=(120, 40))
