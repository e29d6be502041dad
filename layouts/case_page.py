"""The case page's parts: measure cards, the 阳光全程跟踪计划书 table and its workbook, date texts."""

from __future__ import annotations

import io

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from layouts.progress import PARTIES


def date_text(day, provisional) -> str:
    if day is None or pd.isna(day):
        return ""
    return f"{pd.Timestamp(day):%Y-%m-%d}" + ("（暂定）" if provisional is True else "")


def measure_cards(detail) -> dbc.Row:
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


def plan_section(detail) -> html.Div:
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
