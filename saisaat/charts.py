"""Plotly figures for the pages, with one meaning per colour across the whole dashboard:
the selected unit is always HIGHLIGHT, other units muted PEER, BMA-wide figures ACCENT."""
from __future__ import annotations

import html
from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go

HIGHLIGHT = "#D1495B"
PEER = "#B8C2CC"
ACCENT = "#1D4E89"
BAND = "rgba(29, 78, 137, 0.13)"
COMPARE = ("#D1495B", "#2E86AB", "#F4A259", "#5B8E7D", "#8E6C8A")
KIND_PALETTE = ("#2E86AB", "#F4A259", "#5B8E7D", "#8E6C8A", "#7FB069", "#C97B84")   # unit kinds, in order
THEME = {"environment": "#7FB069", "conscience": "#2E86AB", "systems": "#F4A259", "audit": "#8E6C8A"}
THEME_PALETTE = ("#2E86AB", "#F4A259", "#8E6C8A", "#7FB069", "#C97B84", "#5B8E7D", "#E3B23C", "#6C8EAD")
STATUS = {"scored": "#5B8E7D", "missing": "#D1495B", "pending": "#F4D35E", "not_assigned": "#ECEFF3"}
BOX_POINTS_UP_TO = 300   # a box plot shows every unit as a point up to this many, then its outliers only
FONT = "Sarabun, 'TH Sarabun New', Loma, Garuda, 'Noto Sans Thai', sans-serif"


def plain(text):
    """A name or wording shown as text in a figure. Names are user input, and Plotly reads a subset of HTML
    in every label, legend entry, tick and hover text (a link tag becomes a link; bold, line-break and styled
    span tags too): its markup characters are written as entities, which Plotly shows as the characters.
    Anything that is not text (a number, a missing value) is left as it is."""
    return html.escape(text, quote=False) if isinstance(text, str) else text


def _plain_all(values) -> list:
    return [plain(v) for v in values]


def theme_colours(theme_codes) -> dict[str, str]:
    """A colour per objective theme, the same on every page: the BMA's themes keep theirs; any other theme
    takes the next colour of the palette in the order given (every theme of the configuration, in order)."""
    free = [c for c in THEME_PALETTE if c not in THEME.values()] + list(THEME_PALETTE)
    out, i = {}, 0
    for code in theme_codes:
        if code in THEME:
            out[code] = THEME[code]
        else:
            out[code] = free[i % len(free)]
            i += 1
    return out


