"""One self-contained HTML page for a results directory (figures embedded as base64 PNG).

``build_report(DIR)`` reads what a study wrote (``DIR/analysis.json`` of a tipping,
phase, sensitivity, compare or discover study) or, for a plain sweep, ``DIR/_sweep.json``
and the Parquet table, redraws the figures from the stored numbers, and writes
``DIR/report.html``: plain-language summary, estimates with intervals, figures, tables,
the scenario and the provenance (code version and git state, dependency versions,
Python, platform, command line, scenario and spec hashes, seeds, sessions). It runs no
model: studies (:mod:`simulator.studies`) do. No network access is needed to view it.

Every axis, legend entry and table header is a human label with its unit
(:mod:`simulator.labels`); a dotted key appears only where a user types it (the
provenance's spec and scenario). Wide tables are split into blocks of at most
:data:`MAX_COLUMNS` columns, each repeating the first column, so that they fit the page.
"""

from __future__ import annotations

import datetime as _dt
import html
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulator import labels

from .. import jsonio

__all__ = ["build_report", "render_report", "MAX_COLUMNS", "HEADERS"]

#: Widest table block (columns, the first repeated in every block).
MAX_COLUMNS = 9

_CSS = """
body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:1000px;margin:2em auto;
padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em;border-bottom:2px solid #08519c;padding-bottom:.2em}
h2{font-size:1.25em;margin-top:1.6em;color:#08519c}
h3{font-size:1.05em}
table{border-collapse:collapse;margin:.6em 0;font-size:.85em;max-width:100%}
td,th{border:1px solid #ccc;padding:.25em .5em;text-align:right;vertical-align:top}
th{background:#f0f4f8;font-weight:600}
td:first-child,th:first-child{text-align:left}
table.kv td{text-align:left;word-break:break-word}
pre{background:#f7f7f7;padding:.8em;overflow-x:auto;font-size:.85em;white-space:pre-wrap}
.verdict{font-size:1.1em;padding:.6em .9em;border-left:5px solid #08519c;background:#eef4fb}
.verdict.no{border-color:#d62728;background:#fbeeee}
.warn{padding:.4em .8em;border-left:4px solid #e6550d;background:#fff4ec}
img{max-width:100%;border:1px solid #eee;margin:.5em 0}
details{margin:.5em 0}
.muted{color:#777;font-size:.85em}
"""

#: Table headers for the columns studies write (anything else goes through the labels).
HEADERS: dict[str, str] = {
    "value": "value",
    "n": "runs",
    "transformed": "runs transformed",
    "p": "P(transformed)",
    "p_low": "95% low",
    "p_high": "95% high",
    "mean": "mean",
    "sd": "sd",
    "q10": "10%",
    "q90": "90%",
    "bimodality_coefficient": "bimodality coefficient",
    "dip_pvalue": "dip test p",
    "bimodal": "bimodal",
    "mixture_delta_bic": "mixture ΔBIC",
    "ashman_d": "Ashman's D",
    "n_stopped": "stopped runs",
    "p_stopped": "P(transformed), stopped",
    "p_stopped_low": "95% low (stopped)",
    "p_stopped_high": "95% high (stopped)",
    "mean_stopped": "mean outcome, stopped",
    "n_sustained": "runs as planned",
    "p_sustained": "P(transformed), as planned",
    "p_sustained_low": "95% low (as planned)",
    "p_sustained_high": "95% high (as planned)",
    "mean_sustained": "mean outcome, as planned",
    "retention": "share of peak gain kept",
    "retention_n": "runs with a gain",
    "y": "second lever",
    "critical_mass": "critical mass",
    "ci_low": "interval low",
    "ci_high": "interval high",
    "interval_kind": "interval",
    "near_edge": "near an edge",
    "verdict": "verdict",
    "reason": "why not estimated",
    "parameter": "lever",
    "mu_star": "mu*",
    "mu_star_conf": "mu* 95% half-width",
    "sigma": "sigma",
    "mu": "mu",
    "S1": "S1",
    "S1_conf": "S1 95% half-width",
    "ST": "ST",
    "ST_conf": "ST 95% half-width",
    "scenario": "scenario",
    "k": "runs tipped",
}


def _esc(value: Any) -> str:
    return html.escape(str(value))


def _fmt(value: Any, digits: int = 4) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        if not math.isfinite(float(value)):
            return "—"
        return f"{float(value):.{digits}g}"
    return _esc(value)


