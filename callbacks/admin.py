"""管理 page callbacks: admins get users, tokens and the audit log; anyone else gets 无权查看 and no rows."""

from __future__ import annotations

import datetime as dt

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Dash, Input, Output

from board.config import LOCAL_TZ
from board.domain import access
from board.domain.access import ROLES
from board.usecases.service import BoardService
from layouts.ids.admin import Admin


def _local(v):
    # stored in UTC; shown in Beijing time like every other time on the board
    if isinstance(v, dt.datetime):
        return v.replace(tzinfo=dt.UTC).astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M:%S")
    return v


def _records(frame: pd.DataFrame) -> list[dict]:
    out = frame.astype(object).where(frame.notna(), None)
    for col in out.columns:
        out[col] = out[col].map(lambda v: _local(v.to_pydatetime() if isinstance(v, pd.Timestamp) else v))
    return out.to_dict("records")


def admin_tables(svc: BoardService, action: str | None) -> tuple:
    """(notice, users, tokens, audit rows, tables style) for the current principal."""
    if not access.current().is_admin:
        refusal = dbc.Alert("无权查看：只有管理员可以查看用户和审计日志。", color="danger")
        return refusal, [], [], [], {"display": "none"}
    users, tokens, audit = svc.admin_data(None if action in (None, "", "all") else action)
    users["active"] = users["active"].map({True: "启用", False: "停用"})
    users["role"] = users["role"].map(lambda r: ROLES.get(r, r))
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
