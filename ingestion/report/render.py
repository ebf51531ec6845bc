"""Render the report: one self-contained HTML file (plotly.js embedded once, no CDN)."""

from __future__ import annotations

import html
import os
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from ingestion.report.data import ReportData

CSS = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#222}
h1{margin-bottom:.2rem} section{border-top:1px solid #ccc;margin-top:2rem;padding-top:1rem}
dl.figures{display:grid;grid-template-columns:repeat(5,1fr);gap:.5rem}
dl.figures div{background:#f4f6f8;padding:.5rem;border-radius:4px}
dt{font-size:.8rem;color:#555} dd{margin:0;font-size:1.4rem;font-weight:600}
table{border-collapse:collapse;width:100%;font-size:.9rem}
td,th{border-bottom:1px solid #ddd;padding:.25rem .5rem;text-align:left}
.note{color:#555;font-size:.85rem}
"""


class _Figures:
    """Turns figures into HTML divs; the first one carries plotly.js inline."""

    def __init__(self) -> None:
        self.first = True

    def html(self, fig: go.Figure, div_id: str) -> str:
        fig.update_layout(margin={"l": 40, "r": 20, "t": 40, "b": 40})
        if fig.layout.height is None:
            fig.update_layout(height=320)
        out = fig.to_html(
            full_html=False, include_plotlyjs=self.first, div_id=div_id,
            config={"displaylogo": False, "responsive": True},
        )
        self.first = False
        return out


def _e(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "—"
    if isinstance(value, pd.Timestamp):
        value = value.strftime("%Y-%m-%d")
    return html.escape(str(value))


def _progress_figure(t: pd.Series) -> go.Figure:
    counted = int(t["counting_instruments"] or 0)
    threshold = int(t["eif_threshold"])
    fig = go.Figure()
    # grey track = the threshold, blue bar = instruments counting so far
    fig.add_bar(x=[threshold], y=["instruments"], orientation="h", marker_color="#dde3e8",
                hoverinfo="skip", name="threshold")
    fig.add_bar(x=[counted], y=["instruments"], orientation="h", marker_color="#2a7ab0",
                text=[f"{counted} of {threshold}"], textposition="outside", name="counting")
    fig.update_xaxes(range=[0, max(threshold, counted)], title="instruments counting")
    fig.update_layout(title="Progress to entry into force", showlegend=False, height=160,
                      barmode="overlay")
    return fig


def _timeline_figure(daily: pd.DataFrame) -> go.Figure:
    fig = go.Figure()
    fig.add_scatter(x=daily["date_day"], y=daily["signatures_to_date"], name="signatories",
                    mode="lines+markers", line_shape="hv")
    fig.add_scatter(x=daily["date_day"], y=daily["counting_instruments_to_date"],
                    name="instruments counting (ratification …)", mode="lines+markers",
                    line_shape="hv")
    fig.update_layout(title="Signatures and ratifications over time (official dates)")
    return fig


def _region_figure(part: pd.DataFrame) -> go.Figure:
    counts = (
        part.groupby("m49_region")
        .agg(signatories=("is_signatory", "sum"), parties=("is_party", "sum"))
        .reset_index()
        .sort_values("m49_region")
    )
    fig = go.Figure()
    fig.add_bar(x=counts["m49_region"], y=counts["signatories"], name="signatories")
    fig.add_bar(x=counts["m49_region"], y=counts["parties"], name="parties")
    fig.update_layout(title="Participation by UN M49 region", barmode="group")
    return fig


def _curves_figure(daily: pd.DataFrame) -> go.Figure:
    fig = go.Figure()
    for name, rows in daily.groupby("name", sort=True):
        fig.add_scatter(x=rows["days_since_opening"], y=rows["counting_instruments_to_date"],
                        name=str(name), mode="lines", line_shape="hv")
    fig.update_xaxes(title="days since opening for signature")
    fig.update_yaxes(title="instruments counting")
    fig.update_layout(title="Ratification curves", height=420)
    return fig


def _eif_text(t: pd.Series) -> str:
    if not pd.isna(t["eif_date"]):
        return f"{_e(t['eif_date'])} ({_e(t['eif_status'])})"
    if not pd.isna(t["projected_eif_date"]):
        return f"projected {_e(t['projected_eif_date'])}"
    return "not projected"


def _treaty_section(t: pd.Series, data: ReportData, figs: _Figures) -> str:
    head = (
        f"<section id='{_e(t['mtdsg_no'])}'><h2>{_e(t['name'])} "
        f"<small>({_e(t['mtdsg_no'])})</small></h2>"
    )
    if not t["participants_known"]:
        unknown = "<p class='note'>UNTC's file has no participants table: counts unknown.</p>"
        return head + unknown + "</section>"
    figures = [
        ("Signatories", t["signatories"]), ("Parties", t["parties"]),
        ("Instruments counting", f"{_e(t['counting_instruments'])} / {_e(t['eif_threshold'])}"),
        ("Remaining", t["instruments_remaining"]), ("Entry into force", _eif_text(t)),
    ]
    dl = "".join(
        f"<div><dt>{label}</dt><dd class='figure' data-figure='{label.lower()}'>"
        f"{value if isinstance(value, str) else _e(value)}</dd></div>"
        for label, value in figures
    )
    note = (
        "<p class='note'>Projection (pending treaties): the remaining instruments at the pace "
        f"of the last 365 days ({_e(t['instruments_last_365_days'])} instruments), plus the "
        "treaty's lag; none when that pace is zero.</p>"
        if t["eif_status"] == "pending" else ""
    )
    key = str(t["mtdsg_no"]).replace("-", "_")
    parts = [head, f"<dl class='figures'>{dl}</dl>", note]
    if not pd.isna(t["eif_threshold"]):
        parts.append(figs.html(_progress_figure(t), f"progress_{key}"))
    daily = data.daily[data.daily["treaty_id"] == t["treaty_id"]]
    if len(daily):
        parts.append(figs.html(_timeline_figure(daily), f"timeline_{key}"))
    part = data.participation[data.participation["treaty_id"] == t["treaty_id"]]
    if len(part):
        parts.append(figs.html(_region_figure(part), f"regions_{key}"))
    return "".join(parts) + "</section>"


def _table(frame: pd.DataFrame, table_id: str, empty: str) -> str:
    if frame.empty:
        return f"<p class='note'>{empty}</p>"
    rows = "".join(
        "<tr>" + "".join(f"<td>{_e(v)}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    head = "".join(f"<th>{_e(c)}</th>" for c in frame.columns)
    return f"<table id='{table_id}'><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def render_report(data: ReportData) -> str:
    """The whole page as one HTML string."""
    figs = _Figures()
    sections = [_treaty_section(t, data, figs) for _, t in data.treaties.iterrows()]
    curves = figs.html(_curves_figure(data.daily), "ratification_curves") if len(data.daily) else ""
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>TreatyWatch report {_e(data.night)}</title><style>{CSS}</style></head><body>"
        f"<h1>TreatyWatch nightly report</h1><p class='note'>Published night {_e(data.night)} · "
        "source: UN Treaty Collection (MTDSG) · built from the published marts</p>"
        + "".join(sections)
        + "<section><h2>Changes of the last nights</h2>"
        + _table(data.changes, "changes", "No change detected in the last nights.")
        + "</section><section><h2>What the news claims, against the record</h2>"
        + "<p class='note'>confirmed: the record shows it; unconfirmed: not (yet) in the record; "
        + "contradicted: the record says otherwise. Counts are compared with the record on the "
        + "article's date; lag = record date minus article date.</p>"
        + _table(data.claims, "claims", "No news claim about a watched treaty.")
        + "</section>"
        + f"<section><h2>Ratification curves, all treaties</h2>{curves}</section>"
        "</body></html>"
    )


def write_report(text: str, out: Path) -> Path:
    """Write atomically beside the warehouse: readers never see half a page."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, out)
    return out
