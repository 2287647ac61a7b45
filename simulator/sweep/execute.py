"""Run a sweep: plan the runs, skip finished ones, execute, write parts, show progress.

:func:`run_sweep` is what ``clsim sweep`` calls. It is resumable: run it again with the
same spec and results directory and it runs only the missing run ids. Results go to
disk in small atomic part files as runs finish (every ``flush_every`` runs or
``flush_seconds`` seconds, whichever comes first), so a crash loses at most the runs
finished since the last part.
"""

from __future__ import annotations

import datetime as _dt
import math
import os
import socket
import time
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import Problem, SweepError
from .executors import Executor, RunOutcome, RunTask, make_executor
from .spec import ParameterSpec, SweepSpec
from .store import FORMAT_VERSION, ResultStore, package_version, read_results
from .targets import TIMESERIES_KEY, build_target, validate_keys

__all__ = ["run_sweep", "SweepRun", "build_manifest"]


@dataclass(frozen=True)
class SweepRun:
    """What one call of :func:`run_sweep` did."""

    path: Path
    n_runs: int
    n_skipped: int
    n_executed: int
    seconds: float

    @property
    def rate(self) -> float:
        """Runs per second executed in this session."""
        return self.n_executed / self.seconds if self.seconds > 0 else math.nan

    def table(self) -> pd.DataFrame:
        """The whole results table, sorted by run id."""
        return read_results(self.path)


def _input_types(spec: SweepSpec) -> dict[str, str]:
    types: dict[str, str] = dict(spec.parameter_types())
    for key, value in spec.fixed.items():
        types[key] = ParameterSpec(values=[value]).resolved_type()
    return types


def build_manifest(spec: SweepSpec, scenario_hash: str | None) -> dict[str, Any]:
    """The manifest of a results directory for this spec."""
    return {
        "format_version": FORMAT_VERSION,
        "name": spec.name,
        "description": spec.description,
        "spec": spec.canonical(),
        "spec_hash": spec.content_hash(),
        "scenario": str(spec.scenario_path()) if spec.scenario else None,
        "function": spec.function,
        "scenario_hash": scenario_hash,
        "package_version": package_version(),
        "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "n_points": spec.n_points,
        "n_runs": spec.n_runs,
        "parameters": list(spec.parameter_names),
        "inputs": _input_types(spec),
        "outcomes": list(spec.outcomes) if spec.outcomes else None,
    }


def _progress(enabled: bool, total: int, done: int, description: str) -> Any:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("runs"),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        disable=not enabled,
        transient=False,
    )


def _row(
    task: RunTask, outcome: RunOutcome, outcomes: list[str], run_info: dict[int, tuple[int, int]]
) -> dict[str, Any]:
    point_id, replicate = run_info[task.run_id]
    row: dict[str, Any] = {
        "run_id": task.run_id,
        "point_id": point_id,
        "replicate": replicate,
        "seed": task.seed,
    }
    row.update(task.params)
    assert outcome.outcomes is not None
    for name in outcomes:
        row[name] = float(outcome.outcomes[name])
    return row


def _guard(stream: Iterator[RunOutcome], source: str) -> Iterator[RunOutcome]:
    """Turn a dead worker pool into a clear error."""
    try:
        yield from stream
    except BrokenProcessPool as exc:
        raise SweepError(
            source,
            [
                Problem(
                    "executor",
                    "worker processes that stay alive",
                    f"a worker died ({exc}); likely out of memory or killed, or a script that "
                    "starts a local sweep without an `if __name__ == '__main__':` guard "
                    "(the 'spawn' start method re-imports the main module); finished runs "
                    "are saved, rerun to resume",
                )
            ],
        ) from None


class _Counted:
    """A lazy stream of tasks that knows its length (executors size their last batches by it)."""

    def __init__(self, items: Iterator[RunTask], n: int):
        self._items, self._n = items, n

    def __iter__(self) -> Iterator[RunTask]:
        return self._items

    def __len__(self) -> int:
        return self._n


