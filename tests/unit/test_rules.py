"""Stage limits and the 预警 threshold against SPEC §2 and §3."""

import json

import numpy as np
import pandas as pd
import pytest

from board.domain.rules import RulesError, load_rules


def limit_of(rules, code, klass="high", cap=500.0, works=None, supply="single"):
    frame = pd.DataFrame(
        {
            "stage_code": [code],
            "customer_class": [klass],
            "capacity_kva": [cap],
            "works_type": [works],
            "supply": [supply],
        }
    )
    lim, unit = rules.limits(frame)
    return lim[0], unit[0]


def test_g3_switches_to_5_wd_at_exactly_1000_kva(rules):
    assert limit_of(rules, "G3", cap=999) == (2, "WD")
    assert limit_of(rules, "G3", cap=1000) == (5, "WD")


def test_grid_chain_high_voltage_sums_to_16_wd(rules):
    total = sum(limit_of(rules, c, cap=500)[0] for c in ("G1", "G2", "G3", "G4", "G5", "G6", "G7", "G8"))
    assert total == 16


def test_customer_chain_is_in_calendar_days(rules):
    assert [limit_of(rules, c) for c in ("C1", "C2", "C3", "C4", "C5")] == [
        (5, "CD"),
        (5, "CD"),
        (10, "CD"),
        (7, "CD"),
        (3, "CD"),
    ]


def test_low_voltage_l2_is_whole_case_limit_minus_l1(rules):
    assert limit_of(rules, "L2", "low_nonresident", 50, "none")[0] == 3
    assert limit_of(rules, "L2", "low_nonresident", 50, "overhead")[0] == 9
    assert limit_of(rules, "L2", "low_resident", 10, "cable")[0] == 14


@pytest.mark.parametrize("limit,threshold", [(1, 1), (2, 1), (3, 1), (5, 1), (7, 2), (10, 2), (15, 3)])
def test_warning_threshold_is_max_1_and_ceil_20_percent(rules, limit, threshold):
    assert rules.warning_threshold(limit) == threshold


def test_public_profile_uses_supply_type(settings):
    public = load_rules(settings.rules_path, profile="国网公开承诺")
    assert limit_of(public, "G3", supply="dual") == (30, "WD")
    assert limit_of(public, "G3") == (15, "WD")
    assert np.isnan(limit_of(public, "G1")[0])  # the public promise sets no limit for 受理


def test_baseline_is_25_or_45_calendar_days(rules):
    assert list(rules.baseline_cd([630, 1000])) == [25, 45]


def test_supervision_levels(rules):
    cases = pd.DataFrame(
        {
            "voltage_kv": [10, 35, 10, 10, 0.4],
            "capacity_kva": [500, 500, 1000, 500, 50],
            "key_project": [True, False, False, False, False],
            "customer_class": ["high", "high", "high", "high", "low_resident"],
        }
    )
    assert list(rules.supervision_level(cases)) == [4, 4, 3, 2, 1]


def test_bad_rules_file_is_reported_clearly(tmp_path, settings):
    bad = tmp_path / "rules.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(RulesError, match="不是合法 JSON"):
        load_rules(bad)
    raw = json.loads(settings.rules_path.read_text(encoding="utf-8"))
    raw["active_profile"] = "不存在"
    bad.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(RulesError, match="不存在"):
        load_rules(bad)
