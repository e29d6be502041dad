"""Figures of the 双链进度 page: where cases wait, 责任边界, and the case swimlanes (desk and wall themes)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from board.domain.rules import Rules
from layouts.theme import PARTY_COLORS, STATUS_COLORS, template_for

LANES = ["电网侧 计划", "电网侧 实际", "客户侧 计划", "客户侧 实际"]


def wait_figure(wait: pd.DataFrame, theme: str = "desk") -> go.Figure:
    """Open cases per stage (overdue part in red) with median and max elapsed in the hover: the bottleneck."""
    label = wait["stage_code"] + " " + wait["name"]
    hover = (
        "%{y}<br>在途 %{customdata[0]} 件（超时 %{customdata[1]}）"
        "<br>已用 中位 %{customdata[2]:.0f} / 最长 %{customdata[3]:.0f} 天<extra></extra>"
    )
    data = wait[["open_cases", "overdue", "median_elapsed", "max_elapsed"]].fillna(0).to_numpy()
    fig = go.Figure(
        [
            go.Bar(
                y=label,
                x=wait["open_cases"] - wait["overdue"],
                orientation="h",
                name="未超时",
                marker_color=STATUS_COLORS["normal"],
                customdata=data,
                hovertemplate=hover,
            ),
            go.Bar(
                y=label,
                x=wait["overdue"],
                orientation="h",
                name="超时",
                marker_color=STATUS_COLORS["overdue"],
                customdata=data,
                hovertemplate=hover,
                text=[
                    f"中位{m:.0f}/最长{x:.0f}天" if n else ""
                    for n, m, x in zip(
                        wait["open_cases"], wait["median_elapsed"].fillna(0), wait["max_elapsed"].fillna(0)
                    )
                ],
                textposition="outside",
                cliponaxis=False,
            ),
        ]
    )
    fig.update_layout(
        template=template_for(theme),
        barmode="stack",
        title="工单卡在哪里：各环节在途件数与已用时长",
        yaxis=dict(autorange="reversed"),
        legend=dict(orientation="h", y=-0.12),
        height=520 if theme != "wall" else None,
        margin=dict(l=150, r=110),
    )
    return fig


# two parties a row above the bars: the wall's panel is short and narrow
WALL_LEGEND = dict(orientation="h", y=1, yanchor="bottom", x=0, entrywidth=0.5, entrywidthmode="fraction")


def party_figure(split: pd.DataFrame, share: float, parties: dict[str, str], theme: str = "desk") -> go.Figure:
    """Held calendar days per child unit stacked by party, titled with the utility's share."""
    fig = go.Figure()
    for code, name in parties.items():
        part = split[split["party"] == code]
        if part.empty:
            continue
        fig.add_trace(
            go.Bar(
                y=part["unit_name"],
                x=part["days"],
                name=name,
                orientation="h",
                marker_color=PARTY_COLORS.get(code),
                hovertemplate="%{y} · " + name + "：%{x:,} 天<extra></extra>",
            )
        )
    share_text = "—" if share != share else f"{share * 100:.0f}%"
    fig.update_layout(
        template=template_for(theme),
        barmode="stack",
        title=f"责任边界：供电公司实际占用 {share_text} 的时长",
        xaxis_title="占用天数（自然日）" if theme != "wall" else None,
        # the wall's panel is short: the legend goes above the bars instead of under the axis title
        legend=dict(orientation="h", y=-0.2) if theme != "wall" else WALL_LEGEND,
        height=max(260, 120 + 50 * split["unit_name"].nunique()) if theme != "wall" else None,
    )
    return fig


