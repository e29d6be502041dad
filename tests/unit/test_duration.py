"""工期预估: the model recovers a known relation, says 样本不足 when thin, and forecasts across a holiday."""

import datetime as dt

import numpy as np
import pandas as pd

from board.domain.duration import fit, forecast, risk
from board.usecases.service import BoardService
from callbacks.calculator import calculate


def synthetic(n_per_bin=200, seed=1):
    rng = np.random.default_rng(seed)
    caps = {300: 25.0, 700: 30.0, 1500: 35.0, 3000: 40.0}  # true median customer-chain days per capacity
    rows = []
    for cap, days in caps.items():
        for i in range(n_per_bin):
            rows.append((f"S{cap}-{i}", cap, 10.0, days + rng.uniform(-4, 4)))
    return pd.DataFrame(rows, columns=["case_id", "capacity_kva", "voltage_kv", "customer_cd"]), caps


def test_model_recovers_a_known_relation_within_its_interval():
    data, truth = synthetic()
    model = fit(data)
    for cap, days in truth.items():
        p = model.predict(cap, 10)
        assert p.ok and abs(p.median - days) < 1.0 and p.low < days < p.high
        assert 5.0 < p.high - p.low < 8.0  # 80 % of a ±4 uniform spread is 6.4 days wide
    assert 0.7 < model.coverage < 0.9 and model.test_size > 100


def test_too_few_cases_says_so():
    data, _ = synthetic(n_per_bin=4)
    p = fit(data).predict(1500, 10)
    assert not p.ok and p.note == "样本不足"
    assert not fit(data).predict(20000, 110).ok  # a voltage class with no cases at all


def test_forecast_of_an_open_low_voltage_case_across_national_day(rules, cal):
    cases = pd.DataFrame(
        {
            "case_id": ["L"],
            "customer_class": ["low_resident"],
            "capacity_kva": [10.0],
            "works_type": ["none"],
            "supply": ["single"],
            "desired_on": [pd.Timestamp("2025-10-10")],
        }
    )
    stages = pd.DataFrame(
        {
            "case_id": ["L", "L"],
            "stage_code": ["L1", "L2"],
            "started_on": pd.to_datetime(["2025-09-29", "2025-09-30"]),
            "finished_on": pd.to_datetime(["2025-09-30", None]),
        }
    )
    out = forecast(cases, stages, pd.Series(dtype=float), dt.date(2025, 9, 30), cal, rules)
    # L2 needs 3 WD from Sep 30: Oct 9, Oct 10, Sat Oct 11 (a working day) -> Oct 11
    assert out["forecast_on"].iloc[0] == pd.Timestamp("2025-10-11")
    flags = risk(out["forecast_on"], out["forecast_on"], cases["desired_on"])
    assert flags.iloc[0] == "likely_late"


def test_forecast_of_a_high_voltage_case_scales_customer_stages(rules, cal):
    cases = pd.DataFrame(
        {
            "case_id": ["H"],
            "customer_class": ["high"],
            "capacity_kva": [630.0],
            "works_type": [None],
            "supply": ["single"],
            "desired_on": [pd.NaT],
        }
    )
    stages = pd.DataFrame(
        {
            "case_id": ["H"],
            "stage_code": ["C5"],
            "started_on": pd.to_datetime(["2026-03-02"]),
            "finished_on": pd.to_datetime([None]),
        }
    )
    half = forecast(cases, stages, pd.Series({"H": 0.5}), dt.date(2026, 3, 2), cal, rules)
    full = forecast(cases, stages, pd.Series({"H": 1.0}), dt.date(2026, 3, 2), cal, rules)
    # C5: 3 CD (×0.5 -> 2 CD), then G7 2 WD and G8 3 WD
    assert full["forecast_on"].iloc[0] - half["forecast_on"].iloc[0] <= pd.Timedelta(days=3)
    assert full["forecast_on"].iloc[0] == pd.Timestamp("2026-03-12")  # Mar 5 + 2 WD = Mar 9, + 3 WD = Mar 12


def test_calculator_with_bad_input(demo_settings):
    svc = BoardService(demo_settings)
    for bad in ("0", "-5", "abc", "1e9"):
        result, _fig = calculate(svc, bad, "10", "2026-11-20")
        assert "请输入" in str(result)
    result, fig = calculate(svc, "800", "10", "2026-11-20")
    assert "客户侧工期预计" in str(result) and "最早送电" in str(result) and "经验基准 25 天" in str(result)
    assert len(fig.data) >= 4
    thin, _ = calculate(svc, "20000", "35", "2026-11-20")
    assert "样本不足" in str(thin)
