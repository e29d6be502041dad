"""The view cache's codec: large frames' text columns travel as categories and come back exactly as they were."""

import dataclasses

import numpy as np
import pandas as pd

from board.usecases import cache_codec


@dataclasses.dataclass(frozen=True)
class Holder:
    frame: pd.DataFrame
    again: pd.DataFrame
    n: int


def _frame(rows: int) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    return pd.DataFrame({
        "case_id": [f"C{i:06d}" for i in range(rows)],
        "unit_code": pd.Series(rng.choice(["YL-QX", "YL-CG", None], rows)).astype("str"),
        "started_on": pd.Timestamp("2026-11-20") + pd.to_timedelta(rng.integers(0, 90, rows), unit="D"),
        "limit_days": rng.random(rows),
        "flag": pd.Series(rng.choice([True, False, None], rows), dtype=object),
        "status": pd.Categorical(rng.choice(["normal", "overdue"], rows)),
    })  # fmt: skip


def test_a_large_frame_comes_back_equal_with_its_dtypes_and_smaller():
    frame = _frame(5000)
    assert isinstance(frame["unit_code"].dtype, pd.StringDtype) and frame["unit_code"].isna().any()
    raw = cache_codec.dumps(frame)
    back = cache_codec.loads(raw)
    pd.testing.assert_frame_equal(back, frame)
    assert back.dtypes.equals(frame.dtypes)
    assert back["flag"].map(type).tolist() == frame["flag"].map(type).tolist()  # None stays None in objects
    assert len(raw) < len(__import__("pickle").dumps(frame, protocol=5))


def test_frames_inside_values_and_shared_ones_stay_shared():
    frame = _frame(2000)
    back = cache_codec.loads(cache_codec.dumps(Holder(frame, frame, 7)))
    pd.testing.assert_frame_equal(back.frame, frame)
    assert back.again is back.frame and back.n == 7


def test_a_small_frame_and_other_values_are_plain_pickles():
    small = _frame(10)
    back = cache_codec.loads(cache_codec.dumps({"small": small, "list": [1, "a"]}))
    pd.testing.assert_frame_equal(back["small"], small)
    assert back["list"] == [1, "a"]
    assert b"_decoded" not in cache_codec.dumps(small)


def test_only_text_columns_whose_values_repeat_travel_as_categories():
    import io

    _fn, (encoded, text) = cache_codec._Pickler(io.BytesIO()).reducer_override(_frame(3000))
    assert set(text) == {"unit_code"}  # case ids are unique: factorizing them would buy nothing
    assert isinstance(encoded["unit_code"].dtype, pd.CategoricalDtype)
    assert isinstance(encoded["case_id"].dtype, pd.StringDtype)
