"""管理 page: users, wall tokens and the audit log (read-only; changes are made with `board user` / `board token`)."""

from __future__ import annotations

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from .common import GRID_OPTIONS
from .ids.admin import Admin

TITLE = "管理"
AUDIT_ACTIONS = {
    "all": "全部事件", "login": "登录", "login_failed": "登录失败", "login_throttled": "登录被限制", "export": "导出",
    "export_refused": "导出被拒绝", "token_use": "大屏令牌使用", "token_refused": "大屏令牌被拒绝", "snapshot": "快照",
}  # fmt: skip


def _grid(id_: str, columns: list[tuple[str, str]], height: int) -> dag.AgGrid:
    return dag.AgGrid(
        id=id_, rowData=[], columnDefs=[{"field": f, "headerName": h} for f, h in columns],
        defaultColDef={"sortable": True, "filter": True, "resizable": True},
        dashGridOptions=GRID_OPTIONS, columnSize="responsiveSizeToFit", style={"height": f"{height}px"},
    )  # fmt: skip


def layout(**_query) -> html.Div:
    """Skeleton; the callback fills it for admins and says 无权查看 to everyone else."""
    return html.Div(
        [
            dcc.Location(id=Admin.URL, refresh=False),
            html.H2(TITLE, className="page-title"),
            html.Div(id=Admin.BODY),
            html.Div(
                [
                    html.H4("用户"),
                    _grid(
                        Admin.USERS,
                        [
                            ("username", "用户名"),
                            ("role", "角色"),
                            ("unit_code", "单位"),
                            ("active", "状态"),
                            ("created_at", "创建时间"),
                        ],
                        260,
                    ),  # fmt: skip
                    html.H4("大屏令牌", className="mt-3"),
                    _grid(
                        Admin.TOKENS,
                        [
                            ("id", "编号"),
                            ("label", "名称"),
                            ("unit_code", "单位"),
                            ("created_at", "创建"),
                            ("revoked_at", "吊销"),
                            ("last_used_at", "最近使用"),
                        ],
                        200,
                    ),  # fmt: skip
                    html.H4("审计日志（最近 1000 条）", className="mt-3"),
                    dbc.Select(
                        id=Admin.ACTION,
                        value="",
                        style={"maxWidth": "16rem"},
                        className="mb-2",
                        options=[{"label": v, "value": k} for k, v in AUDIT_ACTIONS.items()],
                    ),  # fmt: skip
                    _grid(
                        Admin.AUDIT,
                        [
                            ("at", "时间"),
                            ("actor", "谁"),
                            ("action", "事件"),
                            ("scope", "范围"),
                            ("detail", "内容"),
                            ("ip", "地址"),
                        ],
                        480,
                    ),  # fmt: skip
                ],
                id="admin-tables",
            ),
        ]
    )
