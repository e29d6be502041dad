"""Import is all-or-nothing with `sheet:row:column: reason` errors; export writes the same format back."""

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import func, select

from board.ingest.importer import ImportRejected, export_data, import_path
from data_access import queries
from data_access.engine import session_scope
from data_access.interchange import FileSetError
from data_access.models import Case, Stage
from tests.fixtures import CASES, STAGES, write_small


def count(svc, model):
    with session_scope(svc.engine) as s:
        return s.scalar(select(func.count()).select_from(model))


def test_valid_file_set_imports_every_row(svc, tmp_path):
    result = import_path(svc.engine, write_small(tmp_path / "ok"), svc.rules)
    assert result.written == {"units": 5, "substations": 1, "feeders": 1, "cases": 3, "stages": 9}


def test_every_bad_row_is_reported_and_nothing_is_written(svc, tmp_path):
    bad_cases = CASES.replace("H1,A1,", "H1,ZZ,").replace("2025-09-26,,F1", "2025-13-26,,F1")
    bad_cases = bad_cases.replace("0.22,10,new", "0.22,abc,new")
    bad_cases += "B1C,B,重复,low_resident,0.22,10,new,none,0,2026-03-02,,,open,郑丽娜,,,,\n"
    bad_stages = STAGES.replace("H1,G2,2024-02-02,2024-02-08", "H1,G2,2024-02-09,2024-02-08")
    bad_stages = bad_stages.replace("H1,C1,", "H1,G9,").replace("L1C,L1,", "L1C,G1,")
    bad_stages += "B1C,L2,2026-03-03,,utility,1,\nNOPE,L1,2026-03-02,,utility,1,\n"
    folder = write_small(tmp_path / "bad", cases=bad_cases, stages=bad_stages)
    with pytest.raises(ImportRejected) as err:
        import_path(svc.engine, folder, svc.rules)
    problems = err.value.problems
    expected = [
        "cases:2:unit_code: 供电单位 'ZZ' 不存在",
        "cases:3:applied_on: 日期格式错误（应为 YYYY-MM-DD）：'2025-13-26'",
        "cases:4:capacity_kva: 不是数字：'abc'",
        "cases:5:case_id: 重复的编号 'B1C'",
        "stages:3:finished_on: 完成日期早于开始日期",
        "stages:6:stage_code: 环节代码 'G9' 不适用于 high 工单",
        "stages:7:stage_code: 环节代码 'G1' 不适用于 low_nonresident 工单",
        "stages:11:stage_code: 工单 'B1C' 的环节 'L2' 重复",
        "stages:12:case_id: 工单 'NOPE' 不存在",
    ]
    for line in expected:
        assert line in problems, (line, problems)
    assert count(svc, Case) == 0 and count(svc, Stage) == 0


def test_a_fractional_or_padded_number_is_a_row_error_not_a_crash(svc, tmp_path):
    # satisfaction is typed as a nullable integer: a flagged 4.5 must not reach that cast
    cases = CASES.replace(
        "overhead,0,2025-09-26,,F1,energized,吴海波,5,", "overhead,0,2025-09-26,,F1,energized,吴海波,4.5,"
    )
    cases = cases.replace("H1,A1,甲一机械有限公司,high,10,1250", "H1,A1,甲一机械有限公司,high, 10 ,x1250")
    stages = STAGES.replace("H1,G2,2024-02-02,2024-02-08", " H1 ,G2,2024-02-02,2024-02-08")
    stages += "H1 ,G2,2024-02-02,2024-02-08,utility,1,\n"  # the same pair once stripped
    with pytest.raises(ImportRejected) as err:
        import_path(svc.engine, write_small(tmp_path / "frac", cases=cases, stages=stages), svc.rules)
    assert err.value.problems == [
        "cases:2:capacity_kva: 不是数字：'x1250'",
        "cases:3:satisfaction: 应为整数：'4.5'",
        "stages:11:stage_code: 工单 'H1' 的环节 'G2' 重复",
    ]


