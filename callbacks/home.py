"""Home page callbacks: unit options, KPI header, child-unit table, URL state."""

from __future__ import annotations

import datetime as dt

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, html
from sqlalchemy.exc import SQLAlchemyError

from board.config import LOCAL_TZ
from board.usecases.service import BoardService
from layouts.common import as_of_value, kpi_tiles, notices
from layouts.ids.home import Home
from layouts.urlstate import to_search

from .common import register_as_of_value, register_unit_options, resolve_unit
from .errors import friendly_error


def update_home(
    svc: BoardService, unit: str | None, as_of: str | None, period: int | None, requested: str | None = None
) -> tuple:
    """(notices, KPI tiles, attention list, unit table, stamp, URL search) for the filters; never raises.

    `requested` is the unit named in the URL, used while the picker has no value yet.
    """
    messages: list[str] = []
    period = period or 30
    try:
        day = svc.as_of(as_of[:10] if as_of else None)
        scope = resolve_unit(svc, unit, requested, messages)
        unit = None if messages else scope.root if (unit or requested) else None
        tiles = svc.tiles(day, scope.root, period)
        focus = svc.attention(day, scope.root, period)
        table = _unit_table(svc, scope.root, day, period)
    except (SQLAlchemyError, ValueError, LookupError) as exc:
        return notices([friendly_error(exc)], "danger"), [], [], None, "", to_search(unit, as_of, period)
    stamp = f"数据截至 {day:%Y-%m-%d}（统计周期：截至日前 {period} 天）· 刷新于 {dt.datetime.now(LOCAL_TZ):%H:%M:%S}"
    links = _tile_links(scope.root, day if as_of else None, period)
    return (notices(messages), kpi_tiles(tiles, "desk", links), _attention(focus, day if as_of else None, period),
            table, stamp, to_search(unit, as_of and day, period))  # fmt: skip


def _tile_links(root: str, day: dt.date | None, period: int) -> dict[str, str]:
    """Each KPI opens the page that shows what is behind it, for the same unit and date."""
    q = to_search(root, day, period)
    pages = {"overdue_open": "/alerts", "warning_open": "/alerts", "warning_success_rate": "/alerts",
             "on_time_rate": "/rankings", "open_cases": "/progress", "energized_cases": "/progress",
             "avg_connect_days_high": "/progress", "avg_connect_days_low": "/progress",
             "customer_visible_rate": "/progress"}  # fmt: skip
    return {k: p + q for k, p in pages.items()}


def _attention(items: list[dict], day: dt.date | None, period: int) -> list:
    if not items:
        return [html.Li("当前没有超时在途的环节。")]
    return [html.Li(html.A(i["text"], href="/alerts" + to_search(i["unit_code"], day, period))) for i in items]


def _unit_table(svc: BoardService, root: str, day: dt.date, period: int):
    frame = svc.child_overview(day, root, period)
    header = html.Thead(
        html.Tr([html.Th(h) for h in ("单位", "在途工单", "超时在途", "预警在途", "期内完成环节", "时限达标率")])
    )
    rows = []
    for r in frame.itertuples():
        rate = "无数据" if r.on_time_rate != r.on_time_rate else f"{r.on_time_rate * 100:.1f}%"
        link = html.A(r.unit_name, href=f"/?unit={r.unit_code}&as_of={day}&period={period}")
        overdue = html.Td(r.overdue_open, className="text-danger" if r.overdue_open else None)
        cells = [html.Td(link), html.Td(r.open_cases), overdue, html.Td(r.warning_open), html.Td(r.finished)]
        rows.append(html.Tr([*cells, html.Td(rate)]))
    return dbc.Table([header, html.Tbody(rows)], bordered=False, hover=True, size="sm", className="unit-table")


def register(app: Dash, svc: BoardService) -> None:
    """Attach the home page callbacks to an app."""
    register_as_of_value(app, Home.AS_OF)

    register_unit_options(app, svc, Home.UNIT, Home.URL)

    @app.callback(
        Output(Home.NOTICE, "children"),
        Output(Home.KPIS, "children"),
        Output(Home.ATTENTION, "children"),
        Output(Home.UNITS_TABLE, "children"),
        Output(Home.STAMP, "children"),
        Output(Home.URL, "search"),
        Input(Home.UNIT, "value"),
        Input(as_of_value(Home.AS_OF), "data"),
        Input(Home.PERIOD, "value"),
        Input(Home.REFRESH, "n_intervals"),
        State(Home.REQUESTED, "data"),
    )
    def on_filters(unit, as_of, period, _n, requested):
        return update_home(svc, unit, as_of, period, requested)
