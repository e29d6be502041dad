"""双链进度 callbacks: portfolio filters → table, bottleneck and 责任边界 (the 工期预估 calculator: calculator.py)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from dash import Dash, Input, Output, State
from dash.exceptions import PreventUpdate
from sqlalchemy.exc import SQLAlchemyError

from board.domain.duration import RISK_NAMES
from board.domain.portfolio import PortfolioFilter
from board.domain.rules import CASE_STATUS_NAMES, CLASS_NAMES
from board.usecases.service import BoardService, PortfolioQuery
from layouts.case_page import date_text
from layouts.common import as_of_value, notices
from layouts.figures import empty_figure
from layouts.ids.progress import Progress
from layouts.progress import PARTIES, RISKS, STATES
from layouts.progress_figures import party_figure, wait_figure
from layouts.urlstate import parse_params, to_search

from . import calculator
from .common import register_as_of_value, register_unit_options, resolve_unit
from .errors import friendly_error

BLOCK = 100  # rows per request of the grid (its cacheBlockSize)


def _day(value) -> dt.date | None:
    return parse_params({"as_of": str(value)[:10]}).as_of if value else None


def _query(svc: BoardService, stored: dict | None) -> PortfolioQuery:
    """The grid's query from the page's store, checked again: the store lives in the browser."""
    d = stored or {}
    states = frozenset(s for s in (d.get("states") or []) if s in STATES) or frozenset({"open"})
    party = d.get("party") if d.get("party") in PARTIES else None
    risk = d.get("risk") if d.get("risk") in RISKS else None
    flt = PortfolioFilter(voltage=d.get("voltage") if d.get("voltage") in ("lv", "mv", "hv") else None,
                          customer_class=d.get("class") if d.get("class") in CLASS_NAMES else None,
                          key_only=bool(d.get("key")), party=party, text=str(d.get("text") or "")[:60])  # fmt: skip
    unit = d.get("unit") if isinstance(d.get("unit"), str) else None
    return PortfolioQuery(svc.as_of(_day(d.get("as_of"))), unit, states, _day(d.get("from")), _day(d.get("to")), flt,
                          risk)  # fmt: skip


def _known(states, party, risk, text) -> tuple:
    """The filters' values the page knows (the browser may send anything): states, party, risk, search text."""
    states = [s for s in (states or []) if s in STATES] or ["open"]
    return states, party if party in PARTIES else None, risk if risk in RISKS else None, (text or "")[:60]


def query_data(
    svc: BoardService,
    unit,
    as_of,
    states,
    start,
    end,
    voltage,
    klass,
    key,
    party,
    text,
    requested,
    risk,
    messages: list[str] | None = None,
) -> dict:
    """The page's query as the browser keeps it, from the filters' values (raises on an unknown unit or bad date).
    Both the figures and the grid's first block build it, so the grid need not wait for the figures' answer."""
    messages = [] if messages is None else messages
    states, party, risk, text = _known(states, party, risk, text)
    day = svc.as_of(as_of[:10] if as_of else None)
    scope = resolve_unit(svc, unit, requested, messages)
    applied_from = _day(start)
    if applied_from is None and set(states) - {"open"}:
        # finished cases pile up for years: without a range, show the last year's applications only
        applied_from = day - dt.timedelta(days=365)
        messages.append(f"已送电/已撤销工单默认只显示 {applied_from} 以后申请的，可用“申请日期”调整")
    applied_to = _day(end)
    return {"as_of": day.isoformat(), "unit": scope.root, "states": states, "voltage": voltage, "class": klass,
            "from": applied_from and applied_from.isoformat(), "to": applied_to and applied_to.isoformat(),
            "key": bool(key), "party": party, "text": text, "risk": risk}  # fmt: skip


def update_portfolio(
    svc: BoardService, unit, as_of, states, start, end, voltage, klass, key, party, text, requested=None, risk=None
) -> tuple:
    """(notice, count, grid query, bottleneck figure, 责任边界 figure, URL search); never raises. The grid asks for
    its rows by itself (`portfolio_rows`) with the query this returns."""
    messages: list[str] = []
    states, party, risk, text = _known(states, party, risk, text)
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
        stored = query_data(svc, unit, as_of, states, start, end, voltage, klass, key, party, text, requested, risk,
                            messages)  # fmt: skip
        summary = svc.portfolio_summary(_query(svc, stored))
    except (SQLAlchemyError, ValueError, LookupError) as exc:
        fig = empty_figure("暂无数据")
        return notices([friendly_error(exc)], "danger"), "", None, fig, fig, search
    return (
        notices(messages),
        f"共 {summary.count:,} 件（表格按需分页读取，可排序）",
        stored,
        wait_figure(summary.wait),
        party_figure(summary.split, summary.share, svc.rules.parties),
        search,
    )


