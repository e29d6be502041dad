"""三通报 callbacks: period options, the ranking with bars and history, the 通报 workbook, printing."""

from __future__ import annotations

import datetime as dt

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import Dash, Input, Output, State, dcc, html
from sqlalchemy.exc import SQLAlchemyError

from board.domain.rankings import MEASURES, RATES, REPORT_NAMES, Period, last_complete, parse_period, summary
from board.usecases.service import BoardService
from layouts.common import as_of_value, notices
from layouts.figures import empty_figure
from layouts.ids.rankings import Rankings
from layouts.report_tables import display_table, ranking_workbook
from layouts.theme import template_for
from layouts.urlstate import to_search

from .common import register_as_of_value, register_print_button, resolve_unit
from .errors import friendly_error

KEY = {"week": "on_time_rate", "month": "score", "quarter": "score"}


def period_options(kind: str, as_of: dt.date, n: int = 12) -> list[dict]:
    """The last n complete periods of a kind, newest first."""
    p, out = last_complete(kind, as_of), []
    for _ in range(n):
        out.append({"label": f"{p.label}（{p.start:%m-%d}～{p.end:%m-%d}）", "value": p.label})
        p = p.previous()
    return out


def parent_options(svc: BoardService) -> list[dict]:
    """Units that have children (a ranking compares siblings), within what the user may see."""
    units = svc.visible_units()
    parents = set(units["parent_code"].dropna())
    return [{"label": "　" * int(r.level) + r.unit_name, "value": r.unit_code}
            for r in units.itertuples() if r.unit_code in parents]  # fmt: skip


def update_options(svc: BoardService, kind: str, as_of: str | None, current: str | None) -> tuple:
    """(period options, selected period, parent options): keep a valid current period, else the last complete."""
    try:
        day = svc.as_of(as_of[:10] if as_of else None)
        options = period_options(kind, day)
        parents = parent_options(svc)
    except (SQLAlchemyError, ValueError):
        return [], None, []
    valid = {o["value"] for o in options}
    try:
        if current and current not in valid and parse_period(kind, current).end <= day:
            options.append({"label": current, "value": current})
            valid.add(current)
    except ValueError:
        pass
    return options, current if current in valid else options[0]["value"], parents


def update_ranking(
    svc: BoardService, kind: str, label: str | None, unit: str | None, as_of: str | None, requested: str | None = None
) -> tuple:
    """(notice, title, summary, table, bars, history, URL search); never raises."""  # fmt: skip
    messages: list[str] = []
    search = to_search(unit, as_of, None, kind=kind, label=label)
    try:
        period = parse_period(kind, label) if label else last_complete(kind, svc.as_of(as_of[:10] if as_of else None))
        scope = resolve_unit(svc, unit, requested, messages)
        frame = svc.ranking(period, scope.root)
        history = svc.ranking_history(period, scope.root)
        issuer = svc.units().set_index("unit_code").loc[scope.root, "unit_name"]
    except (SQLAlchemyError, ValueError, LookupError) as exc:
        fig = empty_figure("暂无数据")
        return notices([friendly_error(exc)], "danger"), "", "", None, fig, fig, search
    title = f"{issuer}{REPORT_NAMES[kind]} · {period.label}（{period.start} 至 {period.end}）"
    return (notices(messages), title, summary(frame, kind, period), _table(frame, kind, period),
            _bars(frame, kind), _history(history, kind), search)  # fmt: skip


def _table(frame: pd.DataFrame, kind: str, period: Period) -> dbc.Table:
    shown = display_table(frame, kind)
    head = html.Thead(html.Tr([html.Th(c) for c in shown.columns]))
    rows = []
    for (_, r), code in zip(shown.iterrows(), frame["unit_code"]):
        href = (f"/progress?unit={code}&as_of={period.end}&states=open,energized"
                f"&from={period.start}&to={period.end}")  # fmt: skip
        cells = [html.Td(v, className=_arrow_class(v) if c == "变化" else None) for c, v in r.items()]
        cells[2] = html.Td(html.A(r["单位"], href=href, title="查看该单位本期工单"))
        rows.append(html.Tr(cells))
    return dbc.Table([head, html.Tbody(rows)], bordered=True, hover=True, size="sm", className="ranking-table")


