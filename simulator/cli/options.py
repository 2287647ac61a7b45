"""Shared checks of command-line options, run while the command line is parsed.

Every option that could make a run fail late, hang or allocate without bound is checked
here, before the first month is simulated: step counts against the schema's cap, seeds
against the generator's range, worker and replicate counts, float options that must be
finite, lever names against the scenario schema (with close matches), value lists, and
every output path (created and written to as a probe, then removed). A failed check
raises the CLI framework's ``BadParameter`` with the context, so the user sees click's
usage line, ``Error: Invalid value for '--steps': ...`` and exit code 2.

The checks are attached by :func:`apply_checks` to the parsed command tree, by command
and parameter name (:data:`PARAM_CHECKS`), so the commands' option lists stay as they
are; :data:`COMMAND_CHECKS` holds the checks that need several options at once (a lever
name is checked only when a scenario, not a ``--function`` stand-in, is the target).
``tests/test_cli_errors.py`` checks that every rule names a parameter that exists.
"""

from __future__ import annotations

import difflib
import ipaddress
import math
import os
import socket
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import typer

from ..scenario.schema import Meta

__all__ = [
    "COMMAND_CHECKS",
    "MAX_BOOT",
    "MAX_REPLICATES",
    "MAX_SEED",
    "MAX_VALUES",
    "PARAM_CHECKS",
    "apply_checks",
    "check_out_dir",
    "check_out_file",
    "lever_keys",
    "max_workers",
]

#: Largest seed: numpy accepts any non-negative integer, sweeps store seeds as int64.
MAX_SEED = 2**63 - 1
#: Most replicates (seeds) of one scenario or lever value.
MAX_REPLICATES = 100_000
#: Most bootstrap resamples (each holds a copy of the fitted curve).
MAX_BOOT = 100_000
#: Most lever values in one --values / --x-values / --y-values.
MAX_VALUES = 10_000
#: Months a run may last: the schema's own cap on ``meta.steps``.
MAX_STEPS = int(next(m.le for m in Meta.model_fields["steps"].metadata if hasattr(m, "le")))


def max_workers() -> int:
    """Most local worker processes: four per CPU, at least 64."""
    return max(64, 4 * (os.cpu_count() or 1))


Check = Callable[[Any], Any]


def _bad(message: str) -> typer.BadParameter:
    return typer.BadParameter(message)


def _int_range(low: int, high: int, what: str) -> Check:
    def check(value: Any) -> Any:
        if value is None:
            return value
        for v in value if isinstance(value, list | tuple) else [value]:
            if not low <= v <= high:
                raise _bad(f"{what} must be between {low:,} and {high:,}; found {v:,}")
        return value

    return check


def check_steps(value: int | None) -> int | None:
    """Months: 1 to the schema's cap (``meta.steps``)."""
    if value is not None and not 1 <= value <= MAX_STEPS:
        raise _bad(f"months to simulate must be between 1 and {MAX_STEPS}; found {value:,}")
    return value


def check_workers(value: int | None) -> int | None:
    """Local worker processes: at least 1 (leave it out for one per CPU)."""
    if value is None:
        return value
    cap = max_workers()
    if value < 1:
        raise _bad(
            f"give at least 1 worker process (leave --workers out for one per CPU); found {value}"
        )
    if value > cap:
        raise _bad(f"at most {cap} worker processes on this machine; found {value:,}")
    return value


def check_finite(value: float | None) -> float | None:
    """A float option that must be a finite number (not nan or inf)."""
    if value is not None and not math.isfinite(value):
        raise _bad(f"expected a finite number; found {value}")
    return value


def check_fraction(value: float | None) -> float | None:
    """A share in (0, 1]."""
    check_finite(value)
    if value is not None and not 0.0 < value <= 1.0:
        raise _bad(f"expected a share in (0, 1]; found {value}")
    return value


