"""The why-views, the help and the loss plot: opening them, and what the why-views' keys choose (in the session)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tuinet.app.actions.base import Host
from tuinet.app.keymap import bindings_by_id, keys_shown
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

    keymap: dict[str, str]
    """Binding id → keys from config.toml (the App sets it)."""

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            bound = {i: keys_shown(b, self.keymap) for i, b in bindings_by_id(self.BINDINGS).items()}
            self.push_screen(HelpScreen(bound))

    def action_loss_plot(self) -> None:
        """L: the loss over every iteration so far (lossplot.py), the current one marked."""
        from tuinet.app.lossplot import LossPlotScreen  # on first use: plotext is not needed for the first frame

        if not isinstance(self.screen, LossPlotScreen):
            iteration = self.session.cursor.iteration
            view = getattr(self, "view", None)  # the StepView on screen (app.py), whose loss the status line shows
            loss = view.loss if view is not None and view.cursor == self.session.cursor else None
            self.push_screen(LossPlotScreen(self.session.history, iteration, loss))
