"""Wall screen callbacks: client-side rotation and reload, server refresh that never overlaps or flickers."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from dash import Dash, Input, Output, State, html, no_update

from board.config import LOCAL_TZ
from board.config import now as clock
from board.domain.alerts import drill_rows, heatmap_matrix, warning_list
from board.domain.rankings import Period, last_complete, period_containing
from board.usecases.service import BoardService, PortfolioQuery
from data_access.masking import mask_name
from data_access.queries import NO_FILTER
from layouts.capacity_figures import capacity_map
from layouts.common import kpi_tiles
from layouts.figures import heatmap_figure, ranking_figure
from layouts.ids.wall import VIEWS, Wall, dot_id, view_id
from layouts.progress_figures import party_figure, wait_figure
from layouts.theme import WALL_MIN_FONT_PX

from .errors import friendly_error

FIGURES = [Wall.HEATMAP, Wall.WAIT, Wall.PARTIES, Wall.MAP, Wall.RANKING]
CONTENT = [Wall.KPIS, Wall.WARNINGS]
WARN_ROWS = 20
# the band shows the first six; a spliced wall (aspect ≥ 3:1) has room for all eight
WALL_TILES = ("on_time_rate", "overdue_open", "warning_open", "open_cases", "energized_cases",
              "avg_connect_days_high", "customer_visible_rate", "warning_success_rate")  # fmt: skip

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
    // the board's time zone, not the kiosk's: the clock must agree with the server's 更新于 stamp
    const clock = new Date().toLocaleTimeString('zh-CN', {timeZone: '%s', hour12: false});
    return [clock,
            ...names.map(v => ({display: v === active ? 'block' : 'none'})),
            ...names.map(v => 'wall-dot' + (v === active ? ' active' : '') + (shown.includes(v) ? '' : ' off'))];
}
""" % (str(list(VIEWS)), LOCAL_TZ.key)


def build(svc: BoardService, config: dict, scale: float) -> dict:
    """Every figure and panel of the wall for its unit and as-of date (raises when the data cannot be read)."""
    day = svc.as_of(config.get("as_of"))
    unit = config.get("unit")
    scope = svc.scope(unit)
    last = last_complete("week", day)
    week = period_containing("week", day)
    # the views are independent: a day not in the read model (a past as-of) computes them side by side
    tile_list, alerts, open_cases, cap, last_ranking, running = svc.concurrently(
        lambda: svc.tiles(day, scope.root, 30),
        lambda: svc.alerts(day, scope.root, 30, NO_FILTER),
        lambda: svc.portfolio_summary(PortfolioQuery(day, scope.root, frozenset({"open"}))),
        lambda: svc.capacity(day, scope.root),
        lambda: svc.ranking(last, scope.root),
        lambda: svc.ranking(Period("week", week.start, min(week.end, day), week.label), scope.root),
    )
    w = svc.workload(day, scope.root, 30)  # computed for the tiles
    names = dict(zip(w.units["unit_code"], w.units["unit_name"]))
    stage_names = {c: svc.rules.stage_name(c) for c in svc.rules.stage_info}
    heat = heatmap_figure(heatmap_matrix("overdue_open", w.units, scope.root, alerts.open_stages, alerts.finished,
                                         svc.rules), "overdue_open", names, stage_names, theme="wall")  # fmt: skip
    target = svc.rules.targets.get("on_time_rate", {}).get("min")
    figures = {
        Wall.HEATMAP: heat.update_layout(title="超时在途（个）· 单位 × 环节"),
        Wall.WAIT: wait_figure(open_cases.wait, theme="wall").update_layout(title="双链卡点：各环节在途与超时"),
        Wall.PARTIES: party_figure(open_cases.split, open_cases.share, svc.rules.parties, theme="wall").update_layout(
            title=f"责任边界：供电公司占用 {_pct(open_cases.share)}"
        ),
        Wall.MAP: capacity_map(
            cap.feeders, cap.substations, cap.points, cap.areas, day, theme="wall", tiles=svc.settings.map_tiles
        ),  # fmt: skip
        Wall.RANKING: ranking_figure(
            last_ranking, running, f"上周（{last.label}）时限达标率排名", target, theme="wall"
        ),  # fmt: skip
    }
    figures[Wall.PARTIES].update_layout(margin=dict(t=170))  # title, then the legend above the bars
    top = open_cases.wait["open_cases"].max() if not open_cases.wait.empty else 0
    figures[Wall.WAIT].update_xaxes(range=[0, max(float(top), 1.0) * 1.5])  # room for the 中位/最长 labels
    for name in (Wall.WAIT, Wall.PARTIES):  # plotly picks ticks by pixels: at 4K they would collide at 2× type
        figures[name].update_xaxes(nticks=6)
    # the ranking's axis is 70 % of a narrow panel: at 4K plotly put six ticks there and turned them onto the legend
    figures[Wall.RANKING].update_xaxes(nticks=4, tickangle=0)
    figures[Wall.RANKING].update_traces(selector=dict(type="scatter"), marker_size=round(16 * scale))
    base = round(WALL_MIN_FONT_PX * scale)
    for fig in figures.values():
        fig.update_layout(font_size=base, title_font_size=round(base * 1.2), legend_font_size=base,
                          hoverlabel_font_size=base, margin=_scaled_margin(fig, scale))  # fmt: skip
        fig.update_annotations(font_size=base)
    warnings = drill_rows(
        warning_list(alerts.open_stages, svc.rules).head(WARN_ROWS), w.units, svc.rules, keep_order=True
    )
    tiles = {t.kpi.name: t for t in tile_list}
    return {
        "title": f"{names.get(scope.root, '')} 业扩报装监管看板",
        "as_of": str(day),
        "figures": figures,
        Wall.KPIS: kpi_tiles([tiles[n] for n in WALL_TILES if n in tiles], theme="wall"),
        Wall.WARNINGS: _warnings(warnings),
    }


