"""What the classroom server and the apps it starts agree on (protocol.py), and the fork server (forkserver.py).

Neither tuinet.serve (which imports no numpy, no engine, no app) nor tuinet.app owns these: the
protocol is the small contract between them, and the fork server is a program serve launches.
This face imports nothing.
"""

__all__: list[str] = []
