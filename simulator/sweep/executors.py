"""Where runs execute: in this process, in local worker processes, or on a dask cluster.

Every executor takes a target (``target(params, seed) -> outcomes``) and an iterable of
:class:`RunTask` and yields :class:`RunOutcome` as runs finish, in *completion* order;
the store sorts by run id, so all three give the same table for the same sweep (seeds
depend only on the run id, never on the worker). A run that raises comes back as an
outcome carrying the traceback, so the caller can save finished work before stopping.

- :class:`SerialExecutor`: one run after another in this process (debugging, tiny sweeps).
- :class:`ProcessExecutor`: ``concurrent.futures.ProcessPoolExecutor`` with an explicit
  start method (``spawn`` by default: safe with threads, same on Linux, macOS and
  Windows). Each batch carries its target; the pool is kept from one sweep to the next
  until :meth:`ProcessExecutor.close`.
- :class:`DaskExecutor`: a running ``dask.distributed`` scheduler (``tcp://host:port``);
  the target is scattered to every worker once. Workers must be able to import
  ``simulator`` (install the package on every node).

Submission is windowed (a few tasks per worker in flight), so a sweep of millions of
runs never holds millions of futures.

**Batches.** Every executor hands runs to workers in batches: a target that can run many
runs at once (``ScenarioTarget.run_batch``: the ensemble engine, ``simulator.ensemble``)
runs each batch in one vectorised state, with every run's outcomes equal to the run made
alone; other targets run a batch one run after another. The batch size is chosen
automatically from the memory estimate of one run (``ScenarioTarget.batch_size``; at most
``simulator.ensemble.MAX_BATCH`` runs), or set with ``batch`` or the environment variable
``CLSIM_BATCH`` (``CLSIM_BATCH=1`` runs every run alone); ``chunk_size`` is a floor.
Results still come back one outcome a run, so the store writes one row a run and a
resumed sweep runs exactly the missing run ids.
"""

from __future__ import annotations

import multiprocessing
import os
import traceback
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from ..parent_watch import exit_with_parent
from .errors import Problem, SweepError
from .targets import Target

__all__ = [
    "RunTask",
    "RunOutcome",
    "Executor",
    "SerialExecutor",
    "ProcessExecutor",
    "DaskExecutor",
    "make_executor",
    "run_chunk",
    "batch_size_for",
]


@dataclass(frozen=True)
class RunTask:
    """One run to do: its id, its seed and its parameter overrides."""

    run_id: int
    seed: int
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RunOutcome:
    """One finished run: named outcomes, or the error text if it raised."""

    run_id: int
    outcomes: dict[str, float] | None = None
    error: str | None = None


def run_chunk(target: Target, tasks: Sequence[RunTask], workers: int = 1) -> list[RunOutcome]:
    """Run a batch of tasks; a raising run becomes an outcome with its traceback.

    A target with ``run_batch`` (the model) runs the batch in the ensemble engine; any
    other target runs the tasks one after another.
    """
    run_batch = getattr(target, "run_batch", None)
    if run_batch is not None and len(tasks) > 1:
        pairs = run_batch([(task.params, task.seed) for task in tasks], workers=workers)
        return [
            RunOutcome(task.run_id, dict(outcomes) if outcomes is not None else None, error)
            for task, (outcomes, error) in zip(tasks, pairs, strict=True)
        ]
    out = []
    for task in tasks:
        try:
            result = target(task.params, task.seed)
            out.append(RunOutcome(task.run_id, dict(result)))
        except Exception:  # noqa: BLE001 - reported to the caller with the run id
            out.append(RunOutcome(task.run_id, error=traceback.format_exc()))
    return out


#: Environment variable that fixes the runs per batch (``1``: every run alone).
BATCH_ENV = "CLSIM_BATCH"


def batch_size_for(target: Target, workers: int = 1, batch: int | None = None, floor: int = 1) -> int:
    """Runs a worker takes at once: ``batch``, ``$CLSIM_BATCH``, or the target's own choice; at least ``floor``."""
    import os

    raw = os.environ.get(BATCH_ENV, "").strip()
    if batch is None and raw:
        if not raw.isdigit() or int(raw) < 1:
            raise ValueError(f"{BATCH_ENV} must be a whole number of runs >= 1; found {raw[:20]!r}")
        batch = int(raw)
    if batch is None:
        choose = getattr(target, "batch_size", None)
        batch = choose(workers) if choose is not None else 1
    return max(1, int(floor), int(batch))