def check_values_text(value: str | None) -> str | None:
    """Lever values, ``'0,5,10'`` or ``'start:stop:num'``: finite numbers, at most MAX_VALUES."""
    if value is None:
        return value
    text = value.strip()
    if ":" in text:
        parts = text.split(":")
        if len(parts) != 3:
            raise _bad(f"expected 'start:stop:num' or 'v1,v2,...'; found {text[:60]!r}")
        try:
            start, stop, num = float(parts[0]), float(parts[1]), int(parts[2])
        except ValueError:
            raise _bad(f"expected numbers in 'start:stop:num'; found {text[:60]!r}") from None
        if not (math.isfinite(start) and math.isfinite(stop)):
            raise _bad(f"expected finite start and stop; found {text[:60]!r}")
        if not 2 <= num <= MAX_VALUES:
            raise _bad(f"num must be between 2 and {MAX_VALUES:,}; found {num:,}")
        return value
    items = [v for v in text.split(",") if v.strip()]
    if not items:
        raise _bad("expected at least one value, as 'v1,v2,...' or 'start:stop:num'")
    if len(items) > MAX_VALUES:
        raise _bad(f"at most {MAX_VALUES:,} values; found {len(items):,}")
    for item in items:
        try:
            number = float(item)
        except ValueError:
            raise _bad(f"expected numbers separated by commas; found {item.strip()[:40]!r}") from None
        if not math.isfinite(number):
            raise _bad(f"expected finite numbers; found {item.strip()!r}")
    return value


def check_host(value: str) -> str:
    """An interface to listen on: an IP address, ``localhost`` or a name that resolves."""
    try:
        ipaddress.ip_address(value)
        return value
    except ValueError:
        pass
    if value == "localhost":
        return value
    try:
        socket.getaddrinfo(value, None)
    except (OSError, UnicodeError):
        raise _bad(f"not an address of this machine: {value[:80]!r} (try 127.0.0.1)") from None
    return value


def _probe_dir(path: Path) -> None:
    """Create ``path`` (and missing parents) and write a file in it; undo all of it."""
    created: list[Path] = []
    missing = []
    node = path
    while not node.exists():
        missing.append(node)
        node = node.parent
    if not node.is_dir():
        raise _bad(f"{node} is a file, so the folder {path} cannot be created")
    try:
        for folder in reversed(missing):
            folder.mkdir()
            created.append(folder)
        fd, probe = tempfile.mkstemp(prefix=".clsim-probe-", dir=path)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise _bad(f"cannot write in {path}: {exc.strerror or exc}") from None
    finally:
        for folder in reversed(created):
            try:
                folder.rmdir()
            except OSError:  # pragma: no cover - something else wrote there meanwhile
                pass


def check_out_dir(value: Path | None) -> Path | None:
    """A results folder: absent (it can be created) or a folder, and writable now."""
    if value is None:
        return value
    path = Path(value).expanduser()
    if path.exists() and not path.is_dir():
        raise _bad(f"{path} exists and is not a folder (give a folder for the results)")
    _probe_dir(path)
    return value


def check_out_file(value: Path | None) -> Path | None:
    """An output file: not a folder, in a folder that exists or can be created, writable."""
    if value is None:
        return value
    path = Path(value).expanduser()
    if path.is_dir():
        raise _bad(f"{path} is a folder; give a file name")
    if path.exists() and not os.access(path, os.W_OK):
        raise _bad(f"{path} is not writable")
    _probe_dir(path.parent if str(path.parent) else Path("."))
    return value


def check_existing_dir(value: Path | None) -> Path | None:
    """A folder that must already exist."""
    if value is not None and not Path(value).expanduser().is_dir():
        what = "a file" if Path(value).exists() else "no such folder"
        raise _bad(f"{value}: {what}; give an existing folder")
    return value


def lever_keys() -> list[str]:
    """Every dotted scenario key that holds a value (not a section), in schema order."""
    from ..scenario import scenario_from_dict

    keys: list[str] = []

    def walk(node: dict[str, Any], prefix: str) -> None:
        for key, value in node.items():
            dotted = f"{prefix}{key}"
            if isinstance(value, dict):
                walk(value, dotted + ".")
            else:
                keys.append(dotted)

    walk(scenario_from_dict({}).to_dict(), "")
    return keys


def _check_lever(name: str) -> None:
    keys = lever_keys()
    dotted = name.replace("__", ".")
    if dotted in keys:
        return
    close = difflib.get_close_matches(dotted, keys, n=5, cutoff=0.6)
    leaf = dotted.rsplit(".", 1)[-1]
    close += [k for k in keys if k.endswith("." + leaf) and k not in close][:3]
    section = dotted.split(".", 1)[0]
    if not close:
        close = [k for k in keys if k.startswith(section + ".")][:8]
    hint = f"; close matches: {', '.join(close)}" if close else ""
    raise _bad(f"{dotted!r} is not a scenario key{hint} (all keys: docs/scenario_reference.md)")


# -- command-level checks (several options at once) ---------------------------------


def _levers(params: dict[str, Any], names: Iterable[str]) -> Iterable[tuple[str, str]]:
    for name in names:
        value = params.get(name)
        for item in value if isinstance(value, list | tuple) else [value]:
            if item:
                yield name, str(item)


