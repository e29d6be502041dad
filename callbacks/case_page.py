"""工单详情 callbacks: the case page body (header, forecast, measures, swimlanes, plan) and the plan download."""

from __future__ import annotations

import datetime as dt

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Dash, Input, Output, State, dcc, html
from sqlalchemy.exc import SQLAlchemyError

from board.domain.duration import RISK_NAMES
from board.domain.rules import CASE_STATUS_NAMES, CLASS_NAMES
from board.usecases.service import BoardService
from layouts.case_page import date_text, measure_cards, plan_section, plan_workbook
from layouts.common import graph_config
from layouts.ids.progress import CasePage
from layouts.progress_figures import swimlane_figure

from .common import register_print_button
from .errors import friendly_error

__all__ = ["plan_workbook", "register", "render_case"]


def render_case(svc: BoardService, case_id: str, as_of: str | None):
    """The case page body: header, measures, swimlanes, tracking plan; a clear notice when absent."""
    try:
        day = svc.as_of(as_of)
        detail = svc.case_detail(case_id, day)
    except (SQLAlchemyError, ValueError, LookupError) as exc:
        return dbc.Alert(friendly_error(exc), color="danger")
    if detail is None:
        return dbc.Alert(f"找不到工单 “{case_id}”，或无权查看。", color="warning")
    c, m, rules = detail.case, detail.measures, svc.rules
    holder = "、".join(rules.parties.get(p, p) for p in str(m.get("holding_party") or "").split(",") if p) or "—"
    header = html.Div(
        [
            html.H2(f"{c['case_id']} · {c['customer_name']}", className="page-title"),
            html.Div(
                f"{detail.unit_name} · {CLASS_NAMES.get(c['customer_class'], '')} · {c['voltage_kv']:g} kV · "
                f"{c['capacity_kva']:g} kVA · 申请 {c['applied_on']:%Y-%m-%d} · "
                f"状态 {CASE_STATUS_NAMES.get(m['state_as_of'], '')} · 当前责任方 {holder} · "
                f"督办 {int(m['supervision_level'])} 级 · 接电停电计划 {rules.outage_tier(float(c['voltage_kv']))}",
                className="text-muted mb-3",
            ),
        ]
    )
    return html.Div(
        [
            header,
            _forecast_line(svc, detail, day),
            measure_cards(detail),
            dcc.Graph(
                figure=swimlane_figure(detail.stages, detail.plan.rows, day, rules),
                id="case-swimlanes",
                config=graph_config(),
            ),
            plan_section(detail),
        ]
    )


def _forecast_line(svc: BoardService, detail, day: dt.date) -> html.Div:
    """Forecast energization and risk of an open case, beside its desired date."""
    if detail.measures["state_as_of"] != "open":
        return html.Div()
    fc = svc.forecasts(detail.measures.to_frame().T.reset_index(drop=True), detail.stages, day).iloc[0]
    desired = detail.case["desired_on"]
    desired_text = "未填写" if pd.isna(desired) else f"{pd.Timestamp(desired):%Y-%m-%d}"
    expected = date_text(fc["forecast_on"], bool(fc["provisional"]))
    return html.Div(
        f"预计送电 {expected}（较慢情形 {date_text(fc['late_on'], False)}）"
        f" · 期望送电 {desired_text} · 风险：{RISK_NAMES.get(fc['risk'], '—')}",
        className="mb-2 fw-bold",
    )


def register(app: Dash, svc: BoardService) -> None:
    """Attach the case page's callbacks to an app."""

    @app.callback(Output(CasePage.BODY, "children"), Input(CasePage.CASE_ID, "data"), State(CasePage.AS_OF, "data"))
    def on_case(case_id, as_of):
        return render_case(svc, case_id, as_of)

    @app.callback(
        Output(CasePage.DOWNLOAD, "data"),
        Input(CasePage.XLSX, "n_clicks"),
        State(CasePage.CASE_ID, "data"),
        State(CasePage.AS_OF, "data"),
        prevent_initial_call=True,
    )
    def on_plan_xlsx(_n, case_id, as_of):
        try:
            detail = svc.case_detail(case_id, svc.as_of(as_of))
        except LookupError as exc:  # 无权查看: nothing of that case leaves the server
            svc.audit("export_refused", f"跟踪计划书 {str(case_id)[:40]}：{exc}")
            return None
        if detail is None:
            return None
        svc.audit("export", f"跟踪计划书 {case_id}", scope=str(detail.case["unit_code"]))
        return dcc.send_bytes(plan_workbook(detail), f"跟踪计划书-{case_id}.xlsx")

    register_print_button(app, CasePage.PRINT)
