"""超时预警 callbacks: heatmap + trend + warning list, cell drill-down, exports, unit drill buttons."""

from __future__ import annotations

import datetime as dt

import dash_bootstrap_components as dbc
import pandas as pd
from dash import ALL, Dash, Input, Output, State, ctx, html, no_update
from sqlalchemy.exc import SQLAlchemyError

from board.config import LOCAL_TZ
from board.domain.alerts import (
    DRILL_COLUMNS,
    DRILL_HEADERS,
    METRICS,
    cell_stages,
    children,
    drill_rows,
)  # fmt: skip
from board.usecases.alerts import WARN_ROWS
from board.usecases.service import BoardService
from layouts.common import as_of_value, notices
from layouts.figures import empty_figure, heatmap_figure, trend_figure
from layouts.ids.alerts import DRILL_UNIT, Alerts, drill_unit
from layouts.urlstate import to_search

from .common import (
    case_filter,
    download_table,
    register_as_of_value,
    register_export,
    register_unit_options,
    resolve_unit,
)
from .errors import friendly_error

FILTER_INPUTS = [
    Input(Alerts.UNIT, "value"), Input(as_of_value(Alerts.AS_OF), "data"), Input(Alerts.PERIOD, "value"),
    Input(Alerts.VOLTAGE, "value"), Input(Alerts.CLASS, "value"), Input(Alerts.KEY, "value"),
    Input(Alerts.METRIC, "value"),
]  # fmt: skip


WARN_ROWS_SHOWN = WARN_ROWS


def _load(svc: BoardService, unit, as_of, period, voltage, klass, key, requested, messages: list[str], full=True):
    """(day, scope, data): the page's full data, or with `full=False` only the unit tree (the cached views are
    read by the caller, without bringing the open stages into this process)."""
    where = case_filter(voltage, klass, key)
    day = svc.as_of(as_of[:10] if as_of else None)
    scope = resolve_unit(svc, unit, requested, messages)
    if not full:
        return day, scope, _Units(svc.units())
    return day, scope, svc.alerts(day, scope.root, period or 30, where)


class _Units:
    """The part of the page's data a cached view still needs."""

    def __init__(self, units: pd.DataFrame):
        self.units = units


def update_heatmap(svc: BoardService, unit, as_of, period, voltage, klass, key, metric, requested=None) -> tuple:
    """(notice, breadcrumb, heatmap, URL search) for the filters and metric; never raises."""
    messages: list[str] = []
    period, metric = period or 30, metric if metric in METRICS else "overdue_open"
    search = to_search(unit, as_of, period, voltage=voltage, **{"class": klass}, key=bool(key), metric=metric)
    try:
        day, scope, data = _load(svc, unit, as_of, period, voltage, klass, key, requested, messages, full=False)
    except (SQLAlchemyError, ValueError, LookupError) as exc:
        return notices([friendly_error(exc)], "danger"), None, empty_figure("暂无数据"), search
    names = dict(zip(data.units["unit_code"], data.units["unit_name"]))
    stage_names = {c: svc.rules.stage_name(c) for c in svc.rules.stage_info}
    matrix = svc.heatmap(day, scope.root, period, case_filter(voltage, klass, key), metric)
    heat = heatmap_figure(matrix, metric, names, stage_names)
    return notices(messages), _breadcrumb(data.units, scope.root), heat, search


def update_lists(svc: BoardService, unit, as_of, period, voltage, klass, key, requested=None) -> tuple:
    """(trend, warning counts, warning rows, stamp): independent of the heatmap metric; never raises."""
    period = period or 30
    try:
        day, scope, _units = _load(svc, unit, as_of, period, voltage, klass, key, requested, [], full=False)
        lists = svc.alert_lists(day, scope.root, period, case_filter(voltage, klass, key), WARN_ROWS_SHOWN)
    except (SQLAlchemyError, ValueError, LookupError) as exc:
        return empty_figure("暂无数据"), friendly_error(exc), [], ""
    trend = trend_figure(lists.weekly)
    rows = lists.rows.to_dict("records")
    counts = _counts_header(lists)
    if lists.total > WARN_ROWS_SHOWN:
        counts.children.append(html.Div(f"清单显示最严重的 {WARN_ROWS_SHOWN} 条（共 {lists.total:,} 条）",
                                        className="text-muted small"))  # fmt: skip
    stamp = f"数据截至 {day:%Y-%m-%d} · 期内指标按截至日前 {period} 天 · 刷新于 {dt.datetime.now(LOCAL_TZ):%H:%M:%S}"
    return trend, counts, rows, stamp


def _counts_header(lists) -> html.Div:
    counts = lists.level_counts
    badges = []
    # dark text on amber: white on Bootstrap's warning yellow is 1.6:1
    for status, color, text, name in (("overdue", "danger", "white", "超时"), ("warning", "warning", "dark", "预警")):
        total = sum(n for (s, _lv), n in counts.items() if s == status)
        per_level = " · ".join(f"{lv}级 {counts.get((status, lv), 0)}" for lv in (4, 3, 2, 1))
        badges.append(dbc.Badge(f"{name} {total}（{per_level}）", color=color, text_color=text, className="me-2 p-2"))
    warned, ok = lists.warned, lists.warned_ok
    rate = f"{ok / warned * 100:.1f}%（{ok}/{warned}）" if warned else "无数据"
    badges.append(html.Span(f"期内预警干预成功率：{rate}", className="ms-2"))
    return html.Div(badges)


