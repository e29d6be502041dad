"""Helpers shared by page callbacks: unit resolution with notices, unit options, filters from inputs."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
from dash import Dash, Input, Output, State, ctx, dcc, no_update
from sqlalchemy.exc import SQLAlchemyError

from board.domain import inert
from board.usecases.service import BoardService
from data_access.queries import CaseFilter, OutOfScope, Scope, UnknownUnit
from layouts.common import as_of_value


def resolve_unit(svc: BoardService, unit: str | None, requested: str | None, messages: list[str]) -> Scope:
    """The scope of the picked unit (or the one named in the URL); an unknown one falls back to the root."""
    try:
        return svc.scope(unit or requested or None)
    except OutOfScope as exc:
        messages.append(f"{exc}，已显示您有权查看的范围")
        return svc.scope(None)
    except UnknownUnit as exc:
        messages.append(f"{exc}，已显示默认范围")
        return svc.scope(None)


def unit_options(svc: BoardService) -> list[dict]:
    """Dropdown options for the unit tree, indented by level."""
    units = svc.visible_units()
    return [{"label": "　" * int(r.level) + r.unit_name, "value": r.unit_code} for r in units.itertuples()]


def case_filter(voltage: str | None, customer_class: str | None, key: list | None) -> CaseFilter:
    """A CaseFilter from the page's filter controls (unknown values were already rejected by the URL parser)."""
    return CaseFilter(voltage=voltage or None, customer_class=customer_class or None, key_only=bool(key))


def register_unit_options(app: Dash, svc: BoardService, dropdown_id: str, url_id: str) -> None:
    """Fill a unit dropdown when its page loads."""

    @app.callback(Output(dropdown_id, "options"), Input(url_id, "pathname"))
    def update_unit_options(_pathname):
        try:
            return unit_options(svc)
        except SQLAlchemyError:
            return []


def download_table(frame: pd.DataFrame, fmt: str, name: str) -> dict:
    """A dcc.Download payload: CSV with a BOM (so Excel reads the Chinese) or an XLSX workbook, stamped by time."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M")
    frame = inert.frame(frame)
    if fmt == "csv":
        return dict(content="\ufeff" + frame.to_csv(index=False), filename=f"{name}-{stamp}.csv")
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False, sheet_name=name[:31])
    return dcc.send_bytes(buffer.getvalue(), f"{name}-{stamp}.xlsx")


def register_export(app: Dash, svc: BoardService, ids: tuple[str, str, str, str], what: str, build) -> None:
    """CSV/XLSX buttons that download a grid's rows as the user sees them (already scoped and masked), audited.
    `ids` = (download, csv button, xlsx button, grid); `build(rows, fmt)` makes the dcc.Download payload."""
    download_id, csv_id, xlsx_id, grid_id = ids

    @app.callback(Output(download_id, "data"), Input(csv_id, "n_clicks"), Input(xlsx_id, "n_clicks"),
                  State(grid_id, "rowData"), prevent_initial_call=True)  # fmt: skip
    def on_export(_csv, _xlsx, rows):
        if not rows:
            return no_update
        fmt = "csv" if ctx.triggered_id == csv_id else "xlsx"
        svc.audit("export", f"{what} {fmt} {len(rows)} 行")
        return build(rows, fmt)


def register_print_button(app: Dash, button_id: str) -> None:
    """A button that prints the page in the browser (the print stylesheet hides the controls)."""
    app.clientside_callback(
        "function(n) { if (n) { window.print(); } return ''; }",
        Output(button_id, "title"),
        Input(button_id, "n_clicks"),
        prevent_initial_call=True,
    )


def register_as_of_value(app: Dash, as_of_id: str) -> None:
    """Copy a date picker's value into its store only when it changes (see layouts.common.as_of_picker)."""
    app.clientside_callback(
        """function (date, current) {
            const value = date || null;
            return value === (current || null) ? window.dash_clientside.no_update : value;
        }""",
        Output(as_of_value(as_of_id), "data"),
        Input(as_of_id, "date"),
        State(as_of_value(as_of_id), "data"),
        prevent_initial_call=True,
    )