def test_a_missing_column_is_a_clear_error(svc, tmp_path):
    from data_access.interchange import FileSetError

    folder = write_small(tmp_path / "nocol", stages="case_id,stage_code\nH1,G1\n")
    with pytest.raises(FileSetError, match="stages: 缺少列"):
        import_path(svc.engine, folder, svc.rules)


def test_timestamps_count_by_their_shanghai_date(svc, tmp_path):
    stages = STAGES.replace("H1,G1,2024-02-01,2024-02-02", "H1,G1,2024-02-01,2024-02-01T17:30:00Z")
    import_path(svc.engine, write_small(tmp_path / "ts", stages=stages), svc.rules)
    table = svc.stage_table(pd.Timestamp("2024-03-01").date())
    # 17:30 UTC is 01:30 on Feb 2 in Shanghai
    assert table.loc[table["stage_code"] == "G1", "finished_on"].iloc[0] == pd.Timestamp("2024-02-02")


def test_reimport_replaces_a_case_and_its_stages(svc, tmp_path):
    import_path(svc.engine, write_small(tmp_path / "a"), svc.rules)
    fewer = "\n".join(line for line in STAGES.splitlines() if not line.startswith("H1,C1")) + "\n"
    import_path(svc.engine, write_small(tmp_path / "b", stages=fewer), svc.rules)
    assert count(svc, Case) == 3 and count(svc, Stage) == 8


def test_export_then_import_round_trips(svc, tmp_path, settings):
    from board.config import Settings
    from board.usecases.service import BoardService

    import_path(svc.engine, write_small(tmp_path / "src"), svc.rules)
    first = tmp_path / "export1"
    export_data(svc.engine, first)
    other = BoardService(Settings(data_dir=str(tmp_path / "other")))
    other.init_db()
    import_path(other.engine, first, other.rules)
    second = tmp_path / "export2"
    export_data(other.engine, second)
    for name in ("units", "cases", "stages", "substations", "feeders"):
        a = (first / f"{name}.csv").read_text(encoding="utf-8")
        assert a == (second / f"{name}.csv").read_text(encoding="utf-8"), name
    cases = pd.read_csv(first / "cases.csv", dtype=str, keep_default_na=False)
    original = pd.read_csv(tmp_path / "src" / "cases.csv", dtype=str, keep_default_na=False)
    assert sorted(cases["case_id"]) == sorted(original["case_id"])
    assert set(cases.loc[cases["case_id"] == "H1", "key_project"]) == {"1"}


@pytest.mark.parametrize(
    ("codec", "named"), [("gbk", "GB18030/GBK"), ("utf-8-sig", "UTF-8（带 BOM）"), ("utf-8", "UTF-8")]
)
def test_csv_saved_by_excel_in_gbk_or_with_a_bom_imports(svc, tmp_path, codec, named):
    folder = write_small(tmp_path / "src")
    for path in folder.glob("*.csv"):  # as Excel on a Chinese Windows machine would save them
        path.write_bytes(path.read_text(encoding="utf-8").encode(codec))
    result = import_path(svc.engine, folder, svc.rules)
    assert result.written["cases"] == 3 and result.encodings["cases"] == named  # (an all-ASCII file reads as UTF-8)
    with session_scope(svc.engine) as session:
        names = set(queries.fetch_cases(session, as_of=dt.date(2026, 12, 31), scope=svc.scope(None))["customer_name"])
    assert "甲一机械有限公司" in names and "王建国" in names  # the Chinese text arrived intact


def test_a_file_in_neither_encoding_is_refused_by_name(svc, tmp_path):
    folder = write_small(tmp_path / "src")
    (folder / "cases.csv").write_bytes(b"case_id\n\xff\xfe\x80\x81\xff\n")
    with pytest.raises(FileSetError, match="cases.csv: 既不是 UTF-8 也不是 GB18030/GBK"):
        import_path(svc.engine, folder, svc.rules)
