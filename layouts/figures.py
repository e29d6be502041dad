"""Figure builders shared by the desk pages and the wall screen; the theme only picks the template."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from board.domain.alerts import METRICS
from layouts.theme import template_for


def heatmap_figure(
    matrix: pd.DataFrame, metric: str, unit_names: dict[str, str], stage_names: dict[str, str], theme: str = "desk"
) -> go.Figure:
    """Unit × stage heatmap with the numbers in the cells and a colour range fixed per metric."""  # fmt: skip
    m = METRICS[metric]
    values = matrix.to_numpy(dtype=float)
    if m.unit == "%":
        text = np.where(np.isnan(values), "", np.char.mod("%.0f%%", np.nan_to_num(values) * 100))
    elif metric == "avg_overrun":
        text = np.where(np.isnan(values), "", np.char.mod("%.1f", np.nan_to_num(values)))
    else:
        text = np.where(values > 0, np.char.mod("%d", np.nan_to_num(values)), "·")
    fig = go.Figure(
        go.Heatmap(
            z=values,
            x=[f"{c} {stage_names.get(c, c)}" for c in matrix.columns],
            y=[unit_names.get(u, u) for u in matrix.index],
            text=text,
            texttemplate="%{text}",
            zmin=0,
            zmax=m.zmax,
            colorscale=m.colorscale,
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
        xaxis=dict(side="top", tickangle=-35),
        height=max(260, 70 + 42 * len(matrix.index)) if theme != "wall" else None,
        margin=dict(t=110),
    )
    return fig


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
