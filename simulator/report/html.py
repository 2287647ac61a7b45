"""One self-contained HTML page for a results directory (figures embedded as base64 PNG).

``build_report(DIR)`` reads ``DIR/analysis.json`` (a tipping, phase or sensitivity study)
or, for a plain sweep, ``DIR/_sweep.json`` and the Parquet table, redraws the figures
from the stored numbers, and writes ``DIR/report.html``: plain-language summary,
estimates with intervals, figures, per-level tables, the scenario and the provenance
(package version, scenario and spec hashes, seeds, sessions). No network access is
needed to view it.
"""

from __future__ import annotations

import datetime as _dt
import html
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import jsonio

__all__ = ["build_report", "render_report"]

_CSS = """
body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:1000px;margin:2em auto;
padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em;border-bottom:2px solid #08519c;padding-bottom:.2em}
h2{font-size:1.25em;margin-top:1.6em;color:#08519c}
table{border-collapse:collapse;margin:.6em 0;font-size:.9em}
td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}
th{background:#f0f4f8}
td:first-child,th:first-child{text-align:left}
pre{background:#f7f7f7;padding:.8em;overflow-x:auto;font-size:.85em;white-space:pre-wrap}
.verdict{font-size:1.1em;padding:.6em .9em;border-left:5px solid #08519c;background:#eef4fb}
.verdict.no{border-color:#d62728;background:#fbeeee}
img{max-width:100%;border:1px solid #eee;margin:.5em 0}
details{margin:.5em 0}
.muted{color:#777;font-size:.85em}
"""


def _esc(value: Any) -> str:
    return html.escape(str(value))


def _fmt(value: Any, digits: int = 4) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        if not math.isfinite(float(value)):
            return "—"
        return f"{float(value):.{digits}g}"
    return _esc(value)


def _table(frame: pd.DataFrame, digits: int = 4, max_rows: int = 200) -> str:
    head = "".join(f"<th>{_esc(c)}</th>" for c in frame.columns)
    rows = []
    for _, row in frame.head(max_rows).iterrows():
        rows.append(
            "<tr>" + "".join(f"<td>{_fmt(v, digits)}</td>" for v in row.to_numpy()) + "</tr>"
        )
    more = (
        f'<p class="muted">{len(frame) - max_rows} more rows not shown.</p>'
        if len(frame) > max_rows
        else ""
    )
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>{more}"


def _kv(pairs: list[tuple[str, Any]]) -> str:
    rows = "".join(f"<tr><th>{_esc(k)}</th><td>{_fmt(v)}</td></tr>" for k, v in pairs)
    return f"<table>{rows}</table>"


def _img(b64: str, alt: str) -> str:
    return f'<img alt="{_esc(alt)}" src="data:image/png;base64,{b64}">'


def _provenance_section(prov: dict[str, Any], manifests: dict[str, dict[str, Any]]) -> str:
    pairs = [
        ("clsim version", prov.get("package_version")),
        ("scenario file", prov.get("scenario")),
        ("scenario name", prov.get("scenario_name")),
        ("scenario content hash", prov.get("scenario_hash")),
        ("stand-in function", prov.get("function")),
        ("analysis written", prov.get("created")),
    ]
    parts = ["<h2>Provenance</h2>", _kv([(k, v) for k, v in pairs if v is not None])]
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
                            f"({s.get('todo')} runs)"
                            for s in sessions
                        ),
                    ),
                ]
            )
        )
        spec_text = _esc(jsonio.dumps(man.get("spec"), indent=2, default=str))
        parts.append(f"<details><summary>spec</summary><pre>{spec_text}</pre></details>")
    content = prov.get("scenario_content")
    if content:
        text = _esc(jsonio.dumps(content, indent=2, default=str))
        parts.append(
            f"<details><summary>scenario (every parameter)</summary><pre>{text}</pre></details>"
        )
    parts.append(
        '<p class="muted">Every run\'s seed derives from the master seed and its run id '
        "(numpy SeedSequence.spawn); the tables in this directory hold one row per run with "
        "its seed, inputs, outcomes and these hashes.</p>"
    )
    return "\n".join(parts)


def _manifests(root: Path, names: list[str]) -> dict[str, dict[str, Any]]:
    from simulator.sweep.store import read_manifest

    out = {}
    for name in names:
        if (root / name / "_sweep.json").is_file():
            out[name] = read_manifest(root / name)
    return out


