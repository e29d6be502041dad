"""三通报 page: period type and period, parent unit; ranking table, bars, 8-period history, XLSX and print."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from board.domain.rankings import KIND_NAMES
from layouts.urlstate import parse_params

from .common import as_of_picker, graph_config, scope_placeholder
from .ids.rankings import Rankings

TITLE = "三通报"


def layout(**query) -> html.Div:
    """Skeleton with the kind, period and unit from the URL; callbacks validate and fill everything."""
    q = {k: str(v) for k, v in query.items()}
    state = parse_params(q)
    kind = q.get("kind") if q.get("kind") in KIND_NAMES else "week"
    controls = dbc.Row(
        [
            dbc.Col([dbc.Label("通报类型"), dbc.RadioItems(
                id=Rankings.KIND, value=kind, inline=True,
                options=[{"label": f"{n}通报", "value": k} for k, n in KIND_NAMES.items()])], md=3),
            dbc.Col([dbc.Label("通报周期"), dcc.Dropdown(id=Rankings.PERIOD, value=q.get("label", "")[:12] or None,
                                                       clearable=False)], md=3),
            dbc.Col([dbc.Label("排名范围（对其下级单位排名）"),
                     dcc.Dropdown(id=Rankings.UNIT, value=state.unit, clearable=False,
                                  placeholder=scope_placeholder())], md=4),
            dbc.Col([dbc.Label("数据截至"), *as_of_picker(Rankings.AS_OF, state.as_of)], md=2),
        ],
        className="g-3 mb-3 no-print",
    )  # fmt: skip
    return html.Div(
        [
            dcc.Location(id=Rankings.URL, refresh=False),
            dcc.Store(id=Rankings.REQUESTED, data=q.get("unit", "")[:64]),
            html.H2(TITLE, className="page-title no-print"),
            controls,
            html.Div(id=Rankings.NOTICE),
            html.H3(id=Rankings.TITLE, className="report-title"),
            html.P(id=Rankings.SUMMARY, className="report-summary"),
            html.Div(id=Rankings.TABLE),
            html.Div(
                [
                    dbc.Button("下载通报 Excel", id=Rankings.XLSX, color="secondary", outline=True, className="me-2"),
                    dbc.Button("打印通报", id=Rankings.PRINT, color="secondary", outline=True),
                    dcc.Download(id=Rankings.DOWNLOAD),
                ],
                className="no-print my-2",
            ),
            dbc.Row(
                [
                    dbc.Col(dcc.Graph(id=Rankings.BARS, config=graph_config()), lg=5),
                    dbc.Col(dcc.Graph(id=Rankings.HISTORY, config=graph_config()), lg=7),
                ]
            ),  # fmt: skip
        ]
    )