def _header(column: Any) -> str:
    name = str(column)
    if name in HEADERS:
        return HEADERS[name]
    return labels.axis_label(name) if not _is_number(name) else name


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _table(frame: pd.DataFrame, digits: int = 4, max_rows: int = 200, headers: dict[str, str] | None = None) -> str:
    """An HTML table, split into blocks of at most :data:`MAX_COLUMNS` columns."""
    names = {**HEADERS, **(headers or {})}
    cols = list(frame.columns)
    if not cols:
        return ""
    first, rest = cols[0], cols[1:]
    size = MAX_COLUMNS - 1
    blocks = [rest[i : i + size] for i in range(0, len(rest), size)] or [[]]
    parts = []
    for block in blocks:
        shown = [first, *block]
        head = "".join(
            f"<th>{_esc(names.get(str(c)) or _header(c))}</th>" for c in shown
        )
        rows = []
        for _, row in frame[shown].head(max_rows).iterrows():
            rows.append("<tr>" + "".join(f"<td>{_fmt(v, digits)}</td>" for v in row.to_numpy()) + "</tr>")
        parts.append(f"<table><tr>{head}</tr>{''.join(rows)}</table>")
    if len(frame) > max_rows:
        parts.append(f'<p class="muted">{len(frame) - max_rows} more rows not shown.</p>')
    return "\n".join(parts)


def _kv(pairs: list[tuple[str, Any]]) -> str:
    rows = "".join(f"<tr><th>{_esc(k)}</th><td>{_fmt(v)}</td></tr>" for k, v in pairs)
    return f'<table class="kv">{rows}</table>'


def _img(b64: str, alt: str) -> str:
    return f'<img alt="{_esc(alt)}" src="data:image/png;base64,{b64}">'


def _figure(fig: Any, alt: str) -> str:
    from simulator.figures import studies as figures

    return _img(figures.to_base64_png(fig), alt)


def _saved_or_drawn(path: Path, draw: Callable[[], Any], alt: str) -> str:
    """The study's saved PNG of a figure when it is there (drawn with the analysis), else drawn now."""
    return _file_img(path, alt) if path.is_file() else _figure(draw(), alt)


def _file_img(path: Path, alt: str) -> str:
    import base64

    if not path.is_file():
        return ""
    return _img(base64.b64encode(path.read_bytes()).decode("ascii"), alt)


def _warn(text: str) -> str:
    return f'<p class="warn">{_esc(text)}</p>'


# -- provenance ------------------------------------------------------------------------


def _provenance_section(prov: dict[str, Any], manifests: dict[str, dict[str, Any]]) -> str:
    from simulator.provenance import summarise

    parts = ["<h2>Provenance</h2>", _kv(summarise(prov))]
    if prov.get("function"):
        parts.append(_kv([("stand-in function", prov["function"])]))
    for name, man in manifests.items():
        sessions = man.get("sessions", [])
        parts.append(f"<h3>Sweep “{_esc(name)}”</h3>")
        parts.append(
            _kv(
                [
                    ("runs", man.get("n_runs")),
                    ("spec hash", man.get("spec_hash")),
                    ("scenario hash", man.get("scenario_hash")),
                    ("master seed", man.get("spec", {}).get("master_seed")),
                    ("replicates", man.get("spec", {}).get("replicates")),
                    ("format version", man.get("format_version")),
                    ("written by clsim", man.get("package_version")),
                    (
                        "sessions",
                        "; ".join(
                            f"{s.get('started')} {s.get('executor')}×{s.get('workers')} "
                            f"({s.get('todo')} runs"
                            + (
                                f", code {str((s.get('provenance') or {}).get('git', {}) .get('commit', ''))[:10]}"
                                if (s.get("provenance") or {}).get("git")
                                else ""
                            )
                            + ")"
                            for s in sessions
                        ),
                    ),
                ]
            )
        )
        spec_text = _esc(jsonio.dumps(man.get("spec"), indent=2, default=str))
        parts.append(f"<details><summary>sweep spec (as typed)</summary><pre>{spec_text}</pre></details>")
    content = prov.get("scenario_content")
    if content:
        text = _esc(jsonio.dumps(content, indent=2, default=str))
        parts.append(f"<details><summary>scenario (every parameter)</summary><pre>{text}</pre></details>")
    parts.append(
        '<p class="muted">Every run\'s seed derives from the master seed and its run id '
        "(numpy SeedSequence.spawn); the tables in this directory hold one row per run with "
        "its seed, inputs, outcomes and these hashes.</p>"
    )
    return "\n".join(parts)