def _layout(fig: go.Figure, title: str | None = None, height: int = 380) -> go.Figure:
    fig.update_layout(
        title=plain(title), height=height, font={"family": FONT, "size": 14},
        margin={"l": 10, "r": 10, "t": 50 if title else 20, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        plot_bgcolor="white",
    )
    fig.update_xaxes(gridcolor="#EEF1F4", zeroline=False)
    fig.update_yaxes(gridcolor="#EEF1F4", zeroline=False)
    return fig


def distribution(scores: pd.DataFrame, unit_code: str | None, unit_label: str, mean_label: str,
                 x_title: str, y_title: str) -> go.Figure:
    s = scores[scores["score_pct"].notna()]
    fig = go.Figure(go.Histogram(x=s["score_pct"].astype(float), xbins={"start": 0, "end": 100.01, "size": 5},
                                 marker_color=PEER, marker_line={"color": "white", "width": 1},
                                 hovertemplate="%{x}: %{y}<extra></extra>", showlegend=False))
    mean = float(s["score_pct"].astype(float).mean()) if len(s) else None
    top = 1
    if len(s):
        top = max(1, int(pd.cut(s["score_pct"].astype(float), range(0, 105, 5), right=False).value_counts().max()))
    # Reference lines are legend entries, so their labels never overlap.
    if mean is not None:
        fig.add_trace(go.Scatter(x=[mean, mean], y=[0, top * 1.05], mode="lines",
                                 name=plain(f"{mean_label} {mean:.2f}"),
                                 line={"color": ACCENT, "dash": "dash", "width": 2}))
    mine = s[s["unit_code"] == unit_code]
    if unit_code and len(mine):
        v = float(mine["score_pct"].iloc[0])
        fig.add_trace(go.Scatter(x=[v, v], y=[0, top * 1.05], mode="lines", name=plain(f"{unit_label} {v:.2f}"),
                                 line={"color": HIGHLIGHT, "width": 3}))
    fig.update_xaxes(title=x_title, range=[0, 100.5])
    fig.update_yaxes(title=y_title)
    return _layout(fig)


def ranked_bars(scores: pd.DataFrame, name_col: str, unit_code: str | None, median: float | None,
                median_label: str, x_title: str, height_per_bar: int = 22) -> go.Figure:
    s = scores[scores["score_pct"].notna()].sort_values(["score_pct", "unit_code"], ascending=[True, False])
    colours = [HIGHLIGHT if c == unit_code else PEER for c in s["unit_code"]]
    fig = go.Figure(go.Bar(
        x=s["score_pct"].astype(float), y=_plain_all(s[name_col]), orientation="h", marker_color=colours,
        text=s["score_pct"].astype(float).map("{:.2f}".format), textposition="outside",
        hovertemplate="%{y}: %{x:.2f}%<extra></extra>", showlegend=False))
    if median is not None:
        fig.add_vline(x=median, line_color=ACCENT, line_dash="dash",
                      annotation_text=plain(f"{median_label} {median:.2f}"), annotation_position="top")
    fig.update_xaxes(title=x_title, range=[0, 108])
    fig.update_yaxes(type="category", automargin=True)
    return _layout(fig, height=max(260, 60 + height_per_bar * len(s)))


def ranked_window_bars(window: pd.DataFrame, name_col: str, unit_code: str | None, median: float | None,
                       median_label: str, x_title: str, gap_label) -> go.Figure:
    """A ranking too long to draw whole (analytics.ranked_window), best at the top: each bar labelled with
    its rank, and a bar-less row `gap_label(n)` wherever n units are left out."""
    labels, values, colours, texts = [], [], [], []
    for i, row in enumerate(window.itertuples(index=False)):
        if row.unit_code is None:
            labels.append(plain(gap_label(int(row.hidden))) + "\u2009" * i)   # each gap its own category
            values.append(None)
            texts.append("")
            colours.append(PEER)
        else:
            labels.append(plain(f"{int(row.rank):,}. {getattr(row, name_col)}"))
            values.append(float(row.score_pct))
            texts.append(f"{float(row.score_pct):.2f}")
            colours.append(HIGHLIGHT if row.unit_code == unit_code else PEER)
    fig = go.Figure(go.Bar(x=values, y=labels, orientation="h", marker_color=colours, text=texts,
                           textposition="outside", hovertemplate="%{y}: %{x:.2f}%<extra></extra>", showlegend=False))
    if median is not None:
        fig.add_vline(x=median, line_color=ACCENT, line_dash="dash",
                      annotation_text=plain(f"{median_label} {median:.2f}"), annotation_position="top")
    fig.update_xaxes(title=x_title, range=[0, 108])
    fig.update_yaxes(type="category", automargin=True, autorange="reversed")
    return _layout(fig, height=max(260, 60 + 22 * len(labels)))


def score_histogram(scores: pd.DataFrame, unit_code: str | None, x_title: str, y_title: str,
                    unit_label: str | None = None) -> go.Figure:
    """How the scores of many units spread (2-point bins from 0 to 100), the chosen unit marked."""
    s = scores[scores["score_pct"].notna()]
    fig = go.Figure(go.Histogram(x=s["score_pct"].astype(float), xbins={"start": 0, "end": 100.0001, "size": 2},
                                 marker_color=PEER, hovertemplate="%{x}: %{y:,}<extra></extra>", showlegend=False))
    mine = s.loc[s["unit_code"] == unit_code, "score_pct"]
    if unit_code and len(mine):
        fig.add_vline(x=float(mine.iloc[0]), line_color=HIGHLIGHT, line_width=3,
                      annotation_text=plain(unit_label or unit_code), annotation_position="top")
    fig.update_xaxes(title=x_title, range=[0, 101])
    fig.update_yaxes(title=y_title, separatethousands=True)
    return _layout(fig, height=300)


def bars(frame: pd.DataFrame, x: str, y: str, x_title: str, y_title: str,
         colours: list[str] | None = None, text_fmt: str = "{:.2f}", horizontal: bool = False) -> go.Figure:
    vals = frame[y].astype(float)
    labels = _plain_all(frame[x])
    kw = dict(x=vals, y=labels, orientation="h") if horizontal else dict(x=labels, y=vals)
    fig = go.Figure(go.Bar(**kw, marker_color=colours or ACCENT, text=vals.map(text_fmt.format),
                           textposition="outside", showlegend=False))
    if horizontal:
        fig.update_xaxes(title=y_title, range=[0, 108])
        fig.update_yaxes(title=x_title, automargin=True, autorange="reversed")
    else:
        fig.update_yaxes(title=y_title, range=[0, 108])
        fig.update_xaxes(title=x_title, type="category")
    return _layout(fig, height=340)


def box_by_kind(scores: pd.DataFrame, kind_labels: dict, y_title: str, unit_code: str | None) -> go.Figure:
    fig = go.Figure()
    s = scores[scores["score_pct"].notna()]
    for i, (kind, label) in enumerate(kind_labels.items()):
        part = s[s["unit_kind"] == kind]
        fig.add_trace(go.Box(y=part["score_pct"].astype(float), name=plain(label),
                             marker_color=KIND_PALETTE[i % len(KIND_PALETTE)],
                             boxpoints="all" if len(part) <= BOX_POINTS_UP_TO else "outliers",
                             jitter=0.4, pointpos=0, showlegend=False))
    mine = s[s["unit_code"] == unit_code]
    if unit_code and len(mine):
        fig.add_trace(go.Scatter(x=[plain(kind_labels[mine["unit_kind"].iloc[0]])],
                                 y=[float(mine["score_pct"].iloc[0])], mode="markers",
                                 marker={"color": HIGHLIGHT, "size": 14, "symbol": "diamond"},
                                 name=plain(str(mine["unit_code"].iloc[0])), showlegend=False))
    fig.update_yaxes(title=y_title, range=[0, 102])
    return _layout(fig, height=340)


def profile_bars(profile: pd.DataFrame, label_col: str, unit_label: str, median_label: str,
                 y_title: str) -> go.Figure:
    fig = go.Figure([
        go.Bar(x=_plain_all(profile[label_col]), y=profile["score_pct"].astype(float), name=plain(unit_label),
               marker_color=HIGHLIGHT, text=profile["score_pct"].astype(float).map("{:.2f}".format),
               textposition="outside"),
        go.Bar(x=_plain_all(profile[label_col]), y=profile["peer_median_pct"].astype(float),
               name=plain(median_label),
               marker_color=PEER, text=profile["peer_median_pct"].astype(float).map("{:.2f}".format),
               textposition="outside"),
    ])
    fig.update_layout(barmode="group")
    fig.update_yaxes(title=y_title, range=[0, 110])
    return _layout(fig, height=360)


def grouped_units(frame: pd.DataFrame, x: str, series: str, y: str, y_title: str,
                  order: list[str]) -> go.Figure:
    fig = go.Figure()
    for i, name in enumerate(order):
        part = frame[frame[series] == name]
        fig.add_trace(go.Bar(x=_plain_all(part[x]), y=part[y].astype(float), name=plain(name),
                             marker_color=COMPARE[i % len(COMPARE)]))
    fig.update_layout(barmode="group")
    fig.update_yaxes(title=y_title, range=[0, 105])
    return _layout(fig, height=380)


def _segments(frame: pd.DataFrame, column: str) -> list[pd.DataFrame]:
    """The runs of rows between rows where `column` is missing (the gaps at framework changes)."""
    gap = frame[column].isna()
    runs = gap.cumsum()
    return [part for _, part in frame[~gap].groupby(runs[~gap], sort=True) if len(part)]


def trend(lines: dict[str, pd.DataFrame], band: pd.DataFrame | None, band_label: str,
          mean: pd.DataFrame | None, mean_label: str, changes: list[int], change_label: str,
          y_title: str, x_title: str, highlight_first: bool = True) -> go.Figure:
    """`lines`: name → frame with fiscal_year, score_pct (NaN rows break the line);
    `band`: fiscal_year, q25_pct, q75_pct; `mean`: fiscal_year, mean_pct; `changes`: first years
    of new frameworks, marked with a dotted line."""
    fig = go.Figure()
    if band is not None and len(band):
        # One closed shape per framework (the rows between two gaps): a fill between two lines would
        # join the segments across a framework change, and a gap splits "tonexty" into slivers.
        for i, part in enumerate(_segments(band, "q25_pct")):
            fig.add_trace(go.Scatter(
                x=list(part["fiscal_year"]) + list(part["fiscal_year"])[::-1],
                y=list(part["q75_pct"].astype(float)) + list(part["q25_pct"].astype(float))[::-1],
                mode="lines", line={"width": 0}, fill="toself", fillcolor=BAND, name=plain(band_label),
                legendgroup="band", showlegend=i == 0, hoverinfo="skip"))
    if mean is not None and len(mean):
        fig.add_trace(go.Scatter(x=mean["fiscal_year"], y=mean["mean_pct"], mode="lines",
                                 line={"color": ACCENT, "dash": "dash", "width": 2}, name=plain(mean_label),
                                 connectgaps=False))
    for i, (name, frame) in enumerate(lines.items()):
        colour = HIGHLIGHT if (i == 0 and highlight_first) else COMPARE[(i + (0 if highlight_first else 1)) % len(COMPARE)]
        dash = frame["dash"].iloc[0] if "dash" in frame and len(frame) else None
        fig.add_trace(go.Scatter(x=frame["fiscal_year"], y=frame["score_pct"].astype(float),
                                 mode="lines+markers", name=plain(name), connectgaps=False,
                                 line={"color": colour, "width": 3 if i == 0 else 2, "dash": dash},
                                 marker={"size": 6}))
    for fy in changes:
        fig.add_vline(x=fy - 0.5, line_color="#6B7280", line_dash="dot",
                      annotation_text=plain(change_label), annotation_position="top left")
    fig.update_yaxes(title=y_title, range=[0, 102])
    fig.update_xaxes(title=x_title, dtick=2, tickformat="d")
    return _layout(fig, height=420)


def coverage_heatmap(matrix: pd.DataFrame, status_labels: dict[str, str], row_labels: list[str],
                     column_names: dict[str, str] | None = None) -> go.Figure:
    """Unit × indicator statuses; an indicator's code on the axis, its wording in the hover text."""
    order = list(STATUS)
    z = matrix.replace({s: i for i, s in enumerate(order)}).astype(float).to_numpy()
    n = len(order)
    scale = []
    for i, s in enumerate(order):
        scale += [(i / n, STATUS[s]), ((i + 1) / n, STATUS[s])]
    text = matrix.replace(status_labels).to_numpy()
    # Each column's category is its code and wording (the hover text reads it), its tick the code alone: the
    # wording is sent once per indicator, not once per cell (it was 3/4 of the figure, 213 KB of the BMA's).
    codes = _plain_all(matrix.columns)
    columns = [f"{code} {plain((column_names or {}).get(c, ''))}".strip() for code, c in zip(codes, matrix.columns)]
    fig = go.Figure(go.Heatmap(z=z, x=columns, y=_plain_all(row_labels), zmin=0, zmax=n,
                               colorscale=scale, showscale=False, text=text, xgap=1, ygap=1,
                               hovertemplate="%{y} · %{x}: %{text}<extra></extra>"))
    for s in order:   # a legend entry per status
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=status_labels[s],
                                 marker={"color": STATUS[s], "size": 12, "symbol": "square"}))
    fig.update_yaxes(autorange="reversed", type="category", automargin=True)
    fig.update_xaxes(type="category", side="top", tickangle=-60, tickvals=columns, ticktext=codes)
    fig = _layout(fig, height=max(300, 160 + 16 * len(row_labels)))
    fig.update_layout(legend={"orientation": "h", "yanchor": "top", "y": -0.01, "x": 0})
    return fig


