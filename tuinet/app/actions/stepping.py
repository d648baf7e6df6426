"""Moving the cursor: steps, reset, auto-play and its speed, and which pane a small terminal shows."""

from __future__ import annotations

from textual.timer import Timer

from tuinet.app.actions.base import Host
from tuinet.app.cursor import Cursor, Granularity
from tuinet.app.layout import PANES
from tuinet.app.pace import DEFAULT_SPEED, PLAY_DELAYS

__all__ = ["PLAY_DELAYS", "SteppingActions"]


class SteppingActions(Host):
    _play_timer: Timer | None = None
    _speed = DEFAULT_SPEED
    """Index into PLAY_DELAYS (pace.py; set from --play-every / config.toml by the App)."""

    def action_step(self, granularity: str, forward: bool) -> None:
        self.session.step(Granularity(granularity), forward)
        self.publish_soon()

    def action_reset(self) -> None:
        self.stop_play()
        self.session.go(Cursor())
        self.publish_soon()

    def action_pane(self, number: int) -> None:
        self.session.pinned = PANES[number - 1] if number else None
        self.publish_soon()

    # -- auto-play ------------------------------------------------------------------------------

    def action_play(self) -> None:
        if self.playing:
            self.stop_play()
        else:
            self._restart_timer()
            every = PLAY_DELAYS[self._speed]
            self.notify(f"playing by {self.session.granularity}, every {every:g} s — p pauses", timeout=2)

    @property
    def playing(self) -> bool:
        return self._play_timer is not None

    def action_pause(self) -> None:
        self.stop_play()

    def stop_play(self) -> None:
        if self._play_timer is not None:
            self._play_timer.stop()
            self._play_timer = None

    def _restart_timer(self) -> None:
        if self._play_timer is not None:
            self._play_timer.stop()
        self._play_timer = self.set_interval(PLAY_DELAYS[self._speed], self._tick)

    def _tick(self) -> None:
        before = self.session.cursor
        self.session.step(self.session.granularity, True)
        self.publish_soon()
        if self.session.cursor == before:  # reached the end
            self.stop_play()

    def action_speed(self, change: int) -> None:
        self._speed = max(0, min(len(PLAY_DELAYS) - 1, self._speed + change))
        if self.playing:
            self._restart_timer()
        self.notify(f"step every {PLAY_DELAYS[self._speed]:g} s", timeout=1.5)
