"""Colours and Plotly templates: one set of figures, a light desk template and a dark wall template."""

from __future__ import annotations

import copy

import plotly.graph_objects as go
import plotly.io as pio

FONT_FAMILY = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'

STATUS_COLORS = {
    "not_started": "#c8ccd2",  # 未开始
    "normal": "#2f80ed",  # 正常 (in progress)
    "warning": "#f2a900",  # 预警
    "overdue": "#d64545",  # 超时
    "on_time": "#27ae60",  # 按时完成
    "late": "#8e2b2b",  # 超时完成
}
PARTY_COLORS = {
    "utility": "#1f5fa8",
    "customer": "#7f8c8d",
    "designer": "#8e44ad",
    "supplier": "#d35400",
    "builder": "#16a085",
    "government": "#c0392b",
}
# the wall is dark: the same four meanings (超时 red, 预警 amber, 正常 green, 无数据 grey) in tones that keep a
# contrast of at least 4.5:1 on its background (tests/unit/test_theme.py measures it)
WALL_BG = "#0b1622"
WALL_PANEL = "#10202f"
WALL_STATUS_COLORS = {
    **STATUS_COLORS,
    "normal": "#4aa3ff",
    "warning": "#f5b82e",
    "overdue": "#ff6b6b",
    "on_time": "#3ccf7a",
    "late": "#ff9a9a",
    "not_started": "#9aa0a6",
}
TONE_COLORS = {
    "desk": {"good": "#1e7e45", "bad": "#b02a2a", "flat": "#5f6368", "warn": "#8a5a00"},
    "wall": {"good": "#3ccf7a", "bad": "#ff6b6b", "flat": "#9aa0a6", "warn": "#f5b82e"},
}
# at 1080 px of screen height no text on the wall is smaller than this: 41 mm on a 2 m-high wall, above the
# 25 mm a glyph needs at 5 m by the distance/200 rule (README, Wall screen)
WALL_MIN_FONT_PX = 22


def status_colors(theme: str | None) -> dict[str, str]:
    """Status colours for a theme."""
    return WALL_STATUS_COLORS if theme == "wall" else STATUS_COLORS


def contrast_ratio(fg: str, bg: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours."""

    def lum(c: str) -> float:
        rgb = [int(c[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    a, b = sorted((lum(fg), lum(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


CAPACITY_COLORS = {"green": "#27ae60", "yellow": "#f2c200", "red": "#d64545", "grey": "#9aa0a6"}

DESK, WALL = "board_desk", "board_wall"


def _template(dark: bool) -> go.layout.Template:
    base = copy.deepcopy(pio.templates["plotly_dark" if dark else "plotly_white"])
    size = 22 if dark else 12
    base.layout.font = dict(family=FONT_FAMILY, size=size, color="#e8eaed" if dark else "#1f2328")
    base.layout.title = dict(font=dict(size=size + (6 if dark else 3)), x=0.01, xanchor="left")
    if dark:  # at the top of the panel, clear of legends and tick labels that share the top margin
        base.layout.title.update(y=0.985, yanchor="top", yref="container")
    base.layout.margin = dict(l=60, r=20, t=50 if dark else 36, b=40)
    base.layout.paper_bgcolor = WALL_PANEL if dark else "#ffffff"
    base.layout.plot_bgcolor = WALL_PANEL if dark else "#ffffff"
    base.layout.hoverlabel = dict(font=dict(family=FONT_FAMILY, size=size))
    base.layout.colorway = (
        ["#4aa3ff", "#3ccf7a", "#f5b82e", "#ff6b6b", "#c39bd3", "#48c9b0", "#f0935a"]
        if dark
        else ["#2f80ed", "#27ae60", "#f2a900", "#d64545", "#8e44ad", "#16a085", "#d35400"]
    )
    if dark:
        grid = "#24384c"
        base.layout.xaxis.gridcolor = base.layout.yaxis.gridcolor = grid
        base.layout.legend = dict(font=dict(size=size, color="#e8eaed"), bgcolor="rgba(0,0,0,0)")
    return base


def register_templates() -> None:
    """Register the desk and wall templates with plotly (idempotent)."""
    pio.templates[DESK] = _template(dark=False)
    pio.templates[WALL] = _template(dark=True)


def warm_figures() -> None:
    """Build one figure of every trace type the board draws, in both templates, and serialise it: plotly sets up
    its validators and template copies on first use, which made a worker's first page figure 0.5 s slower (its
    first user paid it). Called once per process when the app is created."""
    for theme in ("desk", "wall"):
        fig = go.Figure(
            data=[go.Bar(x=[1], y=[1], text=["1"], marker_color="#000"), go.Heatmap(z=[[1]], x=["a"], y=["b"]),
                  go.Scatter(x=[1], y=[1], mode="markers+lines"), go.Scattermap(lon=[0], lat=[0], mode="markers"),
                  go.Choroplethmap(locations=["a"], z=[1])],
            layout=dict(template=template_for(theme), title="·"),
        )  # fmt: skip
        fig.update_layout(margin=dict(l=1), legend=dict(orientation="h"), xaxis=dict(title="x"), yaxis=dict(title="y"))
        fig.to_plotly_json()


def template_for(theme: str | None) -> str:
    """Template name for a theme ('wall' or anything else = desk), registering the templates on first use."""
    if WALL not in pio.templates:
        register_templates()
    return WALL if theme == "wall" else DESK