def _tipping_body(root: Path, data: dict[str, Any]) -> str:
    from simulator.figures import studies as figures
    from simulator.sweep.store import read_results

    tip = data["tipping"]
    table = read_results(root / "sweep") if (root / "sweep" / "_sweep.json").is_file() else None
    pct = int(round(tip["confidence"] * 100))
    cls = "verdict" if tip["verdict"] == "threshold" else "verdict no"
    if tip["verdict"] == "threshold":
        headline = (
            f"Critical mass: <b>{_esc(tip['lever'])} = {_fmt(tip['critical_mass'])}</b> "
            f"({pct}% CI {_fmt(tip['ci_low'])} to {_fmt(tip['ci_high'])})"
        )
    else:
        headline = f"Verdict: <b>{_esc(tip['verdict'])}</b>"
    parts = [f'<p class="{cls}">{headline}</p>', f"<pre>{_esc(data.get('summary', ''))}</pre>"]
    parts.append("<h2>Estimates</h2>")
    curve = tip["curve"]
    parts.append(
        _kv(
            [
                ("transformed regime", tip["regime_text"]),
                ("runs", tip["n_runs"]),
                ("lever values", tip["n_levels"]),
                ("critical mass (P = 1/2)", tip["critical_mass"]),
                (f"{pct}% bootstrap CI", f"{_fmt(tip['ci_low'])} to {_fmt(tip['ci_high'])}"),
                ("10–90% width (lever units)", tip["width_10_90"]),
                ("width CI", f"{_fmt(tip['width_ci'][0])} to {_fmt(tip['width_ci'][1])}"),
                ("steepest rate dP/dx", tip["max_rate"]),
                ("bootstrap resamples", tip["n_boot"]),
                ("bootstrap midpoints inside range", f"{tip['boot_in_range_fraction']:.0%}"),
                ("P crosses 1/2 inside range", tip["crosses"]),
                ("S-curve vs line: ΔBIC", curve["delta_bic"]),
                ("S-curve inflection", curve["midpoint"]),
                ("S-curve 10–90% width", curve["width_10_90"]),
            ]
        )
    )
    if tip["reasons"]:
        parts.append(
            "<p>Why not a threshold:</p><ul>"
            + "".join(f"<li>{_esc(r)}</li>" for r in tip["reasons"])
            + "</ul>"
        )
    parts.append("<h2>S-curve</h2>")
    parts.append(_img(figures.to_base64_png(figures.s_curve_figure(tip, table)), "S-curve"))
    levels = pd.DataFrame(tip["levels"])
    cols = [
        c
        for c in [
            "value",
            "n",
            "transformed",
            "p",
            "p_low",
            "p_high",
            "mean",
            "sd",
            "bimodality_coefficient",
            "dip_pvalue",
        ]
        if c in levels
    ]
    parts.append(_table(levels[cols]))
    if tip.get("bimodality"):
        parts.append("<h2>Bimodality near the transition</h2>")
        parts.append(
            _table(pd.DataFrame(tip["bimodality"]).drop(columns=["method"], errors="ignore"))
        )
        parts.append(
            f'<p class="muted">Rule: {_esc(tip["bimodality"][0].get("method", ""))}; '
            "Sarle's coefficient above 5/9 also suggests bimodality.</p>"
        )
    hyst = data.get("hysteresis")
    if hyst:
        parts.append("<h2>Hysteresis: stopping the strategy</h2>")
        parts.append(f"<pre>{_esc(data.get('hysteresis_summary', ''))}</pre>")
        parts.append(_img(figures.to_base64_png(figures.hysteresis_figure(hyst)), "hysteresis"))
        parts.append(_table(pd.DataFrame(hyst["levels"])))
    ews = data.get("ews")
    if ews:
        parts.append("<h2>Early-warning indicators</h2>")
        parts.append(f"<pre>{_esc(ews.get('summary', ''))}</pre>")
        if ews.get("series"):
            parts.append(_img(figures.to_base64_png(figures.ews_figure(ews)), "early warnings"))
    parts.append(_provenance_section(data["provenance"], _manifests(root, ["sweep", "hysteresis"])))
    return "\n".join(parts)


def _phase_body(root: Path, data: dict[str, Any]) -> str:
    from simulator.figures import studies as figures

    phase = data["phase"]
    parts = [f"<pre>{_esc(data.get('summary', ''))}</pre>"]
    parts.append(_img(figures.to_base64_png(figures.phase_figure(phase)), "phase diagram"))
    parts.append("<h2>Critical mass along the second lever</h2>")
    parts.append(_table(pd.DataFrame(phase["critical_line"])))
    mean = pd.DataFrame(phase["mean"], index=phase["y_values"], columns=phase["x_values"])
    mean.index.name = f"{phase['y']} \\ {phase['x']}"
    parts.append("<h2>Mean outcome</h2>" + _table(mean.reset_index(), digits=3))
    prob = pd.DataFrame(phase["p"], index=phase["y_values"], columns=phase["x_values"])
    prob.index.name = f"{phase['y']} \\ {phase['x']}"
    parts.append("<h2>P(transformed)</h2>" + _table(prob.reset_index(), digits=3))
    parts.append(_provenance_section(data["provenance"], _manifests(root, ["sweep"])))
    return "\n".join(parts)


