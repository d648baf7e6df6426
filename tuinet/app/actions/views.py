"""The why-views and the help: opening them, and what the why-views' keys choose (kept in the session)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tuinet.app.actions.base import Host
from tuinet.app.screens import HelpScreen

if TYPE_CHECKING:
    from tuinet.app.why import WhyScreen

__all__ = ["ViewActions"]


class ViewActions(Host):
    def action_why(self, key: str) -> None:
        self.open_why(key)

    def open_why(self, key: str) -> None:
        """Show the why-views on tab ``key`` (switching tabs if they are already open)."""
        from tuinet.app.why import WhyScreen  # on first use: it is not needed to draw the first frame

        self.session.why = key
        self.publish_soon()
        if isinstance(self.screen, WhyScreen):
            self.screen.action_show(key)
        else:
            self.push_screen(WhyScreen(key), self._why_closed)

    def _why_closed(self, result: None) -> None:
        self.session.why = None
        self.publish_soon()

    def on_why_screen_tab_shown(self, message: WhyScreen.TabShown) -> None:
        """The why-views switched tab (a key or a click): the session records the open view."""
        if message.tab != self.session.why:
            self.session.why = message.tab
            self.publish_soon()

    def on_why_screen_picked(self, message: WhyScreen.Picked) -> None:
        """. , [ ] in a why-view: another sample or weight, another layer."""
        if self.session.why is not None:
            self.session.pick(self.session.why, message.layer, message.index)
            self.publish_soon()

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())
