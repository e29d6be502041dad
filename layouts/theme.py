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
CAPACITY_COLORS = {"green": "#27ae60", "yellow": "#f2c200", "red": "#d64545", "grey": "#9aa0a6"}

DESK, WALL = "board_desk", "board_wall"


def _template(dark: bool) -> go.layout.Template:
    base = copy.deepcopy(pio.templates["plotly_dark" if dark else "plotly_white"])
    size = 22 if dark else 12
    base.layout.font = dict(family=FONT_FAMILY, size=size, color="#e8eaed" if dark else "#1f2328")
    base.layout.title = dict(font=dict(size=size + (6 if dark else 3)), x=0.01, xanchor="left")
    base.layout.margin = dict(l=60, r=20, t=50 if dark else 36, b=40)
    base.layout.paper_bgcolor = "#0b1622" if dark else "#ffffff"
    base.layout.plot_bgcolor = "#0b1622" if dark else "#ffffff"
    base.layout.hoverlabel = dict(font=dict(family=FONT_FAMILY, size=size))
    base.layout.colorway = ["#2f80ed", "#27ae60", "#f2a900", "#d64545", "#8e44ad", "#16a085", "#d35400"]
    return base


def register_templates() -> None:
    """Register the desk and wall templates with plotly (idempotent)."""
    pio.templates[DESK] = _template(dark=False)
    pio.templates[WALL] = _template(dark=True)


def template_for(theme: str | None) -> str:
    """Template name for a theme ('wall' or anything else = desk), registering the templates on first use."""
    if WALL not in pio.templates:
        register_templates()
    return WALL if theme == "wall" else DESK