def _arrow_class(v) -> str | None:
    return "text-success" if str(v).startswith("▲") else "text-danger" if str(v).startswith("▼") else None


def _bars(frame: pd.DataFrame, kind: str) -> go.Figure:
    key = KEY[kind]
    ranked = frame[frame[key].notna()]
    values = ranked[key] * (100 if key in RATES else 1)
    fig = go.Figure(go.Bar(x=values, y=ranked["unit_name"], orientation="h", text=values.round(1),
                           textposition="auto", marker_color="#2f80ed"))  # fmt: skip
    fig.update_layout(template=template_for("desk"), title=MEASURES[kind][key] + ("（%）" if key in RATES else ""),
                      yaxis=dict(autorange="reversed"), height=max(260, 80 + 36 * len(ranked)))  # fmt: skip
    return fig


def _history(history: pd.DataFrame, kind: str) -> go.Figure:
    key = KEY[kind]
    fig = go.Figure()
    for name, part in history.groupby("unit_name", sort=False):
        y = part[key] * (100 if key in RATES else 1)
        fig.add_trace(go.Scatter(x=part["period"], y=y, name=name, mode="lines+markers", connectgaps=False))
    fig.update_layout(template=template_for("desk"), title=f"近 8 期{MEASURES[kind][key]}",
                      legend=dict(orientation="h", y=-0.2), height=360)  # fmt: skip
    return fig


def register(app: Dash, svc: BoardService) -> None:
    """Attach the 三通报 callbacks to an app."""
    register_as_of_value(app, Rankings.AS_OF)

    @app.callback(
        Output(Rankings.PERIOD, "options"), Output(Rankings.PERIOD, "value"), Output(Rankings.UNIT, "options"),
        Input(Rankings.KIND, "value"), Input(as_of_value(Rankings.AS_OF), "data"), State(Rankings.PERIOD, "value"),
    )  # fmt: skip
    def on_kind(kind, as_of, current):
        return update_options(svc, kind, as_of, current)

    @app.callback(
        Output(Rankings.NOTICE, "children"), Output(Rankings.TITLE, "children"), Output(Rankings.SUMMARY, "children"),
        Output(Rankings.TABLE, "children"), Output(Rankings.BARS, "figure"), Output(Rankings.HISTORY, "figure"),
        Output(Rankings.URL, "search"),
        Input(Rankings.PERIOD, "value"), Input(Rankings.UNIT, "value"), State(Rankings.KIND, "value"),
        State(Rankings.AS_OF, "date"), State(Rankings.REQUESTED, "data"),
    )  # fmt: skip
    def on_period(label, unit, kind, as_of, requested):
        return update_ranking(svc, kind, label, unit, as_of, requested)

    @app.callback(
        Output(Rankings.DOWNLOAD, "data"), Input(Rankings.XLSX, "n_clicks"), State(Rankings.KIND, "value"),
        State(Rankings.PERIOD, "value"), State(Rankings.UNIT, "value"), prevent_initial_call=True,
    )  # fmt: skip
    def on_xlsx(_n, kind, label, unit):
        period = parse_period(kind, label)
        try:
            scope = svc.scope(unit)
        except LookupError as exc:
            svc.audit("export_refused", f"三通报 {period.label}：{exc}")
            return None
        svc.audit("export", f"三通报 {kind} {period.label}", scope=scope.root)
        issuer = svc.units().set_index("unit_code").loc[scope.root, "unit_name"]
        data = ranking_workbook(svc.ranking(period, scope.root), kind, period, issuer)
        return dcc.send_bytes(data, f"{REPORT_NAMES[kind]}-{period.label}.xlsx")

    register_print_button(app, Rankings.PRINT)