def _scaled_margin(fig, scale: float) -> dict:
    """The figure's margins (the wall template's where it sets none) grown with the screen, as its type is."""
    default = {"l": 60, "r": 20, "t": 50, "b": 40}
    m = fig.layout.margin
    return {k: round((getattr(m, k) if getattr(m, k) is not None else v) * scale) for k, v in default.items()}


def _pct(share: float) -> str:
    return "—" if share != share else f"{share * 100:.0f}%"


def _scale(screen) -> float:
    """How much the figures' type grows: screen height over 1080, in quarter steps and never below 1, so every
    1080p kiosk (whatever its exact window) shares one cached build. Older clients sent the width alone."""
    if isinstance(screen, (list, tuple)) and len(screen) == 2:
        height = int(screen[1] or 1080)
    else:
        height = round(int(screen or 1920) * 9 / 16)
    return max(1.0, round(height / 1080 * 4) / 4)


def _warnings(rows: pd.DataFrame) -> html.Div:
    """The most severe open stages as a rolling list, names masked (the wall is seen by visitors); the list is
    drawn twice so the roll loops without a jump, the copy hidden from screen readers."""
    if rows.empty:
        return html.Div("当前没有预警或超时的环节", className="wall-roll-empty")
    items = []
    for r in rows.itertuples():
        late = r.status_name == "超时"
        tone = "overdue" if late else "warning"
        items.append(
            html.Li(
                [
                    html.Div([html.Span(r.status_name, className=f"wall-badge {tone}"),
                              html.Span(f"{r.stage}", className="wall-roll-stage"),
                              html.Span(f"超期 {r.overrun} 天" if late else f"已用 {r.elapsed_limit}",
                                        className=f"wall-roll-num {tone}")], className="wall-roll-line"),
                    html.Div(f"{r.unit_name} · {mask_name(r.customer_name)} · {r.party}", className="wall-roll-sub"),
                ],
                className="wall-roll-item",
            )
        )  # fmt: skip
    loop = "wall-roll-list rolling" if len(items) > 6 else "wall-roll-list"
    lists = [html.Ul(items, className=loop)]
    if len(items) > 6:
        lists.append(html.Ul(items, className=loop, **{"aria-hidden": "true"}))
    return html.Div(lists, className="wall-roll-track" + (" rolling" if len(items) > 6 else ""))


def cached_build(svc: BoardService, config: dict, screen) -> dict:
    """`build`, shared by every wall screen of a scope and width per data version (figures and all); only the unit
    and the day change what is built, the rotation settings do not."""
    day = svc.as_of(config.get("as_of"))
    scale = _scale(screen)
    return svc.cached(("wall", day, scale), lambda: build(svc, config, scale), unit=config.get("unit"))


def refresh(svc: BoardService, config: dict, screen, last_good: dict | None) -> tuple:
    """(title, stamp, banner, last-good store, *figures, *contents). Unchanged data returns no_update for the
    figures (nothing redraws); a failure keeps the last good figures and shows how old they are and why."""
    now = clock()
    keep = [no_update] * (len(FIGURES) + len(CONTENT))
    try:
        svc.check_available()
        version = svc.data_version()
        day = svc.as_of(config.get("as_of"))  # the date rolls over at midnight even when no data arrives
        key = f"{version}|{day}|{config}|{screen}"
        if last_good and last_good.get("key") == key:
            stamp = f"数据截至 {last_good['as_of']} · 更新于 {now:%H:%M:%S}"
            return no_update, stamp, None, {**last_good, "at": now.isoformat()}, *keep
        data = cached_build(svc, config, screen)
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
        Output(Wall.CLOCK, "children"),
        *[Output(view_id(v), "style") for v in VIEWS],
        *[Output(dot_id(v), "className") for v in VIEWS],
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
        "function(c) { return [window.innerWidth, window.innerHeight]; }",
        Output(Wall.SCREEN, "data"),
        Input(Wall.CONFIG, "data"),
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
