"""阳光全程跟踪计划书: each stage's planned dates, back-scheduled from the desired energization date (SPEC §4.2).

Backward: the final stage finishes on the desired date; every stage must finish before its successors' latest
start. When the first stage would have to start before the application date the desire is infeasible, and the
forward schedule from the application date gives the earliest feasible energization date instead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from board.domain.rules import Rules
from board.domain.workcal import WorkCalendar


@dataclass(frozen=True)
class Plan:
    """A tracking plan: one row per stage, whether the desired date holds, and the earliest feasible date."""

    rows: pd.DataFrame  # code, name, chain, party, limit, unit, start, finish, provisional
    desired_on: dt.date | None
    feasible: bool
    earliest_energization: dt.date
    provisional: bool


def _order(codes: list[str], links: list[tuple[str, str]]) -> list[str]:
    preds = {c: [a for a, b in links if b == c] for c in codes}
    done: list[str] = []
    while len(done) < len(codes):
        ready = [c for c in codes if c not in done and all(p in done for p in preds[c])]
        if not ready:
            raise ValueError("规则文件中的环节衔接关系成环")
        done.extend(ready)
    return done


def _shift(cal: WorkCalendar, day: dt.date, n: float, unit: str, back: bool) -> tuple[dt.date, bool]:
    n = int(n)
    if unit == "CD":
        return day + dt.timedelta(days=-n if back else n), False
    fn = cal.sub_workdays if back else cal.add_workdays
    out, prov = fn(np.array([day], dtype="datetime64[D]"), np.array([n]))
    return out[0].astype(object), bool(prov[0])


def tracking_plan(case: dict, rules: Rules, cal: WorkCalendar) -> Plan:
    """The plan of one case from its class, capacity, works type, supply, application and desired dates."""
    klass = case["customer_class"]
    codes = rules.codes_for(klass)
    links = [(a, b) for a, b in rules.interlocks if a in codes and b in codes]
    frame = pd.DataFrame({"stage_code": codes, "customer_class": klass, "capacity_kva": case["capacity_kva"],
                          "works_type": case.get("works_type"), "supply": case.get("supply") or "single"})  # fmt: skip
    limits, units = rules.limits(frame)
    limit = {c: (0.0 if np.isnan(v) else float(v)) for c, v in zip(codes, limits)}
    unit = dict(zip(codes, units))
    order = _order(codes, links)
    applied = pd.Timestamp(case["applied_on"]).date()
    # forward: earliest dates from the application date
    es, ef, prov_f = {}, {}, False
    for c in order:
        es[c] = max([ef[a] for a, b in links if b == c], default=applied)
        ef[c], p = _shift(cal, es[c], limit[c], unit[c], back=False)
        prov_f |= p
    final = order[-1]
    desired = case.get("desired_on")
    desired = None if desired is None or pd.isna(desired) else pd.Timestamp(desired).date()
    feasible = False
    start, finish, prov = es, ef, prov_f
    if desired is not None:
        ls, lf, prov_b = {}, {}, False
        for c in reversed(order):
            lf[c] = min([ls[b] for a, b in links if a == c], default=desired)
            ls[c], p = _shift(cal, lf[c], limit[c], unit[c], back=True)
            prov_b |= p
        feasible = min(ls.values()) >= applied
        if feasible:
            start, finish, prov = ls, lf, prov_b
    rows = pd.DataFrame({
        "code": order, "name": [rules.stage_name(c) for c in order],
        "chain": [rules.stage_info[c]["chain"] for c in order],
        "party": [rules.stage_info[c]["party"] for c in order], "limit": [limit[c] for c in order],
        "unit": [unit[c] for c in order], "start": [start[c] for c in order], "finish": [finish[c] for c in order],
    })  # fmt: skip
    return Plan(rows, desired, feasible, ef[final], prov)
