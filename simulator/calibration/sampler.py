"""A pyabc sampler whose every evaluation is seeded from the master seed.

pyabc's own samplers draw proposals from numpy's *global* random state (its transitions
and priors call ``scipy.stats`` without a generator), and its parallel samplers reseed
that state from the operating system in every worker (``np.random.seed()`` in
``pyabc/sampler/eps_mixin.py``), so two runs never agree. This sampler keeps pyabc's
algorithm (submit evaluations numbered 0, 1, 2, ...; keep every evaluation up to the n-th
accepted one *by number*, as ``EPSMixin`` does) and makes each evaluation a pure function
of its number:

* before evaluation ``j`` of generation ``t`` it seeds numpy's global generator from
  ``SeedSequence([master_seed, STREAM, t + 1, j])`` (``t = -1`` is pyabc's calibration
  sample from the prior), and restores it afterwards. That global state is pyabc's,
  which takes no generator; nothing of clsim's draws from it (every run has its own
  generator), and nothing draws from Python's ``random`` module, which pyabc only
  reseeds in the samplers this one replaces;
* it hands the model a simulation seed from the same sequence
  (:func:`current_simulation_seed`), from which every run of the evaluation derives;
* it hands the model the generation's tolerance (:func:`current_tolerance`), so that an
  evaluation can stop as soon as one target is missed by more than the tolerance: the
  distance is the largest target score, so such a proposal is rejected whatever the
  other scenarios give, and not running them changes no decision (early rejection;
  :meth:`simulator.calibration.simulate.CalibrationModel.statistics`).

The population of a generation therefore depends only on the master seed, the
generation and the previous population (read back from the history database), so the
serial, local-process and dask back-ends give the same posterior, and a calibration
resumed after a kill continues exactly where an uninterrupted one would be. Evaluations
numbered past the n-th acceptance may run on a parallel back-end and are discarded
(they do not count towards the acceptance rate).
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

import cloudpickle
import numpy as np
from pyabc.sampler import Sampler

from ..parent_watch import exit_with_parent

__all__ = [
    "SeededSampler",
    "SerialBackend",
    "ProcessBackend",
    "DaskBackend",
    "current_simulation_seed",
    "current_tolerance",
    "evaluation_seeds",
    "STREAM",
    "make_backend",
    "run_evaluation",
]

#: Entropy word that separates the ABC evaluation stream from other uses of the seed.
STREAM = 0xABC5_EED5

_LOCAL = threading.local()


def evaluation_seeds(master_seed: int, t: int, job_id: int) -> tuple[int, int]:
    """(global-state seed, simulation seed) of evaluation ``job_id`` of generation ``t``."""
    seq = np.random.SeedSequence([int(master_seed), STREAM, int(t) + 1, int(job_id)])
    words = seq.generate_state(3, np.uint32)
    global_seed = int(words[0])
    sim_seed = (int(words[1]) << 31) | (int(words[2]) >> 1)
    return global_seed, sim_seed


def current_simulation_seed() -> int:
    """The simulation seed of the evaluation running in this thread.

    Raises:
        RuntimeError: called outside an evaluation of :class:`SeededSampler`.
    """
    seed = getattr(_LOCAL, "sim_seed", None)
    if seed is None:
        raise RuntimeError(
            "no calibration evaluation is running: the calibration model must be called by "
            "simulator.calibration.sampler.SeededSampler, which seeds every evaluation"
        )
    return int(seed)


def current_tolerance() -> float:
    """The acceptance tolerance of the evaluation running in this thread (inf: none).

    Infinite outside a sampler, for pyabc's calibration sample from the prior (every
    proposal accepted) and when the sampler's early rejection is off.
    """
    return float(getattr(_LOCAL, "tolerance", math.inf))


_CACHE: dict[str, Callable[[], Any]] = {}


def _load(key: str, payload: bytes) -> Callable[[], Any]:
    fn = _CACHE.get(key)
    if fn is None:
        _CACHE.clear()  # one generation's function at a time
        fn = cloudpickle.loads(payload)
        _CACHE[key] = fn
    return fn


def run_evaluation(
    key: str, payload: bytes, master_seed: int, t: int, job_id: int, tolerance: float = math.inf
) -> Any:
    """Evaluate one proposal with its derived seeds; restores numpy's global random state."""
    simulate_one = _load(key, payload)
    global_seed, sim_seed = evaluation_seeds(master_seed, t, job_id)
    np_state = np.random.get_state()  # noqa: NPY002
    np.random.seed(global_seed)  # noqa: NPY002 - pyabc's proposals use numpy's global state
    _LOCAL.sim_seed = sim_seed
    _LOCAL.tolerance = float(tolerance)
    try:
        return simulate_one()
    finally:
        _LOCAL.sim_seed = None
        _LOCAL.tolerance = math.inf
        np.random.set_state(np_state)  # noqa: NPY002


