"""Wall screen callbacks: client-side rotation and reload, server refresh that never overlaps or flickers."""

from __future__ import annotations

import datetime as dt

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Dash, Input, Output, State, html, no_update

from board.config import LOCAL_TZ
from board.domain.alerts import drill_rows, heatmap_matrix, warning_list
from board.domain.rankings import Period, period_containing
from board.usecases.service import BoardService, PortfolioQuery
from data_access.masking import mask_name
from data_access.queries import NO_FILTER
from layouts.capacity_figures import capacity_map
from layouts.common import kpi_cards
from layouts.figures import heatmap_figure
from layouts.ids.wall import VIEWS, Wall, view_id
from layouts.progress_figures import party_figure, wait_figure
from layouts.report_tables import display_table

from .errors import friendly_error

FIGURES = [Wall.HEATMAP, Wall.WAIT, Wall.PARTIES, Wall.MAP]
CONTENT = [Wall.KPIS, Wall.RANKING, Wall.WARNINGS]
WARN_ROWS = 12

ROTATE_JS = """
function(n, config) {
    const names = %s;
    const shown = config.views, secs = config.seconds;
    const total = secs.reduce((a, b) => a + b, 0);
    let t = (n || 0) %% total, active = shown[0];
    for (let i = 0; i < shown.length; i++) { if (t < secs[i]) { active = shown[i]; break; } t -= secs[i]; }
    if (window.__wallActive !== active) {
        // figures drawn while hidden have no size: let plotly re-measure once the view is visible
        window.__wallActive = active;
        setTimeout(() => window.dispatchEvent(new Event('resize')), 60);
    }
    return names.map(v => ({display: v === active ? 'block' : 'none'}));
}
""" % str(list(VIEWS))


def build(svc: BoardService, config: dict, width: int | None) -> dict:
    """Every figure and table of the wall for its unit and as-of date (raises when the data cannot be read)."""
    day = svc.as_of(config.get("as_of"))
    unit = config.get("unit")
    scope = svc.scope(unit)
    w = svc.workload(day, scope.root, 30)
    scale = max(1.0, (width or 1920) / 1920)
    names = dict(zip(w.units["unit_code"], w.units["unit_name"]))
    stage_names = {c: svc.rules.stage_name(c) for c in svc.rules.stage_info}
    alerts = svc.alerts(day, scope.root, 30, NO_FILTER)
    heat = heatmap_figure(heatmap_matrix("overdue_open", w.units, scope.root, alerts.open_stages, alerts.finished,
                                         svc.rules), "overdue_open", names, stage_names, theme="wall")  # fmt: skip
    open_cases = svc.portfolio_summary(PortfolioQuery(day, scope.root, frozenset({"open"})))
    cap = svc.capacity(day, scope.root)
    week = period_containing("week", day)
    ranking = svc.ranking(Period("week", week.start, min(week.end, day), week.label), scope.root)
    figures = {
        Wall.HEATMAP: heat,
        Wall.WAIT: wait_figure(open_cases.wait, theme="wall"),
        Wall.PARTIES: party_figure(open_cases.split, open_cases.share, svc.rules.parties, theme="wall"),
        Wall.MAP: capacity_map(
            cap.feeders, cap.substations, cap.points, cap.areas, day, theme="wall", tiles=svc.settings.map_tiles
        ),  # fmt: skip
    }
    for fig in figures.values():
        fig.update_layout(font_size=round(20 * scale), title_font_size=round(28 * scale))
    warnings = drill_rows(
        warning_list(alerts.open_stages, svc.rules).head(WARN_ROWS), w.units, svc.rules, keep_order=True
    )
    return {
        "title": f"{names.get(scope.root, '')} 业扩报装监管看板",
        "as_of": str(day),
        "figures": figures,
        Wall.KPIS: kpi_cards(svc.kpis(day, scope.root, 30)),
        Wall.RANKING: _table(display_table(ranking, "week"), f"本周（{week.label}）业扩时限排名"),
        Wall.WARNINGS: _warnings(warnings),
    }


def _table(frame: pd.DataFrame, title: str) -> html.Div:
    head = html.Thead(html.Tr([html.Th(c) for c in frame.columns]))
    body = html.Tbody([html.Tr([html.Td(v) for v in row]) for row in frame.itertuples(index=False)])
    return html.Div([html.H3(title), dbc.Table([head, body], className="wall-grid", bordered=False)])


