"""Keep the held_daily rollup (models.HeldDaily) in step with the stages and cases, as rollup.py keeps stage_daily.

A finished stage of a case that is not cancelled adds its calendar days from the day it first counts for a past
day's open cases (the later of its finish and its case's application) and takes them away from the day its case
stops being open (its energization, when later). Summed up to a day, that is exactly what `finished_party_days`
adds up from the stage rows of the cases open that day (a test holds the two together)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import Connection, bindparam, case, delete, func, insert, literal, or_, select, union_all
from sqlalchemy.dialects import postgresql, sqlite

from .models import Case, HeldDaily, Stage
from .values import native

KEYS = ["day", "case_unit", "unit_code", "party"]
SUMS = ["n", "days"]


def _later(a, b):
    return case((a >= b, a), else_=b)


def _grouped(case_ids: list[str] | None = None):
    """SELECT … GROUP BY of every finished stage's two entries into rollup rows (nothing left at zero)."""
    counted = [Stage.finished_on.is_not(None), Case.applied_on.is_not(None), Case.status != "cancelled"]
    if case_ids is not None:
        counted.append(Stage.case_id.in_(case_ids))
    start = _later(Stage.finished_on, Case.applied_on)
    days = func.coalesce(Stage.elapsed_cd, 0)
    keys = (Case.unit_code.label("case_unit"), Stage.unit_code.label("unit_code"), Stage.party.label("party"))
    plus = (
        select(start.label("day"), *keys, literal(1).label("n"), days.label("days"))
        .join(Case, Case.case_id == Stage.case_id)
        .where(*counted)
    )
    minus = (
        select(_later(start, Case.energized_on).label("day"), *keys, literal(-1).label("n"), (-days).label("days"))
        .join(Case, Case.case_id == Stage.case_id)
        .where(*counted, Case.energized_on.is_not(None))
    )
    both = union_all(plus, minus).subquery()
    cols = [both.c[k] for k in KEYS]
    n, total = func.sum(both.c.n), func.sum(both.c.days)
    return select(*cols, n, total).group_by(*cols).having(or_(n != 0, total != 0))


def rebuild(conn: Connection) -> None:
    """Recompute the whole rollup (a migration, a first load without frames, a recompute of stored outcomes)."""
    conn.execute(delete(HeldDaily))
    conn.execute(insert(HeldDaily).from_select(KEYS + SUMS, _grouped()))


def contributions(conn: Connection, case_ids: list[str]) -> pd.DataFrame:
    """What the stored stages of some cases add to the rollup, per key (read through the stages' case index)."""
    rows = []
    for i in range(0, len(case_ids), 900):
        rows += map(tuple, conn.execute(_grouped(case_ids[i : i + 900])))
    frame = pd.DataFrame.from_records(rows, columns=KEYS + SUMS)
    return frame.groupby(KEYS, sort=False)[SUMS].sum().reset_index()


def apply_delta(conn: Connection, before: pd.DataFrame, after: pd.DataFrame) -> None:
    """Move the rollup from `before` to `after` (`contributions` of the same cases before and after their rows were
    replaced): each changed key gets its difference added in place, and a key left at zero goes."""
    both = pd.concat([after, before.assign(**{c: -before[c] for c in SUMS})], ignore_index=True)
    delta = both.groupby(KEYS, sort=False)[SUMS].sum()
    delta = delta[(delta != 0).any(axis=1)].reset_index()
    if delta.empty:
        return
    records = [
        {k: (int(v) if k in SUMS else native(v)) for k, v in zip(KEYS + SUMS, row)}
        for row in delta[KEYS + SUMS].itertuples(index=False)
    ]
    upsert = (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(HeldDaily)
    conn.execute(
        upsert.on_conflict_do_update(
            index_elements=KEYS, set_={c: getattr(HeldDaily, c) + upsert.excluded[c] for c in SUMS}
        ),
        records,
    )
    emptied = delete(HeldDaily).where(
        *(getattr(HeldDaily, k) == bindparam(f"k_{k}") for k in KEYS), HeldDaily.n == 0, HeldDaily.days == 0
    )
    conn.execute(emptied, [{f"k_{k}": r[k] for k in KEYS} for r in records])


def from_frames(stages: pd.DataFrame, cases: pd.DataFrame) -> pd.DataFrame:
    """The rows `rebuild` would write, from the frames of a first load before they are written (tests compare)."""
    pos = pd.Index(cases["case_id"]).get_indexer(stages["case_id"])
    known = pos >= 0  # inner join: a stage of an unknown case adds nothing
    at = np.where(known, pos, 0)
    finished = pd.to_datetime(stages["finished_on"]).to_numpy()
    applied = pd.to_datetime(cases["applied_on"]).to_numpy()[at]
    energized = pd.to_datetime(cases["energized_on"]).to_numpy()[at]
    alive = (cases["status"] != "cancelled").to_numpy()[at]
    plus = known & alive & ~np.isnat(finished) & ~np.isnat(applied)
    minus = plus & ~np.isnat(energized)
    start = np.maximum(finished, applied)
    end = np.maximum(start, energized)
    days = pd.to_numeric(stages["elapsed_cd"], errors="coerce").fillna(0).to_numpy(dtype=np.int64)
    case_unit = cases["unit_code"].to_numpy(dtype=object)[at]
    unit, party = stages["unit_code"].to_numpy(dtype=object), stages["party"].to_numpy(dtype=object)
    entries = pd.DataFrame({
        "day": np.concatenate([start[plus], end[minus]]),
        "case_unit": np.concatenate([case_unit[plus], case_unit[minus]]),
        "unit_code": np.concatenate([unit[plus], unit[minus]]),
        "party": np.concatenate([party[plus], party[minus]]),
        "n": np.concatenate([np.ones(plus.sum(), np.int64), -np.ones(minus.sum(), np.int64)]),
        "days": np.concatenate([days[plus], -days[minus]]),
    })  # fmt: skip
    out = entries.groupby(KEYS, sort=False)[SUMS].sum().reset_index()
    return out[(out["n"] != 0) | (out["days"] != 0)].reset_index(drop=True)