def _manifests(root: Path, names: list[str]) -> dict[str, dict[str, Any]]:
    from simulator.sweep.store import read_manifest

    return {n: read_manifest(root / n) for n in names if (root / n / "_sweep.json").is_file()}


# -- tipping ---------------------------------------------------------------------------


def _interval_words(tip: dict[str, Any]) -> str:
    pct = int(round(tip["confidence"] * 100))
    lo, hi = tip["ci_low"], tip["ci_high"]
    if tip.get("interval_kind") == "bracket":
        return f"between {_fmt(lo)} and {_fmt(hi)}: a bracket, the data separate"
    if tip.get("interval_kind") == "none":
        return "no interval"
    lo_t = _fmt(lo) if math.isfinite(lo) else "below the range"
    hi_t = _fmt(hi) if math.isfinite(hi) else "beyond the range"
    return f"{pct}% interval {lo_t} to {hi_t}"


def _tipping_body(root: Path, data: dict[str, Any]) -> str:
    from simulator.figures import studies as figures
    from simulator.sweep.store import read_results

    tip = data["tipping"]
    table = read_results(root / "sweep") if (root / "sweep" / "_sweep.json").is_file() else None
    lever = tip["lever"]
    unit = labels.unit(lever)
    cls = "verdict" if tip["verdict"] == "threshold" else "verdict no"
    if tip["verdict"] == "threshold":
        headline = (
            f"Critical mass: <b>{_fmt(tip['critical_mass'], 3)} {_esc(unit)}</b> "
            f"({_esc(labels.label(lever).lower())}; {_esc(_interval_words(tip))})"
        )
    else:
        headline = f"Verdict: <b>{_esc(tip['verdict'])}</b>"
    parts = [f'<p class="{cls}">{headline}</p>']
    people = data.get("critical_mass_in_people")
    if people:
        parts.append(
            "<p>In people: about <b>{:.0f} fellows and alumni</b> in the system at month {}, "
            "<b>{:.2f} a school</b> of the placement area, <b>{:.1%} of its educators</b>.</p>".format(
                people["leaders"], people["month"], people["per_school"], people["share_of_educators"]
            )
        )
    for note in tip.get("notes", []):
        parts.append(_warn(note))
    if tip.get("interval_reason"):
        parts.append(_warn(tip["interval_reason"]))
    parts.append(f"<pre>{_esc(data.get('summary', ''))}</pre>")
    parts.append("<h2>Estimates</h2>")
    curve = tip["curve"]
    pairs = [
        ("transformed regime", tip["regime_text"]),
        ("runs", tip["n_runs"]),
        ("lever values", tip["n_levels"]),
        (f"critical mass, P = 1/2 ({unit})", tip["critical_mass"]),
        ("interval", _interval_words(tip)),
        ("bootstrap percentile interval (for comparison)", f"{_fmt(tip['boot_ci'][0])} to {_fmt(tip['boot_ci'][1])}" if tip.get("boot_ci") else "—"),
        (f"10–90% width ({unit})", tip["width_10_90"]),
        ("width interval", f"{_fmt(tip['width_ci'][0])} to {_fmt(tip['width_ci'][1])}"),
        ("steepest rate dP/dx", tip["max_rate"]),
        ("bootstrap resamples", tip["n_boot"]),
        ("bootstrap midpoints inside range", f"{tip['boot_in_range_fraction']:.0%}"),
        ("P crosses 1/2 inside range", tip["crosses"]),
        ("S-curve vs line: ΔBIC", curve["delta_bic"]),
        ("S-curve inflection", curve["midpoint"]),
        ("S-curve 10–90% width", curve["width_10_90"]),
    ]
    if people:
        pairs += [
            ("fellows and alumni at the critical mass", f"{people['leaders']:.0f} ({_fmt(people['leaders_low'], 3)} to {_fmt(people['leaders_high'], 3)})"),
            ("per school of the placement area", f"{people['per_school']:.2f} ({_fmt(people['per_school_low'], 3)} to {_fmt(people['per_school_high'], 3)})"),
            ("share of educators there", f"{people['share_of_educators']:.1%}"),
        ]
    parts.append(_kv(pairs))
    if tip["reasons"]:
        parts.append("<p>Why not a threshold:</p><ul>" + "".join(f"<li>{_esc(r)}</li>" for r in tip["reasons"]) + "</ul>")
    parts.append("<h2>S-curve</h2>")
    parts.append(_saved_or_drawn(root / "figures" / "s_curve.png", lambda: figures.s_curve_figure(tip, table), "S-curve"))
    levels = pd.DataFrame(tip["levels"])
    cols = [c for c in ["value", "n", "transformed", "p", "p_low", "p_high", "mean", "sd", "bimodality_coefficient", "dip_pvalue"] if c in levels]
    parts.append(_table(levels[cols], headers={"value": labels.axis_label(lever), "mean": f"mean {labels.label(tip['regime']['outcome']).lower()}"}))
    if tip.get("bimodality"):
        parts.append("<h2>Bimodality near the transition</h2>")
        bim = pd.DataFrame(tip["bimodality"]).drop(columns=["method"], errors="ignore")
        parts.append(_table(bim, headers={"value": labels.axis_label(lever)}))
        parts.append(
            f'<p class="muted">Rule: {_esc(tip["bimodality"][0].get("method", ""))}; '
            "Sarle's coefficient above 5/9 also suggests bimodality.</p>"
        )
    hyst = data.get("hysteresis")
    if hyst:
        parts.append("<h2>Hysteresis: stopping the strategy</h2>")
        parts.append(f"<pre>{_esc(data.get('hysteresis_summary', ''))}</pre>")
        parts.append(_saved_or_drawn(root / "figures" / "hysteresis.png", lambda: figures.hysteresis_figure(hyst), "hysteresis"))
        parts.append(_table(pd.DataFrame(hyst["levels"]), headers={"value": labels.axis_label(lever)}))
    ews = data.get("ews")
    if ews:
        parts.append("<h2>Early-warning indicators</h2>")
        parts.append(f"<pre>{_esc(ews.get('summary', ''))}</pre>")
        if ews.get("series"):
            parts.append(_saved_or_drawn(root / "figures" / "ews.png", lambda: figures.ews_figure(ews), "early warnings"))
    parts.append(_provenance_section(data["provenance"], _manifests(root, ["sweep", "hysteresis"])))
    return "\n".join(parts)


