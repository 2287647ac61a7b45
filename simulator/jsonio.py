"""Strict JSON for every file clsim writes: NaN and infinities become ``null``.

Python's :mod:`json` writes ``NaN`` and ``Infinity`` by default, which is not JSON
(RFC 8259): ``JSON.parse`` in a browser, ``jq`` and strict parsers refuse the file. A
missing number (an outcome never reached, an interval that could not be estimated) is
written as ``null`` instead, and numpy scalars and arrays, paths and sets become their
plain JSON forms. Every writer goes through :func:`dumps` or :func:`write_json`, which
call :func:`json.dumps` with ``allow_nan=False``, so a value that slipped through is an
error here rather than a broken file.

A ``null`` cannot say whether it was "not given" or "not a number", so a writer whose
reader needs the numbers back (``analysis.json``) passes ``record_nonfinite=True``: the
places of the non-finite numbers are listed under ``"_nonfinite"`` and :func:`loads`
restores them. Readers use :func:`loads`, which also accepts the ``NaN`` tokens of files
written by earlier versions.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path, PurePath
from typing import Any

__all__ = ["NONFINITE_KEY", "dumps", "loads", "to_jsonable", "write_json"]


#: Top-level key under which :func:`dumps` records where non-finite numbers were.
NONFINITE_KEY = "_nonfinite"


def to_jsonable(value: Any, default: Any = None, record: list | None = None, _path: tuple = ()) -> Any:
    """A copy of ``value`` made of dict, list, str, int, float (finite), bool and None.

    Args:
        value: any nesting of mappings, sequences, numbers, numpy values, paths, dates.
        default: called on any other object (like :func:`json.dumps`'s ``default``);
            without it such an object raises :class:`TypeError`.
        record: when given, ``[path, "nan" | "inf" | "-inf"]`` is appended for every
            non-finite number written as ``null`` (path: the keys and indices to it).
    """
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        if record is not None:
            record.append([list(_path), "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")])
        return None
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, dict):
        return {
            (k if isinstance(k, str) else str(k)): to_jsonable(v, default, record, (*_path, str(k)))
            for k, v in value.items()
        }
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=repr) if isinstance(value, set | frozenset) else value
        return [to_jsonable(v, default, record, (*_path, i)) for i, v in enumerate(items)]
    if isinstance(value, PurePath):
        return str(value)
    try:
        import numpy as np
    except ImportError:  # pragma: no cover
        np = None  # type: ignore[assignment]
    if np is not None:
        if isinstance(value, np.ndarray):
            return to_jsonable(value.tolist(), default, record, _path)
        if isinstance(value, np.generic):
            return to_jsonable(value.item(), default, record, _path)
    if hasattr(value, "isoformat"):  # datetime, date, pandas Timestamp
        return value.isoformat()
    if default is not None:
        return to_jsonable(default(value), None, record, _path)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def dumps(value: Any, *, record_nonfinite: bool = False, **kwargs: Any) -> str:
    """:func:`json.dumps` of :func:`to_jsonable` (value) with ``allow_nan=False``.

    ``default`` is passed to :func:`to_jsonable`; ``allow_nan`` is ignored (always off).
    With ``record_nonfinite`` (a mapping only) the places of NaN and infinities are
    listed under :data:`NONFINITE_KEY`, so that :func:`loads` can restore them exactly.
    """
    kwargs.pop("allow_nan", None)
    default = kwargs.pop("default", None)
    record: list | None = [] if record_nonfinite else None
    data = to_jsonable(value, default, record)
    if record and isinstance(data, dict):
        data[NONFINITE_KEY] = record
    return json.dumps(data, allow_nan=False, **kwargs)


def write_json(path: str | Path, value: Any, *, indent: int | None = 2, atomic: bool = True, **kwargs: Any) -> Path:
    """Write ``value`` as strict JSON (see :func:`dumps`); atomically by default."""
    path = Path(path)
    text = dumps(value, indent=indent, **kwargs) + "\n"
    if not atomic:
        path.write_text(text, encoding="utf-8")
        return path
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return path


def loads(text: str) -> Any:
    """Parse JSON; non-finite numbers recorded by :func:`dumps` come back as floats.

    ``NaN`` and ``Infinity`` tokens of files written by earlier versions are accepted.
    """
    data = json.loads(text)
    if isinstance(data, dict) and isinstance(data.get(NONFINITE_KEY), list):
        for path, kind in data.pop(NONFINITE_KEY):
            node = data
            try:
                for key in path[:-1]:
                    node = node[key]
                if path:
                    node[path[-1]] = float(kind)
            except (KeyError, IndexError, TypeError):  # edited by hand; leave it null
                continue
    return data
