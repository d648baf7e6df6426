"""`python -m tuinet` is the same as the `tuinet` command."""

from tuinet.cli import main

raise SystemExit(main())