# -- phase, sensitivity ----------------------------------------------------------------


def _phase_body(root: Path, data: dict[str, Any]) -> str:
    from simulator.figures import studies as figures

    phase = data["phase"]
    x_label, y_label = labels.axis_label(phase["x"]), labels.axis_label(phase["y"])
    parts = [f"<pre>{_esc(data.get('summary', ''))}</pre>"]
    parts.append(_figure(figures.phase_figure(phase), "phase diagram"))
    parts.append(f"<h2>Critical {_esc(labels.label(phase['x']).lower())} at each {_esc(labels.label(phase['y']).lower())}</h2>")
    line = pd.DataFrame(phase["critical_line"])
    parts.append(_table(line, headers={"y": y_label, "critical_mass": f"critical mass ({labels.unit(phase['x'])})"}))
    corner = f"{labels.label(phase['y'])} (rows) / {labels.label(phase['x'])} (columns)"
    for key, title in (("mean", f"Mean {labels.label(phase.get('outcome', 'final_learning')).lower()}"), ("p", "P(transformed)")):
        grid = pd.DataFrame(phase[key], index=phase["y_values"], columns=[labels.format_value(float(v)) for v in phase["x_values"]])
        grid.index.name = corner
        parts.append(f"<h2>{_esc(title)}</h2>" + _table(grid.reset_index(), digits=3, headers={corner: corner}))
    parts.append(f'<p class="muted">Columns: {_esc(x_label)}. Rows: {_esc(y_label)}. Cells never run are blank.</p>')
    parts.append(_provenance_section(data["provenance"], _manifests(root, ["sweep"])))
    return "\n".join(parts)


