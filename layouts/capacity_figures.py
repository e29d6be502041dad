"""可开放容量 figures: the offline map (service areas, feeders, substations, applications) and summaries."""

from __future__ import annotations

from html import escape

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from board.domain.capacity import CLASS_NAMES
from board.domain.geo import parse_path
from layouts.theme import CAPACITY_COLORS, template_for

HIGHLIGHT = "#00b3e6"
AREA_FILL = {False: "#eef2f6", True: "#1b3046"}
LEGEND_BG = {False: "rgba(255,255,255,0.7)", True: "rgba(16,32,47,0.85)"}
AREA_LINE = {False: "#9aa7b5", True: "#4d6a86"}
# a map style that needs no tile or glyph server: a plain background (dark on the wall)
WALL_MAP_STYLE = {"version": 8, "sources": {}, "layers": [
    {"id": "background", "type": "background", "paint": {"background-color": "#10202f"}}]}  # fmt: skip


def capacity_map(
    feeders: pd.DataFrame,
    subs: pd.DataFrame,
    points: pd.DataFrame,
    areas: dict | None,
    as_of,
    theme: str = "desk",
    highlight: list[str] | None = None,
    focus: tuple[float, float] | None = None,
    location: tuple[float, float] | None = None,
    tiles: str = "",
) -> go.Figure:
    """The map; `map.style` is always white-bg so it renders offline, an intranet tile URL may go underneath.
    The wall's copy carries no hover text: nobody hovers a wall, and the text was 90 % of its 850 KB."""
    fig = go.Figure()
    hover = theme != "wall"
    if areas and areas.get("features"):
        ids = [f.get("id") or f["properties"].get("unit_code") for f in areas["features"]]
        names = [f["properties"].get("name", "") for f in areas["features"]]
        fig.add_trace(
            go.Choroplethmap(
                geojson=areas,
                locations=ids,
                z=[1] * len(ids),
                featureidkey="id",
                text=names if hover else None,
                showscale=False,
                colorscale=[[0, AREA_FILL[theme == "wall"]], [1, AREA_FILL[theme == "wall"]]],
                marker=dict(opacity=0.6, line=dict(color=AREA_LINE[theme == "wall"], width=1)),
                hovertemplate="%{text}<extra>服务区</extra>" if hover else None,
                hoverinfo=None if hover else "skip",
                name="服务区",
                showlegend=False,
            )
        )
    for klass in ("green", "yellow", "red", "grey"):
        part = feeders[feeders["cap_class"] == klass]
        lon, lat, text = _lines(part)
        fig.add_trace(
            go.Scattermap(
                lon=lon,
                lat=lat,
                mode="lines",
                line=dict(width=3, color=CAPACITY_COLORS[klass]),
                text=text if hover else None,
                hoverinfo="text" if hover else "skip",
                name=f"线路·{CLASS_NAMES[klass]}",
            )
        )
    if highlight:
        lon, lat, text = _lines(feeders[feeders["feeder_code"].isin(highlight)])
        fig.add_trace(
            go.Scattermap(
                lon=lon,
                lat=lat,
                mode="lines",
                line=dict(width=7, color=HIGHLIGHT),
                text=text,
                hoverinfo="text",
                name="可接入线路",
            )
        )
    if not points.empty:
        size = 5 + 12 * np.sqrt(points["capacity_kva"].clip(upper=20000) / 20000)
        fig.add_trace(
            go.Scattermap(
                lon=points["lon"],
                lat=points["lat"],
                mode="markers",
                marker=dict(size=size, color="#7b3fa0", opacity=0.55),
                text=[
                    # Plotly reads a subset of HTML in hover text: data goes in escaped, so it shows as typed
                    f"{escape(str(c))} {escape(str(n))}<br>{k:,.0f} kVA · {escape(str(f or '未指定线路'))}"
                    for c, n, k, f in zip(
                        points["case_id"], points["customer_name"], points["capacity_kva"], points["feeder_code"]
                    )
                ]
                if hover
                else None,
                hoverinfo="text" if hover else "skip",
                name="在途报装",
            )
        )
    fig.add_trace(
        go.Scattermap(
            lon=subs["lon"],
            lat=subs["lat"],
            mode="markers",  # map text needs a glyph server: none offline
            marker=dict(
                size=10 + 14 * np.sqrt(subs["rating_mw"].fillna(10) / 150),
                color=[CAPACITY_COLORS[c] for c in subs["cap_class"]],
            ),
            customdata=subs["substation_code"],
            hovertext=[_sub_hover(r) for r in subs.itertuples()] if hover else None,
            hoverinfo="text" if hover else "skip",
            name="变电站",
        )
    )
    if location:
        fig.add_trace(
            go.Scattermap(
                lon=[location[0]],
                lat=[location[1]],
                mode="markers",
                name="所选位置",
                marker=dict(size=16, color="#111"),
            )
        )
    center, zoom = _view(subs, feeders, focus)
    layers = [dict(sourcetype="raster", source=[tiles], below="traces")] if tiles else []
    fig.update_layout(
        template=template_for(theme),
        map=dict(
            style=WALL_MAP_STYLE if theme == "wall" else "white-bg",
            center=dict(lon=center[0], lat=center[1]),
            zoom=zoom,
            layers=layers,
        ),
        title=f"可开放容量分布 · 数据截至 {as_of}",
        margin=dict(l=0, r=0, t=40 if theme != "wall" else 56, b=0),
        height=620 if theme != "wall" else None,
        legend=dict(orientation="h", y=0, bgcolor=LEGEND_BG[theme == "wall"]),
        uirevision="capacity-map",
    )
    return fig


