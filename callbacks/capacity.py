"""可开放容量 callbacks: map, asset table, map ↔ table selection, "能否接入" query, exports."""

from __future__ import annotations

import re

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Dash, Input, Output, State, ctx, html, no_update
from sqlalchemy.exc import SQLAlchemyError

from board.domain.capacity import CLASS_NAMES, candidates, check_load
from board.domain.geo import parse_path
from board.usecases.service import BoardService
from layouts.capacity_figures import capacity_map, class_share, substation_bars, supply_demand
from layouts.common import as_of_value, notices
from layouts.figures import empty_figure
from layouts.ids.capacity import Capacity

from .common import download_table, register_as_of_value, register_export
from .errors import friendly_error

_CODE_IN_HOVER = re.compile(r"（([A-Za-z0-9_\-]+)）")


def asset_rows(data, substation: str | None, classes: list[str] | None, kind: str = "all") -> list[dict]:
    """Table rows of feeders and substations after the filters (code = F:/S: + asset code)."""
    classes = classes or []
    sub_names = dict(zip(data.substations["substation_code"], data.substations["name"]))
    rows = []
    if kind in ("all", "substation"):
        for r in data.substations.itertuples():
            if (substation and r.substation_code != substation) or r.cap_class not in classes:
                continue
            rows.append(_row("S:" + r.substation_code, "变电站", r.name, r.name, r))
    if kind in ("all", "feeder"):
        for r in data.feeders.itertuples():
            if (substation and r.substation_code != substation) or r.cap_class not in classes:
                continue
            rows.append(_row("F:" + r.feeder_code, "线路", r.name, sub_names.get(r.substation_code, ""), r))
    return rows


def _row(code, kind, name, substation, r) -> dict:
    def num(v):
        return None if pd.isna(v) else round(float(v), 2)

    return {
        "code": code,
        "kind": kind,
        "name": name,
        "substation": substation,
        "rating_mw": num(r.rating_mw),
        "peak_mw": num(r.peak_mw),
        "promised_mw": num(r.promised_mw),
        "open_mw": num(r.open_mw),
        "open_pct": None if pd.isna(r.open_share) else round(float(r.open_share) * 100, 1),
        "spare_bays": None if pd.isna(r.spare_bays) else int(r.spare_bays),
        "class_name": CLASS_NAMES[r.cap_class],
        "reason": r.reason,
    }


def update_tables(svc: BoardService, as_of, substation, classes, kind) -> tuple:
    """(notice, substation options, rows, substation bars, class share, supply vs demand); never raises."""
    try:
        data = svc.capacity(svc.as_of(as_of[:10] if as_of else None))
    except (SQLAlchemyError, ValueError, LookupError) as exc:
        fig = empty_figure("暂无数据")
        return notices([friendly_error(exc)], "danger"), [], [], fig, fig, fig
    options = [{"label": n, "value": c} for c, n in zip(data.substations["substation_code"], data.substations["name"])]
    names = dict(zip(data.units["unit_code"], data.units["unit_name"]))
    messages = [] if data.areas else ["未找到服务区 GeoJSON（数据目录下 areas.geojson），地图仅显示线路和变电站"]
    return (
        notices(messages, "info"),
        options,
        asset_rows(data, substation, classes, kind),
        substation_bars(data.substations),
        class_share(data.feeders, names),
        supply_demand(data.feeders, data.queued, names, data.rules.coincidence),
    )


def update_map(svc: BoardService, as_of, substation, classes, selected, found, location):
    """The map with filters, the selected asset in focus, candidates highlighted and the chosen location."""
    try:
        data = svc.capacity(svc.as_of(as_of[:10] if as_of else None))
    except (SQLAlchemyError, ValueError, LookupError):
        return empty_figure("暂无数据")
    classes = classes or []
    feeders = data.feeders[data.feeders["cap_class"].isin(classes)]
    subs = data.substations[data.substations["cap_class"].isin(classes)]
    if substation:
        feeders = feeders[feeders["substation_code"] == substation]
        subs = subs[subs["substation_code"] == substation]
    focus = _focus(data, selected)
    loc = (location["lon"], location["lat"]) if location else None
    return capacity_map(
        feeders,
        subs if not subs.empty else data.substations.head(0),
        data.points,
        data.areas,
        data.as_of,
        highlight=found or None,
        focus=focus,
        location=loc,
        tiles=svc.settings.map_tiles,
    )