def _sensitivity_body(root: Path, data: dict[str, Any]) -> str:
    from simulator.figures import studies as figures

    sens = data["sensitivity"]
    parts = [f"<pre>{_esc(data.get('summary', ''))}</pre>"]
    if sens["method"] == "morris" and int(sens.get("samples") or 0) < figures.MIN_MORRIS_TRAJECTORIES:
        parts.append(_warn(f"Only {sens['samples']} Morris trajectories: the ranking of levers is unstable; use at least {figures.MIN_MORRIS_TRAJECTORIES}."))
    parts.append(
        _kv(
            [
                ("method", sens["method"]),
                ("samples", sens["samples"]),
                ("replicates per point", sens["replicates"]),
                ("runs", data["options"].get("runs")),
            ]
        )
    )
    parts.append(_figure(figures.sensitivity_figure(sens), "sensitivity"))
    for outcome, records in sens["indices"].items():
        frame = pd.DataFrame(records)
        if "parameter" in frame:
            frame["parameter"] = [labels.label(p) for p in frame["parameter"]]
        parts.append(f"<h2>{_esc(labels.axis_label(outcome))}</h2>" + _table(frame))
    parts.append(_provenance_section(data["provenance"], _manifests(root, ["sweep"])))
    return "\n".join(parts)


# -- compare ---------------------------------------------------------------------------


def _compare_body(root: Path, data: dict[str, Any]) -> str:
    from simulator.figures import studies as figures

    parts = [f"<pre>{_esc(data.get('summary', ''))}</pre>"]
    parts.append("<h2>Runs that tipped</h2>")
    parts.append(_figure(figures.transformed_figure(data["transformed"], data["regime_text"]), "P(transformed)"))
    rows = []
    programme = {r["scenario"]: r for r in data.get("transformed_programme", [])}
    for r in data["transformed"]:
        g = programme.get(r["scenario"])
        rows.append(
            {
                "scenario": r["scenario"],
                "runs tipped": f"{r['k']} of {r['n']}",
                "P(transformed) [95%]": f"{r['p']:.2f} [{r['p_low']:.2f}, {r['p_high']:.2f}]",
                "in the programme areas": f"{g['k']} of {g['n']} [{g['p_low']:.2f}, {g['p_high']:.2f}]" if g else "no programme area",
            }
        )
    parts.append(_table(pd.DataFrame(rows), headers={c: c for c in ("runs tipped", "P(transformed) [95%]", "in the programme areas")}))
    parts.append(f"<h2>Final outcomes (median [10%, 90%] over {data.get('n_seeds')} seeds)</h2>")
    out_rows = []
    for r in data["outcomes"]:
        row: dict[str, Any] = {"scenario": r["scenario"]}
        for col in data["outcome_columns"]:
            q = r[col]
            row[col] = "n/a" if not math.isfinite(q["median"]) else f"{q['median']:.2f} [{q['q10']:.2f}, {q['q90']:.2f}]"
        out_rows.append(row)
    parts.append(_table(pd.DataFrame(out_rows)))
    parts.append(_file_img(root / "compare.png", "scenarios compared over time"))
    parts.append(
        '<p class="muted">Programme areas: the clusters that received fellows in each run '
        "(or, without fellows, those the teacher collectives cover); the rest: the other clusters.</p>"
    )
    parts.append(_provenance_section(data["provenance"], {}))
    return "\n".join(parts)


# -- discover --------------------------------------------------------------------------


