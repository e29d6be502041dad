"""A 营销系统 流程环节 export (Chinese headers and values, one row per case × stage) imports through the shipped
mapping profile; whatever the profile does not know is a row-level problem in the source's own words."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from board.ingest.importer import ImportRejected, import_path
from board.ingest.profile import PROFILES
from board.usecases.service import BoardService
from data_access import queries
from data_access.engine import session_scope

SAMPLE = PROFILES / "yingxiao-liucheng.sample.csv"
PROFILE = "yingxiao-liucheng"


@pytest.fixture
def demo_svc(demo_settings):
    return BoardService(demo_settings)


def _case(svc, case_id):
    with session_scope(svc.engine) as session:
        case = queries.fetch_case(session, case_id, scope=svc.scope(None))
        stages = queries.fetch_stages(session, as_of=dt.date(2026, 12, 31), scope=svc.scope(None), case_ids=[case_id])
    return case.iloc[0], stages.set_index("stage_code")


def _copy(tmp_path: Path, text: str, name: str = "营销导出.csv", codec: str = "utf-8-sig") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(codec))
    return path


def test_the_shipped_sample_imports_through_the_profile(demo_svc):
    result = import_path(demo_svc.engine, SAMPLE, demo_svc.rules, profile=PROFILE)
    assert result.written == {"cases": 3, "stages": 9}
    assert result.encodings == {SAMPLE.name: "UTF-8（带 BOM）"}
    case, stages = _case(demo_svc, "YX2026110001")
    assert (case["unit_code"], case["customer_class"], case["voltage_kv"], case["business_type"]) == (
        "YL-QX-01", "high", 10.0, "new")  # fmt: skip
    assert bool(case["key_project"]) and case["applied_on"] == pd_day("2026-11-02")
    assert stages.loc["G3", "finished_on"] == pd_day("2026-11-10") and stages.loc["C1", "party"] == "designer"
    low, _ = _case(demo_svc, "YX2026110002")
    assert low["works_type"] == "overhead" and low["energized_on"] == pd_day("2026-10-29")


def pd_day(text):
    import pandas as pd

    return pd.Timestamp(text)


def test_the_export_saved_in_gbk_imports(demo_svc, tmp_path):
    path = _copy(tmp_path, SAMPLE.read_text(encoding="utf-8-sig"), codec="gbk")
    result = import_path(demo_svc.engine, path, demo_svc.rules, profile=PROFILE)
    assert result.written["cases"] == 3 and result.encodings == {path.name: "GB18030/GBK"}
    assert _case(demo_svc, "YX2026110001")[0]["customer_name"] == "青溪宏达机械有限公司"


def test_xlsx_with_real_date_time_cells(demo_svc, tmp_path):
    lines = SAMPLE.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for line in lines[1:]:
        cells = line.split(",")
        for i, name in enumerate(header):
            if cells[i] and name in ("开始时间", "结束时间", "申请日期", "期望送电日期", "计划完成时间"):
                cells[i] = dt.datetime.strptime(cells[i], "%Y/%m/%d %H:%M" if " " in cells[i] else "%Y/%m/%d")
        sheet.append(cells)
    path = tmp_path / "营销导出.xlsx"
    book.save(path)
    result = import_path(demo_svc.engine, path, demo_svc.rules, profile=PROFILE)
    assert result.written == {"cases": 3, "stages": 9}
    _case_row, stages = _case(demo_svc, "YX2026110001")
    assert stages.loc["G2", "started_on"] == pd_day("2026-11-02") and stages.loc["G2", "finished_on"] == pd_day(
        "2026-11-04")  # fmt: skip


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (("现场勘查,", "现场踏勘,"), "营销导出.csv:3:环节名称: 值“现场踏勘”不在映射配置 yingxiao-liucheng 中"),
        (("备注\n", "联系电话\n"), "营销导出.csv:1:联系电话: 表头“联系电话”不在映射配置 yingxiao-liucheng 中"),
        (("溪口供电所", "溪口营业所"), "营销导出.csv:7:供电单位: 供电单位“溪口营业所”不在单位树中"),
        ((",800,", ",八百,"), "营销导出.csv:2:合同容量(kVA):"),  # the interchange check, in the source's words
    ],
    ids=["stage name", "header", "unit", "number"],
)
def test_what_the_profile_does_not_know_is_a_row_problem_and_nothing_is_written(demo_svc, tmp_path, edit, expected):
    path = _copy(tmp_path, SAMPLE.read_text(encoding="utf-8-sig").replace(*edit, 1))
    with pytest.raises(ImportRejected) as info:
        import_path(demo_svc.engine, path, demo_svc.rules, profile=PROFILE)
    assert any(line.startswith(expected) for line in info.value.problems), info.value.problems
    with session_scope(demo_svc.engine) as session:
        assert queries.case_unit(session, "YX2026110003") is None  # all or nothing


def test_an_unknown_profile_names_the_shipped_ones(demo_svc):
    from data_access.interchange import FileSetError

    with pytest.raises(FileSetError, match="yingxiao-liucheng"):
        import_path(demo_svc.engine, SAMPLE, demo_svc.rules, profile="no-such-profile")