def portfolio_rows(svc: BoardService, stored: dict | None, request: dict | None) -> dict:
    """One block of the grid: {rowData, rowCount} for the grid's getRowsRequest (sorted and paged in SQL)."""
    request = request or {}
    start = max(int(request.get("startRow") or 0), 0)
    end = min(max(int(request.get("endRow") or start + BLOCK), start), start + 1000)
    sort = [(str(s.get("colId")), s.get("sort") == "desc") for s in (request.get("sortModel") or [])[:3]]
    q = _query(svc, stored)
    try:
        cases = svc.portfolio_rows(q, start, end, sort)
        count = svc.portfolio_count(q)
    except (SQLAlchemyError, ValueError, LookupError):
        return {"rowData": [], "rowCount": 0}
    names = dict(zip(*svc.units()[["unit_code", "unit_name"]].to_numpy().T)) if len(cases) else {}
    return {"rowData": _rows(cases, names, svc, q.as_of.isoformat()), "rowCount": count}


def _rows(cases: pd.DataFrame, names: dict, svc: BoardService, as_of) -> list[dict]:
    if cases.empty:
        return []
    top = cases
    parties = svc.rules.parties
    energized = (top["state_as_of"] == "energized").to_numpy()
    age = (pd.Timestamp(as_of) - pd.to_datetime(top["applied_on"])).dt.days.to_numpy()
    days = np.where(energized, top["connect_cd"].fillna(0).to_numpy(), age)
    current = (
        top["current_stages"]
        .fillna("")
        .map(lambda s: "、".join(f"{c} {svc.rules.stage_name(c)}" for c in s.split(",") if c))
    )
    # an all-NULL column (a block of low-voltage cases) comes back as None, not NaN
    base = [f"{c:.0f} / {b:.0f}" if pd.notna(c) and pd.notna(b) else ""
            for c, b in zip(top["customer_cd"], top["baseline_cd"])]  # fmt: skip
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


# the page's filters, in query_data's order
FILTERS = (
    State(Progress.UNIT, "value"), State(as_of_value(Progress.AS_OF), "data"), State(Progress.STATES, "value"),
    State(Progress.APPLIED, "start_date"), State(Progress.APPLIED, "end_date"), State(Progress.VOLTAGE, "value"),
    State(Progress.CLASS, "value"), State(Progress.KEY, "value"), State(Progress.PARTY, "value"),
    State(Progress.SEARCH, "value"), State(Progress.RISK, "value"),
)  # fmt: skip


def register(app: Dash, svc: BoardService) -> None:
    """Attach the 双链进度 callbacks (and its 工期预估 calculator's) to an app."""
    calculator.register(app, svc)
    register_as_of_value(app, Progress.AS_OF)
    register_unit_options(app, svc, Progress.UNIT, Progress.URL)

    @app.callback(
        Output(Progress.NOTICE, "children"),
        Output(Progress.COUNT, "children"),
        Output(Progress.QUERY, "data"),
        Output(Progress.WAIT, "figure"),
        Output(Progress.PARTIES, "figure"),
        Output(Progress.URL, "search"),
        Input(Progress.UNIT, "value"),
        Input(as_of_value(Progress.AS_OF), "data"),
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
        Output(Progress.GRID, "getRowsResponse"),
        Output(Progress.ROWS_QUERY, "data"),
        Input(Progress.GRID, "getRowsRequest"),
        State(Progress.QUERY, "data"),
        *FILTERS,
        State(Progress.REQUESTED, "data"),
        prevent_initial_call=True,
    )
    def on_rows(request, stored, unit, as_of, states, start, end, voltage, klass, key, party, text, risk, requested):
        if stored is None:
            # the first block, asked for while the figures are still being made: the query from the filters
            try:
                stored = query_data(svc, unit, as_of, states, start, end, voltage, klass, key, party, text, requested,
                                    risk)  # fmt: skip
            except (SQLAlchemyError, ValueError, LookupError):
                raise PreventUpdate from None  # the filters' answer says what is wrong
        return portfolio_rows(svc, stored, request), stored

    # a new query empties the grid's blocks so it asks for its first rows again
    app.clientside_callback(
        """function (stored, used, id) {
            if (!stored) { return window.dash_clientside.no_update; }
            // the date picker re-sends its value after it mounts: the same query must not reload the grid
            const text = JSON.stringify(stored);
            // per grid, but not on its api object: dash-ag-grid sends that object's own fields with each request
            const shown = window.__boardGridQuery = window.__boardGridQuery || new WeakMap();
            dash_ag_grid.getApiAsync(id).then(api => {
                if (shown.get(api) === text) { return; }
                const first = !shown.has(api);
                shown.set(api, text);
                // the grid's first block is (being) read with this query: on_rows takes it from the store once it is
                // there, and from the same filters before; only a block read with another query is thrown away
                if (first && (!used || JSON.stringify(used) === text)) { return; }
                api.purgeInfiniteCache();
            });
            return window.dash_clientside.no_update;
        }""",
        Output(Progress.QUERY, "id"),
        Input(Progress.QUERY, "data"),
        State(Progress.ROWS_QUERY, "data"),
        State(Progress.GRID, "id"),
        prevent_initial_call=True,
    )