def run_sweep(
    spec: SweepSpec,
    out: str | Path,
    executor: Executor | None = None,
    progress: bool = True,
    flush_every: int = 100,
    flush_seconds: float = 30.0,
    overwrite: bool = False,
    max_runs: int | None = None,
) -> SweepRun:
    """Run (or resume) a sweep into a results directory.

    Args:
        spec: the validated sweep.
        out: results directory (created; resumed when it holds the same sweep).
        executor: where runs execute (default: local processes, one per CPU).
        progress: show a rich progress bar on stderr.
        flush_every: write a part file after this many finished runs...
        flush_seconds: ...or after this many seconds, whichever comes first.
        overwrite: discard results already in ``out``.
        max_runs: stop after this many runs in this session (for staged sweeps).

    Returns:
        A :class:`SweepRun` summary; ``.table()`` reads the results.

    Raises:
        SweepError: bad spec or scenario, incompatible results directory, or a run that
            raised (finished runs are saved first, so the sweep can be resumed).
    """
    target, scenario_hash = build_target(spec)
    validate_keys(spec, target)
    manifest = build_manifest(spec, scenario_hash)
    start = time.perf_counter()
    store = ResultStore.open_for_writing(out, manifest, overwrite=overwrite)
    owns_executor = executor is None
    executor = executor or make_executor("local")
    try:
        runs = spec.run_table()
        done = store.done_run_ids()
        todo = runs[~runs["run_id"].isin(done)]
        if max_runs is not None:
            todo = todo.iloc[:max_runs]
        from simulator.provenance import provenance

        session_provenance = provenance(master_seed=spec.master_seed)
        session_provenance.pop("created", None)  # the session records its own start
        store.record_session(
            {
                "provenance": session_provenance,
                "executor": executor.name,
                "workers": executor.workers,
                "cluster": getattr(executor, "address", None),
                "host": socket.gethostname(),
                "pid": os.getpid(),
                "todo": len(todo),
            }
        )
        params = list(spec.parameter_names)
        run_info = {
            int(r): (int(p), int(k))
            for r, p, k in zip(todo["run_id"], todo["point_id"], todo["replicate"], strict=True)
        }
        tasks: dict[int, RunTask] = {}
        records = (
            todo[["run_id", "seed", *params]].to_dict("records")
            if params
            else todo[["run_id", "seed"]].to_dict("records")
        )

        def task_iter() -> Iterator[RunTask]:
            for rec in records:
                values = {
                    k: (v.item() if hasattr(v, "item") else v)
                    for k, v in rec.items()
                    if k in params
                }
                task = RunTask(int(rec["run_id"]), int(rec["seed"]), {**spec.fixed, **values})
                tasks[task.run_id] = task
                yield task

        buffer: list[dict[str, Any]] = []
        series_buffer: list[pd.DataFrame] = []
        keep_series = spec.timeseries is not None
        last_flush = time.monotonic()
        n_exec = 0

        def flush() -> None:
            nonlocal buffer, series_buffer, last_flush
            if series_buffer:  # series first: a run in the main table always has its series
                store.write_timeseries_part(series_buffer)
            if buffer:
                store.write_part(buffer)
            buffer = []
            series_buffer = []
            last_flush = time.monotonic()

        label = spec.name if len(spec.name) <= 30 else spec.name[:27] + "..."
        with _progress(progress, len(runs), len(done), label) as bar:
            job = bar.add_task(label, total=len(runs), completed=len(done), rate="")
            session_start = time.perf_counter()
            stream = executor.run(target, _Counted(task_iter(), len(records))) if len(todo) else iter(())
            guarded = _guard(stream, spec.source)
            try:
                for outcome in guarded:
                    task = tasks.pop(outcome.run_id)
                    if outcome.error is not None:
                        flush()
                        tail = "\n".join(outcome.error.strip().splitlines()[-6:])
                        raise SweepError(
                            spec.source,
                            [
                                Problem(
                                    f"run {task.run_id}",
                                    "a run that completes",
                                    f"an error with seed={task.seed}, "
                                    f"params={task.params}:\n{tail}\n"
                                    f"(finished runs are saved; fix and rerun to resume)",
                                )
                            ],
                        )
                    series = (outcome.outcomes or {}).pop(TIMESERIES_KEY, None)
                    if keep_series:
                        if series is None:
                            flush()
                            raise SweepError(
                                spec.source,
                                [
                                    Problem(
                                        "timeseries",
                                        "a target that returns monthly series",
                                        f"none from run {task.run_id} (a function target "
                                        f"must return them under {TIMESERIES_KEY!r})",
                                    )
                                ],
                            )
                        frame = pd.DataFrame(series)
                        frame.insert(0, "run_id", task.run_id)
                        series_buffer.append(frame)
                    if store.outcomes is None:
                        store.set_outcomes(sorted(outcome.outcomes or {}))
                    wanted = store.outcomes or []
                    got = set(outcome.outcomes or {})
                    missing = [o for o in wanted if o not in got]
                    if missing:
                        flush()
                        raise SweepError(
                            spec.source,
                            [
                                Problem(
                                    "outcomes",
                                    f"outcomes the run returns ({sorted(got)})",
                                    f"{missing} missing from run {task.run_id}",
                                )
                            ],
                        )
                    buffer.append(_row(task, outcome, wanted, run_info))
                    n_exec += 1
                    elapsed = time.perf_counter() - session_start
                    bar.update(
                        job, advance=1, rate=f"{n_exec / elapsed:.2f}/s" if elapsed > 0 else ""
                    )
                    if len(buffer) >= flush_every or time.monotonic() - last_flush >= flush_seconds:
                        flush()
            finally:
                flush()
                guarded.close()  # also closes the executor's stream: cancels queued runs
                close = getattr(stream, "close", None)
                if close is not None:
                    close()
    finally:
        store.close()
        if owns_executor:
            executor.close()
    return SweepRun(Path(out), len(runs), len(done), n_exec, time.perf_counter() - start)
