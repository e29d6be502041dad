"""The workbooks of a snapshot: the page's tables (all rows), the 通报 workbook of the rankings page."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import pandas as pd

from board.domain import inert
from board.domain.rankings import last_complete

if TYPE_CHECKING:
    from board.reports.snapshot import SnapshotRequest


def tables_xlsx(title: str, req: SnapshotRequest, content: dict) -> bytes:
    """The page's tables as one workbook, a sheet per table, with title and as-of rows above each."""
    buffer = io.BytesIO()
    tables = content.get("tables") or []
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        if not tables:
            pd.DataFrame({"说明": ["本页没有表格"]}).to_excel(writer, sheet_name=title[:31], index=False, startrow=2)
            writer.sheets[title[:31]]["A1"] = f"{title} · 数据截至 {req.as_of}"
        used: set[str] = set()
        for i, table in enumerate(tables, start=1):
            name = _sheet_name(table.get("title") or f"{title}{i}", used)
            width = len(table["columns"])
            frame = pd.DataFrame([list(r)[:width] + [None] * (width - len(r)) for r in table["rows"]],
                                 columns=_unique(table["columns"]))  # fmt: skip
            inert.frame(frame).to_excel(writer, sheet_name=name, index=False, startrow=2)
            parts = [title, table.get("title") or "", f"数据截至 {req.as_of}"]
            writer.sheets[name]["A1"] = " · ".join(p for p in parts if p)
    return buffer.getvalue()


def with_full_grid(svc, req: SnapshotRequest, content: dict) -> dict:
    """The 双链进度 grid pages its rows from the server: the workbook gets all of them, read the way the grid reads."""
    from callbacks.progress import portfolio_rows
    from layouts.progress import COLUMNS

    try:
        root = svc.scope(req.unit).root
    except LookupError:  # the page fell back to the user's own scope with a notice; so does the workbook
        root = svc.scope(None).root
    stored = {"as_of": req.as_of.isoformat(), "unit": root, "states": ["open"]}
    rows, start = [], 0
    while True:
        block = portfolio_rows(svc, stored, {"startRow": start, "endRow": start + 1000})
        rows += block["rowData"]
        start += 1000
        if start >= block["rowCount"] or not block["rowData"]:
            break
    columns = [c for c in COLUMNS if c.get("field")]
    full = {"columns": [c.get("headerName") or c["field"] for c in columns],
            "rows": [[r.get(c["field"]) for c in columns] for r in rows]}  # fmt: skip
    tables = [{**t, **full} if t.get("id") == "progress-grid" else t for t in content.get("tables") or []]
    return {**content, "tables": tables}


def ranking_xlsx(svc, req: SnapshotRequest) -> bytes:
    from layouts.report_tables import ranking_workbook

    period = last_complete(req.kind, req.as_of)
    scope = svc.scope(req.unit)
    issuer = svc.units().set_index("unit_code").loc[scope.root, "unit_name"]
    return ranking_workbook(svc.ranking(period, scope.root), req.kind, period, issuer)


def _sheet_name(text: str, used: set[str]) -> str:
    base = "".join(c for c in text if c not in "[]:*?/\\")[:28] or "表"
    name, n = base, 2
    while name in used:
        name, n = f"{base}{n}", n + 1
    used.add(name)
    return name


def _unique(columns: list) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for c in columns:
        c = str(c) or "列"
        seen[c] = seen.get(c, 0) + 1
        out.append(c if seen[c] == 1 else f"{c}{seen[c]}")
    return out