def _view(subs: pd.DataFrame, feeders: pd.DataFrame, focus) -> tuple[tuple[float, float], float]:
    """Centre and zoom that fit the grid's stations and lines in a panel of about 1000 × 700 px."""
    if focus:
        return focus, 12.5
    lon, lat = list(subs["lon"].dropna()), list(subs["lat"].dropna())
    for path in feeders["path"].dropna():
        for x, y in parse_path(path):
            lon.append(x)
            lat.append(y)
    if not lon:
        return (0.0, 0.0), 2.0
    span_x = max(max(lon) - min(lon), 0.01) * 1.15
    span_y = max(max(lat) - min(lat), 0.01) * 1.15 / np.cos(np.radians(np.mean(lat)))
    zoom = min(np.log2(1000 * 360 / (512 * span_x)), np.log2(700 * 360 / (512 * span_y)))
    return ((min(lon) + max(lon)) / 2, (min(lat) + max(lat)) / 2), float(round(zoom, 2))


def _lines(part: pd.DataFrame) -> tuple[list, list, list]:
    lon, lat, text = [], [], []
    for r in part.itertuples():
        if not r.path:
            continue
        hover = _feeder_hover(r)
        for x, y in parse_path(r.path):
            lon.append(x)
            lat.append(y)
            text.append(hover)
        lon.append(None)
        lat.append(None)
        text.append(None)
    return lon, lat, text


def _mw(v) -> str:
    return "—" if pd.isna(v) else f"{v:.2f}"


def _feeder_hover(r) -> str:
    share = "—" if pd.isna(r.open_share) else f"{r.open_share * 100:.0f}%"
    return (
        f"{r.name}（{r.feeder_code}）<br>额定 {_mw(r.rating_mw)} MW · 最大负荷 {_mw(r.peak_mw)} MW"
        f"<br>在途（已答复） {_mw(r.promised_mw)} MW · 可开放 {_mw(r.open_mw)} MW（{share}）"
        f"<br>空余间隔 {'—' if pd.isna(r.spare_bays) else int(r.spare_bays)} · {CLASS_NAMES[r.cap_class]}"
        + (f" · 受限原因：{r.reason}" if r.reason else "")
    )


