"""The meter's forecasts, run in a background process shared by the server's tabs.

A forecast (:func:`simulator.studies.forecast.forecast_transformed`) runs ten futures of
the model from a run's current state: about 2 s at 2,000 agents from year 5. That is
too long for the tab's own thread, so the server keeps one worker process (``spawn``,
lowered OS priority) and a queue in front of it:

* each tab has at most one forecast waiting; a newer request replaces it (only the
  latest state of a run matters), and a forecast in progress is abandoned between two
  futures when a newer one of its tab is waiting;
* the projected tab's requests go first;
* the answer comes back through a callback, which the page routes into the tab's own
  worker (:class:`~simulator.dashboard.scheduler.TabWorker`) to redraw the meter.

With ``processes=0`` forecasts run in the service's own thread (tests, small machines).
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import pickle
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from ..analysis.tipping import Regime
from ..parent_watch import exit_with_parent
from ..studies.forecast import (
    DEFAULT_FUTURES,
    ForecastResult,
    forecast_transformed,
    future_outcome,
)

__all__ = ["ForecastRequest", "ForecastService", "get_service", "pack_model", "run_request"]

logger = logging.getLogger(__name__)


def pack_model(model: Any) -> bytes:
    """Pickle a model for a worker process (its data collector stays behind)."""
    collector = getattr(model, "datacollector", None)
    try:
        if collector is not None:
            model.datacollector = None
        return pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)
    finally:
        if collector is not None:
            model.datacollector = collector


@dataclass
class ForecastRequest:
    """One forecast to make: a packed model, its history and the run's length."""

    tab: str
    model: bytes
    history: list[dict[str, Any]]
    steps: int
    futures: int = DEFAULT_FUTURES
    priority: bool = False
    token: Any = None
    callback: Callable[[ForecastRequest, ForecastResult | None, str | None], None] | None = field(
        default=None, repr=False
    )


def run_request(model: bytes, history: list[dict[str, Any]], steps: int, futures: int) -> ForecastResult:
    """Unpack a model and forecast it (all futures at once)."""
    return forecast_transformed(pickle.loads(model), history, steps, futures=futures)


_UNPACKED: dict[int, Any] = {}


def run_future(
    request_id: int, model: bytes, history: list[dict[str, Any]], steps: int, index: int
) -> float:
    """Simulate one future of a request's model, unpacked once per request (in the worker)."""
    if request_id not in _UNPACKED:
        _UNPACKED.clear()
        _UNPACKED[request_id] = pickle.loads(model)
    return future_outcome(_UNPACKED[request_id], history, steps, index)


def _worker_setup(parent: int) -> None:  # pragma: no cover - runs in the worker process
    """Lower the worker's priority, and end it when the server is gone.

    A worker of a server that was killed would otherwise wait for work forever.
    """
    try:
        os.nice(10)
    except (AttributeError, OSError):
        pass
    exit_with_parent(parent, poll_seconds=2.0)


class ForecastService:
    """A queue of forecasts in front of one worker process.

    Args:
        processes: 1 (default) for a background process, 0 to run in a thread here.
    """

    def __init__(self, processes: int = 1):
        self.processes = processes
        self._cond = threading.Condition()
        self._waiting: dict[str, ForecastRequest] = {}
        self._order: list[str] = []
        self._pool: ProcessPoolExecutor | None = None
        self._thread: threading.Thread | None = None
        self._closed = False
        self._requests = 0
        self.done = 0

    def request(self, req: ForecastRequest) -> None:
        """Queue a forecast; replaces the tab's forecast still waiting, if any."""
        with self._cond:
            if self._closed:
                return
            if req.tab not in self._waiting:
                self._order.append(req.tab)
            self._waiting[req.tab] = req
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._loop, name="clsim-forecasts", daemon=True
                )
                self._thread.start()
            self._cond.notify_all()

    def cancel(self, tab: str) -> None:
        """Forget a tab's waiting forecast (a new run started, or the tab closed)."""
        with self._cond:
            self._waiting.pop(tab, None)
            if tab in self._order:
                self._order.remove(tab)

    def _next(self) -> ForecastRequest | None:
        with self._cond:
            while not self._closed and not self._order:
                self._cond.wait()
            if self._closed:
                return None
            pick = next((t for t in self._order if self._waiting[t].priority), self._order[0])
            self._order.remove(pick)
            return self._waiting.pop(pick)

    def _pool_or_none(self) -> ProcessPoolExecutor | None:
        if self.processes <= 0:
            return None
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_worker_setup,
                initargs=(os.getpid(),),
            )
        return self._pool

    def _superseded(self, req: ForecastRequest) -> bool:
        with self._cond:
            return self._closed or req.tab in self._waiting

    def _forecast(self, req: ForecastRequest) -> ForecastResult | None:
        """Simulate the futures one by one; give up when a newer request of the tab waits."""
        pool = self._pool_or_none()
        model = pickle.loads(req.model) if pool is None else None
        self._requests += 1
        request_id = self._requests
        outcomes: list[float] = []
        for index in range(req.futures):
            if self._superseded(req):
                return None
            if pool is None:
                outcomes.append(future_outcome(model, req.history, req.steps, index))
            else:
                outcomes.append(
                    pool.submit(
                        run_future, request_id, req.model, req.history, req.steps, index
                    ).result()
                )
        regime = Regime()
        month = len(req.history) - 1
        cut = float(regime.threshold)
        hits = sum(int(v >= cut) for v in outcomes)
        return ForecastResult(month, req.futures, hits, outcomes, cut, regime.describe())

    def _loop(self) -> None:
        while True:
            req = self._next()
            if req is None:
                return
            result: ForecastResult | None = None
            error: str | None = None
            try:
                result = self._forecast(req)
                if result is None:  # superseded: the newer request answers instead
                    continue
                self.done += 1
            except RuntimeError as exc:
                if "shutdown" in str(exc):  # the server is exiting: stop quietly
                    return
                logger.exception("dashboard: forecast failed")
                error = f"{type(exc).__name__}: {exc}"
            except Exception as exc:  # noqa: BLE001 - reported to the tab, never raised
                logger.exception("dashboard: forecast failed")
                error = f"{type(exc).__name__}: {exc}"
                if self._pool is not None:
                    self._pool.shutdown(wait=False, cancel_futures=True)
                    self._pool = None
            if req.callback is not None:
                try:
                    req.callback(req, result, error)
                except Exception:  # noqa: BLE001
                    logger.exception("dashboard: forecast callback failed")

    def close(self) -> None:
        """Stop the service and its worker process."""
        with self._cond:
            self._closed = True
            self._waiting.clear()
            self._order.clear()
            self._cond.notify_all()
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


_SERVICE: ForecastService | None = None
_SERVICE_LOCK = threading.Lock()


def get_service() -> ForecastService:
    """The server's forecast service (created on first use).

    ``CLSIM_FORECAST_PROCESSES=0`` runs forecasts in a thread instead of a process.
    """
    global _SERVICE
    with _SERVICE_LOCK:
        if _SERVICE is None:
            _SERVICE = ForecastService(int(os.environ.get("CLSIM_FORECAST_PROCESSES", "1")))
            atexit.register(_SERVICE.close)
        return _SERVICE
