"""The room's experiment: a cohort-size sweep with a time budget, fitted as the runs arrive.

BehaviorSpace in the room (Wilensky's NetLogo BehaviorSpace, run live): the dashboard
asks for a sweep of one lever (the cohort size) over a few values and seeds at the
settings on screen, and draws each run's outcome and the fitted S-curve as they come
in, so that the room watches the tipping point form.

It is a small study like the others: a sweep spec (:func:`~simulator.studies.common.base_spec`),
run by :func:`simulator.sweep.run_sweep` into a results store with any executor, and
the tipping estimate of :func:`simulator.analysis.tipping.estimate_tipping` (a Firth
logistic of P(transformed) with a bootstrap interval, and a four-parameter S-curve of
the outcome). Two things make it fit a room:

* **Order.** Runs go replicate by replicate, and within a replicate the lever values
  go ends first, then halves, then quarters (a bisection order), so a rough S-curve
  exists after a handful of runs and sharpens as seeds accumulate.
* **Budget.** No run starts after ``budget`` seconds or after ``cancel`` is set; runs in
  flight finish and are kept. The store is resumable, so asking again with the same
  settings continues where the budget stopped.

``on_update`` is called after every finished run with a :class:`RoomUpdate` (the runs so
far and, from three lever values on, the fit), from the thread that called
:func:`room_experiment`.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from simulator.analysis.tipping import Regime
from simulator.sweep.executors import Executor, RunOutcome, RunTask
from simulator.sweep.targets import Target

from .common import DEFAULT_MASTER_SEED, base_spec, executor_or_serial

__all__ = ["RoomUpdate", "room_experiment", "bisection_order", "DEFAULT_BUDGET", "LEVER"]

#: Seconds after which no new run starts (the issue asks for an S-curve within 60 s).
DEFAULT_BUDGET = 45.0
#: The lever the room varies.
LEVER = "recruit.cohort_size"


def bisection_order(n: int) -> list[int]:
    """Indices ``0..n-1`` ordered ends first, then midpoints of the gaps, recursively.

    >>> bisection_order(5)
    [0, 4, 2, 1, 3]
    """
    if n <= 0:
        return []
    if n == 1:
        return [0]
    order = [0, n - 1]
    gaps = [(0, n - 1)]
    while gaps:
        nxt = []
        for lo, hi in gaps:
            if hi - lo > 1:
                mid = (lo + hi) // 2
                order.append(mid)
                nxt += [(lo, mid), (mid, hi)]
        gaps = nxt
    return order


@dataclass
class RoomUpdate:
    """The room's experiment so far.

    Attributes:
        lever: the varied key.
        values: all lever values planned.
        seeds: replicates planned per value.
        runs: one row per finished run: ``run_id``, ``replicate``, ``seed``, the lever,
            the regime's outcome and ``transformed`` (0/1).
        fit: :meth:`TippingResult.to_dict` once three lever values have runs, else None.
        elapsed: seconds since the experiment started.
        first_fit_seconds: when the first fit was ready (NaN before).
        planned: runs planned.
        finished: the experiment has ended (all runs, budget or cancel).
        stopped: why it ended early (``budget``, ``cancelled``) or ``""``.
        regime_text: what "transformed" means.
        cut: the regime's cut on the outcome.
        out: the results directory.
    """

    lever: str
    values: list[Any]
    seeds: int
    runs: pd.DataFrame
    fit: dict[str, Any] | None = None
    elapsed: float = 0.0
    first_fit_seconds: float = float("nan")
    planned: int = 0
    finished: bool = False
    stopped: str = ""
    regime_text: str = ""
    cut: float = float("nan")
    out: Path | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def done(self) -> int:
        """Runs finished."""
        return len(self.runs)


class _RoomExecutor(Executor):
    """Wraps an executor: bisection order, a deadline, a cancel flag, a callback per run."""

    def __init__(
        self,
        inner: Executor,
        order: dict[int, tuple[int, int]],
        deadline: float,
        cancel: threading.Event,
        on_outcome: Callable[[RunTask, RunOutcome], None],
    ):
        # One run a batch: the room sees every point as it lands, and the budget and the
        # cancel flag stop the experiment between runs, not after a whole ensemble batch.
        if getattr(inner, "batch", 1) is None:
            inner.batch = 1
        self.inner = inner
        self.name = f"room({inner.name})"
        self.workers = inner.workers
        self.order = order
        self.deadline = deadline
        self.cancel = cancel
        self.on_outcome = on_outcome
        self.stopped = ""

    def run(self, target: Target, tasks: Iterable[RunTask]) -> Iterator[RunOutcome]:
        """Run in the room's order until the deadline; report every outcome."""
        ordered = sorted(tasks, key=lambda t: self.order.get(t.run_id, (1 << 30, t.run_id)))
        by_id = {t.run_id: t for t in ordered}

        def feed() -> Iterator[RunTask]:
            for task in ordered:
                if self.cancel.is_set():
                    self.stopped = "cancelled"
                    return
                if time.monotonic() >= self.deadline:
                    self.stopped = "budget"
                    return
                yield task

        for outcome in self.inner.run(target, feed()):
            if outcome.error is None:
                self.on_outcome(by_id[outcome.run_id], outcome)
            yield outcome

    def close(self) -> None:
        """Close the wrapped executor."""
        self.inner.close()


