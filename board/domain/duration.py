"""工期预估 (SPEC §4.6): customer-chain duration from capacity, and a forecast energization date per open case.

Model: binned empirical quantiles. Finished high-voltage cases are grouped by voltage class and a log2 capacity
bin; a bin predicts its median with the 10th–90th percentile as the 80 % interval. Chosen because durations are
skewed and heteroscedastic (a few stalls of months): quantiles of real cases state that honestly, with no
distribution assumed, and a user can check any figure by counting cases. A bin with fewer than MIN_SAMPLES cases
borrows its neighbours; still too few gives 样本不足 rather than a guess. Every fifth case (by a stable hash of
its id) is held back to report the error and the interval's coverage.
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from board.domain.rules import Rules
from board.domain.workcal import WorkCalendar, to_day_numbers

EDGES = [0, 250, 500, 1000, 2000, 4000, 8000, np.inf]
MIN_SAMPLES = 20
VOLTAGE_CLASSES = {"mv": "10kV", "hv": "35kV及以上"}


def voltage_class(kv) -> np.ndarray:
    """mv below 35 kV, hv from 35 kV."""
    return np.where(np.asarray(kv, dtype=float) >= 35, "hv", "mv")


def capacity_bin(kva) -> np.ndarray:
    """Index of the capacity bin (EDGES) of each capacity."""
    return np.clip(np.searchsorted(EDGES, np.asarray(kva, dtype=float), side="right") - 1, 0, len(EDGES) - 2)


@dataclass(frozen=True)
class Prediction:
    """A predicted customer-chain duration (calendar days) or the reason there is none."""

    median: float | None
    low: float | None
    high: float | None
    samples: int
    note: str = ""

    @property
    def ok(self) -> bool:
        """Whether the model had enough cases."""
        return self.median is not None


@dataclass(frozen=True)
class DurationModel:
    """Quantiles per (voltage class, capacity bin), fitted on the training cases, with held-out error."""

    table: pd.DataFrame  # vclass, bin, n, p10, p50, p90
    train_size: int
    test_size: int
    mae_days: float
    coverage: float
    lookup: dict = None  # (vclass, bin) -> Prediction, filled by fit()

    def predict(self, capacity_kva: float, voltage_kv: float) -> Prediction:
        """Median and 80 % interval for one capacity and voltage (neighbour bins pooled when thin)."""
        key = (str(voltage_class([voltage_kv])[0]), int(capacity_bin([capacity_kva])[0]))
        if self.lookup is not None:
            return self.lookup[key]
        return self._predict(*key)

    def predict_many(self, capacity_kva, voltage_kv) -> list[Prediction]:
        """Predictions for many cases at once (one lookup per voltage class and capacity bin)."""
        keys = zip(voltage_class(voltage_kv), capacity_bin(capacity_kva))
        return [self.lookup[(str(v), int(b))] for v, b in keys]

    def _predict(self, vc: str, b: int) -> Prediction:
        rows = self.table[(self.table["vclass"] == vc)]
        here = rows[rows["bin"] == b]
        if not here.empty and here["n"].iloc[0] >= MIN_SAMPLES:
            r = here.iloc[0]
            return Prediction(r["p50"], r["p10"], r["p90"], int(r["n"]))
        pooled = rows[(rows["bin"] - b).abs() <= 1]
        if pooled["n"].sum() >= MIN_SAMPLES and "values" in pooled:
            values = np.concatenate(pooled["values"].to_list())
            q = np.percentile(values, [10, 50, 90])
            return Prediction(q[1], q[0], q[2], len(values), "合并相邻容量段")
        return Prediction(None, None, None, int(pooled["n"].sum()), "样本不足")


def held_out(case_ids: pd.Series) -> np.ndarray:
    """Whether each case is held back from fitting (every fifth, by a stable hash of its id)."""
    # a plain list of str: iterating pandas' string array element by element cost 2 s at 800 k finished cases
    return np.array([zlib.crc32(c.encode()) % 5 == 0 for c in case_ids.astype(str).tolist()], dtype=bool)


def fit(cases: pd.DataFrame) -> DurationModel:
    """Fit on finished cases (case_id, capacity_kva, voltage_kv, customer_cd; `held_out` when already known)."""
    data = cases.assign(vclass=voltage_class(cases["voltage_kv"]), bin=capacity_bin(cases["capacity_kva"]))
    test = data["held_out"].to_numpy(dtype=bool) if "held_out" in data else held_out(data["case_id"])
    train, held = data[~test], data[test]
    table = _table(train)
    bare = DurationModel(table, len(train), len(held), float("nan"), float("nan"))
    lookup = {(vc, b): bare._predict(vc, b) for vc in VOLTAGE_CLASSES for b in range(len(EDGES) - 1)}
    model = DurationModel(table, len(train), len(held), float("nan"), float("nan"), lookup)
    if held.empty:
        return model
    preds = model.predict_many(held["capacity_kva"], held["voltage_kv"])
    ok = np.array([p.ok for p in preds])
    if not ok.any():
        return model
    actual = held["customer_cd"].to_numpy()[ok]
    med = np.array([p.median for p in preds if p.ok])
    low = np.array([p.low for p in preds if p.ok])
    high = np.array([p.high for p in preds if p.ok])
    mae = float(np.mean(np.abs(actual - med)))
    coverage = float(np.mean((actual >= low) & (actual <= high)))
    return DurationModel(table, len(train), int(ok.sum()), mae, coverage, lookup)


def _table(train: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for (vc, b), part in train.groupby(["vclass", "bin"]):
        v = part["customer_cd"].to_numpy(dtype=float)
        q = np.percentile(v, [10, 50, 90])
        rows.append({"vclass": vc, "bin": int(b), "n": len(v), "p10": q[0], "p50": q[1], "p90": q[2], "values": v})
    return pd.DataFrame(rows, columns=["vclass", "bin", "n", "p10", "p50", "p90", "values"])


def bin_label(b: int) -> str:
    """Readable capacity range of a bin."""
    lo, hi = EDGES[b], EDGES[b + 1]
    return f"{lo:g}–{hi:g} kVA" if np.isfinite(hi) else f"≥{lo:g} kVA"


def forecast(
    cases: pd.DataFrame, stages: pd.DataFrame, ratio: pd.Series, as_of: dt.date, cal: WorkCalendar, rules: Rules
) -> pd.DataFrame:
    """Forecast energization per open case, stage by stage along the interlocks, all cases at once.

    Finished stages keep their dates; an open stage needs what remains of its limit (customer stages: the limit
    scaled by the case's model ratio); a stage not started starts when its predecessors finish, no earlier than
    as-of. `ratio` maps case id to predicted customer-chain days / the customer stages' limit total (1 = rules).
    Returns case_id, forecast_on, provisional."""  # fmt: skip
    return forecasts_for(cases, stages, [ratio], as_of, cal, rules)[0]


def forecasts_for(
    cases: pd.DataFrame, stages: pd.DataFrame, ratios: list[pd.Series], as_of: dt.date, cal: WorkCalendar,
    rules: Rules,
) -> list[pd.DataFrame]:  # fmt: skip
    """`forecast` for several ratios (the median and the 90 % one) in one pass: the stage rows, limits and time
    used so far are looked up once for all of them."""
    a = np.datetime64(as_of, "D")
    ids = cases["case_id"].to_numpy()
    n = len(ids)
    rs = [pd.Series(ids).map(r).fillna(1.0).to_numpy() for r in ratios]
    finish: list[dict[str, np.ndarray]] = [{} for _ in rs]
    provisional = [np.zeros(n, dtype=bool) for _ in rs]
    high = cases["customer_class"].eq("high").to_numpy()
    # each stage row's case position and dates found once, then picked per stage code: at 100 k open cases the
    # per-code filter and id lookup over a million stage rows took most of a forecast
    pos_all = pd.Index(ids).get_indexer(stages["case_id"])
    mine = pos_all >= 0
    pos_all = pos_all[mine]
    started_all = stages["started_on"].to_numpy()[mine].astype("datetime64[D]")
    done_all = stages["finished_on"].to_numpy()[mine].astype("datetime64[D]")
    by_code = pd.Series(np.arange(pos_all.size)).groupby(stages["stage_code"].to_numpy()[mine]).indices
    frame = cases[["case_id", "customer_class", "capacity_kva", "works_type", "supply"]]
    for code in rules.process_order():
        applies = high == (code[0] in "GC")
        if not applies.any():
            continue
        base_limit, unit = rules.limits(frame.assign(stage_code=code))
        base_limit = np.nan_to_num(base_limit, nan=0.0)
        rows = by_code.get(code, np.empty(0, dtype=np.int64))
        pos = pos_all[rows]
        started = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
        done = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
        started[pos] = started_all[rows]
        done[pos] = done_all[rows]
        done[done > a] = np.datetime64("NaT")
        started[started > a] = np.datetime64("NaT")
        used = np.zeros(n)
        is_open = ~np.isnat(started) & np.isnat(done)
        if is_open.any() and unit[0] == "WD":
            days = to_day_numbers(started[is_open])
            used[is_open] = cal.elapsed_between(days, np.full(days.size, cal.day_number(as_of)))
        elif is_open.any():
            used[is_open] = (a - started[is_open]).astype(int)
        customer = rules.stage_info[code]["chain"] == "customer"
        for k, r in enumerate(rs):
            limit = base_limit * r if customer else base_limit
            preds = [finish[k][p] for p, b in rules.interlocks if b == code and p in finish[k]]
            ready = np.maximum.reduce(preds) if preds else np.full(n, a)
            ready = np.where(np.isnat(ready), a, np.maximum(ready, a))
            need = np.where(is_open, np.maximum(np.ceil(limit - used), 0), np.ceil(limit)).astype(np.int64)
            begin = np.where(is_open, a, ready)
            if unit[0] == "WD":
                end, prov = cal.add_workdays(begin, need)
                provisional[k] |= prov & applies
            else:
                end = begin + need.astype("timedelta64[D]")
            finish[k][code] = np.where(applies, np.where(~np.isnat(done), done, end), np.datetime64("NaT"))
    none = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    out = []
    for k in range(len(rs)):
        final = np.where(high, finish[k].get("G8", none), finish[k].get("L2", none))
        out.append(pd.DataFrame({"case_id": ids, "forecast_on": pd.to_datetime(final), "provisional": provisional[k]}))
    return out


def risk(forecast_on: pd.Series, late_on: pd.Series, desired_on: pd.Series) -> pd.Series:
    """likely_late when the median forecast misses the desired date, at_risk when the 90 % one does, else on_track
    ('' without a desired date)."""
    desired = pd.to_datetime(desired_on)
    out = np.select([desired.isna(), forecast_on > desired, late_on > desired], ["", "likely_late", "at_risk"],
                    "on_track")  # fmt: skip
    return pd.Series(out, index=forecast_on.index)


RISK_NAMES = {"likely_late": "可能延误", "at_risk": "有风险", "on_track": "正常", "": "—"}


def model_to_json(model: DurationModel) -> str:
    """The fitted model without its training values (the lookup already holds every bin's prediction)."""
    import json

    table = model.table.drop(columns=["values"], errors="ignore")
    lookup = [[vc, b, p.median, p.low, p.high, p.samples, p.note] for (vc, b), p in (model.lookup or {}).items()]
    facts = {"train_size": model.train_size, "test_size": model.test_size, "mae_days": model.mae_days,
             "coverage": model.coverage}  # fmt: skip
    return json.dumps({"table": table.to_dict("records"), "lookup": lookup, **facts})


def model_from_json(text: str) -> DurationModel:
    """The model `model_to_json` wrote."""
    import json

    raw = json.loads(text)
    table = pd.DataFrame(raw["table"], columns=["vclass", "bin", "n", "p10", "p50", "p90"])
    lookup = {
        (vc, int(b)): Prediction(med, low, high, int(n), note) for vc, b, med, low, high, n, note in raw["lookup"]
    }
    return DurationModel(table, int(raw["train_size"]), int(raw["test_size"]), float(raw["mae_days"]),
                         float(raw["coverage"]), lookup)  # fmt: skip