def _param_problem(item: str) -> str | None:
    """What is wrong with a sensitivity ``--param KEY=LOW:HIGH`` (None when well formed)."""
    key, eq, rng = item.partition("=")
    low, colon, high = rng.partition(":")
    if not (eq and colon and key.strip()):
        return f"expected KEY=LOW:HIGH; found {item[:60]!r}"
    try:
        lo, hi = float(low), float(high)
    except ValueError:
        return f"expected numbers in KEY=LOW:HIGH; found {item[:60]!r}"
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        return f"expected finite LOW < HIGH; found {item[:60]!r}"
    return None


def _lever_problems(
    params: dict[str, Any], lever_params: Iterable[str], defaults: set[str]
) -> list[tuple[str, str]]:
    """Lever names that are not scenario keys, malformed --param items, unknown outcomes.

    An outcome left at its default is known to be valid (and checking it would import
    the model just to print a usage error).
    """
    problems = []
    for name, lever in _levers(params, lever_params):
        key = lever
        if name == "param":
            problem = _param_problem(lever)
            if problem:
                problems.append((name, problem))
                continue
            key = lever.partition("=")[0].strip()
        try:
            _check_lever(key)
        except typer.BadParameter as exc:
            problems.append((name, exc.message))
    outcomes = None if "outcome" in defaults else params.get("outcome")
    if outcomes:
        from ..runner import SUMMARY_OUTCOMES

        known = [*SUMMARY_OUTCOMES, "transformed"]
        for outcome in outcomes if isinstance(outcomes, list | tuple) else [outcomes]:
            if outcome not in known:
                close = difflib.get_close_matches(outcome, known, n=3)
                hint = f"; close matches: {', '.join(close)}" if close else ""
                problems.append(
                    ("outcome", f"{outcome[:60]!r} is not a run outcome{hint} (known: {', '.join(known)})")
                )
    return problems


def _study_levers(params: dict[str, Any]) -> dict[str, str | None]:
    """``{lever: values text}`` of a tipping, phase or sensitivity command line."""
    levers: dict[str, str | None] = {}
    if "lever" in params:
        levers[params["lever"]] = params.get("values")
    if "x" in params:
        levers[params["x"]] = params.get("x_values")
        levers[params["y"]] = params.get("y_values")
    for item in params.get("param") or []:
        key, _, rng = item.partition("=")
        levers[key.strip()] = rng.replace(":", ",")
    return levers


def _study_checks(*lever_params: str) -> Callable[[dict[str, Any], set[str]], list[tuple[str, str]]]:
    """Levers are scenario keys, outcomes are known, and the largest run fits in memory.

    Skipped for a ``--function`` stand-in, which takes any parameter names.
    """

    def check(params: dict[str, Any], defaults: set[str]) -> list[tuple[str, str]]:
        if params.get("function"):
            return []
        problems = _lever_problems(params, lever_params, defaults)
        if not problems:
            _study_size(params, _study_levers(params))  # raises SizeError
        return problems

    return check


def parallel_runs(params: dict[str, Any]) -> int:
    """Runs that hold memory at once: local workers (default one per CPU), else 1."""
    kind = str(getattr(params.get("executor"), "value", params.get("executor") or "local"))
    if params.get("cluster") or kind in ("serial", "dask"):
        return 1
    return int(params.get("workers") or os.cpu_count() or 1)


def check_sweep_fits(spec: Any, params: dict[str, Any]) -> Any:
    """Refuse a sweep whose largest run, times the parallel runs, does not fit in memory.

    Returns:
        The estimate of the largest run (None for a function target).
    """
    from ..scenario.size import check_fits, largest
    from ..sweep.targets import load_base_scenario

    path = spec.scenario_path()
    if path is None:
        return None
    if not path.is_file():
        from ..sweep.errors import Problem, SweepError

        what = "a folder" if path.is_dir() else "no such file"
        raise SweepError(
            str(spec.source), [Problem("scenario", "an existing scenario file", f"{spec.scenario!r} ({what})")]
        )
    base = load_base_scenario(path)
    if spec.fixed:
        base = base.with_overrides(dict(spec.fixed))
    varied: dict[str, list[Any]] = {}
    if spec.design == "points":
        for key in spec.parameter_names:
            varied[key] = [pt[key] for pt in spec.points]
    else:
        for key, par in spec.parameters.items():
            if par.values is not None:
                varied[key] = list(par.values)
            else:
                varied[key] = [par.low, par.high]
                if par.resolved_type() == "int":
                    varied[key] = [int(round(par.low)), int(round(par.high))]
    return check_fits(largest(base, varied), spec.steps, str(spec.source), parallel_runs(params))