def _sub_hover(r) -> str:
    return (
        f"{r.name}<br>主变 {int(r.transformer_count)}×{r.transformer_mva:g} MVA · 限额 {_mw(r.limit_mw)} MW"
        f"<br>最大负荷 {_mw(r.peak_mw)} MW · 在途 {_mw(r.promised_mw)} MW · 可开放 {_mw(r.open_mw)} MW"
        f"<br>空余间隔 {'—' if pd.isna(r.spare_bays) else int(r.spare_bays)} · {CLASS_NAMES[r.cap_class]}"
        + (f" · 受限原因：{r.reason}" if r.reason else "")
    )


def substation_bars(subs: pd.DataFrame, theme: str = "desk") -> go.Figure:
    """Open capacity per substation, coloured by class (grey bars at zero mean 无数据)."""
    ordered = subs.sort_values("open_mw", ascending=False, na_position="last")
    fig = go.Figure(
        go.Bar(
            x=ordered["name"],
            y=ordered["open_mw"].fillna(0),
            marker_color=[CAPACITY_COLORS[c] for c in ordered["cap_class"]],
            text=[("无数据" if pd.isna(v) else f"{v:.1f}") for v in ordered["open_mw"]],
            hovertemplate="%{x}<br>可开放 %{y:.1f} MW<extra></extra>",
        )
    )
    fig.update_layout(template=template_for(theme), title="各变电站可开放容量（MW）", height=360, xaxis_tickangle=-30)
    return fig


def class_share(feeders: pd.DataFrame, names: dict[str, str], theme: str = "desk") -> go.Figure:
    """Share of feeders per class in each 供电所 (by where the feeder starts)."""
    counts = feeders.groupby(["area", "cap_class"]).size().unstack(fill_value=0)
    share = counts.div(counts.sum(axis=1), axis=0)
    fig = go.Figure()
    for klass in ("green", "yellow", "red", "grey"):
        if klass in share:
            fig.add_trace(
                go.Bar(
                    y=[names.get(a, a) for a in share.index],
                    x=share[klass],
                    orientation="h",
                    name=CLASS_NAMES[klass],
                    marker_color=CAPACITY_COLORS[klass],
                    hovertemplate="%{y} · " + CLASS_NAMES[klass] + " %{x:.0%}<extra></extra>",
                )
            )
    fig.update_layout(
        template=template_for(theme),
        barmode="stack",
        title="各供电所线路容量分级占比",
        xaxis=dict(tickformat=".0%"),
        height=360,
        legend=dict(orientation="h", y=-0.15),
    )
    return fig


def supply_demand(
    feeders: pd.DataFrame, queued: pd.DataFrame, names: dict[str, str], coincidence: float, theme: str = "desk"
) -> go.Figure:
    """Per service area: open capacity present vs the load queued in open applications (× coincidence)."""
    supply = feeders.groupby("area")["open_mw"].sum(min_count=1).clip(lower=0)
    demand = queued.set_index("unit_code")["queued_kva"] * coincidence / 1000
    areas = sorted(set(supply.index) | set(demand.index))
    fig = go.Figure(
        [
            go.Bar(
                x=[names.get(a, a) for a in areas],
                y=supply.reindex(areas).fillna(0),
                name="可开放容量",
                marker_color=CAPACITY_COLORS["green"],
            ),
            go.Bar(
                x=[names.get(a, a) for a in areas],
                y=demand.reindex(areas).fillna(0),
                name="在途报装负荷",
                marker_color="#7b3fa0",
            ),
        ]
    )
    fig.update_layout(
        template=template_for(theme),
        barmode="group",
        title="服务区：可开放容量 vs 排队报装负荷（MW）",
        height=360,
        legend=dict(orientation="h", y=-0.2),
    )
    return fig