def completeness(frame: pd.DataFrame, round_labels: dict[int, str], y_title: str, x_title: str) -> go.Figure:
    fig = go.Figure()
    for rnd, colour in ((1, ACCENT), (2, "#F4A259")):
        part = frame[frame["inspection_round"] == rnd]
        fig.add_trace(go.Scatter(x=part["fiscal_year"], y=part["coverage_pct"].astype(float),
                                 mode="lines+markers", name=round_labels[rnd], line={"color": colour}))
    fig.update_yaxes(title=y_title)
    fig.update_xaxes(title=x_title, dtick=2, tickformat="d")
    return _layout(fig, height=320)


def cycle_timeline(steps: list[tuple[str, date, date]], today: date, today_label: str,
                   month_tick) -> go.Figure:
    """Horizontal bars for the steps of one fiscal year's cycle, today as a vertical line labelled beside
    it (never across it); `month_tick` writes a month's tick (date → text)."""
    fig = go.Figure()
    names = [s[0] for s in steps]
    for name, start, end in steps:
        active = start <= today <= end
        fig.add_trace(go.Bar(
            x=[((end - start).days + 1) * 86_400_000], base=[start.isoformat()], y=[plain(name)], orientation="h",
            marker_color=HIGHLIGHT if active else ACCENT, opacity=1 if active else 0.55,
            showlegend=False, hovertemplate="%{y}<extra></extra>"))
    first = min(s[1] for s in steps)
    last = max(s[2] for s in steps)
    if first <= today <= last + timedelta(days=30):
        fig.add_vline(x=today.isoformat(), line_color=HIGHLIGHT, line_width=2)
        fig.add_annotation(x=today.isoformat(), y=1.0, yref="paper", text=plain(today_label), xanchor="left",
                           yanchor="bottom", xshift=4, showarrow=False, font={"color": HIGHLIGHT})
    ticks = pd.date_range(first, last + timedelta(days=1), freq="MS")
    fig.update_xaxes(type="date", tickvals=[d.date().isoformat() for d in ticks],
                     ticktext=[month_tick(d.date()) for d in ticks],
                     range=[(first - timedelta(days=5)).isoformat(), (last + timedelta(days=45)).isoformat()])
    fig.update_yaxes(categoryorder="array", categoryarray=_plain_all(reversed(names)), automargin=True)
    fig = _layout(fig, height=80 + 34 * len(steps))
    fig.update_layout(margin_t=40)   # room for today's label above the plot
    return fig