def swimlane_figure(
    stages: pd.DataFrame, plan: pd.DataFrame, as_of: dt.date, rules: Rules, theme: str = "desk"
) -> go.Figure:
    """Both chains on one time axis: planned and actual bars per stage, overdue parts, hand-over arrows, as-of."""
    fig = go.Figure()
    day = pd.Timedelta(days=1)
    ms = 86_400_000
    for r in plan.itertuples():
        lane = "电网侧 计划" if r.chain == "grid" else "客户侧 计划"
        width = max((pd.Timestamp(r.finish) - pd.Timestamp(r.start)) / day, 0.3)
        fig.add_trace(
            go.Bar(
                y=[lane],
                x=[width * ms],
                base=[pd.Timestamp(r.start)],
                orientation="h",
                marker=dict(color="rgba(120,130,140,0.35)", line=dict(color="#7a8591", width=1)),
                text=r.code,
                textposition="inside",
                showlegend=False,
                hovertemplate=f"{r.code} {r.name}<br>计划 {r.start} → {r.finish}<extra></extra>",
            )
        )
    end_of = {}
    for r in stages.itertuples():
        if pd.isna(r.started_on) or str(r.state) == "not_started":
            continue
        lane = "电网侧 实际" if r.chain == "grid" else "客户侧 实际"
        start = pd.Timestamp(r.started_on)
        end = pd.Timestamp(r.finished_on) if str(r.state) == "finished" else pd.Timestamp(as_of)
        end_of[r.stage_code] = (lane, end)
        colour = _colour(str(r.state), str(r.status))
        is_open = str(r.state) == "open"
        hover = (f"{r.stage_code} {rules.stage_name(r.stage_code)}<br>{start:%Y-%m-%d} → "
                 f"{'进行中' if is_open else f'{end:%Y-%m-%d}'}<br>已用 {int(r.elapsed)} / 时限 "
                 f"{_fmt(r.limit_days)} {'工作日' if r.limit_unit == 'WD' else '自然日'}"
                 f"<br>责任方 {rules.parties.get(r.party, r.party)}<extra></extra>")  # fmt: skip
        due = getattr(r, "due_on", None)
        late = str(r.status) == "overdue" and due is not None and pd.notna(due) and pd.Timestamp(due) < end
        # an overdue stage: the part within its limit in its normal colour, the part past it in the overdue colour
        parts = [(start, pd.Timestamp(due), STATUS_COLORS["on_time" if not is_open else "normal"]),
                 (pd.Timestamp(due), end, colour)] if late else [(start, end, colour)]  # fmt: skip
        for i, (a, b, c) in enumerate(parts):
            fig.add_trace(go.Bar(
                y=[lane], x=[max((b - a) / day, 0.3) * ms], base=[a], orientation="h",
                text=r.stage_code if i == 0 else "", textposition="inside", showlegend=False, width=0.6,
                marker=dict(color=c, line=dict(color="#111" if is_open else c, width=3 if is_open else 1)),
                hovertemplate=hover,
            ))  # fmt: skip
    for a, b in rules.interlocks:
        if a in end_of and b in end_of and end_of[a][0] != end_of[b][0]:
            start_b = pd.Timestamp(stages.loc[stages["stage_code"] == b, "started_on"].iloc[0])
            fig.add_annotation(
                x=start_b,
                y=end_of[b][0],
                ax=end_of[a][1],
                ay=end_of[a][0],
                xref="x",
                yref="y",
                axref="x",
                ayref="y",
                showarrow=True,
                arrowhead=3,
                arrowwidth=1.5,
                arrowcolor="#555",
                text="",
            )
    fig.add_vline(x=pd.Timestamp(as_of), line=dict(color=STATUS_COLORS["overdue"], dash="dash", width=2))
    fig.add_annotation(x=pd.Timestamp(as_of), y=1.02, yref="paper", text=f"截至 {as_of}", showarrow=False)
    fig.update_layout(
        template=template_for(theme),
        barmode="overlay",
        title="双链泳道：计划与实际",
        xaxis=dict(type="date"),
        yaxis=dict(categoryorder="array", categoryarray=LANES[::-1]),
        height=360 if theme != "wall" else None,
        margin=dict(l=110),
    )
    return fig


def _colour(state: str, status: str) -> str:
    if state == "finished":
        return STATUS_COLORS["late"] if status == "overdue" else STATUS_COLORS["on_time"]
    return STATUS_COLORS.get(status, STATUS_COLORS["normal"])


def _fmt(v) -> str:
    return "—" if pd.isna(v) else f"{v:g}"


def duration_figure(points, model=None, capacity: float | None = None, theme: str = "desk") -> go.Figure:
    """Customer-chain days against capacity (log scale) for finished cases, with the fitted median and 80 % band
    per capacity bin; the 25/45-day rule of thumb drawn beside them."""
    from board.domain.duration import EDGES

    fig = go.Figure()
    if points is None or points.empty:
        fig.update_layout(template=template_for(theme), title="工期与容量：暂无已完成的高压工单", height=320)
        return fig
    fig.add_trace(
        go.Scattergl(
            x=points["capacity_kva"],
            y=points["customer_cd"],
            mode="markers",
            name="已完成工单",
            marker=dict(size=5, color="rgba(47,128,237,0.35)"),
            hovertemplate="%{x:,.0f} kVA · %{y} 天<extra></extra>",
        )
    )
    if model is not None:
        rows = model.table[model.table["vclass"] == "mv"].sort_values("bin")
        lo = [max(EDGES[b], 50) for b in rows["bin"]]
        hi = [min(EDGES[b + 1], 40000) for b in rows["bin"]]
        xs = [v for pair in zip(lo, hi) for v in pair]
        for col, name, dash in (
            ("p50", "中位数（10kV）", "solid"),
            ("p10", "10% 分位", "dot"),
            ("p90", "90% 分位", "dot"),
        ):
            ys = [v for v in rows[col] for _ in (0, 1)]
            fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name=name, line=dict(color="#d35400", dash=dash)))
    fig.add_trace(
        go.Scatter(
            x=[50, 1000, 1000, 40000],
            y=[25, 25, 45, 45],
            mode="lines",
            name="经验基准 25/45 天",
            line=dict(color="#555", dash="dash"),
        )
    )
    if capacity:
        fig.add_vline(x=capacity, line=dict(color="#27ae60", width=2))
    fig.update_layout(
        template=template_for(theme),
        title="客户侧工期与变压器容量（已完成的高压工单）",
        xaxis=dict(type="log", title="容量 kVA"),
        yaxis=dict(title="客户侧工期（天）", rangemode="tozero"),
        height=380,
        legend=dict(orientation="h", y=-0.25),
    )
    return fig