def _sensitivity_body(root: Path, data: dict[str, Any]) -> str:
    from simulator.figures import studies as figures

    sens = data["sensitivity"]
    parts = [f"<pre>{_esc(data.get('summary', ''))}</pre>"]
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
    parts.append(_img(figures.to_base64_png(figures.sensitivity_figure(sens)), "sensitivity"))
    for outcome, records in sens["indices"].items():
        parts.append(f"<h2>{_esc(outcome)}</h2>" + _table(pd.DataFrame(records)))
    parts.append(_provenance_section(data["provenance"], _manifests(root, ["sweep"])))
    return "\n".join(parts)


def _sweep_body(root: Path) -> str:
    import matplotlib.pyplot as plt

    from simulator.figures import studies as figures
    from simulator.sweep.store import read_manifest, read_results

    man = read_manifest(root)
    table = read_results(root)
    params = man.get("parameters", [])
    outcomes = man.get("outcomes") or []
    parts = [
        _kv(
            [
                ("name", man.get("name")),
                ("runs written", len(table)),
                ("runs planned", man.get("n_runs")),
                ("design points", man.get("n_points")),
                ("parameters", ", ".join(params)),
                ("outcomes", ", ".join(outcomes)),
            ]
        )
    ]
    if len(table) and params and outcomes:
        grouped = table.groupby(params)[outcomes].agg(["mean", "std"])
        grouped.columns = [f"{a} {b}" for a, b in grouped.columns]
        parts.append("<h2>Outcomes by design point (mean, sd over replicates)</h2>")
        parts.append(_table(grouped.reset_index()))
        if len(params) == 1 and pd.api.types.is_numeric_dtype(table[params[0]]):
            shown = outcomes[:4]
            fig, axes = plt.subplots(1, len(shown), figsize=(4 * len(shown), 3.4), squeeze=False)
            for ax, outcome in zip(axes[0], shown, strict=True):
                ax.scatter(table[params[0]], table[outcome], s=8, alpha=0.4, color="0.3")
                means = table.groupby(params[0])[outcome].mean()
                ax.plot(means.index, means.to_numpy(), color="#08519c")
                ax.set_xlabel(params[0])
                ax.set_title(outcome, fontsize=9)
            fig.tight_layout()
            parts.append(_img(figures.to_base64_png(fig), "outcomes"))
    prov = {
        "package_version": man.get("package_version"),
        "scenario": man.get("scenario"),
        "scenario_hash": man.get("scenario_hash"),
        "function": man.get("function"),
    }
    parts.append(_provenance_section(prov, {man.get("name", "sweep"): man}))
    return "\n".join(parts)


def render_report(results_dir: str | Path) -> str:
    """The HTML text of the report of a study or sweep directory.

    Raises:
        FileNotFoundError: the directory holds neither ``analysis.json`` nor ``_sweep.json``.
    """
    root = Path(results_dir)
    analysis = root / "analysis.json"
    if analysis.is_file():
        data = jsonio.loads(analysis.read_text(encoding="utf-8"))
        kind = data.get("kind")
        scen = data.get("provenance", {}).get("scenario_name") or data.get("provenance", {}).get(
            "function"
        )
        if kind == "tipping":
            title, body = (
                f"Tipping point in {data['tipping']['lever']} — {scen}",
                _tipping_body(root, data),
            )
        elif kind == "phase":
            title, body = (
                f"Phase diagram {data['phase']['x']} × {data['phase']['y']} — {scen}",
                _phase_body(root, data),
            )
        elif kind == "sensitivity":
            title, body = (
                f"Sensitivity ({data['sensitivity']['method']}) — {scen}",
                _sensitivity_body(root, data),
            )
        else:
            raise ValueError(f"{analysis}: unknown analysis kind {kind!r}")
    elif (root / "_sweep.json").is_file():
        title, body = f"Sweep {root.name}", _sweep_body(root)
    else:
        raise FileNotFoundError(
            f"{root}: no analysis.json or _sweep.json (not a results directory)"
        )
    stamp = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{_esc(title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{_esc(title)}</h1>{body}"
        f'<p class="muted">Report generated {stamp} by clsim from {_esc(root.resolve())}. '
        "Method details: docs/analysis.md.</p></body></html>"
    )


def build_report(results_dir: str | Path, out: str | Path | None = None) -> Path:
    """Write the report (default ``RESULTS_DIR/report.html``) and return its path."""
    text = render_report(results_dir)
    path = Path(out) if out is not None else Path(results_dir) / "report.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
