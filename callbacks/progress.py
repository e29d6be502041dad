"""双链进度 callbacks: portfolio filters → table, bottleneck and 责任边界; case detail and its tracking plan."""

from __future__ import annotations

import datetime as dt
import io

import dash_bootstrap_components as dbc
import numpy as np
import pandas as pd
from dash import Dash, Input, Output, State, dcc, html
from sqlalchemy.exc import SQLAlchemyError

from board.duration import RISK_NAMES
from board.portfolio import PortfolioFilter, apply_filter, party_split, utility_share, where_cases_wait
from board.rules import CASE_STATUS_NAMES, CLASS_NAMES
from board.service import BoardService
from board.urlstate import parse_params, to_search
from layouts.common import notices
from layouts.figures import empty_figure
from layouts.ids.progress import CasePage, Progress
from layouts.progress import PARTIES, RISKS, STATES
from layouts.progress_figures import duration_figure, party_figure, swimlane_figure, wait_figure

from .common import register_print_button, register_unit_options, resolve_unit
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
            "forecast": [_date_text(f, p) for f, p in zip(top["forecast_on"], top["provisional"])],
            "desired": pd.to_datetime(top["desired_on"]).dt.strftime("%Y-%m-%d").fillna(""),
            "risk_name": top["risk"].map(RISK_NAMES).fillna("—"),
            "manager": top["manager"].fillna(""),
            "link_query": f"?as_of={as_of[:10]}" if as_of else "",
        }
    ).to_dict("records")


def _date_text(day, provisional) -> str:
    if day is None or pd.isna(day):
        return ""
    return f"{pd.Timestamp(day):%Y-%m-%d}" + ("（暂定）" if provisional is True else "")


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
            _measure_cards(detail),
            dcc.Graph(
                figure=swimlane_figure(detail.stages, detail.plan.rows, day, rules),
                id="case-swimlanes",
                config={"displaylogo": False},
            ),
            _plan_section(detail),
        ]
    )


def _forecast_line(svc: BoardService, detail, day: dt.date) -> html.Div:
    """Forecast energization and risk of an open case, beside its desired date."""
    if detail.measures["state_as_of"] != "open":
        return html.Div()
    fc = svc.forecasts(detail.measures.to_frame().T.reset_index(drop=True), detail.stages, day).iloc[0]
    desired = detail.case["desired_on"]
    desired_text = "未填写" if pd.isna(desired) else f"{pd.Timestamp(desired):%Y-%m-%d}"
    expected = _date_text(fc["forecast_on"], bool(fc["provisional"]))
    return html.Div(
        f"预计送电 {expected}（较慢情形 {_date_text(fc['late_on'], False)}）"
        f" · 期望送电 {desired_text} · 风险：{RISK_NAMES.get(fc['risk'], '—')}",
        className="mb-2 fw-bold",
    )


def _measure_cards(detail) -> dbc.Row:
    m = detail.measures
    grid_target = 16  # 象山 high-voltage grid chain total (SPEC §4.2)
    cards = [
        (
            "接电时长" if m["state_as_of"] == "energized" else "已历时",
            f"{m['connect_cd']:.0f} 天（{m['connect_wd']:.0f} 工作日）"
            if m["state_as_of"] == "energized"
            else f"{m['age_cd']} 天",
        ),
        ("供电部门流转耗时", f"{m['grid_wd']:.0f} / 目标 {grid_target} 工作日"),
        (
            "客户侧工程",
            "—"
            if m["customer_cd"] != m["customer_cd"]
            else f"{m['customer_cd']:.0f} / 基准 {m['baseline_cd']:.0f} 天（{m['baseline_flag']}）",
        ),
        (
            "各方占用（自然日）",
            "；".join(f"{PARTIES.get(r.party, r.party)} {r.days}" for r in detail.by_party.itertuples()) or "—",
        ),
    ]
    return dbc.Row(
        [
            dbc.Col(dbc.Card(dbc.CardBody([html.Div(k, className="kpi-label"), html.Div(v, className="fs-5")])), md=3)
            for k, v in cards
        ],
        className="g-2 mb-2",
    )


def _plan_section(detail) -> html.Div:
    plan = detail.plan
    if plan.desired_on is None:
        status = dbc.Alert(
            f"客户未填写期望送电日期；按各环节时限正排，最早可送电 {plan.earliest_energization}。", color="info"
        )
    elif plan.feasible:
        status = dbc.Alert(f"按期望送电日期 {plan.desired_on} 倒排，计划可行。", color="success")
    else:
        status = dbc.Alert(
            f"期望送电日期 {plan.desired_on} 不可行（倒排的起点早于申请日期）；按时限正排，"
            f"最早可送电日期为 {plan.earliest_energization}。",
            color="danger",
        )
    if plan.provisional:
        status.children += "（部分日期落在尚未导入节假日日历的年份，按周一至周五暂定）"
    head = html.Thead(html.Tr([html.Th(h) for h in ("环节", "责任方", "时限", "计划开始", "计划完成")]))
    body = html.Tbody(
        [
            html.Tr(
                [
                    html.Td(f"{r.code} {r.name}"),
                    html.Td(PARTIES.get(r.party, r.party)),
                    html.Td(f"{r.limit:g} {'工作日' if r.unit == 'WD' else '自然日'}"),
                    html.Td(str(r.start)),
                    html.Td(str(r.finish)),
                ]
            )
            for r in plan.rows.itertuples()
        ]
    )
    return html.Div(
        [
            html.H4("阳光全程跟踪计划书", className="mt-3"),
            status,
            dbc.Table([head, body], bordered=True, size="sm", className="plan-table"),
        ]
    )


def plan_workbook(detail) -> bytes:
    """The tracking plan as an XLSX workbook (title rows, then the table)."""
    rows = detail.plan.rows
    table = pd.DataFrame(
        {
            "环节": rows["code"] + " " + rows["name"],
            "责任方": rows["party"].map(PARTIES),
            "时限": rows["limit"].map("{:g}".format) + rows["unit"].map({"WD": " 工作日", "CD": " 自然日"}),
            "计划开始": rows["start"].astype(str),
            "计划完成": rows["finish"].astype(str),
        }
    )
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        table.to_excel(writer, sheet_name="计划书", index=False, startrow=3)
        sheet = writer.sheets["计划书"]
        sheet["A1"] = f"阳光全程跟踪计划书 · {detail.case['case_id']} · {detail.case['customer_name']}"
        sheet["A2"] = f"期望送电 {detail.plan.desired_on or '未填写'} · 最早可送电 {detail.plan.earliest_energization}"
    return buffer.getvalue()


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
