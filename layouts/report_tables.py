"""Ranking tables as files: the CSV contract and the XLSX laid out as a 通报 (title, period, issuer, table, summary)."""

from __future__ import annotations

import io

import pandas as pd

from board.domain.rankings import MEASURES, RATES, REPORT_NAMES, Period, summary

COUNTS = {"finished", "overdue_open"}


def ranking_csv(frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    """`rank,unit_code,unit_name,<measures…>,prev_rank,change[,band]`; rates as fractions, 无数据 rows unranked."""
    cols = ["rank", "unit_code", "unit_name", *MEASURES[kind], "prev_rank", "change"]
    if kind == "quarter":
        cols.append("band")
    out = frame.reindex(columns=cols).copy()
    for col in ("rank", "prev_rank", "change"):
        out[col] = out[col].map(lambda v: "" if pd.isna(v) else str(int(v)))
    for col in MEASURES[kind]:
        digits = 4 if col in RATES else 0 if col in COUNTS else 2
        out[col] = out[col].map(lambda v, d=digits: "" if pd.isna(v) else f"{v:.{d}f}")
    return out


def display_table(frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    """Chinese-headed table for the page and the XLSX: 排名, 变化 ▲▼, 单位, measures (percent for rates)."""
    rows = {
        "排名": frame["rank"].map(lambda v: "无数据" if pd.isna(v) else int(v)),
        "变化": frame["change"].map(_arrow),
        "单位": frame["unit_name"],
    }
    for col, name in MEASURES[kind].items():
        if col in frame:
            fmt = (
                (lambda v: f"{v * 100:.1f}%")
                if col in RATES
                else (lambda v: f"{v:g}" if float(v).is_integer() else f"{v:.1f}")
            )
            rows[name] = frame[col].map(lambda v, f=fmt: "—" if pd.isna(v) else f(v))
    if "band" in frame:
        rows["段位"] = frame["band"]
    return pd.DataFrame(rows)


def _arrow(v) -> str:
    if pd.isna(v):
        return "—"
    return f"▲{int(v)}" if v > 0 else (f"▼{int(-v)}" if v < 0 else "—")


def ranking_workbook(frame: pd.DataFrame, kind: str, period: Period, issuer: str) -> bytes:
    """The ranking as a 通报 workbook: title, period, issuing unit, table, auto-written summary."""
    table = display_table(frame, kind)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        table.to_excel(writer, sheet_name=REPORT_NAMES[kind], index=False, startrow=4)
        sheet = writer.sheets[REPORT_NAMES[kind]]
        sheet["A1"] = f"{issuer}{REPORT_NAMES[kind]}"
        sheet["A2"] = f"通报周期：{period.label}（{period.start} 至 {period.end}）"
        sheet["A3"] = f"发布单位：{issuer}"
        sheet.cell(row=len(table) + 7, column=1, value="小结：" + summary(frame, kind, period))
        sheet.column_dimensions["C"].width = 18
    return buffer.getvalue()