def _warnings(rows: pd.DataFrame) -> html.Div:
    """The most severe open stages, names masked: the wall is seen by visitors."""
    shown = pd.DataFrame({
        "状态": rows["status_name"], "工单": rows["case_id"], "客户": rows["customer_name"].map(mask_name),
        "单位": rows["unit_name"], "环节": rows["stage"], "责任方": rows["party"], "已用/时限": rows["elapsed_limit"],
        "超期": rows["overrun"], "督办": rows["level"],
    })  # fmt: skip
    return _table(shown, "超时预警（最严重的 12 条）")


def cached_build(svc: BoardService, config: dict, width: int | None) -> dict:
    """`build`, shared by every wall screen of a scope and width per data version (figures and all); only the unit
    and the day change what is built, the rotation settings do not."""
    day = svc.as_of(config.get("as_of"))
    return svc.cached(("wall", day, width), lambda: build(svc, config, width), unit=config.get("unit"))


def refresh(svc: BoardService, config: dict, width: int | None, last_good: dict | None) -> tuple:
    """(title, stamp, banner, last-good store, *figures, *contents). Unchanged data returns no_update for the
    figures (nothing redraws); a failure keeps the last good figures and shows how old they are and why."""
    now = dt.datetime.now(LOCAL_TZ)
    keep = [no_update] * (len(FIGURES) + len(CONTENT))
    try:
        svc.check_available()
        version = svc.data_version()
        day = svc.as_of(config.get("as_of"))  # the date rolls over at midnight even when no data arrives
        key = f"{version}|{day}|{config}|{width}"
        if last_good and last_good.get("key") == key:
            stamp = f"数据截至 {last_good['as_of']} · 更新于 {now:%H:%M:%S}"
            return no_update, stamp, None, {**last_good, "at": now.isoformat()}, *keep
        data = cached_build(svc, config, width)
    except Exception as exc:  # noqa: BLE001 - the wall never shows an error page
        reason = friendly_error(exc)
        if last_good:
            age = now - dt.datetime.fromisoformat(last_good["at"])
            minutes = int(age.total_seconds() // 60)
            text = f"数据可能已过时：显示的是 {minutes} 分钟前（{last_good['as_of']}）的数据。原因：{reason}"
        else:
            text = f"暂时无法读取数据：{reason}。将自动重试。"
        banner = html.Div(text, className="wall-stale")
        return no_update, no_update, banner, no_update, *keep
    good = {"key": key, "as_of": data["as_of"], "at": now.isoformat()}
    stamp = f"数据截至 {data['as_of']} · 更新于 {now:%H:%M:%S}"
    return (data["title"], stamp, None, good, *[data["figures"][f] for f in FIGURES], *[data[c] for c in CONTENT])


def register(app: Dash, svc: BoardService) -> None:
    """Attach the wall callbacks to an app."""
    app.clientside_callback(
        ROTATE_JS,
        *[Output(view_id(v), "style") for v in VIEWS],
        Input(Wall.TICK, "n_intervals"),
        State(Wall.CONFIG, "data"),
    )
    app.clientside_callback(
        "function(n) { if (n) { window.location.reload(); } return window.dash_clientside.no_update; }",
        Output(Wall.RELOAD, "disabled"),
        Input(Wall.RELOAD, "n_intervals"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        "function(c) { return window.innerWidth; }", Output(Wall.SCREEN, "data"), Input(Wall.CONFIG, "data")
    )

    @app.callback(
        Output(Wall.TITLE, "children"), Output(Wall.STAMP, "children"), Output(Wall.BANNER, "children"),
        Output(Wall.LAST_GOOD, "data"), *[Output(f, "figure") for f in FIGURES],
        *[Output(c, "children") for c in CONTENT],
        Input(Wall.REFRESH, "n_intervals"), Input(Wall.SCREEN, "data"), State(Wall.CONFIG, "data"),
        State(Wall.LAST_GOOD, "data"),
        running=[(Output(Wall.REFRESH, "disabled"), True, False)],  # a slow query never piles up requests
    )  # fmt: skip
    def on_refresh(_n, width, config, last_good):
        return refresh(svc, config, width, last_good)
