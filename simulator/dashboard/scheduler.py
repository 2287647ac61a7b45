"""Fair and responsive under load: per-tab work queues and one compute slot with priority.

Every browser tab of a dashboard server runs in one Python process. Before this module,
each click ran its work in the tab's message thread, so a burst of clicks queued up
(100 *Step* clicks took 8 s to drain) and tabs playing at once slowed the projected one
(96 ms a step alone, 578 ms with six other tabs playing; issue 15). Three rules fix it:

* **Coalescing.** A tab's control changes go to its :class:`TabWorker` under a key
  (the control's name); a change still waiting is *replaced* by a newer one for the same
  key, so dragging a slider or holding an arrow key builds one model for the last value,
  not one per value.
* **Queue limits.** Each kind of request has a limit of pending entries (two steps,
  one reset, one forecast, ...); further requests are refused at once and counted, so a
  burst of clicks never turns into seconds of backlog.
* **Priority.** Heavy work (building and stepping a model, redrawing its views) runs
  inside the :class:`ComputeGate`, which admits one tab at a time and always admits a
  waiting *priority* tab (the projected one) before any other. Another tab can delay the
  projected one by at most one of its own steps. While a priority tab is open, the other
  tabs also *play* at most at :data:`SHARED_PLAY_INTERVAL` (Normal speed), so that a
  room of tabs playing at Fast cannot saturate the server's processor.

The worker thread of a tab is created in the tab's (kernel) context, so what it renders
reaches that tab's browser; Solara makes threads inherit the context they are created in.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ComputeGate", "TabWorker", "GATE", "DEFAULT_LIMITS", "SHARED_PLAY_INTERVAL"]

logger = logging.getLogger(__name__)

#: Pending requests allowed per kind in one tab (a kind not listed: 4).
DEFAULT_LIMITS: dict[str, int] = {
    "step": 2,
    "control": 16,  # one per control name, coalesced
    "reset": 1,
    "forecast": 1,
    "room": 4,
    "view": 4,
}
#: Shortest time between two played months of an ordinary tab while a priority tab is open.
SHARED_PLAY_INTERVAL = 0.25


class ComputeGate:
    """Mutual exclusion across tabs in which priority tabs jump the queue.

    A tab enters with :meth:`slot`; while a priority tab waits, no ordinary tab starts.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._busy = False
        self._priority_waiting = 0
        self._priority_tabs: set[int] = set()
        self.waits: deque[float] = deque(maxlen=500)

    def set_priority(self, tab: object, priority: bool) -> None:
        """Record whether a tab is a priority (projected) tab."""
        with self._cond:
            if priority:
                self._priority_tabs.add(id(tab))
            else:
                self._priority_tabs.discard(id(tab))

    @property
    def priority_open(self) -> bool:
        """Whether some priority tab is open."""
        return bool(self._priority_tabs)

    @contextmanager
    def slot(self, priority: bool = False) -> Iterator[None]:
        """Hold the compute slot for the duration of a ``with`` block."""
        started = time.perf_counter()
        with self._cond:
            if priority:
                self._priority_waiting += 1
            try:
                while self._busy or (not priority and self._priority_waiting > 0):
                    self._cond.wait()
            finally:
                if priority:
                    self._priority_waiting -= 1
            self._busy = True
        self.waits.append(time.perf_counter() - started)
        try:
            yield
        finally:
            with self._cond:
                self._busy = False
                self._cond.notify_all()


#: The gate shared by every tab of this server process.
GATE = ComputeGate()


@dataclass
class _Job:
    kind: str
    key: str | None
    fn: Callable[[], Any]
    compute: bool
    queued: float = field(default_factory=time.perf_counter)


