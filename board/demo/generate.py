"""Deterministic demo company: cases and both chains' stages with skewed durations, truncated at an as-of date.

Everything is drawn as whole-column numpy arrays, so a million cases take seconds, not hours.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from board.demo.geo import demo_grid, demo_units, service_areas, station_boxes
from board.domain.rules import Rules
from board.domain.workcal import WorkCalendar
from data_access.progress import Progress, silent

_PLACES = np.array(["云澜", "青溪", "东岚", "溪口", "白沙", "海湾", "石门", "新港", "梅岭", "桐林"])
_BRANDS = np.array(list("恒泰华盛鼎新宏达瑞丰金源永兴嘉禾天诚明远富康汇通广润博雅信安中和佳美凯旋"))
_TRADES = np.array(["电器", "机械", "纺织", "食品", "塑业", "科技", "建材", "物流", "医药", "模具", "五金",
                    "服饰", "化工", "置业", "农业"])  # fmt: skip
_SURNAMES = np.array(list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董"))
_GIVEN = np.array(["建国", "秀英", "海燕", "志强", "丽华", "小红", "伟", "芳", "军", "敏", "静", "磊", "洋",
                   "艳", "勇", "杰", "娟", "涛", "明", "超", "霞", "平", "刚", "桂英"])  # fmt: skip
_MANAGERS = np.array(["周晓东", "吴海波", "郑丽娜", "王建华", "陈思远", "林雪", "黄志刚", "徐敏", "孙立新",
                      "朱婷", "马俊", "胡晓峰", "郭艳", "何平", "高磊", "罗佳"])  # fmt: skip
# per-stage skew: typical duration as a share of the limit, and spread (log-normal sigma)
_GRID_MU, _GRID_SIGMA = np.log(0.55), 0.5
_CUST_MU, _CUST_SIGMA = np.log(0.7), 0.45
# a share of customer works stall for weeks or months (financing, land, equipment): the long-running cases
_STALL_P, _STALL_FACTOR = 0.05, (3.0, 30.0)


def generate(
    rules: Rules,
    cal: WorkCalendar,
    *,
    as_of: dt.date,
    n_cases: int = 5000,
    seed: int = 7,
    months: int = 18,
    high_share: float = 0.22,
    progress: Progress = silent,
) -> tuple[dict[str, pd.DataFrame], dict]:
    """Typed frames (units, substations, feeders, cases, stages) and the service-area GeoJSON."""  # fmt: skip
    rng = np.random.default_rng(seed)
    units = demo_units()
    units["parent_code"] = units["parent_code"].astype(object).where(units["parent_code"] != "", None)
    units["level"] = units["unit_code"].str.count("-")
    units["path"] = units["unit_code"].map(_path_of(units))
    subs, feeders = demo_grid(rng)
    areas = service_areas(rng)
    cases = _cases(rng, n_cases, as_of, months, high_share, cal, subs, feeders)
    stages = _stages(rng, cases, rules, cal, as_of, progress)
    cases = _finish_cases(rng, cases, stages, rules, as_of)
    frames = {"units": units, "substations": subs, "feeders": feeders, "cases": cases, "stages": stages}
    return frames, areas


def _path_of(units: pd.DataFrame) -> dict[str, str]:
    parent = dict(zip(units["unit_code"], units["parent_code"]))
    out = {}
    for code in parent:
        chain, cur = [], code
        while isinstance(cur, str) and cur:
            chain.append(cur)
            cur = parent[cur]
        out[code] = "/" + "/".join(reversed(chain)) + "/"
    return out


def _cases(rng, n, as_of, months, high_share, cal, subs, feeders) -> pd.DataFrame:
    boxes = station_boxes()
    codes = np.array(list(boxes))
    unit = rng.choice(codes, n, p=_weights(rng, len(codes)))
    box = np.array([boxes[c] for c in unit])
    lon = rng.uniform(box[:, 0], box[:, 1])
    lat = rng.uniform(box[:, 2], box[:, 3])
    span = int(months * 30.5)
    raw_day = np.datetime64(as_of) - rng.integers(0, span, n).astype("timedelta64[D]")
    applied, _ = cal.add_workdays(raw_day - np.timedelta64(1, "D"), np.ones(n, dtype=np.int64))
    low_share = 1 - high_share
    klass = rng.choice(["high", "low_resident", "low_nonresident"], n,
                       p=[high_share, low_share * 0.64, low_share * 0.36])  # fmt: skip
    high = klass == "high"
    cap = np.where(klass == "low_resident", rng.choice([8, 10, 12, 16, 20], n),
                   np.round(np.clip(rng.lognormal(np.log(50), 0.6, n), 20, 160) / 5) * 5)  # fmt: skip
    cap = np.where(high, np.round(np.clip(rng.lognormal(np.log(630), 0.85, n), 100, 40000) / 50) * 50, cap)
    voltage = np.where(high, np.select([cap >= 30000, cap >= 8000], [110.0, 35.0], 10.0),
                       np.where((klass == "low_resident") & (cap <= 12), 0.22, 0.4))  # fmt: skip
    key = high & (cap >= 2000) & (rng.random(n) < 0.3)
    nearest = np.argmin((lon[:, None] - subs["lon"].to_numpy()) ** 2 + (lat[:, None] - subs["lat"].to_numpy()) ** 2,
                        axis=1)  # fmt: skip
    feeder = _feeder_for(rng, nearest, subs, feeders)
    desired_gap = np.where(high, rng.integers(55, 160, n), rng.integers(8, 30, n))
    desired = np.where(rng.random(n) < 0.85, applied + desired_gap.astype("timedelta64[D]"), np.datetime64("NaT"))
    names = np.where(high | (klass == "low_nonresident"), _company_names(rng, n), _person_names(rng, n))
    manager_idx = (np.searchsorted(codes, unit) * 3 + rng.integers(0, 3, n)) % len(_MANAGERS)
    return pd.DataFrame({
        "case_id": [f"YK{d.astype(object).year % 100:02d}{i:07d}" for i, d in enumerate(applied, start=1)],
        "unit_code": unit, "customer_name": names, "customer_class": klass, "voltage_kv": voltage,
        "capacity_kva": cap.astype(float), "business_type": np.where(rng.random(n) < 0.7, "new", "increase"),
        "works_type": np.where(high, None, rng.choice(["none", "overhead", "cable"], n, p=[0.5, 0.35, 0.15])),
        "key_project": key, "applied_on": pd.to_datetime(applied), "desired_on": pd.to_datetime(desired),
        "feeder_code": feeder, "status": "open", "manager": _MANAGERS[manager_idx], "satisfaction": pd.NA,
        "lat": lat.round(5), "lon": lon.round(5),
        "supply": np.where(high & (cap >= 5000) & (rng.random(n) < 0.4), "dual", "single"),
    })  # fmt: skip


def _weights(rng, k: int) -> np.ndarray:
    w = rng.uniform(0.6, 1.6, k)
    return w / w.sum()


def _feeder_for(rng, nearest, subs, feeders) -> np.ndarray:
    codes = feeders["feeder_code"].to_numpy()
    owner = feeders["substation_code"].map({c: i for i, c in enumerate(subs["substation_code"])}).to_numpy()
    order = np.argsort(owner, kind="stable")
    starts = np.searchsorted(owner[order], np.arange(len(subs)))
    counts = np.bincount(owner, minlength=len(subs))
    pick = starts[nearest] + (rng.random(nearest.size) * counts[nearest]).astype(int)
    return codes[order][pick]


def _company_names(rng, n) -> np.ndarray:
    a = _PLACES[rng.integers(0, _PLACES.size, n)]
    b = np.char.add(_BRANDS[rng.integers(0, _BRANDS.size, n)], _BRANDS[rng.integers(0, _BRANDS.size, n)])
    c = _TRADES[rng.integers(0, _TRADES.size, n)]
    return np.char.add(np.char.add(np.char.add(a, b), c), "有限公司")


def _person_names(rng, n) -> np.ndarray:
    return np.char.add(_SURNAMES[rng.integers(0, _SURNAMES.size, n)], _GIVEN[rng.integers(0, _GIVEN.size, n)])


def _stages(
    rng, cases: pd.DataFrame, rules: Rules, cal: WorkCalendar, as_of: dt.date, progress: Progress
) -> pd.DataFrame:
    """Schedule both chains along the interlocks with skewed durations, then cut everything at as-of."""
    n = len(cases)
    codes = sorted(cases["unit_code"].unique())
    unit_effect = cases["unit_code"].map(dict(zip(codes, rng.normal(0, 0.18, len(codes))))).to_numpy()
    applied = cases["applied_on"].to_numpy().astype("datetime64[D]")
    cap = cases["capacity_kva"].to_numpy()
    kv = cases["voltage_kv"].to_numpy()
    limit_frame = cases[["customer_class", "capacity_kva", "works_type", "supply"]]
    finish: dict[str, np.ndarray] = {}
    parts = []
    order = rules.process_order()
    for i, code in enumerate(order):
        progress("生成演示数据", i, len(order))
        preds = [a for a, b in rules.interlocks if b == code]
        high = cases["customer_class"].eq("high").to_numpy()
        mask = high if code[0] in "GC" else ~high
        if not mask.any():
            continue
        start = applied.copy()
        for p in preds:
            start = np.maximum(start, finish[p])
        limit, unit = rules.limits(limit_frame.assign(stage_code=code))
        limit = np.nan_to_num(limit, nan=3.0)
        chain = rules.stage_info[code]["chain"]
        mu, sigma = (_GRID_MU, _GRID_SIGMA) if chain == "grid" else (_CUST_MU, _CUST_SIGMA)
        size = np.log(np.maximum(cap, 100) / 630) * (0.12 if chain == "customer" else 0.05)
        ratio = rng.lognormal(mu + unit_effect + size, sigma, n)
        if chain == "customer":
            stall = rng.random(n) < _STALL_P
            ratio = np.where(stall, ratio * rng.uniform(*_STALL_FACTOR, n), ratio)
        dur = np.round(limit * ratio).astype(np.int64)
        attempts = np.ones(n, dtype=np.int64)
        if code == "G7":
            attempts = np.where(rng.random(n) < 0.12, 2, 1)
            dur += (attempts - 1) * 2
        if code == "G8":  # waiting for an outage-plan window (SPEC §2.5), held by the utility
            wait = np.where(kv >= 35, rng.integers(0, 20, n), np.where(rng.random(n) < 0.3, rng.integers(0, 6, n), 0))
            dur += wait
        if unit[0] == "WD":
            end, _ = cal.add_workdays(start, dur)
            planned, _ = cal.add_workdays(start, limit.astype(np.int64))
        else:
            end = start + dur.astype("timedelta64[D]")
            planned = start + limit.astype(np.int64).astype("timedelta64[D]")
        finish[code] = end
        parts.append(pd.DataFrame({
            "case_id": cases["case_id"].to_numpy()[mask], "stage_code": code, "started_on": start[mask],
            "finished_on": end[mask], "party": rules.stage_info[code]["party"], "attempts": attempts[mask],
            "planned_finish_on": planned[mask],
        }))  # fmt: skip
    stages = pd.concat(parts, ignore_index=True)
    return _cut_at(rng, stages, as_of)


def _cut_at(rng, stages: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    cut = np.datetime64(as_of)
    start = stages["started_on"].to_numpy().astype("datetime64[D]")
    end = stages["finished_on"].to_numpy().astype("datetime64[D]")
    stages = stages[start <= cut].copy()
    end = end[start <= cut]
    stages["finished_on"] = pd.to_datetime(np.where(end <= cut, end, np.datetime64("NaT")))
    stages["started_on"] = pd.to_datetime(stages["started_on"])
    stages["planned_finish_on"] = pd.to_datetime(stages["planned_finish_on"])
    # a few customer-chain records lack planned dates: what 客户侧工程可视可控率 measures
    lacks = (stages["stage_code"].str[0] == "C").to_numpy() & (rng.random(len(stages)) < 0.04)
    stages.loc[lacks, "planned_finish_on"] = pd.NaT
    # and a few cases miss a stage record altogether: what 资料规范率 measures
    sloppy = set(rng.choice(stages["case_id"].unique(), size=max(1, stages["case_id"].nunique() // 33), replace=False))
    missing = stages["stage_code"].isin(["G4", "L1"]) & stages["case_id"].isin(sloppy)
    return stages[~missing].reset_index(drop=True)


def _finish_cases(rng, cases: pd.DataFrame, stages: pd.DataFrame, rules: Rules, as_of: dt.date) -> pd.DataFrame:
    from board.ingest.derive import energized_on

    cases = cases.copy()
    done = energized_on(cases, stages, rules).notna().to_numpy()
    cancelled = ~done & (rng.random(len(cases)) < 0.02)
    cases["status"] = np.select([done, cancelled], ["energized", "cancelled"], "open")
    surveyed = done & (rng.random(len(cases)) < 0.85)
    score = rng.choice([5, 4, 3, 2], len(cases), p=[0.6, 0.28, 0.09, 0.03])
    cases["satisfaction"] = pd.array(np.where(surveyed, score, 0), dtype="Int64")
    cases.loc[~surveyed, "satisfaction"] = pd.NA
    return cases
