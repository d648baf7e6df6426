"""The ``tuinet`` command line: argparse → config → app | train | export | serve.

The package face imports nothing: ``tuinet.cli.command`` is where the parser and the commands live.
"""

from __future__ import annotations

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """Run ``tuinet`` with ``argv`` (default: sys.argv[1:]); see tuinet.cli.command.main."""
    from tuinet.cli.command import main as run

    return run(argv)
