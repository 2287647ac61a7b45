"""Worker processes exit when the process that started them dies.

A pool's workers learn that their parent is gone only when they next read their task
queue, so a worker in the middle of a long batch runs on as an orphan, holding a core,
after its sweep or calibration was killed (SIGKILL, the out-of-memory killer, a closed
terminal) until the batch ends. Each local worker therefore starts a daemon thread that
checks its parent's process id once a second and ends the process when it changes (an
orphan is re-parented to init or a subreaper). Nothing is lost: workers only compute;
the parent writes every finished run to the store, and a resumed sweep redoes only the
runs whose results never reached it.
"""

from __future__ import annotations

import os
import threading
import time

__all__ = ["exit_with_parent", "POLL_SECONDS"]

#: How often a worker checks that its parent is alive.
POLL_SECONDS = 1.0


def exit_with_parent(parent: int | None = None, poll_seconds: float = POLL_SECONDS) -> None:
    """Start the watch thread in this (worker) process; call once, from its initialiser.

    Args:
        parent: the process id of the process that must be alive, taken in that process
            (``os.getpid()``, passed through the pool's ``initargs``) so that a parent
            that dies before the worker starts is still noticed; default: the current
            parent.
        poll_seconds: how often to check.
    """
    parent = os.getppid() if parent is None else int(parent)

    def watch() -> None:
        while True:
            time.sleep(poll_seconds)
            if os.getppid() != parent:
                os._exit(1)  # no cleanup to do: the parent owned the store

    threading.Thread(target=watch, name="clsim-parent-watch", daemon=True).start()
