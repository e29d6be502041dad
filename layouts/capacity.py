"""可开放容量 page: offline map, asset table, "能否接入" query and summary figures."""

from __future__ import annotations

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from board.domain.capacity import CLASS_NAMES
from layouts.urlstate import parse_params

from .common import GRID_OPTIONS, as_of_picker, graph_config
from .ids.capacity import Capacity

TITLE = "可开放容量"
COLUMNS = [
    {"field": "kind", "headerName": "类型", "width": 80},
    {"field": "name", "headerName": "名称", "width": 150},
    {"field": "substation", "headerName": "所属变电站", "width": 130},
    {"field": "rating_mw", "headerName": "额定MW", "width": 95, "type": "numericColumn"},
    {"field": "peak_mw", "headerName": "最大负荷MW", "width": 110, "type": "numericColumn"},
    {"field": "promised_mw", "headerName": "在途MW", "width": 95, "type": "numericColumn"},
    {"field": "open_mw", "headerName": "可开放MW", "width": 105, "type": "numericColumn"},
    {"field": "open_pct", "headerName": "可开放%", "width": 95, "type": "numericColumn"},
    {"field": "spare_bays", "headerName": "空余间隔", "width": 95, "type": "numericColumn"},
    {"field": "class_name", "headerName": "分级", "width": 85},
    {"field": "reason", "headerName": "受限原因", "width": 180},
]


def layout(**query) -> html.Div:
    """Skeleton; the map and tables are drawn by callbacks."""
    state = parse_params({k: str(v) for k, v in query.items()})
    controls = dbc.Row(
        [
            dbc.Col(
                [
                    dbc.Label("数据截至"),
                    *as_of_picker(Capacity.AS_OF, state.as_of),
                ],
                md=2,
            ),
            dbc.Col(
                [dbc.Label("变电站"), dcc.Dropdown(id=Capacity.SUBSTATION, placeholder="全部", clearable=True)], md=3
            ),
            dbc.Col(
                [
                    dbc.Label("分级"),
                    dbc.Checklist(
                        id=Capacity.CLASSES,
                        inline=True,
                        value=list(CLASS_NAMES),
                        options=[{"label": v, "value": k} for k, v in CLASS_NAMES.items()],
                    ),
                ],
                md=4,
            ),
            dbc.Col(
                [
                    dbc.Label("资产"),
                    dbc.RadioItems(
                        id=Capacity.KIND,
                        value="all",
                        inline=True,
                        options=[
                            {"label": "全部", "value": "all"},
                            {"label": "线路", "value": "feeder"},
                            {"label": "变电站", "value": "substation"},
                        ],
                    ),
                ],
                md=3,
            ),
        ],
        className="g-3 mb-2",
    )
    query_box = dbc.Card(
        dbc.CardBody(
            [
                html.H5("能否接入？", className="card-title"),
                dbc.InputGroup(
                    [
                        dbc.Input(id=Capacity.LOAD, placeholder="报装容量，例如 800", type="text", inputMode="decimal"),
                        dbc.InputGroupText("kVA"),
                        dbc.Button("查询", id=Capacity.QUERY, color="primary"),
                        dbc.Button("清除", id=Capacity.CLEAR, color="secondary", outline=True),
                    ]
                ),
                html.Div(
                    id=Capacity.LOCATION, className="small text-muted mt-1", children="可先点击地图选择接入位置（可选）"
                ),
                html.Div(id=Capacity.MESSAGE, className="mt-2"),
                html.Div(id=Capacity.RESULT),
            ]
        ),
        className="mb-3",
    )
    table = dag.AgGrid(
        id=Capacity.GRID,
        columnDefs=COLUMNS,
        rowData=[],
        getRowId="params.data.code",
        defaultColDef={"sortable": True, "filter": True, "resizable": True},
        dashGridOptions={**GRID_OPTIONS, "rowSelection": {"mode": "singleRow", "enableClickSelection": True}},
        style={"height": "560px"},
    )
    return html.Div(
        [
            dcc.Location(id=Capacity.URL, refresh=False),
            dcc.Store(id=Capacity.SELECTED),
            dcc.Store(id=Capacity.CANDIDATES),
            dcc.Store(id=Capacity.POINT),
            html.H2(TITLE, className="page-title"),
            controls,
            html.Div(id=Capacity.NOTICE),
            dbc.Row(
                [
                    dbc.Col(dcc.Graph(id=Capacity.MAP, config=graph_config(scrollZoom=True)), lg=7),
                    dbc.Col(
                        [
                            query_box,
                            dbc.ButtonGroup(
                                [
                                    dbc.Button(
                                        "导出 CSV", id=Capacity.EXPORT_CSV, size="sm", outline=True, color="secondary"
                                    ),
                                    dbc.Button(
                                        "导出 Excel",
                                        id=Capacity.EXPORT_XLSX,
                                        size="sm",
                                        outline=True,
                                        color="secondary",
                                    ),
                                ],
                                className="mb-2",
                            ),
                            table,
                            dcc.Download(id=Capacity.DOWNLOAD),
                        ],
                        lg=5,
                    ),
                ]
            ),
            dbc.Row(
                [
                    dbc.Col(dcc.Graph(id=Capacity.SUB_BARS, config=graph_config()), lg=4),
                    dbc.Col(dcc.Graph(id=Capacity.CLASS_SHARE, config=graph_config()), lg=4),
                    dbc.Col(dcc.Graph(id=Capacity.SUPPLY, config=graph_config()), lg=4),
                ],
                className="mt-3",
            ),
        ]
    )
