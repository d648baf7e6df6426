"""Flows that talk to the user: export an iteration, save and open a session, go to an iteration.

Each is a small module that asks with a dialog and then either does its job and says so (a notice) or posts a
message the App applies (a loaded session, a jump). None imports the App or touches its state: they get the
numbers they need as arguments and use only Textual's public API (push_screen, notify, post_message).
"""

from tuinet.app.flows.messages import GoTo, SessionOpened

__all__ = ["GoTo", "SessionOpened"]
