"""三通报 callbacks called as plain functions on the demo database."""

from board.demo.geo import COUNTIES
from board.domain.rankings import parse_period
from board.usecases.service import BoardService
from callbacks.rankings import update_options, update_ranking
from layouts.report_tables import ranking_workbook


def test_options_default_to_last_complete_period(demo_settings):
    svc = BoardService(demo_settings)
    options, value, parents = update_options(svc, "week", "2026-11-20", None)
    assert value == "2026-W46" and len(options) == 12
    assert [p["value"] for p in parents] == ["YL"] + sorted(code for code, _name in COUNTIES)
    _o, kept, _p = update_options(svc, "month", "2026-11-20", "2026-07")
    assert kept == "2026-07"
    _o, fallback, _p = update_options(svc, "month", "2026-11-20", "2099-01")
    assert fallback == "2026-10"


def test_monthly_ranking_of_stations(demo_settings):
    svc = BoardService(demo_settings)
    notice, title, text, table, bars, history, search = update_ranking(svc, "month", "2026-10", "YL-QX", None)
    assert notice == [] and "青溪县供电公司营销工作质量通报 · 2026-10" in title
    assert "排名第一" in text and "综合得分" in str(table)
    assert len(history.data) == 5 and search == "?unit=YL-QX&kind=month&label=2026-10"
    assert "/progress?unit=YL-QX-" in str(table)


def test_bad_period_and_unknown_unit_give_notices(demo_settings):
    svc = BoardService(demo_settings)
    notice, *_ = update_ranking(svc, "week", "<script>", None, None)
    assert "无法识别的周" in str(notice)
    notice, *_ = update_ranking(svc, "week", "2026-W40", "NOPE", None)
    assert "未知的供电单位代码" in str(notice)


def test_workbook_is_laid_out_as_a_report(demo_settings, tmp_path):
    import openpyxl

    svc = BoardService(demo_settings)
    period = parse_period("quarter", "2026Q3")
    data = ranking_workbook(svc.ranking(period, None), "quarter", period, "云澜市供电公司")
    path = tmp_path / "r.xlsx"
    path.write_bytes(data)
    sheet = openpyxl.load_workbook(path).active
    assert sheet["A1"].value == "云澜市供电公司营销同业对标通报"
    assert "2026Q3" in sheet["A2"].value and sheet["A5"].value == "排名"
    assert any(str(c.value or "").startswith("小结：") for row in sheet.iter_rows() for c in row)
