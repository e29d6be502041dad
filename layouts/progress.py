"""双链进度 pages: the portfolio (filters, case table with progress strips, bottleneck, 责任边界) and case detail."""

from __future__ import annotations

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from board.domain.portfolio import CHIP_NAMES
from layouts.urlstate import CLASSES, VOLTAGES, parse_params

from .common import GRID_OPTIONS, filter_bar, graph_config
from .ids.progress import CasePage, Progress

TITLE = "双链进度"
STATES = {"open": "在途", "energized": "已送电", "cancelled": "已撤销"}
RISKS = {"likely_late": "可能延误", "at_risk": "有风险", "on_track": "正常"}
PARTIES = {
    "utility": "供电公司",
    "customer": "客户",
    "designer": "设计单位",
    "supplier": "设备供应商",
    "builder": "施工单位",
    "government": "政府部门",
}

COLUMNS = [
    {"field": "case_id", "headerName": "工单号", "cellRenderer": "CaseLink", "width": 130, "pinned": "left"},
    {"field": "customer_name", "headerName": "客户", "width": 200},
    {"field": "unit_name", "headerName": "单位", "width": 110},
    {"field": "class_name", "headerName": "类别", "width": 100},
    {"field": "capacity_kva", "headerName": "容量kVA", "width": 100, "type": "numericColumn"},
    {"field": "applied_on", "headerName": "申请日期", "width": 115},
    {"field": "state_name", "headerName": "状态", "width": 85},
    {
        "field": "strip",
        "headerName": "双链进度（电网 / 客户）",
        "cellRenderer": "ProgressStrip",
        "width": 420,
        "sortable": False,
        "filter": False,
    },
    {"field": "current", "headerName": "当前环节", "width": 140},
    {"field": "holder", "headerName": "责任方", "width": 110},
    {"field": "days", "headerName": "接电/在途天数", "width": 120, "type": "numericColumn"},
    {"field": "grid_wd", "headerName": "供电流转(工作日)", "width": 130, "type": "numericColumn"},
    {"field": "customer_vs_base", "headerName": "客户侧/基准(天)", "width": 130, "sortable": False},
    {"field": "supervision_level", "headerName": "督办层级", "width": 95, "type": "numericColumn"},
    {"field": "forecast", "headerName": "预计送电", "width": 115},
    {"field": "desired", "headerName": "期望送电", "width": 115},
    {
        "field": "risk_name",
        "headerName": "风险",
        "width": 95,
        "cellClassRules": {"cell-overdue": "params.value == '可能延误'", "cell-warning": "params.value == '有风险'"},
    },
    {"field": "manager", "headerName": "客户经理", "width": 100},
]


def _dropdown(id_, options: dict[str, str], value, placeholder: str, multi: bool = False) -> dcc.Dropdown:
    return dcc.Dropdown(
        id=id_,
        options=[{"label": v, "value": k} for k, v in options.items()],
        value=value,
        placeholder=placeholder,
        clearable=True,
        multi=multi,
    )


def parse_states(raw: str | None) -> list[str]:
    """States from `states=open,energized`; anything unknown is dropped, empty means open."""
    states = [s for s in (raw or "").split(",") if s in STATES]
    return states or ["open"]


