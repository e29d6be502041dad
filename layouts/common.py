"""Building blocks shared by pages: filter bar, KPI cards, notices."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import dash_bootstrap_components as dbc
from dash import dcc, html

from board.domain import access
from board.domain.trend import Tile
from layouts.sparkline import sparkline_src
from layouts.theme import TONE_COLORS
from layouts.urlstate import PERIODS

PERIOD_LABELS = {7: "近 7 天", 30: "近 30 天", 90: "近 90 天", 365: "近一年"}
# a manager saves a figure for a report; zoom, pan and lasso buttons only cover the title of a small chart
_DOWNLOAD_ONLY = {"displaylogo": False, "modeBarButtons": [["toImage"]],
                  "toImageButtonOptions": {"format": "png", "scale": 2}}  # fmt: skip


def graph_config(**extra) -> dict:
    """Plotly config of a desk figure: only the download button (plus what a figure asks for, e.g. scroll zoom)."""
    return {**_DOWNLOAD_ONLY, **extra}


def scope_placeholder() -> str:
    """What an empty unit picker means for the signed-in user: the company, or the user's own subtree."""
    return "全公司" if access.current().unit is None else "本单位及下级"


def as_of_value(as_of_id: str) -> str:
    """Id of the store that holds a date picker's value as the page's callbacks read it."""
    return f"{as_of_id}-value"


def as_of_picker(as_of_id: str, as_of: dt.date | None) -> list:
    """The as-of date picker and the store its callbacks read. Dash 4's picker sends an empty date again when it
    mounts; the store takes only real changes (callbacks.common.register_as_of_value), so opening a page does
    not run its callbacks twice."""
    return [
        dcc.DatePickerSingle(id=as_of_id, date=as_of, display_format="YYYY-MM-DD", placeholder="今天", clearable=True),
        dcc.Store(id=as_of_value(as_of_id), data=as_of.isoformat() if as_of else None),
    ]


def filter_bar(
    unit_id: str, as_of_id: str, period_id: str | None, unit: str | None, as_of: dt.date | None, period: int = 30
) -> dbc.Row:
    """Unit picker, as-of date and (optionally) KPI period, with values taken from the URL."""
    cols = [
        dbc.Col([dbc.Label("供电单位", html_for=unit_id),
                 dcc.Dropdown(id=unit_id, value=unit, clearable=False, placeholder=scope_placeholder())], md=4),
        dbc.Col([dbc.Label("数据截至", html_for=as_of_id), *as_of_picker(as_of_id, as_of)], md=3),
    ]  # fmt: skip
    if period_id:
        options = [{"label": PERIOD_LABELS[p], "value": p} for p in PERIODS]
        picker = dcc.Dropdown(id=period_id, options=options, value=period, clearable=False)
        cols.append(dbc.Col([dbc.Label("统计周期", html_for=period_id), picker], md=2))
    return dbc.Row(cols, className="g-3 mb-3 board-filters")


def kpi_tiles(tiles: list[Tile], theme: str = "desk", links: dict[str, str] | None = None) -> list:
    """A tile per KPI: label, value, sparkline, target (✓/✗ so it is not told by colour alone) and change.
    The wall and the desk share this markup; the stylesheet sizes it for each."""
    colors = TONE_COLORS[theme]
    out = []
    for t in tiles:
        k = t.kpi
        met = t.meets_target()
        status = {"overdue_open": "bad", "warning_open": "warn"}.get(k.name) if k.value else None
        target = t.target_text()
        target_cls = "tile-target" + ("" if met is None else " met" if met else " unmet")
        spark = sparkline_src(t.spark, colors["flat"] if t.better == "neutral" else colors["good" if met else "flat"])
        body = [
            html.Div(k.label, className="tile-label"),
            html.Div(
                [
                    html.Span(k.display(), className="tile-value"),
                    html.Img(src=spark, className="tile-spark", alt=_spark_alt(t)) if spark else None,
                ],
                className="tile-row",
            ),
            html.Div(
                [
                    html.Span(("✓ " if met else "✗ " if met is False else "") + target, className=target_cls)
                    if target
                    else None,
                    html.Span(t.change_text(), className=f"tile-change {t.tone()}") if t.change_text() else None,
                ],
                className="tile-foot",
            ),
        ]
        href = (links or {}).get(k.name)
        cls = f"tile tile-{k.name}" + (f" tone-{status}" if status else "")
        out.append(html.A(body, href=href, className=cls + " tile-link", id=f"kpi-{k.name}") if href
                   else html.Div(body, className=cls, id=f"kpi-{k.name}"))  # fmt: skip
    return out


def _spark_alt(t: Tile) -> str:
    shown = [f"{lbl} {replace(t.kpi, value=v).display('无数据')}" for lbl, v in zip(t.spark_labels[-4:], t.spark[-4:])]
    return f"{t.kpi.label}近 {len(t.spark)} 周走势：" + "，".join(shown)


def notices(messages: list[str], color: str = "warning") -> list:
    """Dismissable alerts for rejected URL values or data problems."""
    return [dbc.Alert(m, color=color, dismissable=True, className="py-2 mb-2") for m in messages]


# AG Grid's own words in Chinese (its default locale is English)
AG_GRID_ZH = {
    "noRowsToShow": "暂无数据", "loadingOoo": "加载中…", "page": "第", "of": "/", "to": "至", "more": "更多",
    "pageSizeSelectorLabel": "每页：", "firstPage": "首页", "previousPage": "上一页", "nextPage": "下一页",
    "lastPage": "末页", "filterOoo": "筛选…", "equals": "等于", "notEqual": "不等于", "contains": "包含",
    "notContains": "不包含", "startsWith": "开头是", "endsWith": "结尾是", "blank": "为空", "notBlank": "不为空",
    "lessThan": "小于", "greaterThan": "大于", "lessThanOrEqual": "小于等于", "greaterThanOrEqual": "大于等于",
    "inRange": "介于", "andCondition": "且", "orCondition": "或", "applyFilter": "应用", "resetFilter": "重置",
    "clearFilter": "清除", "selectAll": "全选", "searchOoo": "搜索…", "pinColumn": "固定列", "autosizeThisColumn":
    "自动列宽", "resetColumns": "重置列", "sortAscending": "升序", "sortDescending": "降序", "sortUnSort": "取消排序",
}  # fmt: skip

GRID_OPTIONS = {"pagination": True, "paginationPageSize": 20, "paginationPageSizeSelector": [20, 50, 100],
                "localeText": AG_GRID_ZH, "enableCellTextSelection": True}  # fmt: skip
