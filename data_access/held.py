"""Keep the held_daily rollup (models.HeldDaily) in step with the stages and cases, as rollup.py keeps stage_daily.

A finished stage of a case that is not cancelled adds its calendar days from the day it first counts for a past
day's open cases (the later of its finish and its case's application) and takes them away from the day its case
stops being open (its energization, when later). Summed up to a day, that is exactly what `finished_party_days`
adds up from the stage rows of the cases open that day (a test holds the two together)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import Connection, case, delete, func, insert, literal, or_, select, union_all

from . import rollup
from .models import Case, HeldDaily, Stage

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
    frame = rollup.read_by_cases(conn, _grouped, case_ids, KEYS + SUMS)
    return frame.groupby(KEYS, sort=False)[SUMS].sum().reset_index()


def apply_delta(conn: Connection, before: pd.DataFrame, after: pd.DataFrame) -> None:
    """Move the rollup from `before` to `after` (`contributions` of the same cases before and after their rows were
    replaced): each changed key gets its difference added in place, and a key left at zero goes."""
    rollup.move(conn, HeldDaily, KEYS, SUMS, before, after, emptied=(HeldDaily.n == 0) & (HeldDaily.days == 0),
                counts=SUMS)  # fmt: skip


def from_frames(stages: pd.DataFrame, cases: pd.DataFrame) -> pd.DataFrame:
    """The rows `rebuild` would write, from the frames of a first load before they are written (tests compare).
    Each key becomes integer codes, the four packed into one int64 and the sums taken with bincount: a groupby of
    the 20 M entries of 11 M stage rows took 28 s."""
    pos = pd.Index(cases["case_id"]).get_indexer(stages["case_id"])
    at = np.where(pos >= 0, pos, 0)

    def days_of(values) -> np.ndarray:  # whole days since 1970, NaT as the int64 minimum
        return pd.to_datetime(values).to_numpy().astype("datetime64[D]").astype(np.int64)

    nat = np.iinfo(np.int64).min
    finished = days_of(stages["finished_on"])
    applied = days_of(cases["applied_on"])[at]
    energized = days_of(cases["energized_on"])[at]
    alive = (cases["status"] != "cancelled").to_numpy()[at]
    # an unknown case (inner join) and a stage not finished or of a case not applied add nothing
    plus = np.flatnonzero((pos >= 0) & alive & (finished != nat) & (applied != nat))
    start = np.maximum(finished[plus], applied[plus])
    ends = energized[plus] != nat
    minus = plus[ends]
    day = np.concatenate([start, np.maximum(start[ends], energized[minus])])
    rows = np.concatenate([plus, minus])
    case_codes, case_units = pd.factorize(cases["unit_code"])
    unit_codes, units = pd.factorize(stages["unit_code"])
    party_codes, parties = pd.factorize(stages["party"])
    first = day.min() if len(day) else 0
    keys = [
        (day - first, int(day.max() - first) + 1 if len(day) else 1),
        (case_codes[at[rows]], len(case_units)),
        (unit_codes[rows], len(units)),
        (party_codes[rows], len(parties)),
    ]
    packed = np.zeros(len(rows), dtype=np.int64)
    for codes, size in keys:
        packed = packed * size + codes
    group_of, groups = pd.factorize(packed)
    sign = np.concatenate([np.ones(len(plus), np.int64), -np.ones(len(minus), np.int64)])
    days = pd.to_numeric(stages["elapsed_cd"], errors="coerce").fillna(0).to_numpy(dtype=np.int64)[rows]
    n = np.bincount(group_of, sign, len(groups)).astype(np.int64)
    total = np.bincount(group_of, sign * days, len(groups)).astype(np.int64)
    codes = {}
    for name, (_codes, size) in reversed(list(zip(KEYS, keys))):
        codes[name] = groups % size
        groups = groups // size
    out = pd.DataFrame({
        "day": (codes["day"] + first).astype("datetime64[D]").astype("datetime64[ns]"),
        "case_unit": np.asarray(case_units, dtype=object)[codes["case_unit"]],
        "unit_code": np.asarray(units, dtype=object)[codes["unit_code"]],
        "party": np.asarray(parties, dtype=object)[codes["party"]],
        "n": n,
        "days": total,
    })  # fmt: skip
    return out[(out["n"] != 0) | (out["days"] != 0)].reset_index(drop=True)