def _chunks(tasks: Iterable[RunTask], size: int) -> Iterator[list[RunTask]]:
    chunk: list[RunTask] = []
    for task in tasks:
        chunk.append(task)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class Executor(ABC):
    """Runs tasks against a target and yields outcomes as they finish."""

    #: Short name recorded in logs and benchmarks.
    name: str = "executor"
    #: Number of runs that can execute at once.
    workers: int = 1

    @abstractmethod
    def run(self, target: Target, tasks: Iterable[RunTask]) -> Iterator[RunOutcome]:
        """Yield one :class:`RunOutcome` per task, in completion order."""

    def close(self) -> None:  # noqa: B027 - optional hook, nothing to release by default
        """Release workers or connections."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SerialExecutor(Executor):
    """Every run in this process, in order, a batch at a time.

    Args:
        batch: runs per batch (default: chosen from the memory estimate; 1 runs every
            run alone, as before the ensemble engine).
    """

    name = "serial"

    def __init__(self, batch: int | None = None):
        self.batch = batch

    def run(self, target: Target, tasks: Iterable[RunTask]) -> Iterator[RunOutcome]:
        """Run the tasks batch by batch."""
        for chunk in _chunks(tasks, batch_size_for(target, 1, self.batch)):
            yield from run_chunk(target, chunk)


def _init_worker(parent: int | None = None) -> None:
    exit_with_parent(parent)


def _run_in_worker(target: Target, tasks: list[RunTask], workers: int = 1) -> list[RunOutcome]:
    return run_chunk(target, tasks, workers)


#: Smallest batch the last batches of a sweep shrink to (a batch of 4 workshop-size runs
#: already runs at the ensemble's full rate a run; ``benchmarks/run_all.py``).
TAIL_BATCH = 4


def _guided_chunks(tasks: Iterable[RunTask], size: int, workers: int, floor: int = 1) -> Iterator[list[RunTask]]:
    """Batches of ``size`` runs that shrink toward the end, so the workers finish together.

    When the number of tasks is known (``len(tasks)``), each batch takes at most a
    ``2 * workers``-th of the runs still to hand out (and at least :data:`TAIL_BATCH` or
    ``floor``, or ``size`` if smaller): the last batches are small, so no worker is left
    running a full batch while the others wait (guided scheduling). Which run goes into
    which batch never changes a run's outcome. Used when the batch size was chosen
    automatically; tasks are still drawn lazily.
    """
    try:
        left = len(tasks)  # type: ignore[arg-type]
    except TypeError:
        yield from _chunks(tasks, size)
        return
    least = min(size, max(TAIL_BATCH, floor))

    def next_size() -> int:
        return max(least, min(size, -(-left // (2 * workers))))

    chunk: list[RunTask] = []
    want = next_size()
    for task in tasks:
        chunk.append(task)
        if len(chunk) >= want:
            left -= len(chunk)
            yield chunk
            chunk = []
            want = next_size()
    if chunk:
        yield chunk


class ProcessExecutor(Executor):
    """Local worker processes (``concurrent.futures``) with an explicit start method.

    The pool starts with the first :meth:`run` and is kept for the next ones, so a study
    of several sweeps (a tipping study: its main and hysteresis sweeps) starts
    its workers once; :meth:`close` (or leaving a ``with`` block) shuts it down, and a
    run that ends early (an error, an interruption, a dead worker) shuts it down at once.
    Each batch carries its target, so one pool serves different sweeps.

    Args:
        workers: number of worker processes.
        start_method: ``spawn`` (default), ``forkserver`` or ``fork``.
        chunk_size: least runs sent to a worker per task.
        window: tasks in flight per worker.
        batch: runs per task (default: chosen from the memory estimate, shared by the
            workers).
    """

    name = "local"

    def __init__(
        self,
        workers: int = 2,
        start_method: str = "spawn",
        chunk_size: int = 1,
        window: int = 4,
        batch: int | None = None,
    ):
        if workers < 1:
            raise ValueError(f"workers must be >= 1; found {workers}")
        if start_method not in multiprocessing.get_all_start_methods():
            raise ValueError(
                f"start_method must be one of {multiprocessing.get_all_start_methods()}; "
                f"found {start_method!r}"
            )
        self.workers = workers
        self.start_method = start_method
        self.chunk_size = max(1, chunk_size)
        self.window = max(1, window)
        self.batch = batch
        self._pool: ProcessPoolExecutor | None = None

    def _ensure_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context(self.start_method),
                initializer=_init_worker,
                initargs=(os.getpid(),),
            )
        return self._pool

    def run(self, target: Target, tasks: Iterable[RunTask]) -> Iterator[RunOutcome]:
        """Run the tasks on the pool (started if needed); it stays up if every task finished."""
        pool = self._ensure_pool()
        size = batch_size_for(target, self.workers, self.batch, self.chunk_size)
        chosen = self.batch is None and not os.environ.get(BATCH_ENV, "").strip()
        chunks = _guided_chunks(tasks, size, self.workers, self.chunk_size) if chosen else _chunks(tasks, size)
        pending: set[Future[list[RunOutcome]]] = set()
        # batches are large: two in flight a worker keep it busy without queueing many
        limit = self.workers * (self.window if size == 1 else 2)
        finished = False
        try:
            for chunk in chunks:
                pending.add(pool.submit(_run_in_worker, target, chunk, self.workers))
                if len(pending) >= limit:
                    break
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    for chunk in chunks:
                        pending.add(pool.submit(_run_in_worker, target, chunk, self.workers))
                        if len(pending) >= limit:
                            break
                    yield from fut.result()
            finished = True
        finally:
            if not finished:
                for fut in pending:
                    fut.cancel()
                self.close()

    def close(self) -> None:
        """Shut the pool down, cancelling queued tasks."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _dask_ping() -> str:
    import simulator.sweep  # noqa: F401 - proves the worker can import the package

    return "ok"


