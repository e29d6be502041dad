"""Building blocks shared by pages: filter bar, KPI cards, notices."""

from __future__ import annotations

import datetime as dt

import dash_bootstrap_components as dbc
from dash import dcc, html

from board.kpi import Kpi
from board.urlstate import PERIODS

PERIOD_LABELS = {7: "近 7 天", 30: "近 30 天", 90: "近 90 天", 365: "近一年"}


def filter_bar(
    unit_id: str, as_of_id: str, period_id: str | None, unit: str | None, as_of: dt.date | None, period: int = 30
) -> dbc.Row:
    """Unit picker, as-of date and (optionally) KPI period, with values taken from the URL."""
    cols = [
        dbc.Col([dbc.Label("供电单位", html_for=unit_id),
                 dcc.Dropdown(id=unit_id, value=unit, clearable=False, placeholder="全公司")], md=4),
        dbc.Col([dbc.Label("数据截至", html_for=as_of_id),
                 dcc.DatePickerSingle(id=as_of_id, date=as_of, display_format="YYYY-MM-DD",
                                      placeholder="今天", clearable=True)], md=3),
    ]  # fmt: skip
    if period_id:
        options = [{"label": PERIOD_LABELS[p], "value": p} for p in PERIODS]
        picker = dcc.Dropdown(id=period_id, options=options, value=period, clearable=False)
        cols.append(dbc.Col([dbc.Label("统计周期", html_for=period_id), picker], md=2))
    return dbc.Row(cols, className="g-3 mb-3 board-filters")


def kpi_cards(kpis: list[Kpi]) -> list:
    """One card per KPI; warning colours for overdue counts."""
    cards = []
    for k in kpis:
        tone = {"overdue_open": "danger", "warning_open": "warning"}.get(k.name) if k.value else None
        cards.append(
            dbc.Col(
                dbc.Card(
                    dbc.CardBody([html.Div(k.label, className="kpi-label"),
                                  html.Div(k.display(), className="kpi-value")]),
                    color=tone, outline=bool(tone), className="kpi-card h-100", id=f"kpi-{k.name}",
                ),
                xs=6, md=4, lg=2,
            )
        )  # fmt: skip
    return cards


def notices(messages: list[str], color: str = "warning") -> list:
    """Dismissable alerts for rejected URL values or data problems."""
    return [dbc.Alert(m, color=color, dismissable=True, className="py-2 mb-2") for m in messages]
