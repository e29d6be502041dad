"""管理 page callbacks: admins get users, tokens and the audit log; anyone else gets 无权查看 and no rows."""

from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Dash, Input, Output

from board import access
from board.service import BoardService
from layouts.ids.admin import Admin


def _records(frame: pd.DataFrame) -> list[dict]:
    out = frame.astype(object).where(frame.notna(), None)
    for col in out.columns:
        out[col] = out[col].map(lambda v: v.isoformat(sep=" ", timespec="seconds") if hasattr(v, "isoformat") else v)
    return out.to_dict("records")


def admin_tables(svc: BoardService, action: str | None) -> tuple:
    """(notice, users, tokens, audit rows, tables style) for the current principal."""
    if not access.current().is_admin:
        refusal = dbc.Alert("无权查看：只有管理员可以查看用户和审计日志。", color="danger")
        return refusal, [], [], [], {"display": "none"}
    users, tokens, audit = svc.admin_data(action or None)
    users["active"] = users["active"].map({True: "启用", False: "停用"})
    note = dbc.Alert("只读。增删用户、重置密码、发放或吊销大屏令牌请用 board user … / board token …", color="info")
    return note, _records(users), _records(tokens), _records(audit), {}


def register(app: Dash, svc: BoardService) -> None:
    """Attach the admin page callback."""

    @app.callback(
        Output(Admin.BODY, "children"), Output(Admin.USERS, "rowData"), Output(Admin.TOKENS, "rowData"),
        Output(Admin.AUDIT, "rowData"), Output("admin-tables", "style"),
        Input(Admin.URL, "pathname"), Input(Admin.ACTION, "value"),
    )  # fmt: skip
    def on_load(_path, action):
        return admin_tables(svc, action)
