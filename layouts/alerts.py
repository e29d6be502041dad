"""超时预警 page: unit × stage heatmap with drill-down, weekly trend, and the warning list."""

from __future__ import annotations

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from board.domain.alerts import DRILL_COLUMNS, DRILL_HEADERS, METRICS
from layouts.urlstate import CLASSES, VOLTAGES, parse_params

from .common import GRID_OPTIONS, filter_bar, graph_config
from .ids.alerts import Alerts

TITLE = "超时预警"

WARN_COLUMNS = [
    {"field": "status_name", "headerName": "状态", "width": 90, "cellClassRules": {
        "cell-overdue": "params.value == '超时'", "cell-warning": "params.value == '预警'"}},
    {"field": "case_id", "headerName": "工单号", "width": 130},
    {"field": "customer_name", "headerName": "客户", "flex": 2},
    {"field": "unit_name", "headerName": "单位", "flex": 1},
    {"field": "stage", "headerName": "环节", "flex": 1},
    {"field": "party", "headerName": "责任方", "width": 110},
    {"field": "elapsed_limit", "headerName": "已用 / 时限", "width": 150},
    {"field": "overrun", "headerName": "超期", "width": 80, "type": "numericColumn"},
    {"field": "level", "headerName": "督办层级", "width": 100, "type": "numericColumn"},
    {"field": "manager", "headerName": "客户经理", "width": 110},
]  # fmt: skip


def _select(id_, options: dict[str, str], value, placeholder: str) -> dcc.Dropdown:
    return dcc.Dropdown(id=id_, options=[{"label": v, "value": k} for k, v in options.items()], value=value,
                        placeholder=placeholder, clearable=True)  # fmt: skip


def layout(**query) -> html.Div:
    """The page skeleton with filter values from the URL; callbacks fill the figures and tables."""
    state = parse_params({k: str(v) for k, v in query.items()})
    metric = str(query.get("metric", "overdue_open"))
    metric = metric if metric in METRICS else "overdue_open"
    filters = dbc.Row(
        [
            dbc.Col([dbc.Label("电压等级"), _select(Alerts.VOLTAGE, VOLTAGES, state.voltage, "全部")], md=2),
            dbc.Col([dbc.Label("客户类别"), _select(Alerts.CLASS, CLASSES, state.customer_class, "全部")], md=2),
            dbc.Col([dbc.Label("重点项目"), dbc.Checklist(id=Alerts.KEY, options=[{"label": "仅重点项目", "value": 1}],
                                                        value=[1] if state.key_only else [], switch=True)], md=2),
            dbc.Col([dbc.Label("热力图指标"), dbc.RadioItems(id=Alerts.METRIC, value=metric, inline=True,
                     options=[{"label": m.label, "value": k} for k, m in METRICS.items()])], md=6),
        ],
        className="g-3 mb-2",
    )  # fmt: skip
    drill_grid = dag.AgGrid(
        id=Alerts.DRILL_GRID,
        columnDefs=[{"field": c, "headerName": DRILL_HEADERS[c]} for c in DRILL_COLUMNS],
        rowData=[],
        defaultColDef={"sortable": True, "filter": True, "resizable": True},
        dashGridOptions=GRID_OPTIONS,
        style={"height": "360px"},
    )
    warn_grid = dag.AgGrid(
        id=Alerts.WARN_GRID,
        columnDefs=WARN_COLUMNS,
        rowData=[],
        defaultColDef={"sortable": True, "filter": True, "resizable": True},
        dashGridOptions=GRID_OPTIONS,
        style={"height": "520px"},
    )
    return html.Div(
        [
            dcc.Location(id=Alerts.URL, refresh=False),
            dcc.Store(id=Alerts.REQUESTED, data=str(query.get("unit", ""))[:64]),
            html.H2(TITLE, className="page-title"),
            filter_bar(Alerts.UNIT, Alerts.AS_OF, Alerts.PERIOD, state.unit, state.as_of, state.period),
            filters,
            html.Div(id=Alerts.NOTICE),
            html.Div(id=Alerts.BREADCRUMB, className="mb-2"),
            dcc.Loading(dcc.Graph(id=Alerts.HEATMAP, config=graph_config()), delay_show=300),
            html.Div(
                [
                    html.H4(id=Alerts.DRILL_TITLE, children="点击热力图中的格子，查看对应工单", className="mt-2"),
                    dbc.ButtonGroup(
                        [
                            dbc.Button("导出 CSV", id=Alerts.EXPORT_CSV, size="sm", outline=True, color="secondary"),
                            dbc.Button("导出 Excel", id=Alerts.EXPORT_XLSX, size="sm", outline=True, color="secondary"),
                        ],
                        className="mb-2",
                    ),
                    drill_grid,
                    dcc.Download(id=Alerts.DOWNLOAD),
                ]
            ),
            dcc.Graph(id=Alerts.TREND, config=graph_config(), className="mt-3"),
            html.H4("预警清单", className="mt-3"),
            html.Div(id=Alerts.WARN_COUNTS, className="mb-2"),
            warn_grid,
            html.Div(id=Alerts.STAMP, className="text-muted small mt-2"),
            dcc.Interval(id=Alerts.REFRESH, interval=120_000),
        ]
    )