def _breadcrumb(units: pd.DataFrame, root: str):
    paths = dict(zip(units["unit_code"], units["path"]))
    names = dict(zip(units["unit_code"], units["unit_name"]))
    trail = [c for c in paths.get(root, "").strip("/").split("/") if c]
    crumbs = []
    for code in trail:
        crumbs.append(dbc.Button(names.get(code, code), id=drill_unit(code), color="link", size="sm",
                                 disabled=code == root, className="px-1"))  # fmt: skip
        crumbs.append(html.Span("›", className="text-muted"))
    kids = children(units, root)
    with_children = set(units["parent_code"].dropna())
    drill = [
        dbc.Button(r.unit_name, id=drill_unit(r.unit_code), size="sm", outline=True, color="primary", className="me-1")
        for r in kids.itertuples()
        if r.unit_code in with_children
    ]
    return html.Div([*crumbs[:-1], html.Span("  下钻：" if drill else "", className="ms-3 text-muted"), *drill])


def update_drill(svc: BoardService, click, unit, as_of, period, voltage, klass, key, metric, requested=None):
    """(title, rows) for a clicked heatmap cell; exactly that cell's stages."""
    if not click or not click.get("points"):
        return "点击热力图中的格子，查看对应工单", []
    point = click["points"][0]
    period, metric = period or 30, metric if metric in METRICS else "overdue_open"
    where = case_filter(voltage, klass, key)
    try:
        day = svc.as_of(as_of[:10] if as_of else None)
        scope = resolve_unit(svc, unit, requested, [])
        data = svc.alerts(day, scope.root, period, where)
        child, stage_code = _cell_of(point, data.units, scope.root)
        if metric == "late_rate":
            stages = svc.late_stages(day, child, period, where, stage_code)
            stages = stages.assign(status="overdue")
        else:
            stages = cell_stages(metric, data.units, scope.root, child, stage_code, data.open_stages)
    except (SQLAlchemyError, ValueError, LookupError) as exc:
        return friendly_error(exc), []
    names = dict(zip(data.units["unit_code"], data.units["unit_name"]))
    rows = drill_rows(stages, data.units, svc.rules)
    stage = f"{stage_code} {svc.rules.stage_name(stage_code)}"
    title = f"{names.get(child, child)} · {stage} · {METRICS[metric].label}：{len(rows)} 条"
    return title, rows.to_dict("records")


def _cell_of(point: dict, units: pd.DataFrame, root: str) -> tuple[str, str]:
    """(child unit code, stage code) of a clicked cell; Dash sends a heatmap click as its x and y labels."""
    kids = children(units, root)
    by_name = dict(zip(kids["unit_name"], kids["unit_code"]))
    if point.get("y") not in by_name:
        raise LookupError("无法识别点击的单位，请刷新页面后重试")
    return by_name[point["y"]], str(point.get("x", "")).split(" ")[0]


def export_rows(rows: list[dict], fmt: str) -> dict:
    """A dcc.Download payload of the drill-down rows with Chinese headers (CSV with BOM for Excel, or XLSX)."""
    frame = pd.DataFrame(rows, columns=DRILL_COLUMNS).rename(columns=DRILL_HEADERS)
    return download_table(frame, fmt, "超时预警明细")


def register(app: Dash, svc: BoardService) -> None:
    """Attach the 超时预警 callbacks to an app."""
    register_as_of_value(app, Alerts.AS_OF)
    register_unit_options(app, svc, Alerts.UNIT, Alerts.URL)

    @app.callback(
        Output(Alerts.NOTICE, "children"), Output(Alerts.BREADCRUMB, "children"), Output(Alerts.HEATMAP, "figure"),
        Output(Alerts.URL, "search"),
        *FILTER_INPUTS, Input(Alerts.REFRESH, "n_intervals"), State(Alerts.REQUESTED, "data"),
    )  # fmt: skip
    def on_filters(unit, as_of, period, voltage, klass, key, metric, _n, requested):
        return update_heatmap(svc, unit, as_of, period, voltage, klass, key, metric, requested)

    @app.callback(
        Output(Alerts.TREND, "figure"), Output(Alerts.WARN_COUNTS, "children"), Output(Alerts.WARN_GRID, "rowData"),
        Output(Alerts.STAMP, "children"),
        *FILTER_INPUTS[:-1], Input(Alerts.REFRESH, "n_intervals"), State(Alerts.REQUESTED, "data"),
    )  # fmt: skip
    def on_list_filters(unit, as_of, period, voltage, klass, key, _n, requested):
        return update_lists(svc, unit, as_of, period, voltage, klass, key, requested)

    @app.callback(
        Output(Alerts.DRILL_TITLE, "children"), Output(Alerts.DRILL_GRID, "rowData"),
        Input(Alerts.HEATMAP, "clickData"), *[State(i.component_id, i.component_property) for i in FILTER_INPUTS],
        State(Alerts.REQUESTED, "data"),
    )  # fmt: skip
    def on_cell_click(click, unit, as_of, period, voltage, klass, key, metric, requested):
        return update_drill(svc, click, unit, as_of, period, voltage, klass, key, metric, requested)

    register_export(app, svc, (Alerts.DOWNLOAD, Alerts.EXPORT_CSV, Alerts.EXPORT_XLSX, Alerts.DRILL_GRID),
                    "超时预警明细", export_rows)  # fmt: skip

    @app.callback(
        Output(Alerts.UNIT, "value"), Input({"type": DRILL_UNIT, "code": ALL}, "n_clicks"), prevent_initial_call=True
    )
    def on_drill_unit(clicks):
        if not ctx.triggered_id or not any(clicks):
            return no_update
        return ctx.triggered_id["code"]