class SerialBackend:
    """Evaluate in this process, one after another."""

    name = "serial"
    workers = 1

    def share(self, key: str, payload: bytes) -> Any:  # noqa: ARG002
        """The payload itself (nothing to distribute)."""
        return payload

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        """Run now; return a finished future."""
        fut: Future = Future()
        try:
            fut.set_result(fn(*args))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller through the future
            fut.set_exception(exc)
        return fut

    def wait_any(self, futures: list[Any]) -> list[Any]:
        """Every future is already done."""
        return list(futures)

    def close(self) -> None:
        """Nothing to release."""


class ProcessBackend:
    """Local worker processes (``concurrent.futures``, ``spawn`` by default)."""

    name = "local"

    def __init__(self, workers: int = 2, start_method: str = "spawn"):
        import multiprocessing

        self.workers = max(1, int(workers))
        self._pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context(start_method),
            initializer=exit_with_parent,
            initargs=(os.getpid(),),
        )

    def share(self, key: str, payload: bytes) -> Any:  # noqa: ARG002
        """The payload itself (sent with each task)."""
        return payload

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        """Queue one task."""
        return self._pool.submit(fn, *args)

    def wait_any(self, futures: list[Any]) -> list[Any]:
        """Block until at least one future is done."""
        done, _ = wait(futures, return_when=FIRST_COMPLETED)
        return list(done)

    def close(self) -> None:
        """Shut the pool down."""
        self._pool.shutdown(wait=True, cancel_futures=True)


