"""Open capacity by hand (SPEC §4.5): single and multi-transformer substations, promised load, missing data."""

import math

import pandas as pd
import pytest

from board.domain.capacity import CapacityRules, candidates, check_load, feeder_capacity, substation_capacity

RULES = CapacityRules()
SUBS = pd.DataFrame({
    "substation_code": ["S1", "S2", "S3"], "name": ["单变", "双变", "缺数"], "transformer_count": [1, 2, 2],
    "transformer_mva": [40.0, 50.0, 50.0], "peak_mw": [20.0, 30.0, None], "spare_bays": [3, 0, 2],
    "lat": [29.5, 29.6, 29.7], "lon": [121.3, 121.4, 121.5],
})  # fmt: skip


def test_substation_single_transformer_uses_allowed_loading():
    s = substation_capacity(SUBS, pd.Series({"S1": 2.0}), RULES).set_index("substation_code")
    # 0.8 × 40 = 32 limit; 32 − 20 − 2 = 10 MW open; 10 / 40 = 25 % -> yellow
    assert s.loc["S1", "limit_mw"] == 32 and s.loc["S1", "open_mw"] == 10 and s.loc["S1", "cap_class"] == "yellow"


def test_substation_n_minus_1_caps_two_transformers():
    s = substation_capacity(SUBS, pd.Series(dtype=float), RULES).set_index("substation_code")
    # min(0.8 × 100, (2 − 1) × 50) = 50; 50 − 30 = 20 open of 100 -> 20 % yellow, limited by N-1, no spare bay
    assert s.loc["S2", "limit_mw"] == 50 and s.loc["S2", "open_mw"] == 20
    assert s.loc["S2", "reason"] == "主变N-1、无空余间隔"


def test_missing_peak_is_unknown_not_zero():
    s = substation_capacity(SUBS, pd.Series(dtype=float), RULES).set_index("substation_code")
    assert math.isnan(s.loc["S3", "open_mw"]) and s.loc["S3", "cap_class"] == "grey"


FEEDERS = pd.DataFrame({
    "feeder_code": ["F1", "F2", "F3", "F4"], "name": ["甲线", "乙线", "丙线", "丁线"],
    "substation_code": ["S1", "S1", "S2", "S1"], "rated_current_a": [400.0, 400.0, 400.0, 400.0],
    "peak_mw": [2.0, 2.0, None, 1.0], "spare_bays": [1, 1, 1, 0],
    "path": ["121.30 29.50;121.32 29.50", "121.30 29.50;121.30 29.60", "121.40 29.60;121.42 29.60",
             "121.30 29.50;121.28 29.50"],
})  # fmt: skip


def feeders(promised_kva):
    subs = substation_capacity(SUBS, pd.Series({"S1": 0.0}), RULES)
    load = pd.DataFrame({"feeder_code": list(promised_kva), "promised_kva": list(promised_kva.values()),
                         "queued_kva": list(promised_kva.values())})  # fmt: skip
    return feeder_capacity(FEEDERS, load, subs, RULES).set_index("feeder_code")


def test_feeder_rating_and_open_capacity():
    f = feeders({})
    rating = math.sqrt(3) * 10.5 * 400 / 1000  # 7.274 MW
    assert f.loc["F1", "rating_mw"] == pytest.approx(rating)
    assert f.loc["F1", "open_mw"] == pytest.approx(0.8 * rating - 2.0)  # 3.82 MW, 52 % -> green
    assert f.loc["F1", "cap_class"] == "green"


def test_promised_load_pushes_a_feeder_red():
    f = feeders({"F2": 5000.0})  # 5000 kVA × 0.6 = 3.0 MW promised
    assert f.loc["F2", "promised_mw"] == pytest.approx(3.0)
    assert f.loc["F2", "open_mw"] == pytest.approx(0.8 * math.sqrt(3) * 4.2 - 2.0 - 3.0)  # 0.82 MW, 11 %
    assert f.loc["F2", "cap_class"] == "yellow"
    g = feeders({"F2": 6000.0})  # 3.6 MW -> 0.22 MW, 3 % -> red, and the reason is the promised load
    assert g.loc["F2", "cap_class"] == "red" and g.loc["F2", "reason"] == "在途负荷"


def test_feeder_without_peak_is_grey_and_no_bay_is_a_reason():
    f = feeders({})
    assert math.isnan(f.loc["F3", "open_mw"]) and f.loc["F3", "cap_class"] == "grey"
    assert "无空余间隔" in f.loc["F4", "reason"]


def test_candidates_nearest_first_and_exclude_no_bay_or_too_small():
    f = feeders({}).reset_index()
    found = candidates(f, 2000, RULES, lon=121.30, lat=29.61)  # needs 1.2 MW
    assert list(found["feeder_code"]) == ["F2", "F1"]  # F2 passes 1 km away; F4 has no bay; F3 unknown
    assert found["distance_km"].iloc[0] == pytest.approx(1.11, abs=0.02)
    assert candidates(f, 9000, RULES).empty  # 5.4 MW: nobody


@pytest.mark.parametrize("text,ok", [("800", True), ("0", False), ("-5", False), ("abc", False), ("1e9", False),
                                     ("", False), ("nan", False)])  # fmt: skip
def test_load_input_is_checked(text, ok):
    value, problem = check_load(text)
    assert (value is not None) == ok and (problem is None) == ok
