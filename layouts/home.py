"""Home page: live KPI header of SPEC §4.3 and the child units at a glance."""

from __future__ import annotations

from dash import dcc, html

from layouts.urlstate import parse_params

from .common import filter_bar
from .ids.home import Home

TITLE = "业扩报装总览"


def layout(**query) -> html.Div:
    """The page skeleton; callbacks fill the numbers (no I/O here)."""
    state = parse_params({k: str(v) for k, v in query.items()})
    return html.Div(
        [
            dcc.Location(id=Home.URL, refresh=False),
            html.Div(
                [
                    html.H2(TITLE, className="page-title d-inline-block me-3"),
                    html.A("打开大屏模式 ↗", href="/wall", target="_blank", className="small"),
                ],
            ),  # fmt: skip
            filter_bar(Home.UNIT, Home.AS_OF, Home.PERIOD, state.unit, state.as_of, state.period),
            html.Div(id=Home.NOTICE),
            html.Section(id=Home.KPIS, className="home-tiles", **{"aria-label": "关键指标"}),
            html.H2("需要关注", className="h5 mt-2"),
            html.Ul(id=Home.ATTENTION, className="attention"),
            html.H2("下级单位概况", className="h5 mt-3"),
            html.Div(id=Home.UNITS_TABLE),
            html.Div(id=Home.STAMP, className="text-muted small mt-2"),
            dcc.Interval(id=Home.REFRESH, interval=60_000),
            # the unit asked for in the URL, checked against the tree by the callback (layouts do no I/O)
            dcc.Store(id=Home.REQUESTED, data=str(query.get("unit", ""))[:64]),
        ]
    )