def _discover_body(root: Path, data: dict[str, Any]) -> str:
    from simulator.figures import discovery as dfig

    disc = data["discovery"]
    parts = [f"<pre>{_esc(data.get('summary', ''))}</pre>"]
    for note in disc.get("notes", []):
        parts.append(_warn(note))
    parts.append("<h2>PRIM boxes</h2>")
    if disc["boxes"]:
        rows = [
            {
                "box": b["index"],
                "in words": b["text"],
                "runs in the box": b["n_runs"],
                "density": b["density"],
                "coverage": b["coverage"],
                "levers restricted": len(b["restrictions"]),
            }
            for b in disc["boxes"]
        ]
        parts.append(_table(pd.DataFrame(rows), headers={c: c for c in ("box", "in words", "runs in the box", "density", "coverage", "levers restricted")}))
        for b in disc["boxes"]:
            restr = [
                {
                    "lever": labels.axis_label(r["key"]),
                    "at least": r.get("low"),
                    "at most": r.get("high"),
                    "values": ", ".join(labels.phrase(r["key"], c) for c in r["categories"]) if r.get("categories") else "",
                    "quasi-p": r.get("qp"),
                    "in words": r.get("text"),
                }
                for r in b["restrictions"]
            ]
            parts.append(f"<h3>Box {b['index']}: restricted levers</h3>")
            parts.append(_table(pd.DataFrame(restr), headers={c: c for c in ("lever", "at least", "at most", "values", "quasi-p", "in words")}))
    else:
        parts.append("<p>PRIM found no box denser than the design as a whole.</p>")
    parts.append("<h2>Peeling trajectory</h2>")
    parts.append(_figure(dfig.peeling_figure(disc), "peeling trajectory"))
    parts.append(_file_img(root / "figures" / "box.png", "runs and the first box"))
    parts.append("<h2>Classification tree (a second view)</h2>")
    leaves = [
        {"rule in words": leaf["text"], "runs": leaf["n_runs"], "share that tipped": leaf["density"], "coverage": leaf["coverage"]}
        for leaf in disc["tree_leaves"]
    ]
    parts.append(_table(pd.DataFrame(leaves), headers={c: c for c in ("rule in words", "runs", "share that tipped", "coverage")}))
    parts.append(f'<p class="muted">Tree depth {disc["tree_depth"]}; {disc["tree_accuracy"]:.0%} of runs classified right.</p>')
    parts.append(_file_img(root / "figures" / "tree.png", "classification tree"))
    parts.append(
        '<p class="muted">Coverage: share of all runs that tipped that fall in the box. Density: share of the '
        "box's runs that tipped. Quasi-p: a binomial test of whether dropping the restriction would lower the "
        "density (Bryant &amp; Lempert 2010). Method: docs/analysis.md, section Scenario discovery.</p>"
    )
    sweep_dirs = ["sweep"] if (root / "sweep" / "_sweep.json").is_file() else []
    manifests = _manifests(root, sweep_dirs)
    source = data["provenance"].get("sweep_dir")
    if source and (Path(source) / "_sweep.json").is_file():
        manifests = _manifests(Path(source).parent, [Path(source).name])
    parts.append(_provenance_section(data["provenance"], manifests))
    return "\n".join(parts)


# -- plain sweeps ----------------------------------------------------------------------


def _sweep_body(root: Path, note: str = "") -> str:
    from simulator.figures import studies as figures
    from simulator.sweep.store import read_manifest, read_results

    man = read_manifest(root)
    table = read_results(root)
    params = man.get("parameters", [])
    outcomes = man.get("outcomes") or []
    parts = [_warn(note)] if note else []
    parts.append(
        _kv(
            [
                ("name", man.get("name")),
                ("runs written", len(table)),
                ("runs planned", man.get("n_runs")),
                ("design points", man.get("n_points")),
                ("levers varied", ", ".join(labels.label(p) for p in params)),
                ("outcomes", ", ".join(labels.label(o) for o in outcomes)),
            ]
        )
    )
    if len(table) and params and outcomes:
        shown = [o for o in ("final_learning", "final_engaged_teacher_share", "final_trust", "learning_gain") if o in outcomes] or outcomes[:4]
        fig = figures.sweep_figure(table, params, shown)
        if fig is not None:
            parts.append("<h2>Outcomes against each lever</h2>")
            parts.append(_figure(fig, "outcomes against levers"))
        if man.get("spec", {}).get("design") in ("grid", "points"):
            grouped = table.groupby(params)[shown].agg(["mean", "std"])
            grouped.columns = [f"{labels.label(a)}, {'mean' if b == 'mean' else 'sd'}" for a, b in grouped.columns]
            parts.append("<h2>Outcomes by design point (mean, sd over replicates)</h2>")
            parts.append(_table(grouped.reset_index(), headers={c: c for c in grouped.columns}))
    prov: dict[str, Any] = {}
    sessions = man.get("sessions") or []
    if sessions and sessions[-1].get("provenance"):
        prov.update(sessions[-1]["provenance"])
    prov.update(
        {
            "package_version": man.get("package_version"),
            "scenario": man.get("scenario"),
            "scenario_hash": man.get("scenario_hash"),
            "function": man.get("function"),
            "master_seed": man.get("spec", {}).get("master_seed"),
        }
    )
    parts.append(_provenance_section(prov, {man.get("name", "sweep"): man}))
    return "\n".join(parts)


# -- the page --------------------------------------------------------------------------

