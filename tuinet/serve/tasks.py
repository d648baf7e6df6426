"""Work the server starts and does not wait for (a renderer's watch, a spare being made, a late write).

asyncio keeps only a weak reference to a task: one nobody holds may be collected before it ends.
``background`` holds each until it is done, in one place instead of a set per module.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

__all__ = ["background"]

_running: set[asyncio.Task[Any]] = set()


def background(work: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
    """Run ``work`` on the running loop, held until it ends."""
    task = asyncio.get_running_loop().create_task(work)
    _running.add(task)
    task.add_done_callback(_running.discard)
    return task