def _write_scenario(scenario: Any, path: Path) -> Path:
    import yaml

    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(scenario.to_dict(), sort_keys=False)
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


def room_experiment(
    out: str | Path,
    scenario: Any,
    values: Sequence[int | float],
    seeds: int = 4,
    lever: str = LEVER,
    budget: float = DEFAULT_BUDGET,
    executor: Executor | None = None,
    on_update: Callable[[RoomUpdate], None] | None = None,
    cancel: threading.Event | None = None,
    regime: Regime | None = None,
    master_seed: int = DEFAULT_MASTER_SEED,
    n_boot: int = 200,
    fit_every: float = 1.0,
) -> RoomUpdate:
    """Sweep ``lever`` over ``values`` x ``seeds`` at a scenario, within a time budget.

    Args:
        out: the experiment's directory (its scenario file and results store; resumed
            when it holds the same experiment).
        scenario: the scenario at the settings on screen (a :class:`Scenario`).
        values: lever values.
        seeds: replicates per value.
        lever: the varied scenario key.
        budget: seconds after which no new run starts.
        executor: where runs execute (default serial, in this thread).
        on_update: called after every finished run (and once at the end).
        cancel: set it to stop starting runs.
        regime: what counts as transformed (default ``Regime()``).
        master_seed: every run's seed derives from it.
        n_boot: bootstrap resamples of each fit.
        fit_every: seconds between refits while runs arrive (a fit costs about 0.2 s;
            every run's point is reported at once, the curve at most this often and
            always at the end).

    Returns:
        The final :class:`RoomUpdate`.
    """
    from simulator.analysis.tipping import estimate_tipping
    from simulator.sweep.execute import run_sweep
    from simulator.sweep.store import read_results

    started = time.monotonic()
    out = Path(out)
    regime = regime or Regime()
    cancel = cancel or threading.Event()
    values = list(values)
    path = _write_scenario(scenario, out / "scenario.yaml")
    spec = base_spec("room", path, None, {lever: {"values": values}}, seeds, master_seed, None)
    runs = spec.run_table()
    rank = {p: i for i, p in enumerate(bisection_order(len(values)))}
    order = {
        int(r): (int(k), rank[int(p)])
        for r, k, p in zip(runs["run_id"], runs["replicate"], runs["point_id"], strict=True)
    }
    columns = ["run_id", "replicate", "seed", lever, regime.outcome, "transformed"]
    state = RoomUpdate(
        lever=lever,
        values=values,
        seeds=seeds,
        runs=pd.DataFrame(columns=columns),
        planned=len(runs),
        regime_text=regime.describe(),
        cut=float(regime.threshold) if regime.threshold is not None else float("nan"),
        out=out,
    )
    rows: list[dict[str, Any]] = []
    fit_lock = threading.Lock()

    last_fit = [-math.inf]

    def refit(force: bool = True) -> None:
        table = pd.DataFrame(rows, columns=[c for c in columns if c != "transformed"])
        if len(table):
            table["transformed"] = regime.classify(table, lever)
            state.cut = float(regime.cut(table, lever))
        else:
            table["transformed"] = pd.Series(dtype=float)
        state.runs = table
        state.elapsed = time.monotonic() - started
        due = force or time.monotonic() - last_fit[0] >= fit_every or state.fit is None
        if due and table[lever].nunique() >= 3:
            last_fit[0] = time.monotonic()
            try:
                result = estimate_tipping(table, lever, regime, n_boot=n_boot, seed=master_seed)
            except (ValueError, KeyError) as exc:  # pragma: no cover - degenerate tables
                state.notes = [f"no fit yet: {exc}"]
            else:
                state.fit = result.to_dict()
                if math.isnan(state.first_fit_seconds):
                    state.first_fit_seconds = state.elapsed

    def record(run_id: int, replicate: int, seed: int, value: Any, outcome: float) -> None:
        rows.append(
            {
                "run_id": run_id,
                "replicate": replicate,
                "seed": seed,
                lever: value,
                regime.outcome: outcome,
            }
        )

    def add(task: RunTask, outcome: RunOutcome) -> None:
        assert outcome.outcomes is not None
        record(
            task.run_id,
            order[task.run_id][0],
            task.seed,
            task.params[lever],
            float(outcome.outcomes[regime.outcome]),
        )
        with fit_lock:
            refit(force=False)
        if on_update is not None:
            on_update(state)

    # runs finished in an earlier call with the same settings come back from the store
    store = out / "sweep"
    if store.is_dir():
        try:
            earlier = read_results(store)
        except Exception:  # noqa: BLE001 - an unreadable store is simply rerun
            earlier = pd.DataFrame()
        for rec in earlier.to_dict("records") if len(earlier) else []:
            record(
                int(rec["run_id"]),
                int(rec["replicate"]),
                int(rec["seed"]),
                rec[lever],
                float(rec[regime.outcome]),
            )
        if rows:
            refit()
            if on_update is not None:
                on_update(state)

    wrapped = _RoomExecutor(
        executor_or_serial(executor), order, started + budget, cancel, add
    )
    try:
        run_sweep(spec, store, executor=wrapped, progress=False, flush_every=1)
    finally:
        if executor is None:
            wrapped.close()
    refit()
    state.finished = True
    state.stopped = wrapped.stopped if state.done < state.planned else ""
    state.elapsed = time.monotonic() - started
    if on_update is not None:
        on_update(state)
    return state
