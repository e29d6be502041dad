"""双链进度 callbacks: portfolio filters → table, bottleneck and 责任边界; the 工期预估 calculator."""

from __future__ import annotations

import datetime as dt

import dash_bootstrap_components as dbc
import numpy as np
import pandas as pd
from dash import Dash, Input, Output, State, html
from sqlalchemy.exc import SQLAlchemyError

from board.domain.duration import RISK_NAMES
from board.domain.portfolio import PortfolioFilter, apply_filter, party_split, utility_share, where_cases_wait
from board.domain.rules import CASE_STATUS_NAMES, CLASS_NAMES
from board.usecases.service import BoardService
from layouts.case_page import date_text
from layouts.common import notices
from layouts.figures import empty_figure
from layouts.ids.progress import Progress
from layouts.progress import PARTIES, RISKS, STATES
from layouts.progress_figures import duration_figure, party_figure, wait_figure
from layouts.urlstate import parse_params, to_search

from .common import register_unit_options, resolve_unit
from .errors import friendly_error

ROWS_SHOWN = 2000


def _day(value) -> dt.date | None:
    return parse_params({"as_of": str(value)[:10]}).as_of if value else None


def update_portfolio(
    svc: BoardService, unit, as_of, states, start, end, voltage, klass, key, party, text, requested=None, risk=None
) -> tuple:
    """(notice, count, rows, bottleneck figure, 责任边界 figure, URL search); never raises."""
    messages: list[str] = []
    states = [s for s in (states or []) if s in STATES] or ["open"]
    party = party if party in PARTIES else None
    risk = risk if risk in RISKS else None
    text = (text or "")[:60]
    search = to_search(
        unit,
        as_of,
        None,
        states=",".join(states) if states != ["open"] else None,
        **{"from": _day(start), "to": _day(end)},
        voltage=voltage,
        **{"class": klass},
        key=bool(key),
        party=party,
        q=text,
        risk=risk,
    )
    try:
        day = svc.as_of(as_of[:10] if as_of else None)
        scope = resolve_unit(svc, unit, requested, messages)
        applied_from = _day(start)
        if applied_from is None and set(states) - {"open"}:
            # finished cases pile up for years: without a range, show the last year's applications only
            applied_from = day - dt.timedelta(days=365)
            messages.append(f"已送电/已撤销工单默认只显示 {applied_from} 以后申请的，可用“申请日期”调整")
        data = svc.portfolio(day, scope.root, frozenset(states), applied_from, _day(end))
    except (SQLAlchemyError, ValueError, LookupError) as exc:
        fig = empty_figure("暂无数据")
        return notices([friendly_error(exc)], "danger"), "", [], fig, fig, search
    flt = PortfolioFilter(voltage=voltage, customer_class=klass, key_only=bool(key), party=party, text=text)
    cases = apply_filter(data.cases, flt)
    if risk:
        cases = cases[cases["risk"] == risk]
    ids = set(cases["case_id"])
    stages = data.open_stages[data.open_stages["case_id"].isin(ids)]
    split = party_split(data.party_days[data.party_days["case_id"].isin(ids)], data.units, scope.root)
    names = dict(zip(data.units["unit_code"], data.units["unit_name"]))
    rows = _rows(cases, names, svc, as_of)
    count = f"共 {len(cases):,} 件" + (
        f"，表中显示最需关注的 {ROWS_SHOWN} 件（请缩小筛选范围）" if len(cases) > ROWS_SHOWN else ""
    )
    return (
        notices(messages),
        count,
        rows,
        wait_figure(where_cases_wait(stages, svc.rules)),
        party_figure(split, utility_share(split), svc.rules.parties),
        search,
    )


def _rows(cases: pd.DataFrame, names: dict, svc: BoardService, as_of) -> list[dict]:
    if cases.empty:
        return []
    top = cases.sort_values(["supervision_level", "age_cd"], ascending=False).head(ROWS_SHOWN)
    parties = svc.rules.parties
    days = np.where(top["state_as_of"] == "energized", top["connect_cd"], top["age_cd"])
    current = (
        top["current_stages"]
        .fillna("")
        .map(lambda s: "、".join(f"{c} {svc.rules.stage_name(c)}" for c in s.split(",") if c))
    )
    base = [f"{c:.0f} / {b:.0f}" if c == c else "" for c, b in zip(top["customer_cd"], top["baseline_cd"])]
    return pd.DataFrame(
        {
            "case_id": top["case_id"],
            "customer_name": top["customer_name"],
            "unit_name": top["unit_code"].map(names),
            "class_name": top["customer_class"].map(CLASS_NAMES),
            "capacity_kva": top["capacity_kva"],
            "applied_on": top["applied_on"].dt.strftime("%Y-%m-%d"),
            "state_name": top["state_as_of"].map(CASE_STATUS_NAMES),
            "strip": top["strip"],
            "current": current,
            "holder": top["holding_party"]
            .fillna("")
            .map(lambda s: "、".join(parties.get(p, p) for p in s.split(",") if p)),
            "days": days.astype(int),
            "grid_wd": top["grid_wd"].astype(int),
            "customer_vs_base": base,
            "supervision_level": top["supervision_level"],
            "forecast": [date_text(f, p) for f, p in zip(top["forecast_on"], top["provisional"])],
            "desired": pd.to_datetime(top["desired_on"]).dt.strftime("%Y-%m-%d").fillna(""),
            "risk_name": top["risk"].map(RISK_NAMES).fillna("—"),
            "manager": top["manager"].fillna(""),
            "link_query": f"?as_of={as_of[:10]}" if as_of else "",
        }
    ).to_dict("records")