def layout(**query) -> html.Div:
    """Portfolio skeleton with every filter taken from the URL (validated; bad values fall back)."""
    q = {k: str(v) for k, v in query.items()}
    state = parse_params(q)
    party = q.get("party") if q.get("party") in PARTIES else None
    applied_from = parse_params({"as_of": q.get("from", "")}).as_of
    applied_to = parse_params({"as_of": q.get("to", "")}).as_of
    filters = dbc.Row(
        [
            dbc.Col(
                [
                    dbc.Label("状态"),
                    _dropdown(Progress.STATES, STATES, parse_states(q.get("states")), "在途", multi=True),
                ],
                md=3,
            ),
            dbc.Col(
                [
                    dbc.Label("申请日期"),
                    dcc.DatePickerRange(
                        id=Progress.APPLIED,
                        start_date=applied_from,
                        end_date=applied_to,
                        display_format="YYYY-MM-DD",
                        clearable=True,
                        start_date_placeholder_text="起",
                        end_date_placeholder_text="止",
                    ),
                ],
                md=3,
            ),
            dbc.Col([dbc.Label("电压等级"), _dropdown(Progress.VOLTAGE, VOLTAGES, state.voltage, "全部")], md=2),
            dbc.Col([dbc.Label("客户类别"), _dropdown(Progress.CLASS, CLASSES, state.customer_class, "全部")], md=2),
            dbc.Col([dbc.Label("责任方"), _dropdown(Progress.PARTY, PARTIES, party, "全部")], md=2),
            dbc.Col(
                [
                    dbc.Label("重点项目"),
                    dbc.Checklist(
                        id=Progress.KEY,
                        options=[{"label": "仅重点项目", "value": 1}],
                        value=[1] if state.key_only else [],
                        switch=True,
                    ),
                ],
                md=2,
            ),
            dbc.Col(
                [
                    dbc.Label("送电风险"),
                    _dropdown(Progress.RISK, RISKS, q.get("risk") if q.get("risk") in RISKS else None, "全部"),
                ],
                md=2,
            ),
            dbc.Col(
                [
                    dbc.Label("搜索"),
                    dbc.Input(
                        id=Progress.SEARCH,
                        value=q.get("q", "")[:60],
                        debounce=True,
                        placeholder="工单号或客户名称",
                        type="search",
                    ),
                ],
                md=4,
            ),
        ],
        className="g-3 mb-2",
    )
    legend = html.Div([html.Span(n, className=f"chip chip-{c} legend-chip") for c, n in CHIP_NAMES.items()])
    return html.Div(
        [
            dcc.Location(id=Progress.URL, refresh=False),
            dcc.Store(id=Progress.REQUESTED, data=q.get("unit", "")[:64]),
            html.H2(TITLE, className="page-title"),
            filter_bar(Progress.UNIT, Progress.AS_OF, None, state.unit, state.as_of),
            filters,
            html.Div(id=Progress.NOTICE),
            dbc.Row(
                [
                    dbc.Col(dcc.Graph(id=Progress.WAIT, config=graph_config()), lg=6),
                    dbc.Col(dcc.Graph(id=Progress.PARTIES, config=graph_config()), lg=6),
                ]
            ),
            html.Div([html.Span(id=Progress.COUNT, className="me-3"), legend], className="my-2"),
            _calculator(),
            dcc.Store(id=Progress.QUERY),
            dcc.Store(id=Progress.ROWS_QUERY),
            # rows come block by block from the server (sorted and paged in SQL): every case is reachable
            dag.AgGrid(
                id=Progress.GRID,
                columnDefs=COLUMNS,
                rowModelType="infinite",
                dashGridOptions={
                    **GRID_OPTIONS,
                    "rowHeight": 48,
                    "cacheBlockSize": 100,
                    "maxBlocksInCache": 20,
                    "infiniteInitialRowCount": 1,
                    "maxConcurrentDatasourceRequests": 2,
                },  # fmt: skip
                defaultColDef={"sortable": True, "filter": False, "resizable": True},
                style={"height": "620px"},
            ),
        ]
    )


def _calculator() -> dbc.Accordion:
    """工期预估: capacity (and voltage) in, predicted customer-chain days and earliest energization out."""
    form = dbc.Row(
        [
            dbc.Col(dbc.InputGroup([
                dbc.Input(id=Progress.CALC_CAPACITY, placeholder="变压器容量，例如 800", type="text",
                          inputMode="decimal", debounce=True),
                dbc.InputGroupText("kVA"),
            ]), md=4),
            dbc.Col(dcc.Dropdown(id=Progress.CALC_VOLTAGE, value="10", clearable=False, options=[
                {"label": "10kV", "value": "10"}, {"label": "35kV及以上", "value": "35"}]), md=2),
            dbc.Col(html.Div(id=Progress.CALC_RESULT), md=6),
        ],
        className="g-2",
    )  # fmt: skip
    # the chart is drawn once a capacity is entered: an empty chart in a closed panel costs every page load a render
    body = [form, html.Div(id=Progress.CALC_FIGURE)]
    return dbc.Accordion([dbc.AccordionItem(body, title="工期预估：按容量预测客户侧工期与最早送电日期")],
                         start_collapsed=True, className="my-3")  # fmt: skip


def case_layout(case_id: str = "", **query) -> html.Div:
    """Case detail skeleton; the callback reads the case (scope-checked) and fills the body."""
    as_of = parse_params({"as_of": str(query.get("as_of", ""))}).as_of
    return html.Div(
        [
            dcc.Location(id=CasePage.URL, refresh=False),
            dcc.Store(id=CasePage.CASE_ID, data=str(case_id)[:40]),
            dcc.Store(id=CasePage.AS_OF, data=str(as_of) if as_of else None),
            html.Div(dcc.Link("← 返回双链进度", href="/progress"), className="no-print mb-2"),
            dcc.Loading(html.Div(id=CasePage.BODY)),
            html.Div(
                [
                    dbc.Button("打印计划书", id=CasePage.PRINT, color="secondary", outline=True, className="me-2"),
                    dbc.Button("下载计划书 Excel", id=CasePage.XLSX, color="secondary", outline=True),
                    dcc.Download(id=CasePage.DOWNLOAD),
                ],
                className="no-print mt-3",
            ),
        ]
    )
