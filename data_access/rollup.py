"""Keep the stage_daily rollup in step with the stages table (rebuilt for the days an import touches)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import Connection, and_, case, delete, func, insert, literal, select

from .models import Case, Stage, StageDaily


def voltage_band(voltage):
    """SQL expression: lv (< 1 kV), mv (1 – < 35 kV), hv (≥ 35 kV) — the same bands as CaseFilter."""
    return case((voltage < 1, literal("lv")), (voltage < 35, literal("mv")), else_=literal("hv"))


def rebuild(conn: Connection, days: Iterable[dt.date] | None = None) -> None:
    """Recompute the rollup for some finish days (None: all of it) with one INSERT … SELECT … GROUP BY."""
    day_list = None if days is None else sorted(set(days))
    if day_list is not None and not day_list:
        return
    band = voltage_band(Case.voltage_kv)
    has_limit = Stage.limit_days.is_not(None)
    source = (
        select(
            Stage.unit_code, Stage.stage_code, Stage.finished_on, band, Case.customer_class, Case.key_project,
            func.count(),
            func.sum(case((Stage.on_time, 1), else_=0)),
            func.sum(case((and_(has_limit, Stage.entered_warning), 1), else_=0)),
            func.sum(case((and_(has_limit, Stage.entered_warning, Stage.on_time), 1), else_=0)),
            func.sum(case((Stage.attempts <= 1, 1), else_=0)),
            func.sum(case((Stage.on_time, 0), else_=Stage.elapsed - Stage.limit_days)),
        )
        .join(Case, Case.case_id == Stage.case_id)
        .where(Stage.finished_on.is_not(None))
        .group_by(Stage.unit_code, Stage.stage_code, Stage.finished_on, band, Case.customer_class, Case.key_project)
    )  # fmt: skip
    target = delete(StageDaily)
    chunks = [None] if day_list is None else [day_list[i : i + 500] for i in range(0, len(day_list), 500)]
    for chunk in chunks:
        if chunk is None:
            conn.execute(target)
            stmt = source
        else:
            conn.execute(target.where(StageDaily.finished_on.in_(chunk)))
            stmt = source.where(Stage.finished_on.in_(chunk))
        cols = ["unit_code", "stage_code", "finished_on", "voltage_band", "customer_class", "key_project",
                "finished", "on_time", "warned", "warned_ok", "first_pass", "overrun_sum"]  # fmt: skip
        conn.execute(insert(StageDaily).from_select(cols, stmt))


def finished_days(conn: Connection, case_ids: list[str]) -> set[dt.date]:
    """Finish days of the stored stages of some cases (the rollup days a replacement will change)."""
    days: set[dt.date] = set()
    for i in range(0, len(case_ids), 900):
        stmt = select(Stage.finished_on).where(Stage.case_id.in_(case_ids[i : i + 900]), Stage.finished_on.is_not(None))
        days.update(d for (d,) in conn.execute(stmt.distinct()))
    return days
