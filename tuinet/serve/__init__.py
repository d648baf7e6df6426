"""Classroom serving: tuinet over SSH (one process per student), follow-the-teacher mode, and the web.

This package starts tuinet processes and passes bytes; it imports neither the app nor numpy.
``tuinet serve --help`` is the user's entry point (cli.py); ssh.py is the server, process.py one
session's process, hub.py follow mode's fan-out, auth.py the credentials and throttling.
"""

__all__: list[str] = []
