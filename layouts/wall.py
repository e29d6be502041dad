"""Wall screen: full screen, dark, rotating views, refreshing data, stale banner instead of errors."""

from __future__ import annotations

from dash import dcc, html

from .ids.wall import VIEWS, Wall, view_id

DEFAULT_SECONDS = 30
GRAPH_CONFIG = {"displayModeBar": False, "responsive": True}


def parse_wall(query: dict) -> dict:
    """Views, per-view seconds, refresh seconds, reload hours and unit from the URL (bad values fall back)."""
    views = [v for v in str(query.get("views", "")).split(",") if v in VIEWS] or list(VIEWS)
    raw = [s for s in str(query.get("seconds", "")).split(",") if s.strip()]
    seconds = []
    for i, _v in enumerate(views):
        try:
            seconds.append(min(max(int(raw[i] if i < len(raw) else raw[-1]), 5), 3600))
        except (ValueError, IndexError):
            seconds.append(DEFAULT_SECONDS)
    try:
        refresh = min(max(int(query.get("refresh", 60)), 5), 3600)
    except ValueError:
        refresh = 60
    try:
        reload_hours = min(max(float(query.get("reload_hours", 6)), 0.05), 48)
    except ValueError:
        reload_hours = 6.0
    unit = str(query.get("unit", ""))[:32] or None
    return {"views": views, "seconds": seconds, "refresh": refresh, "reload_hours": reload_hours, "unit": unit,
            "as_of": str(query.get("as_of", ""))[:10] or None}  # fmt: skip


def _graph(id_: str) -> dcc.Graph:
    return dcc.Graph(id=id_, config=GRAPH_CONFIG, className="wall-graph")


def layout(**query) -> html.Div:
    """All views are rendered once and only shown in turn, so rotating never redraws a figure."""
    config = parse_wall(query)
    views = {
        "kpi": [html.Div(id=Wall.KPIS, className="wall-kpis"), html.Div(_graph(Wall.HEATMAP), className="wall-heat")],
        "bottleneck": [html.Div([_graph(Wall.WAIT), _graph(Wall.PARTIES)], className="wall-two")],
        "capacity": [_graph(Wall.MAP)],
        "ranking": [html.Div(id=Wall.RANKING, className="wall-table")],
        "warnings": [html.Div(id=Wall.WARNINGS, className="wall-table")],
    }
    return html.Div(
        [
            dcc.Store(id=Wall.CONFIG, data=config),
            dcc.Store(id=Wall.SCREEN),
            dcc.Store(id=Wall.LAST_GOOD),
            dcc.Interval(id=Wall.TICK, interval=1000),
            dcc.Interval(id=Wall.REFRESH, interval=config["refresh"] * 1000),
            dcc.Interval(id=Wall.RELOAD, interval=int(config["reload_hours"] * 3600 * 1000)),
            html.Div(
                [html.Div(id=Wall.TITLE, className="wall-title"), html.Div(id=Wall.STAMP, className="wall-stamp")],
                className="wall-header",
            ),
            html.Div(id=Wall.BANNER),
            *[
                html.Div(
                    views[name],
                    id=view_id(name),
                    className="wall-view",
                    style={"display": "block" if i == 0 else "none"},
                )
                for i, name in enumerate(VIEWS)
            ],  # fmt: skip
        ],
        id=Wall.ROOT,
        className="wall",
    )