def slope(comparison: pd.DataFrame, value: str, names: dict[str, str], unit_code: str | None,
          base_label: str, scenario_label: str, y_title: str) -> go.Figure:
    """Each unit a line from its baseline value to its scenario value: up green, down red, the
    selected unit in the highlight colour on top. One trace per colour (the lines apart by gaps), not one
    per unit: a browser draws 4 traces much faster than 70."""
    c = comparison.dropna(subset=[f"{value}_base", f"{value}_scenario"])
    ends = [plain(base_label), plain(scenario_label), None]
    groups: dict[str, tuple[list, list]] = {colour: ([], []) for colour in (PEER, "#5B8E7D", "#C0392B", HIGHLIGHT)}
    for code, a, b in zip(c["unit_code"], c[f"{value}_base"].astype(float), c[f"{value}_scenario"].astype(float)):
        colour = HIGHLIGHT if code == unit_code else ("#5B8E7D" if b > a + 1e-9 else ("#C0392B" if b < a - 1e-9 else PEER))
        ys, labels = groups[colour]
        ys += [a, b, None]
        labels += [plain(names.get(code, code))] * 3
    fig = go.Figure()
    for colour, (ys, labels) in groups.items():   # the selected unit last (on top)
        if not ys:
            continue
        mine = colour == HIGHLIGHT
        fig.add_trace(go.Scatter(
            x=ends * (len(ys) // 3), y=ys, text=labels, mode="lines+markers", showlegend=False,
            line={"color": colour, "width": 3 if mine else 1.2}, opacity=1 if mine else 0.75,
            hovertemplate="%{text}: %{y:,.2f}<extra></extra>"))   # baht, as formats.DECIMALS says
    fig.update_yaxes(title=y_title, tickformat=",")
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=ends[:2])
    return _layout(fig, height=460)


def tiers_before_after(comparison: pd.DataFrame, base_label: str, scenario_label: str,
                       x_title: str, y_title: str) -> go.Figure:
    """Units per tier under the baseline and under the scenario, side by side."""
    base = comparison["tier_base"].dropna().value_counts()
    scen = comparison["tier_scenario"].dropna().value_counts()
    order = list(dict.fromkeys(sorted(base.index.union(scen.index), key=lambda t: (len(t) == 1, t))))
    order = order[::-1]   # drawn bottom to top: the first tier at the top
    fig = go.Figure([
        go.Bar(y=_plain_all(order), x=[int(counts.get(t, 0)) for t in order], name=plain(label), orientation="h",
               marker_color=colour, text=[f"{int(counts.get(t, 0)):,}" for t in order], textposition="outside",
               cliponaxis=False, hovertemplate="%{y}: %{x:,}<extra>" + plain(label) + "</extra>")
        for counts, label, colour in ((scen, scenario_label, ACCENT), (base, base_label, PEER))
    ])
    fig.update_layout(barmode="group", legend={"traceorder": "reversed"})
    fig.update_yaxes(title=x_title, type="category")
    fig.update_xaxes(title=y_title, separatethousands=True)
    return _layout(fig, height=360)
