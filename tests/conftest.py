"""Shared fixtures: the default tutorial network, and a helper to open the app."""

from __future__ import annotations

import pytest

from tuinet.engine import NetConfig


@pytest.fixture
def config() -> NetConfig:
    return NetConfig()
