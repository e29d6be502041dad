"""双链进度 callbacks called as plain functions on the demo database."""

from board.usecases.service import BoardService
from callbacks.case_page import plan_workbook, render_case
from callbacks.progress import portfolio_rows, query_data, update_portfolio


def _rows(svc, query, start=0, end=500):
    return portfolio_rows(svc, query, {"startRow": start, "endRow": end, "sortModel": []})["rowData"]


def test_portfolio_for_one_county(demo_settings):
    svc = BoardService(demo_settings)
    notice, count, query, wait, parties, search = update_portfolio(
        svc, "YL-DL", "2026-11-20", ["open"], None, None, None, None, [], None, "", None
    )
    rows = _rows(svc, query)
    assert notice == [] and rows and count.startswith("共 ")
    assert count.startswith(f"共 {portfolio_rows(svc, query, {})['rowCount']:,} 件")
    assert {r["unit_name"][-3:] for r in rows} == {"供电所"}
    assert all("|" in r["strip"] for r in rows)
    assert "责任边界" in parties.layout.title.text and "工单卡在哪里" in wait.layout.title.text
    assert search == "?unit=YL-DL&as_of=2026-11-20"


def test_the_grids_first_block_asks_with_the_figures_query(demo_settings):
    # the grid keeps a first block read before the figures' answer only when both queries are the same
    svc = BoardService(demo_settings)
    filters = ("YL-QX", "2026-11-20", ["open", "energized"], None, None, "mv", "high", ["key"], None, "城", None)
    *_n, query, _w, _p, _s = update_portfolio(svc, *filters)
    first = query_data(svc, *filters[:10], None, filters[10])  # as on_rows: (…, text, requested, risk)
    assert first == query and query["from"] == "2025-11-20" and query["unit"] == "YL-QX"
    assert portfolio_rows(svc, first, {"startRow": 0, "endRow": 5}) == portfolio_rows(
        svc, query, {"startRow": 0, "endRow": 5}
    )


def test_hostile_url_values_fall_back(demo_settings):
    svc = BoardService(demo_settings)
    notice, _c, query, *_f, search = update_portfolio(
        svc, None, "2026-11-20", ["bogus"], "9999-99-99", None, None, None, [], "root", "' OR 1=1--", "' OR 1=1--"
    )
    assert "未知的供电单位代码" in str(notice) and _rows(svc, query) == []  # the literal text matches no case
    assert "party" not in search


def test_case_page_and_plan_workbook(demo_settings):
    svc = BoardService(demo_settings)
    _n, _c, query, *_ = update_portfolio(
        svc, None, "2026-11-20", ["open"], None, None, None, "high", [], None, "", None
    )
    rows = _rows(svc, query)
    body = str(render_case(svc, rows[0]["case_id"], "2026-11-20"))
    assert "阳光全程跟踪计划书" in body and "供电部门流转耗时" in body and "case-swimlanes" in body
    detail = svc.case_detail(rows[0]["case_id"], svc.as_of("2026-11-20"))
    assert plan_workbook(detail)[:2] == b"PK"
    missing = str(render_case(svc, "NO-SUCH", "2026-11-20"))
    assert "找不到工单" in missing


def test_risk_filter_and_forecast_columns(demo_settings):
    svc = BoardService(demo_settings)
    *_a, query, _w, _p, search = update_portfolio(
        svc, None, "2026-11-20", ["open"], None, None, None, None, [], None, "", None, "likely_late"
    )[1:]
    rows = _rows(svc, query)
    assert rows and all(r["risk_name"] == "可能延误" for r in rows) and "risk=likely_late" in search
    assert all(r["forecast"] and r["desired"] for r in rows)


def test_finished_cases_default_to_the_last_year(demo_settings):
    svc = BoardService(demo_settings)
    notice, _c, query, *_ = update_portfolio(
        svc, None, "2026-11-20", ["energized"], None, None, None, None, [], None, "", None
    )
    rows = _rows(svc, query)
    assert "2025-11-20 以后申请" in str(notice) and rows
    assert min(r["applied_on"] for r in rows) >= "2025-11-20"
