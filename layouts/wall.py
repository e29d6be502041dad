"""Wall screen: one composed 大屏 for 16:9 (1080p, 4K) and spliced walls (e.g. 5760×1080) — header, KPI band,
ranking, a centre panel whose views take turns, a rolling warning list and the 责任边界 split; dark, refreshing,
a stale banner instead of errors. Sizes are in vh so a 4K screen is a 1080p screen scaled."""

from __future__ import annotations

from dash import dcc, html

from .ids.wall import ALWAYS_SHOWN, VIEWS, Wall, dot_id, view_id

DEFAULT_SECONDS = 30
GRAPH_CONFIG = {"displayModeBar": False, "responsive": True}
CENTRE = {"kpi": Wall.HEATMAP, "capacity": Wall.MAP, "bottleneck": Wall.WAIT}


def parse_wall(query: dict) -> dict:
    """Views, per-view seconds, refresh seconds, reload hours and unit from the URL (bad values fall back)."""
    asked = [v for v in str(query.get("views", "")).split(",") if v]
    views = [v for v in asked if v in VIEWS] or list(VIEWS)
    if asked and all(v in ALWAYS_SHOWN for v in asked):
        views = list(VIEWS)
    raw = [s for s in str(query.get("seconds", "")).split(",") if s.strip()]
    seconds = []
    for i, _v in enumerate(views):
        try:
            seconds.append(min(max(int(raw[i] if i < len(raw) else raw[-1]), 5), 3600))
        except (ValueError, IndexError):
            seconds.append(DEFAULT_SECONDS)
    try:
        # down to 1 s (a soak compresses days into an hour): the timer pauses while a refresh runs
        refresh = min(max(int(query.get("refresh", 60)), 1), 3600)
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
    return dcc.Graph(id=id_, config=GRAPH_CONFIG, className="wall-graph", style={"height": "100%"})


def layout(**query) -> html.Div:
    """All views are rendered once and only shown in turn, so rotating never redraws a figure."""
    config = parse_wall(query)
    centre = [
        html.Div(
            _graph(CENTRE[name]),
            id=view_id(name),
            className="wall-view",
            style={"display": "block" if i == 0 else "none"},
        )
        for i, name in enumerate(VIEWS)
    ]
    dots = [html.Span(VIEWS[v], className="wall-dot", id=dot_id(v)) for v in VIEWS]
    return html.Div(
        [
            dcc.Store(id=Wall.CONFIG, data=config),
            dcc.Store(id=Wall.SCREEN),
            dcc.Store(id=Wall.LAST_GOOD),
            dcc.Interval(id=Wall.TICK, interval=1000),
            dcc.Interval(id=Wall.REFRESH, interval=config["refresh"] * 1000),
            dcc.Interval(id=Wall.RELOAD, interval=int(config["reload_hours"] * 3600 * 1000)),
            html.Header(
                [
                    html.H1(id=Wall.TITLE, className="wall-title"),
                    html.Div(id=Wall.BANNER, className="wall-banner-slot"),
                    html.Div(
                        [
                            html.Span(id=Wall.STAMP, className="wall-stamp"),
                            html.Span(id=Wall.CLOCK, className="wall-clock"),
                        ],
                        className="wall-meta",
                    ),  # fmt: skip
                ],
                className="wall-header",
            ),
            html.Section(id=Wall.KPIS, className="wall-kpis", **{"aria-label": "关键指标"}),
            html.Main(
                [
                    html.Section(_graph(Wall.RANKING), className="wall-panel wall-rank"),
                    html.Section(
                        [html.Div(dots, className="wall-dots", id=Wall.DOTS), *centre],
                        className="wall-panel wall-centre",
                    ),  # fmt: skip
                    html.Section(
                        [
                            html.H2("超时预警", id=Wall.WARN_TITLE, className="wall-panel-title"),
                            html.Div(id=Wall.WARNINGS, className="wall-roll"),
                        ],
                        className="wall-panel wall-warn",
                    ),  # fmt: skip
                    html.Section(_graph(Wall.PARTIES), className="wall-panel wall-split"),
                ],
                className="wall-main",
            ),
        ],
        id=Wall.ROOT,
        className="wall",
    )
