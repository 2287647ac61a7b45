"""The results store: a Parquet dataset directory written as runs finish.

Layout of a results directory::

    DIR/_sweep.json          manifest: spec, hashes, versions, column types, sessions
    DIR/_lock                present while a sweep writes here (host, pid)
    DIR/part-*.parquet       one long table split in parts: inputs beside outcomes
    DIR/_timeseries/part-*.parquet  optional: monthly indicators, one row a run and month
                             (the leading underscore keeps it out of pandas.read_parquet(DIR))

``pandas.read_parquet(DIR)`` reads the whole table (files starting with ``_`` or ``.``
are ignored by Arrow's dataset discovery). Every row carries ``run_id``, ``point_id``,
``replicate``, ``seed``, the varied and fixed inputs, the outcomes, and provenance
columns (``package_version``, ``scenario_hash``, ``spec_hash``, ``format_version``).

Parts are written atomically: the table goes to a hidden temporary file in the same
directory, is flushed and fsynced, then ``os.replace``-d to its final name, so a crash
(even SIGKILL) leaves only whole part files and, at worst, a stale temporary file that
the next session deletes. Resume reads the run ids already present and skips them; a
run is written once, so it is never duplicated or lost. Opening a directory written
by a different spec or scenario is a :class:`~simulator.sweep.errors.SweepError` that
says what differs.

A sweep that keeps time series (``timeseries:`` in the spec) writes a second Parquet
dataset, ``DIR/_timeseries``, with ``run_id``, ``month`` and the chosen indicators. Its
parts are written in the same flush as the main table's, just *before* them, so every
run in the main table has its series; a crash between the two writes leaves a series
part of runs the main table lacks. Resuming deletes such orphan parts before it reruns
those runs, so a run's series is never stored twice; :func:`read_timeseries` also keeps
only runs present in the main table.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import socket
import uuid
import warnings
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .. import jsonio
from .errors import Problem, SweepError

__all__ = [
    "FORMAT_VERSION",
    "MANIFEST_NAME",
    "ResultStore",
    "package_version",
    "read_results",
    "read_manifest",
    "read_timeseries",
    "TIMESERIES_DIR",
    "arrow_schema",
]

#: Version of the results layout; bumped when columns or the manifest change meaning.
FORMAT_VERSION = 1
MANIFEST_NAME = "_sweep.json"
LOCK_NAME = "_lock"
PROVENANCE_COLUMNS = ("package_version", "scenario_hash", "spec_hash", "format_version")
ID_COLUMNS = ("run_id", "point_id", "replicate", "seed")
TIMESERIES_DIR = "_timeseries"
_ARROW_TYPES = {"int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(), "str": pa.string()}


def package_version() -> str:
    """``simulator.__version__`` if set, else the installed ``clsim`` version, else ``unknown``."""
    try:
        import simulator

        version = getattr(simulator, "__version__", None)
        if version:
            return str(version)
    except ImportError:  # pragma: no cover - we are inside the package
        pass
    try:
        from importlib.metadata import PackageNotFoundError, version

        return version("clsim")
    except PackageNotFoundError:
        return "unknown"


def arrow_schema(inputs: dict[str, str], outcomes: list[str]) -> pa.Schema:
    """The table schema: ids, inputs (by type name), outcomes (float64), provenance."""
    fields = [pa.field(name, pa.int64()) for name in ID_COLUMNS]
    fields += [pa.field(name, _ARROW_TYPES[kind]) for name, kind in inputs.items()]
    fields += [pa.field(name, pa.float64()) for name in outcomes]
    fields += [
        pa.field("package_version", pa.string()),
        pa.field("scenario_hash", pa.string()),
        pa.field("spec_hash", pa.string()),
        pa.field("format_version", pa.int64()),
    ]
    return pa.schema(fields)


def _atomic_write_bytes(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".tmp-{uuid.uuid4().hex}-{path.name}")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. Windows
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def read_manifest(path: str | Path) -> dict[str, Any]:
    """The manifest of a results directory.

    Raises:
        SweepError: the directory holds no sweep results.
    """
    path = Path(path)
    file = path / MANIFEST_NAME
    if not file.is_file():
        raise SweepError(
            str(path), [Problem("(directory)", f"a results directory with {MANIFEST_NAME}", "none")]
        )
    return json.loads(file.read_text(encoding="utf-8"))


def _part_files(path: Path) -> list[Path]:
    return sorted(path.glob("part-*.parquet"))


def read_results(path: str | Path, columns: list[str] | None = None) -> pd.DataFrame:
    """The results table of a directory, sorted by run id, one row per run id."""
    path = Path(path)
    manifest = read_manifest(path)
    files = _part_files(path)
    schema = arrow_schema(manifest["inputs"], manifest.get("outcomes") or [])
    if not files:
        table = schema.empty_table()
        frame = table.to_pandas()
    else:
        table = (
            pq.read_table([str(f) for f in files], schema=schema)
            if len(files) > 1
            else pq.read_table(files[0])
        )
        frame = table.to_pandas()
    if columns is not None:
        frame = frame[columns]
    if "run_id" in frame:
        frame = frame.sort_values("run_id", kind="stable")
        dupes = frame["run_id"].duplicated()
        if dupes.any():  # pragma: no cover - cannot happen with one writer; defensive
            warnings.warn(f"{path}: {int(dupes.sum())} duplicate run ids dropped", stacklevel=2)
            frame = frame[~dupes]
    return frame.reset_index(drop=True)


def read_timeseries(path: str | Path, columns: list[str] | None = None) -> pd.DataFrame:
    """The monthly series a sweep kept: ``run_id``, ``month`` and its indicators.

    Only runs in the main results table are returned (see the module notes), one row per
    run and month, sorted by run id and month.

    Raises:
        SweepError: the directory holds no sweep results, or the sweep kept no series.
    """
    path = Path(path)
    manifest = read_manifest(path)
    spec_ts = (manifest.get("spec") or {}).get("timeseries")
    folder = path / TIMESERIES_DIR
    if not spec_ts:
        raise SweepError(
            str(path),
            [Problem("timeseries", "a sweep that kept time series (timeseries: in the spec)", "none")],
        )
    names = ["run_id", "month", *spec_ts["outcomes"]]
    files = sorted(folder.glob("part-*.parquet")) if folder.is_dir() else []
    if not files:
        return pd.DataFrame({n: pd.Series(dtype="int64" if n in ("run_id", "month") else "float64") for n in names})
    table = pd.concat([pq.read_table(f).to_pandas() for f in files], ignore_index=True)
    table = table[table["run_id"].isin(_main_run_ids(path))]
    table = table.sort_values(["run_id", "month"], kind="stable")
    table = table.drop_duplicates(["run_id", "month"], keep="last").reset_index(drop=True)
    return table[columns] if columns is not None else table


def _main_run_ids(path: Path) -> set[int]:
    files = _part_files(path)
    if not files:
        return set()
    ids: set[int] = set()
    for f in files:
        ids.update(pq.read_table(f, columns=["run_id"]).column("run_id").to_pylist())
    return ids


def _drop_orphan_series(path: Path) -> None:
    """Delete (or trim) series parts holding runs the main table lacks (see module notes)."""
    folder = path / TIMESERIES_DIR
    if not folder.is_dir():
        return
    done = _main_run_ids(path)
    for part in sorted(folder.glob("part-*.parquet")):
        frame = pq.read_table(part).to_pandas()
        keep = frame["run_id"].isin(done)
        if keep.all():
            continue
        if keep.any():  # pragma: no cover - a flush writes the same runs to both tables
            tmp = folder / f".tmp-{uuid.uuid4().hex}.parquet"
            frame[keep].to_parquet(tmp, index=False)
            os.replace(tmp, part)
        else:
            part.unlink()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - someone else's live process
        return True
    return True


class ResultStore:
    """A results directory being written by one sweep session.

    Use :meth:`open_for_writing` (creates or resumes, takes the lock) and :meth:`close`.
    """

    def __init__(self, path: Path, manifest: dict[str, Any]):
        self.path = path
        self.manifest = manifest
        self._schema: pa.Schema | None = None
        self._locked = False

    # -- opening ---------------------------------------------------------------------

    @classmethod
    def open_for_writing(
        cls, path: str | Path, manifest: dict[str, Any], overwrite: bool = False
    ) -> ResultStore:
        """Create a results directory, or resume one written by the same sweep.

        Args:
            path: the results directory.
            manifest: the new session's manifest (spec, hashes, inputs, outcomes, ...).
            overwrite: delete existing part files and start again.

        Raises:
            SweepError: the directory belongs to another sweep, is not a results
                directory, or is being written by a live process.
        """
        path = Path(path)
        existing = path / MANIFEST_NAME
        if path.exists() and not path.is_dir():
            raise SweepError(str(path), [Problem("--out", "a directory", "a file")])
        if path.is_dir() and not existing.is_file():
            others = [
                p.name for p in path.iterdir() if not p.name.startswith(".") and p.name != LOCK_NAME
            ]
            # a lock alone: another sweep has just created this folder (checked below)
            if others:
                raise SweepError(
                    str(path),
                    [
                        Problem(
                            "--out",
                            "an empty or new directory, or a sweep results directory",
                            f"a directory without {MANIFEST_NAME} holding {sorted(others)[:5]}",
                        )
                    ],
                )
        path.mkdir(parents=True, exist_ok=True)
        store = cls(path, dict(manifest))
        store._acquire_lock()
        try:
            if existing.is_file() and not overwrite:
                old = json.loads(existing.read_text(encoding="utf-8"))
                store._check_compatible(old)
                store.manifest["created"] = old.get("created", store.manifest.get("created"))
                store.manifest["sessions"] = old.get("sessions", [])
                if not store.manifest.get("outcomes"):
                    store.manifest["outcomes"] = old.get("outcomes")
                if old.get("package_version") != manifest.get("package_version"):
                    warnings.warn(
                        f"{path}: resuming results written by clsim {old.get('package_version')} "
                        f"with {manifest.get('package_version')}; each row records its version",
                        stacklevel=2,
                    )
            elif overwrite:
                for part in _part_files(path):
                    part.unlink()
                for part in (path / TIMESERIES_DIR).glob("part-*.parquet"):
                    part.unlink()
            for stale in [*path.glob(".tmp-*"), *(path / TIMESERIES_DIR).glob(".tmp-*")]:
                stale.unlink()
            _drop_orphan_series(path)
            store.write_manifest()
        except BaseException:
            store.close()
            raise
        return store

    def _check_compatible(self, old: dict[str, Any]) -> None:
        new = self.manifest
        problems = []
        if old.get("format_version") != new.get("format_version"):
            problems.append(
                Problem(
                    "format_version", str(new.get("format_version")), str(old.get("format_version"))
                )
            )
        if old.get("scenario_hash") != new.get("scenario_hash"):
            was, now = str(old.get("scenario_hash"))[:12], str(new.get("scenario_hash"))[:12]
            problems.append(
                Problem(
                    "scenario",
                    f"the scenario content written here (hash {was})",
                    f"a scenario with hash {now} (the scenario file changed)",
                )
            )
        if old.get("spec_hash") != new.get("spec_hash"):
            old_spec, new_spec = old.get("spec", {}), new.get("spec", {})
            keys = sorted(set(old_spec) | set(new_spec))
            diffs = [
                f"{k}: {old_spec.get(k)!r} -> {new_spec.get(k)!r}"
                for k in keys
                if old_spec.get(k) != new_spec.get(k)
            ]
            problems.append(
                Problem(
                    "spec",
                    "the same sweep spec as the results already written here",
                    "a different spec (" + "; ".join(diffs)[:600] + ")",
                )
            )
        if problems:
            problems.append(
                Problem(
                    "--out",
                    "a new results directory for a changed sweep (or --overwrite)",
                    str(self.path),
                )
            )
            raise SweepError(str(self.path), problems)

    def _acquire_lock(self) -> None:
        lock = self.path / LOCK_NAME
        me = {"host": socket.gethostname(), "pid": os.getpid()}
        busy = [
            Problem(
                LOCK_NAME,
                "no other sweep writing this directory",
                "another sweep that started writing here at the same moment; wait for it, "
                "or give another --out",
            )
        ]
        if lock.exists():
            try:
                holder = json.loads(lock.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                holder = {}
            if not holder:  # created but not yet written: its writer is starting now
                raise SweepError(str(self.path), busy)
            same_host = holder.get("host") == me["host"]
            pid = int(holder.get("pid", -1))
            if not same_host:
                raise SweepError(
                    str(self.path),
                    [
                        Problem(
                            LOCK_NAME,
                            "no other sweep writing this directory",
                            f"a lock held by pid {pid} on host {holder.get('host')!r}; delete "
                            f"{lock} if that sweep is no longer running",
                        )
                    ],
                )
            if pid != me["pid"] and _pid_alive(pid):
                raise SweepError(
                    str(self.path),
                    [
                        Problem(
                            LOCK_NAME,
                            "no other sweep writing this directory",
                            f"a live sweep with pid {pid}",
                        )
                    ],
                )
            lock.unlink()  # stale: its writer is gone (crash or kill)
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:  # lost the race for the lock
            raise SweepError(str(self.path), busy) from None
        with os.fdopen(fd, "w") as fh:
            fh.write(jsonio.dumps(me))
        self._locked = True

    def close(self) -> None:
        """Release the lock (part files stay)."""
        if self._locked:
            try:
                (self.path / LOCK_NAME).unlink()
            except FileNotFoundError:  # pragma: no cover
                pass
            self._locked = False

    def __enter__(self) -> ResultStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- manifest --------------------------------------------------------------------

    def write_manifest(self) -> None:
        """Write the manifest atomically."""
        text = jsonio.dumps(self.manifest, indent=2, sort_keys=True, default=str)
        _atomic_write_bytes(self.path / MANIFEST_NAME, text.encode("utf-8"))

    def record_session(self, info: dict[str, Any]) -> None:
        """Append a session record (executor, workers, host, start time) to the manifest."""
        info = {"started": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"), **info}
        self.manifest.setdefault("sessions", []).append(info)
        self.write_manifest()

    def set_outcomes(self, outcomes: list[str]) -> None:
        """Fix the outcome columns (first flush of a sweep that keeps every outcome)."""
        self.manifest["outcomes"] = list(outcomes)
        self._schema = None
        self.write_manifest()

    @property
    def outcomes(self) -> list[str] | None:
        """The outcome columns, once known."""
        return self.manifest.get("outcomes")

    @property
    def schema(self) -> pa.Schema:
        """The Arrow schema of every part file."""
        if self._schema is None:
            self._schema = arrow_schema(self.manifest["inputs"], self.outcomes or [])
        return self._schema

    # -- data ------------------------------------------------------------------------

    def done_run_ids(self) -> set[int]:
        """Run ids already written (unreadable part files are an error, not silently skipped)."""
        done: set[int] = set()
        for part in _part_files(self.path):
            try:
                ids = pq.read_table(part, columns=["run_id"]).column("run_id").to_pylist()
            except (pa.ArrowInvalid, OSError) as exc:
                raise SweepError(
                    str(part), [Problem("(file)", "a readable Parquet part file", str(exc))]
                ) from None
            done.update(ids)
        return done

    def write_part(self, rows: list[dict[str, Any]]) -> Path | None:
        """Write rows (dicts with every schema column but provenance) as one atomic part."""
        if not rows:
            return None
        provenance = {
            "package_version": self.manifest["package_version"],
            "scenario_hash": self.manifest.get("scenario_hash") or "",
            "spec_hash": self.manifest["spec_hash"],
            "format_version": FORMAT_VERSION,
        }
        columns: dict[str, list[Any]] = {name: [] for name in self.schema.names}
        for row in rows:
            full = {**row, **provenance}
            for name in columns:
                columns[name].append(full[name])
        table = pa.Table.from_pydict(columns, schema=self.schema)
        first = min(r["run_id"] for r in rows)
        final = self.path / f"part-{first:010d}-{uuid.uuid4().hex[:8]}.parquet"
        tmp = self.path / f".tmp-{uuid.uuid4().hex}.parquet"
        with open(tmp, "wb") as fh:
            pq.write_table(table, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, final)
        _fsync_dir(self.path)
        return final

    def write_timeseries_part(self, frames: list[pd.DataFrame]) -> Path | None:
        """Write the monthly series of some runs as one atomic part of ``DIR/timeseries``."""
        frames = [f for f in frames if len(f)]
        if not frames:
            return None
        folder = self.path / TIMESERIES_DIR
        folder.mkdir(exist_ok=True)
        table = pd.concat(frames, ignore_index=True)
        first = int(table["run_id"].min())
        final = folder / f"part-{first:010d}-{uuid.uuid4().hex[:8]}.parquet"
        tmp = folder / f".tmp-{uuid.uuid4().hex}.parquet"
        with open(tmp, "wb") as fh:
            pq.write_table(pa.Table.from_pandas(table, preserve_index=False), fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, final)
        _fsync_dir(folder)
        return final

    def read(self) -> pd.DataFrame:
        """The table written so far, sorted by run id."""
        return read_results(self.path)