def _study_size(params: dict[str, Any], lever_values: dict[str, str | None]) -> None:
    """A study's largest run (its levers at their largest values) must fit in memory."""
    if params.get("function") or params.get("scenario") is None:
        return
    from ..scenario.size import check_fits, largest
    from ..studies.common import parse_values
    from ..sweep.targets import load_base_scenario

    base = load_base_scenario(Path(params["scenario"]))
    varied: dict[str, list[Any]] = {}
    for lever, text in lever_values.items():
        if text:
            varied[lever] = list(parse_values(text, "float"))
    check_fits(largest(base, varied), params.get("steps"), str(params["scenario"]), parallel_runs(params))


#: ``{command: {parameter name: check}}``; ``"*"`` applies to every command having it.
PARAM_CHECKS: dict[str, dict[str, Check]] = {
    "*": {
        "steps": check_steps,
        "seed": _int_range(0, MAX_SEED, "a seed"),
        "master_seed": _int_range(0, MAX_SEED, "a seed"),
        "seeds": _int_range(1, MAX_REPLICATES, "the number of seeds"),
        "hysteresis_seeds": _int_range(1, MAX_REPLICATES, "the number of seeds"),
        "ews_seeds": _int_range(1, MAX_REPLICATES, "the number of seeds"),
        "workers": check_workers,
        "threshold": check_finite,
        "delta": check_finite,
        "stop_year": check_finite,
        "flush_seconds": check_finite,
    },
    "run": {"out": check_out_dir},
    "compare": {"out": check_out_dir},
    "sweep": {"out": check_out_dir},
    "tipping": {
        "out": check_out_dir,
        "values": check_values_text,
        "boot": _int_range(1, MAX_BOOT, "bootstrap resamples"),
        "max_width_fraction": check_fraction,
    },
    "phase": {"out": check_out_dir, "x_values": check_values_text, "y_values": check_values_text},
    "sensitivity": {"out": check_out_dir},
    "report": {"out": check_out_file},
    "validate-classics": {"out": check_out_dir, "summary": check_out_file},
    "dashboard": {"host": check_host, "scenario_dir": check_existing_dir},
    "docs": {"root": check_existing_dir},
}

#: ``{command: check(params, names left at their default) -> [(parameter, message)]}``,
#: run once every parameter is parsed.
COMMAND_CHECKS: dict[str, Callable[[dict[str, Any], set[str]], list[tuple[str, str]]]] = {
    "tipping": _study_checks("lever", "stop_key"),
    "phase": _study_checks("x", "y"),
    "sensitivity": _study_checks("param"),
}


def _wrap_param(param: Any, check: Check) -> None:
    inner = param.callback

    def callback(ctx: Any, prm: Any, value: Any) -> Any:
        if inner is not None:
            value = inner(ctx, prm, value)
        try:
            return check(value)
        except typer.BadParameter as exc:
            raise typer.BadParameter(exc.message, ctx=ctx, param=prm) from None

    param.callback = callback


def _wrap_command(command: Any, check: Callable[[dict[str, Any], set[str]], list[tuple[str, str]]]) -> None:
    inner = command.invoke
    by_name = {p.name: p for p in command.params}

    def invoke(ctx: Any) -> Any:
        defaults = {
            name for name in ctx.params
            if getattr(ctx.get_parameter_source(name), "name", "") in ("DEFAULT", "DEFAULT_MAP")
        }
        problems = check(dict(ctx.params), defaults)
        if problems:
            name, message = problems[0]
            raise typer.BadParameter(message, ctx=ctx, param=by_name.get(name))
        return inner(ctx)

    command.invoke = invoke


def apply_checks(group: Any) -> list[str]:
    """Attach the checks to a parsed command tree; return rules that matched nothing."""
    unmatched = []
    commands = dict(getattr(group, "commands", {}))
    for cmd_name, rules in PARAM_CHECKS.items():
        targets = commands.values() if cmd_name == "*" else [commands.get(cmd_name)]
        for param_name, check in rules.items():
            hit = False
            for command in targets:
                if command is None:
                    continue
                for param in command.params:
                    if param.name == param_name:
                        _wrap_param(param, check)
                        hit = True
            if not hit:
                unmatched.append(f"{cmd_name}:{param_name}")
    for cmd_name, check in COMMAND_CHECKS.items():
        if cmd_name in commands:
            _wrap_command(commands[cmd_name], check)
        else:
            unmatched.append(f"{cmd_name}:(command)")
    return unmatched