class DaskExecutor(Executor):
    """A ``dask.distributed`` cluster reached at ``tcp://HOST:PORT``.

    Args:
        address: the scheduler address.
        chunk_size: least runs per dask task.
        window: tasks in flight per worker thread.
        timeout: seconds to wait for the scheduler.
        batch: runs per dask task (default: chosen from the memory estimate).
    """

    name = "dask"

    def __init__(
        self, address: str, chunk_size: int = 1, window: int = 4, timeout: float = 30.0, batch: int | None = None
    ):
        self.batch = batch
        self.address = address
        self.chunk_size = max(1, chunk_size)
        self.window = max(1, window)
        self.timeout = timeout
        self._client: Any = None

    def _connect(self) -> Any:
        from distributed import Client

        try:
            client = Client(self.address, timeout=self.timeout, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise SweepError(
                "--cluster",
                [Problem("cluster", "a reachable dask scheduler", f"{self.address} ({exc})")],
            ) from None
        threads = sum(client.nthreads().values())
        if threads == 0:
            client.wait_for_workers(1, timeout=self.timeout)
            threads = sum(client.nthreads().values())
        try:
            client.submit(_dask_ping, pure=False).result(timeout=self.timeout)
        except Exception as exc:  # noqa: BLE001 - any worker-side failure is a setup problem
            client.close()
            raise SweepError(
                "--cluster",
                [
                    Problem(
                        "cluster",
                        "workers that can import 'simulator' (install clsim on every worker)",
                        repr(exc),
                    )
                ],
            ) from None
        self.workers = max(1, threads)
        return client

    def run(self, target: Target, tasks: Iterable[RunTask]) -> Iterator[RunOutcome]:
        """Scatter the target once, then submit chunks with a bounded window."""
        from distributed import as_completed

        self._client = self._connect()
        client = self._client
        remote_target = client.scatter(target, broadcast=True, hash=False)
        size = batch_size_for(target, 1, self.batch, self.chunk_size)
        chunks = _chunks(tasks, size)
        limit = self.workers * (self.window if size == 1 else 2)
        first = []
        try:
            for chunk in chunks:
                first.append(client.submit(run_chunk, remote_target, chunk, pure=False))
                if len(first) >= limit:
                    break
            if not first:
                return
            # Pass the loop: this client is not the default one.
            queue = as_completed(first, loop=client.loop)
            in_flight = len(first)
            for fut in queue:
                in_flight -= 1
                result = fut.result()
                fut.release()
                for chunk in chunks:
                    queue.add(client.submit(run_chunk, remote_target, chunk, pure=False))
                    in_flight += 1
                    if in_flight >= limit:
                        break
                yield from result
        finally:
            self.close()

    def close(self) -> None:
        """Close the client (the cluster keeps running)."""
        if self._client is not None:
            try:
                self._client.close()
            finally:
                self._client = None


def make_executor(
    kind: str = "local",
    workers: int | None = None,
    cluster: str | None = None,
    start_method: str = "spawn",
    chunk_size: int = 1,
    batch: int | None = None,
) -> Executor:
    """Build an executor by name: ``serial``, ``local`` (default) or ``dask``.

    ``cluster`` implies ``dask``. ``workers`` defaults to the number of CPUs. ``batch``
    fixes the runs per batch (default: chosen from the memory estimate).
    """
    if cluster is not None:
        return DaskExecutor(cluster, chunk_size=chunk_size, batch=batch)
    if kind == "serial":
        return SerialExecutor(batch=batch)
    if kind == "local":
        import os

        n = workers or os.cpu_count() or 1
        return ProcessExecutor(n, start_method=start_method, chunk_size=chunk_size, batch=batch)
    if kind == "dask":
        raise ValueError("executor 'dask' needs a scheduler address (--cluster tcp://HOST:PORT)")
    raise ValueError(f"executor must be 'serial', 'local' or 'dask'; found {kind!r}")
