"""Moving the cursor: steps, reset, auto-play and its speed, and which pane a small terminal shows."""

from __future__ import annotations

from textual.containers import ScrollableContainer
from textual.timer import Timer
from textual.widget import Widget

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
        if number:
            self.call_after_refresh(self._show_pane_whole, PANES[number - 1])

    def _show_pane_whole(self, pane: str) -> None:
        """Pane ``pane`` from its top: the one compact pane shows it from its start, the full layout scrolls to it."""
        panes = self.query_one("#panes", ScrollableContainer)
        if self.has_class("-compact"):
            panes.scroll_home(animate=False)
        else:
            panes.scroll_to_widget(self.query_one(f"#pane-{pane}", Widget), animate=False, top=True)

    def action_page(self, down: bool) -> None:
        """PageDown / PageUp: scroll the matrix panes by a screenful, so every matrix is reachable without a mouse."""
        panes = self.query_one("#panes", ScrollableContainer)
        if down:
            panes.scroll_page_down(animate=False)
        else:
            panes.scroll_page_up(animate=False)

    # -- auto-play ------------------------------------------------------------------------------

    def action_play(self) -> None:
        if self.playing:
            self.stop_play()
        else:
            self._restart_timer()
            self.notify("playing — p pauses, + − change the speed", timeout=2)

    @property
    def playing(self) -> bool:
        return self._play_timer is not None

    def action_pause(self) -> None:
        self.stop_play()

    def stop_play(self) -> None:
        if self._play_timer is not None:
            self._play_timer.stop()
            self._play_timer = None
        if self.session.playing is not None:
            self.session.playing = None  # the status line's ▶ goes
            self.publish_soon()

    def _restart_timer(self) -> None:
        if self._play_timer is not None:
            self._play_timer.stop()
        self._play_timer = self.set_interval(PLAY_DELAYS[self._speed], self._tick)
        self.session.playing = (self.session.granularity, PLAY_DELAYS[self._speed])  # the status line's ▶
        self.publish_soon()

    def _tick(self) -> None:
        before = self.session.cursor
        if self.session.playing is not None and self.session.playing[0] is not self.session.granularity:
            self.session.playing = (self.session.granularity, self.session.playing[1])  # a key changed the step
        self.session.step(self.session.granularity, True)
        self.publish_soon()
        if self.session.cursor == before:  # reached the end
            self.stop_play()

    def action_speed(self, change: int) -> None:
        self._speed = max(0, min(len(PLAY_DELAYS) - 1, self._speed + change))
        if self.playing:
            self._restart_timer()
        self.notify(f"step every {PLAY_DELAYS[self._speed]:g} s", timeout=1.5)
