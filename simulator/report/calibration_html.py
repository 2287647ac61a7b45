"""HTML reports of a calibration and of posterior studies (critical mass, comparison).

``build_calibration_report(DIR)`` reads ``DIR/analysis.json`` of kind ``calibration``,
``posterior_tipping`` or ``posterior_compare`` and the PNG figures the study wrote, and
writes one self-contained ``DIR/report.html`` (figures embedded): the summary, the
posterior table or the critical mass beside its fixed-parameter estimate, the checks
against every target with their sources, and the provenance.
"""

from __future__ import annotations

import base64
import html
import json
import math
from pathlib import Path
from typing import Any

from simulator import jsonio

__all__ = ["build_calibration_report", "KINDS"]

KINDS = ("calibration", "posterior_tipping", "posterior_compare")

_CSS = """
body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:1050px;margin:2em auto;
padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em;border-bottom:2px solid #08519c}h2{font-size:1.25em;color:#08519c;margin-top:1.5em}
table{border-collapse:collapse;font-size:.88em;margin:.5em 0}td,th{border:1px solid #ccc;padding:.25em .55em}
th{background:#f0f4f8}pre{background:#f7f7f7;padding:.8em;white-space:pre-wrap;font-size:.85em}
img{max-width:100%;border:1px solid #eee}.fail{color:#b00}.ok{color:#070}.muted{color:#777;font-size:.85em}
"""


def _e(value: Any) -> str:
    return html.escape(str(value))


def _f(value: Any, digits: int = 4) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if math.isinf(value):
            return "+inf" if value > 0 else "-inf"
        if math.isnan(value):
            return "—"
        return f"{value:.{digits}g}"
    return _e(value)


def _table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    head = "".join(f"<th>{_e(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{_f(r.get(c))}</td>" for c in columns) + "</tr>" for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _figures(out: Path) -> str:
    parts = []
    for png in sorted((out / "figures").glob("*.png")):
        b64 = base64.b64encode(png.read_bytes()).decode("ascii")
        parts.append(f"<h3>{_e(png.stem)}</h3><img alt='{_e(png.stem)}' src='data:image/png;base64,{b64}'>")
    return "".join(parts)


def _checks(checks: dict[str, dict[str, Any]]) -> str:
    rows = []
    for name, c in checks.items():
        status = "<span class='ok'>reproduced</span>" if c["reproduced"] else "<span class='fail'>not reproduced</span>"
        rows.append(
            f"<tr><td>{_e(name)}</td><td>{_e(c['kind'])}</td><td>{_e(c['scenario'])}</td>"
            f"<td>{_e(c['text'])}</td><td>{_f(c['predictive_median'])} [{_f(c['predictive_low'])}, "
            f"{_f(c['predictive_high'])}]</td><td>{_f(c['share_met'])}</td><td>{status}</td>"
            f"<td class='muted'>{_e(c['source']['seed'])}: “{_e(c['source']['quote'])}”</td></tr>"
        )
    head = "".join(
        f"<th>{h}</th>"
        for h in ("target", "kind", "scenario", "target value", "posterior predictive median [5%, 95%]",
                  "share of draws met", "check", "source")
    )
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def build_calibration_report(out: str | Path, path: str | Path | None = None) -> Path:
    """Write ``report.html`` for a calibration or posterior study directory.

    Raises:
        FileNotFoundError: no ``analysis.json`` there.
        ValueError: an analysis of another kind.
    """
    out = Path(out)
    data = json.loads((out / "analysis.json").read_text(encoding="utf-8"))
    kind = data.get("kind")
    if kind not in KINDS:
        raise ValueError(f"{out}: analysis kind {kind!r} is not one of {KINDS}")
    parts = [f"<h1>{_e(kind.replace('_', ' '))}: {_e(out.name)}</h1>"]
    parts.append(f"<h2>Summary</h2><pre>{_e(data.get('summary', ''))}</pre>")
    if kind == "calibration":
        parts.append("<h2>Posterior</h2>")
        parts.append(_table(data["posterior"], ["parameter", "median", "low", "high", "mean", "prior_low", "prior_high", "contraction"]))
        if data.get("checks"):
            parts.append("<h2>Posterior predictive checks against every target</h2>")
            parts.append(_checks(data["checks"]))
        parts.append("<h2>Generations</h2>")
        parts.append(_table(data["generations"], ["t", "epsilon", "evaluations", "particles", "acceptance_rate", "ess", "local_parameters"]))
        parts.append("<h2>Priors</h2>")
        parts.append(_table(data["priors"], ["name", "low", "high", "default", "integer", "reason"]))
    elif kind == "posterior_tipping":
        parts.append("<h2>Critical mass: posterior beside fixed parameters</h2>")
        cm, fx = data["critical_mass"], data["fixed"]
        rows = [
            {"estimate": "posterior (median, 90% credible interval)", "value": cm["median"], "low": cm["low"],
             "high": cm["high"], "note": f"{cm['share_threshold']:.0%} of {cm['draws']} draws with a supported threshold"},
            {"estimate": "fixed parameters (90% bootstrap CI)", "value": fx["critical_mass"], "low": fx["ci_low"],
             "high": fx["ci_high"], "note": fx["verdict"]},
        ]
        parts.append(_table(rows, ["estimate", "value", "low", "high", "note"]))
        parts.append("<h2>Where the width comes from</h2>")
        parts.append(_table([data["variance_split"]], ["parameter_share", "noise_share", "total_var", "parameter_var", "noise_var", "n"]))
        parts.append("<h2>Which parameters move the critical mass (posterior rank correlations)</h2>")
        parts.append(_table(data["sensitivity"], ["parameter", "dimension", "spearman", "spearman_p", "prcc", "prcc_p"]))
        parts.append(_table(data["dimensions"], ["dimension", "max_abs_prcc", "max_abs_spearman", "parameters"]))
        parts.append("<h2>Draws</h2>")
        parts.append(_table(data["draws"], ["draw", "critical_mass", "ci_low", "ci_high", "censored", "verdict"]))
    else:
        parts.append("<h2>Difference between strategies over the posterior</h2>")
        parts.append(_table(data["differences"], ["scenario", "versus", "outcome", "median", "low", "high", "fixed", "parameter_share", "noise_share"]))
    parts.append("<h2>Figures</h2>" + _figures(out))
    parts.append(f"<h2>Options and provenance</h2><pre>{_e(jsonio.dumps({'options': data.get('options'), 'provenance': data.get('provenance')}, indent=2, default=str))}</pre>")
    page = f"<!doctype html><html><head><meta charset='utf-8'><title>{_e(kind)}</title><style>{_CSS}</style></head><body>{''.join(parts)}</body></html>"
    target = Path(path) if path is not None else out / "report.html"
    target.write_text(page, encoding="utf-8")
    return target