def calculate(svc: BoardService, capacity_text, voltage, as_of) -> tuple:
    """(result, figure) of the 工期预估 calculator; bad input gets a message."""
    try:
        capacity = float(str(capacity_text).strip())
        if not 0 < capacity <= 200_000:
            raise ValueError
    except (TypeError, ValueError):
        fig = duration_figure(None)
        msg = (
            "请输入 0 以上、200,000 以下的变压器容量（kVA）"
            if capacity_text not in (None, "")
            else "输入容量后显示预测"
        )
        return dbc.Alert(msg, color="warning" if capacity_text else "light", className="py-2 mb-0"), fig
    try:
        day = svc.as_of(as_of[:10] if as_of else None)
        out = svc.calculator(capacity, float(voltage or 10), day)
        points = svc.duration_points(day)
    except (SQLAlchemyError, ValueError, LookupError) as exc:
        return dbc.Alert(friendly_error(exc), color="danger", className="py-2 mb-0"), duration_figure(None)
    p, model = out["prediction"], out["model"]
    grid = f"电网侧时限合计 {out['grid_wd']:g} 个工作日"
    base = f"经验基准 {out['baseline_cd']:g} 天"
    if not p.ok:
        text = f"该电压等级/容量段样本不足（{p.samples} 例），无法预测；{base}，{grid}。"
    else:
        prov = "（暂定：跨入未导入日历的年份）" if out["earliest_provisional"] else ""
        text = (f"客户侧工期预计 {p.median:.0f} 天（80% 区间 {p.low:.0f}–{p.high:.0f} 天，样本 {p.samples} 例"
                f"{'，' + p.note if p.note else ''}；{base}）；{grid}；从 {day} 起最早送电 {out['earliest']}{prov}，"
                f"较慢情形 {out['late']}。模型留出检验：平均误差 {model.mae_days:.1f} 天，区间覆盖率 "
                f"{model.coverage * 100:.0f}%（{model.test_size} 例）。")  # fmt: skip
    return html.Div(text), duration_figure(points, model, capacity)


def register(app: Dash, svc: BoardService) -> None:
    """Attach the 双链进度 callbacks to an app."""
    register_unit_options(app, svc, Progress.UNIT, Progress.URL)

    @app.callback(
        Output(Progress.NOTICE, "children"),
        Output(Progress.COUNT, "children"),
        Output(Progress.GRID, "rowData"),
        Output(Progress.WAIT, "figure"),
        Output(Progress.PARTIES, "figure"),
        Output(Progress.URL, "search"),
        Input(Progress.UNIT, "value"),
        Input(Progress.AS_OF, "date"),
        Input(Progress.STATES, "value"),
        Input(Progress.APPLIED, "start_date"),
        Input(Progress.APPLIED, "end_date"),
        Input(Progress.VOLTAGE, "value"),
        Input(Progress.CLASS, "value"),
        Input(Progress.KEY, "value"),
        Input(Progress.PARTY, "value"),
        Input(Progress.SEARCH, "value"),
        Input(Progress.RISK, "value"),
        State(Progress.REQUESTED, "data"),
    )
    def on_filters(unit, as_of, states, start, end, voltage, klass, key, party, text, risk, requested):
        return update_portfolio(svc, unit, as_of, states, start, end, voltage, klass, key, party, text, requested, risk)

    @app.callback(
        Output(Progress.CALC_RESULT, "children"), Output(Progress.CALC_FIGURE, "figure"),
        Input(Progress.CALC_CAPACITY, "value"), Input(Progress.CALC_VOLTAGE, "value"), State(Progress.AS_OF, "date"),
    )  # fmt: skip
    def on_calculate(capacity, voltage, as_of):
        return calculate(svc, capacity, voltage, as_of)
