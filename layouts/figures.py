"""Figure builders shared by the desk pages and the wall screen; the theme only picks the template."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from board.domain.alerts import METRICS
from layouts.theme import template_for

WALL_SCALE = [[0, "#16283a"], [0.05, "#4a2430"], [0.4, "#b8434b"], [1, "#ff6b6b"]]


def heatmap_figure(
    matrix: pd.DataFrame, metric: str, unit_names: dict[str, str], stage_names: dict[str, str], theme: str = "desk"
) -> go.Figure:
    """Unit × stage heatmap with the numbers in the cells. Rates keep a colour range fixed per metric; counts
    scale to the fullest cell, rounded up to 5/10/20/50/… so one overdue case is visible in a county and hundreds
    do not all saturate in a province, while the scale only moves in steps between refreshes."""  # fmt: skip
    m = METRICS[metric]
    values = matrix.to_numpy(dtype=float)
    top = m.zmax if m.unit != "个" else _nice_ceiling(np.nanmax(values, initial=0.0))
    if m.unit == "%":
        text = np.where(np.isnan(values), "", np.char.mod("%.0f%%", np.nan_to_num(values) * 100))
    elif metric == "avg_overrun":
        text = np.where(np.isnan(values), "", np.char.mod("%.1f", np.nan_to_num(values)))
    else:
        text = np.where(values > 0, np.char.mod("%d", np.nan_to_num(values)), "·")
    wall = theme == "wall"
    fig = go.Figure(
        go.Heatmap(
            z=values,
            x=[f"{c} {stage_names.get(c, c)}" for c in matrix.columns],
            y=[unit_names.get(u, u) for u in matrix.index],
            text=text,
            texttemplate="%{text}",
            zmin=0,
            zmax=top,
            # on the dark wall a zero cell is the panel's own colour, not a white block
            colorscale=WALL_SCALE if wall else m.colorscale,
            textfont=dict(color="#e8eaed") if wall else None,
            colorbar=dict(title=dict(text=m.unit)),
            hovertemplate="%{y} · %{x}<br>" + m.label + "：%{text}<extra>点击查看工单</extra>",
            xgap=2,
            ygap=2,
        )
    )
    fig.update_layout(
        template=template_for(theme),
        title=m.label,
        yaxis=dict(autorange="reversed"),
        xaxis=dict(side="top", tickangle=-90 if wall else -35),
        height=max(260, 70 + 42 * len(matrix.index)) if not wall else None,
        margin=dict(t=300 if wall else 110),
    )
    return fig


def _nice_ceiling(v: float, floor: float = 5.0) -> float:
    """The smallest of floor, 10, 20, 50, 100, 200, 500, … not below v."""
    step = floor
    while step < v:
        step = step * 2 if str(int(step))[0] in "15" else step * 2.5
    return step


def trend_figure(weekly: pd.DataFrame, theme: str = "desk", title: str = "近 26 周各单位超时率") -> go.Figure:
    """One line per unit of the weekly late rate; weeks without finished stages are gaps, not zeros."""
    fig = go.Figure()
    for code, part in weekly.groupby("unit_code", sort=False):
        fig.add_trace(
            go.Scatter(
                x=part["week"],
                y=part["late_rate"],
                name=part["unit_name"].iloc[0],
                mode="lines+markers",
                customdata=part["finished"],
                hovertemplate="%{x|%Y-%m-%d} 周<br>超时率 %{y:.1%}<br>完成环节 %{customdata}"
                "<extra>%{fullData.name}</extra>",
                connectgaps=False,
            )
        )
    fig.update_layout(template=template_for(theme), title=title, yaxis=dict(tickformat=".0%", rangemode="tozero"),
                      legend=dict(orientation="h", y=-0.2), height=360 if theme != "wall" else None)  # fmt: skip
    return fig


def empty_figure(message: str, theme: str = "desk") -> go.Figure:
    """A figure that says why there is nothing to draw."""
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, font=dict(size=16))
    fig.update_layout(template=template_for(theme), xaxis=dict(visible=False), yaxis=dict(visible=False), height=240)
    return fig


def ranking_figure(
    last: pd.DataFrame, running: pd.DataFrame, title: str, target: float | None = None, theme: str = "desk"
) -> go.Figure:
    """Sibling units' 时限达标率 of the last complete period as bars in rank order, with the rank change (▲▼) and
    the running period as a marker labelled 截至今日 (`last` and `running` are ranking frames)."""
    from layouts.theme import status_colors

    colors = status_colors(theme)
    frame = last.sort_values(["rank", "unit_name"], na_position="last")
    rate = frame["on_time_rate"]
    change = frame["change"].map(lambda v: "" if pd.isna(v) or v == 0 else f"▲{int(v)}" if v > 0 else f"▼{int(-v)}")
    rank = frame["rank"].map(lambda v: "—" if pd.isna(v) else f"{int(v)}")
    names = [f"{r}  {n}" for r, n in zip(rank, frame["unit_name"])]
    ok = rate >= target if target is not None else rate.notna()
    bar_colors = np.where(rate.isna(), colors["not_started"], np.where(ok, colors["on_time"], colors["warning"]))
    text = [("无数据" if pd.isna(v) else f"{v * 100:.1f}%") + (f" {c}" if c else "") for v, c in zip(rate, change)]
    fig = go.Figure(
        go.Bar(
            y=names, x=rate.fillna(0), orientation="h", marker_color=bar_colors, customdata=text, name="上周",
            hovertemplate="%{y}：%{customdata}<extra></extra>",
        )
    )  # fmt: skip
    # the figures sit in a column of their own right of the bars, so neither the bar length nor the running
    # week's marker can cover them
    for name, t in zip(names, text):
        fig.add_annotation(x=0.74, xref="paper", xanchor="left", y=name, yref="y", text=t, showarrow=False)
    now = running.set_index("unit_code")["on_time_rate"].reindex(frame["unit_code"])
    fig.add_trace(
        go.Scatter(
            y=names, x=now, mode="markers", name="截至今日", marker=dict(symbol="diamond", size=14,
            color="#e8eaed" if theme == "wall" else "#1f2328", line=dict(width=1, color="#000")),
            hovertemplate="%{y} 截至今日：%{x:.1%}<extra></extra>",
        )
    )  # fmt: skip
    lo = float(np.nanmin([rate.min(), now.min(), target or 1.0]) if rate.notna().any() else 0.5)
    fig.update_layout(
        template=template_for(theme),
        title=title,
        xaxis=dict(tickformat=".0%", range=[max(0.0, lo - 0.1), 1.0], domain=[0, 0.7]),
        yaxis=dict(autorange="reversed"),
        legend=dict(orientation="h", y=-0.08, x=0),
        showlegend=True,
        height=None if theme == "wall" else max(260, 90 + 40 * len(frame)),
        margin=dict(l=10, r=10),
    )
    fig.update_yaxes(automargin=True)
    if target is not None:
        fig.add_vline(x=target, line_dash="dot", line_color=colors["not_started"])
    return fig