def _focus(data, selected: str | None):
    if not selected:
        return None
    kind, code = selected.split(":", 1)
    if kind == "S":
        hit = data.substations[data.substations["substation_code"] == code]
        return (float(hit["lon"].iloc[0]), float(hit["lat"].iloc[0])) if not hit.empty else None
    hit = data.feeders[data.feeders["feeder_code"] == code]
    if hit.empty or not hit["path"].iloc[0]:
        return None
    pts = parse_path(hit["path"].iloc[0])
    return (sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts))


def on_select(trigger: str, click, rows, areas: dict | None = None) -> tuple:
    """(selected code, location, grid selection) from a map click or a table row selection; a click on a service
    area (which carries no coordinates) picks the area's centroid."""
    if trigger == Capacity.MAP and click and click.get("points"):
        p = click["points"][0]
        location = {"lon": p.get("lon"), "lat": p.get("lat")} if p.get("lon") is not None else no_update
        if location is no_update and p.get("location") is not None:
            location = area_centroid(areas, p["location"]) or no_update
        code = None
        if isinstance(p.get("customdata"), str):
            code = "S:" + p["customdata"]
        elif (m := _CODE_IN_HOVER.search(str(p.get("text") or p.get("hovertext") or ""))) is not None:
            code = "F:" + m.group(1)
        return code or no_update, location, [{"code": code}] if code else no_update
    if trigger == Capacity.GRID and rows:
        return rows[0]["code"], no_update, no_update
    return no_update, no_update, no_update


def area_centroid(areas: dict | None, area_id: str) -> dict | None:
    """Mean of the outer ring's vertices of one service area."""
    for feature in (areas or {}).get("features", []):
        if (feature.get("id") or feature.get("properties", {}).get("unit_code")) == area_id:
            ring = feature["geometry"]["coordinates"][0][:-1]
            return {"lon": sum(x for x, _y in ring) / len(ring), "lat": sum(y for _x, y in ring) / len(ring)}
    return None


def query(svc: BoardService, as_of, load_text, location) -> tuple:
    """(candidate feeder codes, message, result table) for a load and an optional location."""
    load, problem = check_load(load_text)
    if problem:
        return [], dbc.Alert(problem, color="warning", className="py-2"), None
    try:
        data = svc.capacity(svc.as_of(as_of[:10] if as_of else None))
    except (SQLAlchemyError, ValueError, LookupError) as exc:
        return [], dbc.Alert(friendly_error(exc), color="danger"), None
    lon, lat = (location["lon"], location["lat"]) if location else (None, None)
    found = candidates(data.feeders, load, data.rules, lon, lat)
    if found.empty:
        return (
            [],
            dbc.Alert(
                f"没有线路能接入 {load:,.0f} kVA（按同时率 {data.rules.coincidence:g} 计 "
                f"{load * data.rules.coincidence / 1000:.2f} MW）",
                color="danger",
                className="py-2",
            ),
            None,
        )
    sub_names = dict(zip(data.substations["substation_code"], data.substations["name"]))
    head = html.Thead(html.Tr([html.Th(h) for h in ("线路", "变电站", "可开放MW", "主变余量MW", "距离km")]))
    body = html.Tbody(
        [
            html.Tr(
                [
                    html.Td(r.name),
                    html.Td(sub_names.get(r.substation_code, "")),
                    html.Td(f"{r.open_mw:.2f}"),
                    html.Td("—" if pd.isna(r.substation_open_mw) else f"{r.substation_open_mw:.1f}"),
                    html.Td("—" if pd.isna(r.distance_km) else f"{r.distance_km:.1f}"),
                ]
            )
            for r in found.head(10).itertuples()
        ]
    )
    where = "，按距所选位置由近到远" if location else "，按可开放容量由大到小"
    msg = dbc.Alert(
        f"{len(found)} 条线路可接入 {load:,.0f} kVA{where}（已在地图上高亮）", color="success", className="py-2"
    )
    return found["feeder_code"].tolist(), msg, dbc.Table([head, body], size="sm", className="candidates-table")


