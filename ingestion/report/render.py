"""Render the report: one self-contained HTML file (plotly.js embedded once, no CDN)."""

from __future__ import annotations

import html
import os
from pathlib import Path

import pandas as pd
import plotly.colors
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ingestion.report.data import FOCUS_MTDSG_NO, ReportData

CSS = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#222}
h1{margin-bottom:.2rem} section{border-top:1px solid #ccc;margin-top:2rem;padding-top:1rem}
dl.figures{display:grid;grid-template-columns:repeat(6,1fr);gap:.5rem}
dl.figures div{background:#f4f6f8;padding:.5rem;border-radius:4px}
dt{font-size:.8rem;color:#555} dd{margin:0;font-size:1.4rem;font-weight:600}
table{border-collapse:collapse;width:100%;font-size:.9rem;table-layout:fixed}
td,th{border-bottom:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top;
overflow-wrap:anywhere}
table#claims th:last-child{width:38%} table#claims td:last-child{font-size:.8rem;color:#333}
.note{color:#555;font-size:.85rem} dd small{font-size:.75rem;font-weight:400;color:#555}
.banner{padding:.6rem 1rem;border-radius:4px;margin:.5rem 0;font-weight:600}
.banner.replay{background:#fff4ce;border:1px solid #e0b400}
.banner.stale{background:#fde2e1;border:1px solid #c9302c}
"""

# UNTC's statuses as map categories (z values of the choropleth)
MAP_CATEGORIES = (("no entry", "#eceff1"), ("signatory", "#9ecae1"), ("party", "#08519c"),
                  ("withdrawn", "#e6550d"))
FOCUS_COLOR = "#c9302c"

# plotly.js fetches its base-map topology from a CDN for every geo chart (even with every base
# layer off) unless PlotlyGeoAssets already holds one by that name. The map's shapes come from
# our shipped GeoJSON and no base layer is drawn, so an empty topology is registered instead.
NO_BASEMAP = (
    "<script>window.PlotlyGeoAssets={topojson:{world_110m:"
    "{type:'Topology',objects:{},arcs:[]}}};</script>"
)


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
    """Instruments counting as a bar; the threshold as a marker line, with the date reached."""
    counted = int(t["counting_instruments"] or 0)
    threshold = int(t["eif_threshold"])
    fig = go.Figure()
    fig.add_bar(x=[counted], y=["instruments"], orientation="h", marker_color="#2a7ab0",
                text=[f"{counted} counting"], textposition="auto", name="counting")
    reached = t["threshold_reached_on"]
    label = (f"threshold {threshold}, reached {_e(reached)}" if not pd.isna(reached)
             else f"threshold {threshold}")
    fig.add_vline(x=threshold, line_width=3, line_color="#c9302c",
                  annotation_text=label, annotation_position="top")
    fig.update_xaxes(range=[0, max(threshold, counted) * 1.08], title="instruments counting")
    fig.update_layout(title="Progress to entry into force", showlegend=False, height=170)
    return fig


def _timeline_figure(daily: pd.DataFrame) -> go.Figure:
    fig = go.Figure()
    fig.add_scatter(x=daily["date_day"], y=daily["signatures_to_date"], name="signatories",
                    mode="lines+markers", line_shape="hv")
    if daily["counting_instruments_to_date"].notna().any():  # only with a counting rule
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


def _map_figure(part: pd.DataFrame, world: dict) -> go.Figure:
    """World map of one treaty's participation, drawn from the shipped GeoJSON (no CDN)."""
    status_of = {row.iso3: row.status for row in part.itertuples() if isinstance(row.iso3, str)}
    names = {row.iso3: row.english_name for row in part.itertuples() if isinstance(row.iso3, str)}
    codes = [f["properties"]["iso3"] for f in world["features"] if f["properties"]["iso3"]]
    index = {name: i for i, (name, _) in enumerate(MAP_CATEGORIES)}
    z = [index.get(status_of.get(code, "no entry"), 0) for code in codes]
    text = [f"{names.get(code) or code}: {status_of.get(code, 'no entry')}" for code in codes]
    n = len(MAP_CATEGORIES)
    scale = []
    for i, (_, color) in enumerate(MAP_CATEGORIES):  # one flat band per category
        scale += [[i / n, color], [(i + 1) / n, color]]
    fig = go.Figure(go.Choropleth(
        geojson=world, featureidkey="properties.iso3", locations=codes, z=z, zmin=0, zmax=n,
        colorscale=scale, text=text, hoverinfo="text", marker_line_color="#ffffff",
        marker_line_width=0.4,
        colorbar={"tickvals": [i + 0.5 for i in range(n)],
                  "ticktext": [name for name, _ in MAP_CATEGORIES], "title": "status"},
    ))
    # Every base layer off: plotly.js would fetch its topojson from a CDN for any of them.
    fig.update_geos(visible=False, resolution=110, scope="world",
                    projection_type="natural earth",
                    lataxis_range=[-58, 85], lonaxis_range=[-180, 180])
    fig.update_layout(title="Participation by country (UNTC status)", height=380)
    return fig


def _peer_curves_figure(daily: pd.DataFrame, focus: str) -> go.Figure:
    """Counting instruments by days since opening, the focus treaty against its peers."""
    fig = make_subplots(rows=1, cols=2, column_widths=[0.45, 0.55], horizontal_spacing=0.08,
                        subplot_titles=("first two years", "whole history"))
    # one colour per treaty, the same in both panels; red is kept for the focus treaty
    palette = [c for c in plotly.colors.qualitative.D3 if c != "#D62728"]
    treaties = sorted(daily.groupby("mtdsg_no"), key=lambda kv: kv[0] == focus)  # focus on top
    for n, (mtdsg_no, rows) in enumerate(treaties):
        is_focus = mtdsg_no == focus
        label = f"{rows['name'].iloc[0]} ({mtdsg_no})"
        style = ({"width": 4, "color": FOCUS_COLOR} if is_focus
                 else {"width": 1.5, "color": palette[n % len(palette)]})
        for col, part in ((1, rows[rows["days_since_opening"] <= 730]), (2, rows)):
            fig.add_scatter(
                x=part["days_since_opening"], y=part["counting_instruments_to_date"],
                name=label, legendgroup=mtdsg_no, showlegend=col == 2, line=style,
                mode="lines+markers" if is_focus else "lines", line_shape="hv",
                row=1, col=col,
            )
    fig.update_xaxes(title="days since opening for signature")
    fig.update_yaxes(title="instruments counting", col=1)
    fig.update_layout(title="Ratification curves: the Cybercrime Convention against its peers",
                      height=460, legend={"orientation": "h", "y": -0.25})
    return fig


def _eif_text(t: pd.Series) -> str:
    if not pd.isna(t["eif_date"]):
        return f"{_e(t['eif_date'])} ({_e(t['eif_status'])})"
    if not pd.isna(t["projected_eif_date"]):
        return f"projected {_e(t['projected_eif_date'])}"
    return "not projected"


def _figure_cell(label: str, value: object, detail: str = "") -> str:
    shown = value if isinstance(value, str) else _e(value)
    small = f"<br><small>{detail}</small>" if detail else ""
    return (f"<div><dt>{label}</dt><dd class='figure' data-figure='{label.lower()}'>"
            f"{shown}{small}</dd></div>")


def _threshold_detail(t: pd.Series) -> str:
    if pd.isna(t["eif_threshold"]):
        return ""
    if not pd.isna(t["threshold_reached_on"]):
        return f"reached {_e(t['threshold_reached_on'])}"
    return "not reached"


def _printed_counts_note(t: pd.Series) -> str:
    """What to show for a treaty whose file has no participants table."""
    if t["reported_counts_source"] == "printed_header":
        return (
            "<p class='note'>UNTC's file has no participants table, so nothing can be counted; "
            f"its header <b>prints</b> {_e(t['reported_signatories'])} signatories and "
            f"{_e(t['reported_parties'])} parties (printed counts, not checked against rows)."
            "</p>"
        )
    return "<p class='note'>UNTC's file has no participants table: counts unknown.</p>"


def _treaty_section(t: pd.Series, data: ReportData, figs: _Figures) -> str:
    head = (
        f"<section id='{_e(t['mtdsg_no'])}'><h2>{_e(t['name'])} "
        f"<small>({_e(t['mtdsg_no'])})</small></h2>"
    )
    if not t["participants_known"]:
        printed = t["reported_counts_source"] == "printed_header"
        figures = [
            _figure_cell("Signatories", t["reported_signatories"], "printed by UNTC"),
            _figure_cell("Parties", t["reported_parties"], "printed by UNTC"),
        ] if printed else []
        dl = f"<dl class='figures'>{''.join(figures)}</dl>" if figures else ""
        return head + dl + _printed_counts_note(t) + "</section>"
    figures = [
        _figure_cell("Signatories", t["signatories"]),
        _figure_cell("Parties", t["parties"]),
        _figure_cell("Instruments counting", t["counting_instruments"]),
        _figure_cell("Threshold", t["eif_threshold"], _threshold_detail(t)),
        _figure_cell("Remaining", t["instruments_remaining"]),
        _figure_cell("Entry into force", _eif_text(t)),
    ]
    note = (
        "<p class='note'>Projection (pending treaties): the remaining instruments at the pace "
        f"of the last 365 days ({_e(t['instruments_last_365_days'])} instruments), plus the "
        "treaty's lag; none when that pace is zero.</p>"
        if t["eif_status"] == "pending" else ""
    )
    key = str(t["mtdsg_no"]).replace("-", "_")
    parts = [head, f"<dl class='figures'>{''.join(figures)}</dl>", note]
    if not pd.isna(t["eif_threshold"]) and not pd.isna(t["counting_instruments"]):
        parts.append(figs.html(_progress_figure(t), f"progress_{key}"))
    part = data.participation[data.participation["treaty_id"] == t["treaty_id"]]
    if len(part) and data.world:
        parts.append(figs.html(_map_figure(part, data.world), f"map_{key}"))
    daily = data.daily[data.daily["treaty_id"] == t["treaty_id"]]
    if len(daily):
        parts.append(figs.html(_timeline_figure(daily), f"timeline_{key}"))
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


# the extractor's count qualifiers (ingestion/news/extract.py) as words before the number
COUNT_QUALIFIERS = {"exact": "", "approximate": "about ", "at_least": "at least ",
                    "at_most": "at most "}


def _claim_text(c: pd.Series) -> str:
    """One readable line: "Belarus (BLR): signature", "about 65 countries: ratification"."""
    if c["claim_kind"] == "count":
        qualifier = COUNT_QUALIFIERS.get(c["qualifier"], "") if c["qualifier"] else ""
        subject = f"{qualifier}{c['claim']} countries"
    else:
        subject = f"{c['country']} ({c['claim']})" if isinstance(c["country"], str) else c["claim"]
    verb = str(c["action"] or "acted").replace("_", " ")
    negation = "not " if c["is_negated"] is True else ""
    tense = f" ({c['tense']})" if isinstance(c["tense"], str) and c["tense"] != "past" else ""
    return f"{subject}: {negation}{verb}{tense}"


def _claims_table(claims: pd.DataFrame) -> pd.DataFrame:
    """The claims with readable labels; the evidence column wraps (CSS)."""
    if claims.empty:
        return claims
    return pd.DataFrame({
        "Article date": claims["article_date"],
        "Outlet": claims["outlet"],
        "Treaty": claims["mtdsg_no"],
        "Claim": [_claim_text(c) for _, c in claims.iterrows()],
        "Verdict": claims["verdict"],
        "Record count": claims["record_count"],
        "Lag (days)": claims["lag_days"],
        "Evidence (the article's sentence)": claims["evidence"],
    })


def _banners(data: ReportData) -> str:
    out = []
    if data.is_replay:
        out.append(
            "<div class='banner replay' id='replay-banner'>Replay, not live data: this night "
            f"replayed {_e(data.replay_of)}.</div>"
        )
    if data.stale_days is not None:
        out.append(
            f"<div class='banner stale' id='stale-banner'>Stale: the published night "
            f"{_e(data.night)} is {data.stale_days} days old.</div>"
        )
    for row in data.stale_treaties.itertuples():
        refreshed = row.last_refreshed_night if pd.notna(row.last_refreshed_night) else None
        out.append(
            "<div class='banner stale treaty-stale'>"
            f"{_e(row.mtdsg_no)} is stale: shown as of night {_e(refreshed or 'never')}; "
            f"tonight's refresh failed: {_e(row.stale_reason)}</div>"
        )
    return "".join(out)


def render_report(data: ReportData) -> str:
    """The whole page as one HTML string."""
    figs = _Figures()  # figures in page order: the first one carries plotly.js
    # curves only where a counting rule makes the numbers mean something: the watched peers
    peers = data.daily[data.daily["counting_instruments_to_date"].notna()]
    curves = (
        figs.html(_peer_curves_figure(peers, FOCUS_MTDSG_NO), "ratification_curves")
        if len(peers) else "<p class='note'>No treaty with a counting rule has dated rows.</p>"
    )
    sections = [_treaty_section(t, data, figs) for _, t in data.treaties.iterrows()]
    mode = "replay of a recording" if data.is_replay else "live"
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>TreatyWatch report {_e(data.night)}</title><style>{CSS}</style>{NO_BASEMAP}"
        "</head><body>"
        f"<h1>TreatyWatch nightly report</h1>{_banners(data)}"
        f"<p class='note'>Published night {_e(data.night)} ({mode}) · "
        "source: UN Treaty Collection (MTDSG) · built from the published marts</p>"
        + "<section><h2>Ratification curves: the Cybercrime Convention against its peers</h2>"
        + "<p class='note'>Instruments counting towards entry into force (each treaty's own "
        + "rule) by days since the treaty opened for signature; treaties with a counting rule "
        + f"only. The thick line is {FOCUS_MTDSG_NO}.</p>{curves}</section>"
        + "".join(sections)
        + "<section><h2>Changes of the last nights</h2>"
        + _table(data.changes, "changes", "No change detected in the last nights.")
        + "</section><section><h2>What the news claims, against the record</h2>"
        + "<p class='note'>confirmed: the record shows it; unconfirmed: not (yet) in the record; "
        + "contradicted: the record says otherwise. Counts are compared with the record on the "
        + "article's date; lag = record date minus article date.</p>"
        + _table(_claims_table(data.claims), "claims", "No news claim about a watched treaty.")
        + "</section></body></html>"
    )


def write_report(text: str, out: Path) -> Path:
    """Write atomically beside the warehouse: readers never see half a page."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, out)
    return out
