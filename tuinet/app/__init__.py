"""The Textual app: the stepper over the engine's traces."""

from tuinet.app.app import TuinetApp, make_app
from tuinet.app.session import Cursor, Granularity, Session
from tuinet.app.view import StepView

__all__ = ["Cursor", "Granularity", "Session", "StepView", "TuinetApp", "make_app"]