def export_assets(rows: list[dict], fmt: str) -> dict:
    """CSV (with BOM for Excel) or XLSX of the asset table as shown."""
    headers = {
        "kind": "类型",
        "name": "名称",
        "substation": "所属变电站",
        "rating_mw": "额定MW",
        "peak_mw": "最大负荷MW",
        "promised_mw": "在途MW",
        "open_mw": "可开放MW",
        "open_pct": "可开放%",
        "spare_bays": "空余间隔",
        "class_name": "分级",
        "reason": "受限原因",
    }
    frame = pd.DataFrame(rows, columns=["code", *headers]).drop(columns="code").rename(columns=headers)
    return download_table(frame, fmt, "可开放容量")


def register(app: Dash, svc: BoardService) -> None:
    """Attach the 可开放容量 callbacks to an app."""
    register_as_of_value(app, Capacity.AS_OF)
    filters = [
        Input(as_of_value(Capacity.AS_OF), "data"),
        Input(Capacity.SUBSTATION, "value"),
        Input(Capacity.CLASSES, "value"),
    ]

    @app.callback(
        Output(Capacity.NOTICE, "children"),
        Output(Capacity.SUBSTATION, "options"),
        Output(Capacity.GRID, "rowData"),
        Output(Capacity.SUB_BARS, "figure"),
        Output(Capacity.CLASS_SHARE, "figure"),
        Output(Capacity.SUPPLY, "figure"),
        *filters,
        Input(Capacity.KIND, "value"),
    )
    def on_filters(as_of, substation, classes, kind):
        return update_tables(svc, as_of, substation, classes, kind)

    @app.callback(
        Output(Capacity.MAP, "figure"),
        *filters,
        Input(Capacity.SELECTED, "data"),
        Input(Capacity.CANDIDATES, "data"),
        Input(Capacity.POINT, "data"),
    )
    def on_map_inputs(as_of, substation, classes, selected, found, location):
        return update_map(svc, as_of, substation, classes, selected, found, location)

    @app.callback(
        Output(Capacity.SELECTED, "data"),
        Output(Capacity.POINT, "data"),
        Output(Capacity.GRID, "selectedRows"),
        Output(Capacity.LOCATION, "children"),
        Input(Capacity.MAP, "clickData"),
        Input(Capacity.GRID, "selectedRows"),
        prevent_initial_call=True,
    )
    def on_pick(click, rows, as_of):
        areas = (
            svc.capacity(svc.as_of(as_of[:10] if as_of else None)).areas if ctx.triggered_id == Capacity.MAP else None
        )
        code, location, selection = on_select(ctx.triggered_id, click, rows, areas)
        if location is no_update or location is None:
            return code, no_update, selection, no_update
        text = f"已选接入位置：东经 {location['lon']:.4f}，北纬 {location['lat']:.4f}"
        return code, location, selection, text

    @app.callback(
        Output(Capacity.CANDIDATES, "data"),
        Output(Capacity.MESSAGE, "children"),
        Output(Capacity.RESULT, "children"),
        Input(Capacity.QUERY, "n_clicks"),
        Input(Capacity.LOAD, "n_submit"),
        Input(Capacity.CLEAR, "n_clicks"),
        State(Capacity.AS_OF, "date"),
        State(Capacity.LOAD, "value"),
        State(Capacity.POINT, "data"),
        prevent_initial_call=True,
    )
    def on_query(_q, _s, _c, as_of, load, location):
        if ctx.triggered_id == Capacity.CLEAR:
            return [], None, None
        return query(svc, as_of, load, location)

    register_export(app, svc, (Capacity.DOWNLOAD, Capacity.EXPORT_CSV, Capacity.EXPORT_XLSX, Capacity.GRID),
                    "可开放容量", export_assets)  # fmt: skip
