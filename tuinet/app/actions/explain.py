"""The keys that explain: d (the whole derivation), n (the next notation profile), w (the mistakes lab)."""

from __future__ import annotations

from tuinet.app.actions.base import Host
from tuinet.app.profiles import ProfileNotation, notation_for

__all__ = ["ExplainActions"]


class ExplainActions(Host):
    def action_notation(self) -> None:
        """``n``: the next profile; every widget relabels (Nielsen: transposes) in the next frame."""
        current = self.session.notation
        if not isinstance(current, ProfileNotation):
            current = notation_for(self.session.network)
        notation = current.next()
        self.session.notation = notation
        profile = notation.profile
        self.notify(f"notation: {profile.name} — {profile.title}" + (f". {profile.once}" if profile.once else ""))
        self.publish_soon()

    def action_derivation(self) -> None:
        from tuinet.app.derivation import DerivationScreen  # on first use

        if isinstance(self.screen, DerivationScreen):
            self.pop_screen()
        else:
            self.push_screen(DerivationScreen())

    def action_mistakes(self) -> None:
        from tuinet.app.mistakes import MistakesScreen  # on first use

        if not isinstance(self.screen, MistakesScreen):
            self.push_screen(MistakesScreen())
