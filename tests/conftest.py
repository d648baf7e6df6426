"""Shared fixtures: the default tutorial network, and a helper to open the app."""

from __future__ import annotations

import pytest

from tuinet.engine import NetConfig


@pytest.fixture
def config() -> NetConfig:
    return NetConfig()


@pytest.fixture(autouse=True)
def no_personal_config(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the developer's own ~/.config/tuinet/config.toml (programs in ptys inherit this too)."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("xdg-config")))