class DaskBackend:
    """A running ``dask.distributed`` scheduler, as used by ``clsim sweep --cluster``."""

    name = "dask"

    def __init__(self, address: str, timeout: float = 30.0):
        from distributed import Client

        from simulator.sweep.errors import Problem, SweepError

        try:
            self._client = Client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise SweepError(
                "--cluster", [Problem("cluster", "a reachable dask scheduler", f"{address} ({exc})")]
            ) from None
        if not self._client.nthreads():
            self._client.wait_for_workers(1, timeout=timeout)
        self.address = address
        self._payloads: dict[str, Any] = {}

    @property
    def workers(self) -> int:
        """Worker threads in the cluster now."""
        return max(1, sum(self._client.nthreads().values()))

    def share(self, key: str, payload: bytes) -> Any:
        """Scatter a generation's function to every worker once; returns its future."""
        if key not in self._payloads:
            self._payloads = {key: self._client.scatter(payload, broadcast=True, hash=False)}
        return self._payloads[key]

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Submit one task."""
        return self._client.submit(fn, *args, pure=False)

    def wait_any(self, futures: list[Any]) -> list[Any]:
        """Block until at least one future is done."""
        import time

        # distributed.wait needs a default client; this one is not, so poll (cheap
        # against evaluations that take tenths of a second or more).
        while True:
            done = [f for f in futures if f.done()]
            if done:
                return done
            time.sleep(0.005)

    def close(self) -> None:
        """Close the client (the cluster keeps running)."""
        self._client.close()


Progress = Callable[[int, int, int, int], None]


class SeededSampler(Sampler):
    """pyabc sampler with per-evaluation seeds; same posterior on every back-end.

    Args:
        master_seed: every evaluation's seeds derive from it.
        backend: :class:`SerialBackend` (default), :class:`ProcessBackend` or
            :class:`DaskBackend`.
        window: evaluations in flight per worker.
        progress: called as ``progress(t, accepted, n, evaluations)`` while sampling.
        early_rejection: hand evaluations the generation's tolerance so that they can
            stop at the first target missed by more (same accept/reject decisions, so the
            same posterior; fewer runs).
    """

    def __init__(
        self,
        master_seed: int,
        backend: Any = None,
        window: int = 2,
        progress: Progress | None = None,
        early_rejection: bool = True,
    ):
        super().__init__()
        self.early_rejection = bool(early_rejection)
        self.master_seed = int(master_seed)
        self.backend = backend if backend is not None else SerialBackend()
        self.window = max(1, int(window))
        self.progress = progress
        #: Generations sampled by this sampler object, with their evaluation counts.
        self.log: list[dict[str, int]] = []

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["backend"] = None
        state["progress"] = None
        return state

    def sample_until_n_accepted(
        self,
        n: int,
        simulate_one: Callable[[], Any],
        t: int,
        *,
        max_eval: float = np.inf,
        all_accepted: bool = False,
        ana_vars: Any = None,
    ) -> Any:
        """Evaluate proposals 0, 1, 2, ... until ``n`` are accepted; keep those up to the n-th."""
        # the tolerance pyabc's acceptor compares distances with (the same epsilon object)
        tolerance = math.inf
        if self.early_rejection and not all_accepted and ana_vars is not None:
            tolerance = float(ana_vars.eps(t))
        payload = cloudpickle.dumps(simulate_one)
        key = f"{self.analysis_id}:{t}:{id(simulate_one)}"
        shared = self.backend.share(key, payload)
        results: dict[int, tuple[Any, bool]] = {}
        running: dict[Any, int] = {}
        next_id = 0
        accepted_ids: list[int] = []
        # Serially, one at a time (nothing is wasted past the n-th acceptance).
        limit = 1 if isinstance(self.backend, SerialBackend) else self.backend.workers * self.window

        def nth_accepted() -> int | None:
            return sorted(accepted_ids)[n - 1] if len(accepted_ids) >= n else None

        try:
            while True:
                nth = nth_accepted()
                # Submit while more work may be needed.
                while (
                    len(running) < limit
                    and next_id < max_eval
                    and (nth is None or next_id < nth)
                    and len(accepted_ids) < n
                ):
                    fut = self.backend.submit(
                        run_evaluation, key, shared, self.master_seed, t, next_id, tolerance
                    )
                    running[fut] = next_id
                    next_id += 1
                if not running:
                    break
                for fut in self.backend.wait_any(list(running)):
                    job = running.pop(fut)
                    particle = fut.result()
                    results[job] = (particle, bool(particle.accepted))
                    if particle.accepted:
                        accepted_ids.append(job)
                nth = nth_accepted()
                if nth is not None:
                    for fut, job in list(running.items()):
                        if job > nth:
                            fut.cancel()
                            running.pop(fut)
                    if not any(job < nth for job in running.values()):
                        break
                if self.progress is not None:
                    self.progress(t, min(len(accepted_ids), n), n, len(results))
        finally:
            for fut in running:
                fut.cancel()
        sample = self._create_empty_sample()
        nth = nth_accepted()
        last = nth if nth is not None else (max(results) if results else -1)
        for job in range(last + 1):
            sample.append(results[job][0])
        if nth is None:
            sample.ok = False
        self.nr_evaluations_ = last + 1
        self.log.append({"t": int(t), "evaluations": last + 1, "accepted": sample.n_accepted})
        if self.progress is not None:
            self.progress(t, sample.n_accepted, n, last + 1)
        return sample

    def stop(self) -> None:
        """Nothing runs between calls."""


def make_backend(
    kind: str = "serial",
    workers: int | None = None,
    cluster: str | None = None,
    start_method: str = "spawn",
) -> Any:
    """A back-end by name: ``serial``, ``local`` (worker processes) or ``dask`` (``cluster``)."""
    if cluster is not None or kind == "dask":
        if cluster is None:
            raise ValueError("executor 'dask' needs a scheduler address (--cluster tcp://HOST:PORT)")
        return DaskBackend(cluster)
    if kind == "serial":
        return SerialBackend()
    if kind == "local":
        import os

        return ProcessBackend(workers or os.cpu_count() or 1, start_method=start_method)
    raise ValueError(f"executor must be 'serial', 'local' or 'dask'; found {kind!r}")