class TabWorker:
    """One tab's queue of work, run in order by one thread.

    Args:
        gate: the compute gate shared by the tabs.
        limits: pending entries allowed per kind (default :data:`DEFAULT_LIMITS`).
        name: thread name (for logs).
        job_lock: a factory of the context manager each job runs in (the page passes
            its kernel's lock, so that a job's re-render never interleaves with the
            browser's own updates of the same widgets).

    Attributes:
        priority: this tab is the projected one (set by the page).
        dropped: requests refused because their kind's queue was full, by kind.
        coalesced: requests replaced by a newer one with the same key.
    """

    def __init__(
        self,
        gate: ComputeGate | None = None,
        limits: dict[str, int] | None = None,
        name: str = "clsim-tab",
        job_lock: Callable[[], Any] | None = None,
    ):
        self.gate = gate or GATE
        self.limits = {**DEFAULT_LIMITS, **(limits or {})}
        self.name = name
        self.job_lock = job_lock or nullcontext
        self._priority = False
        self.dropped: dict[str, int] = {}
        self.coalesced = 0
        self._queue: deque[_Job] = deque()
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closed = False
        self._busy = False
        self._tick: Callable[[], bool] | None = None
        self._tick_interval = 0.25
        self._next_tick = 0.0

    @property
    def priority(self) -> bool:
        """This tab is the projected one."""
        return self._priority

    @priority.setter
    def priority(self, value: bool) -> None:
        self._priority = bool(value)
        self.gate.set_priority(self, self._priority)

    # -- submitting ----------------------------------------------------------------

    def submit(
        self, kind: str, fn: Callable[[], Any], key: str | None = None, compute: bool = True
    ) -> bool:
        """Queue ``fn``; returns False when it was refused (queue of that kind full).

        Args:
            kind: the request's kind (its queue limit).
            fn: what to run (in the worker thread).
            key: a pending job with the same key is replaced (the last value wins).
            compute: run inside the compute gate.
        """
        with self._cond:
            if self._closed:
                return False
            if key is not None:
                for index, job in enumerate(self._queue):
                    if job.key == key:
                        self._queue[index] = _Job(kind, key, fn, compute, job.queued)
                        self.coalesced += 1
                        return True
            pending = sum(1 for job in self._queue if job.kind == kind)
            if pending >= self.limits.get(kind, 4):
                self.dropped[kind] = self.dropped.get(kind, 0) + 1
                return False
            self._queue.append(_Job(kind, key, fn, compute))
            self._start()
            self._cond.notify_all()
            return True

    def set_ticker(self, tick: Callable[[], bool] | None, interval: float = 0.25) -> None:
        """Call ``tick()`` every ``interval`` seconds while the queue is empty.

        The play loop: ``tick`` steps the model and returns False to stop ticking.
        """
        with self._cond:
            self._tick = tick
            self._tick_interval = max(0.0, float(interval))
            self._next_tick = time.perf_counter()
            if tick is not None:
                self._start()
            self._cond.notify_all()

    def pending(self, kind: str | None = None) -> int:
        """Jobs waiting (of one kind, or all)."""
        with self._cond:
            return sum(1 for job in self._queue if kind is None or job.kind == kind)

    def idle(self, timeout: float = 10.0) -> bool:
        """Wait until nothing is queued or running; False on timeout."""
        deadline = time.perf_counter() + timeout
        with self._cond:
            while self._queue or self._busy:
                left = deadline - time.perf_counter()
                if left <= 0:
                    return False
                self._cond.wait(left)
        return True

    def close(self) -> None:
        """Stop the thread after the job in progress (queued jobs are dropped)."""
        self.gate.set_priority(self, False)
        with self._cond:
            self._closed = True
            self._queue.clear()
            self._tick = None
            self._cond.notify_all()

    # -- running -------------------------------------------------------------------

    def _start(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._loop, name=self.name, daemon=True)
            self._thread.start()

    def _run(self, fn: Callable[[], Any], compute: bool) -> Any:
        if compute:
            with self.gate.slot(self.priority), self.job_lock():
                return fn()
        with self.job_lock():
            return fn()

    def _loop(self) -> None:
        while True:
            with self._cond:
                job = None
                while not self._closed:
                    if self._queue:
                        job = self._queue.popleft()
                        break
                    if self._tick is not None:
                        wait = self._next_tick - time.perf_counter()
                        if wait <= 0:
                            break
                        self._cond.wait(wait)
                    else:
                        self._cond.wait()
                if self._closed:
                    self._cond.notify_all()
                    return
                self._busy = True
                tick = self._tick if job is None else None
            try:
                if job is not None:
                    self._run(job.fn, job.compute)
                elif tick is not None:
                    started = time.perf_counter()
                    again = self._run(tick, True)
                    interval = self._tick_interval
                    if not self._priority and self.gate.priority_open:
                        interval = max(interval, SHARED_PLAY_INTERVAL)
                    with self._cond:
                        if not again and self._tick is tick:
                            self._tick = None
                        self._next_tick = started + interval
            except Exception:  # noqa: BLE001 - a failing job must not kill the tab's worker
                logger.exception("dashboard: a queued job failed")
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()
