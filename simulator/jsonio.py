"""Strict JSON for every file clsim writes: NaN and infinities become ``null``.

Python's :mod:`json` writes ``NaN`` and ``Infinity`` by default, which is not JSON
(RFC 8259): ``JSON.parse`` in a browser, ``jq`` and strict parsers refuse the file. A
missing number (an outcome never reached, an interval that could not be estimated) is
written as ``null`` instead, and numpy scalars and arrays, paths and sets become their
plain JSON forms. Every writer goes through :func:`dumps` or :func:`write_json`, which
call :func:`json.dumps` with ``allow_nan=False``, so a value that slipped through is an
error here rather than a broken file.

Readers use :func:`loads`, which also accepts the ``NaN`` tokens of files written by
earlier versions.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path, PurePath
from typing import Any

__all__ = ["dumps", "loads", "to_jsonable", "write_json"]


def to_jsonable(value: Any, default: Any = None) -> Any:
    """A copy of ``value`` made of dict, list, str, int, float (finite), bool and None.

    Args:
        value: any nesting of mappings, sequences, numbers, numpy values, paths, dates.
        default: called on any other object (like :func:`json.dumps`'s ``default``);
            without it such an object raises :class:`TypeError`.
    """
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, dict):
        return {str(k) if not isinstance(k, str) else k: to_jsonable(v, default) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=repr) if isinstance(value, set | frozenset) else value
        return [to_jsonable(v, default) for v in items]
    if isinstance(value, PurePath):
        return str(value)
    try:
        import numpy as np
    except ImportError:  # pragma: no cover
        np = None  # type: ignore[assignment]
    if np is not None:
        if isinstance(value, np.ndarray):
            return to_jsonable(value.tolist(), default)
        if isinstance(value, np.generic):
            return to_jsonable(value.item(), default)
    if hasattr(value, "isoformat"):  # datetime, date, pandas Timestamp
        return value.isoformat()
    if default is not None:
        return to_jsonable(default(value))
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def dumps(value: Any, **kwargs: Any) -> str:
    """:func:`json.dumps` of :func:`to_jsonable` (value) with ``allow_nan=False``.

    ``default`` is passed to :func:`to_jsonable`; ``allow_nan`` is ignored (always off).
    """
    kwargs.pop("allow_nan", None)
    default = kwargs.pop("default", None)
    return json.dumps(to_jsonable(value, default), allow_nan=False, **kwargs)


def write_json(path: str | Path, value: Any, *, indent: int | None = 2, atomic: bool = True, **kwargs: Any) -> Path:
    """Write ``value`` as strict JSON; atomically (temporary file, then rename) by default."""
    path = Path(path)
    text = dumps(value, indent=indent, **kwargs) + "\n"
    if not atomic:
        path.write_text(text, encoding="utf-8")
        return path
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return path


def loads(text: str, numeric_lists: bool = False) -> Any:
    """Parse JSON; ``NaN`` and ``Infinity`` of files from earlier versions are accepted.

    Args:
        text: the JSON text.
        numeric_lists: turn ``null`` inside a list of numbers and nulls (or of nulls
            only) back into NaN, so that a written array of floats reads back as one (a
            scalar ``null`` stays ``None``: it may mean "not given" as well as "not a
            number").
    """
    data = json.loads(text)
    return _nan_in_lists(data) if numeric_lists else data


def _nan_in_lists(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _nan_in_lists(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_nan_in_lists(v) for v in value]
        if items and all(v is None or (isinstance(v, int | float) and not isinstance(v, bool)) for v in items):
            return [math.nan if v is None else v for v in items]
        return items
    return value