_BODIES: dict[str, tuple[Callable[[dict[str, Any], str], str], Callable[[Path, dict[str, Any]], str]]] = {
    "tipping": (lambda d, s: f"Tipping point in {labels.label(d['tipping']['lever']).lower()} — {s}", _tipping_body),
    "phase": (
        lambda d, s: f"Phase diagram: {labels.label(d['phase']['x']).lower()} × {labels.label(d['phase']['y']).lower()} — {s}",
        _phase_body,
    ),
    "sensitivity": (lambda d, s: f"Sensitivity ({d['sensitivity']['method']}) — {s}", _sensitivity_body),
    "compare": (lambda d, s: "Scenarios compared", _compare_body),
    "discover": (lambda d, s: f"Scenario discovery — {s}", _discover_body),
}


def render_report(results_dir: str | Path) -> str:
    """The HTML text of the report of a study or sweep directory.

    A study directory whose analysis never finished (it holds ``sweep/`` but no
    ``analysis.json``) is reported as its sweep, with a note to rerun the study.

    Raises:
        FileNotFoundError: the directory holds no results clsim wrote.
        ValueError: ``analysis.json`` of an unknown kind.
    """
    root = Path(results_dir)
    analysis = root / "analysis.json"
    if analysis.is_file():
        data = jsonio.loads(analysis.read_text(encoding="utf-8"))
        kind = data.get("kind")
        prov = data.get("provenance", {})
        scen = prov.get("scenario_name") or prov.get("function") or "stand-in model"
        if kind not in _BODIES:
            raise ValueError(f"{analysis}: unknown analysis kind {kind!r}")
        title_of, body_of = _BODIES[kind]
        title, body = title_of(data, scen), body_of(root, data)
    elif (root / "_sweep.json").is_file():
        title, body = f"Sweep {root.name}", _sweep_body(root)
    elif (root / "sweep" / "_sweep.json").is_file():
        title = f"Sweep of an unfinished study: {root.name}"
        body = _sweep_body(
            root / "sweep",
            note="This study's analysis did not finish (no analysis.json): below is its sweep "
            "so far. Rerun the same command to resume the runs and write the analysis.",
        )
    else:
        raise FileNotFoundError(
            f"{root}: no analysis.json, _sweep.json or sweep/ (not a results directory clsim wrote)"
        )
    stamp = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{_esc(title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{_esc(title)}</h1>{body}"
        f'<p class="muted">Report generated {stamp} by clsim from {_esc(root.resolve())}. '
        "Method details: docs/analysis.md.</p></body></html>"
    )


#: Analysis kinds rendered by their own report module.
_OWN_REPORTS = ("calibration", "posterior_tipping", "posterior_compare", "robustness")


def _robustness_html(root: Path) -> str:
    """The robustness report: its Markdown tables as HTML tables."""
    lines = (root / "robustness.md").read_text(encoding="utf-8").splitlines()
    parts, table = [], []

    def flush() -> None:
        if table:
            rows = [r.strip("|").split("|") for r in table if not set(r) <= set("|- ")]
            head, body = rows[0], rows[1:]
            parts.append(
                "<table><tr>" + "".join(f"<th>{_esc(h.strip())}</th>" for h in head) + "</tr>"
                + "".join("<tr>" + "".join(f"<td>{_esc(c.strip())}</td>" for c in r) + "</tr>" for r in body)
                + "</table>"
            )
            table.clear()

    for line in lines:
        if line.startswith("|"):
            table.append(line)
        else:
            flush()
            if line.strip():
                parts.append(f"<p>{_esc(line)}</p>")
    flush()
    stamp = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Robustness</title>"
        f"<style>{_CSS}</style></head><body><h1>Robustness of the patterns</h1>{''.join(parts)}"
        f'<p class="muted">Report generated {stamp} by clsim from {_esc(root.resolve())}.</p></body></html>'
    )


def build_report(results_dir: str | Path, out: str | Path | None = None) -> Path:
    """Write the report (default ``RESULTS_DIR/report.html``) and return its path."""
    root = Path(results_dir)
    analysis = root / "analysis.json"
    kind = jsonio.loads(analysis.read_text(encoding="utf-8")).get("kind") if analysis.is_file() else None
    if kind == "robustness":
        path = Path(out) if out is not None else root / "report.html"
        path.write_text(_robustness_html(root), encoding="utf-8")
        return path
    if kind in _OWN_REPORTS:
        from .calibration_html import build_calibration_report

        return build_calibration_report(root, out)
    text = render_report(results_dir)
    path = Path(out) if out is not None else Path(results_dir) / "report.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
