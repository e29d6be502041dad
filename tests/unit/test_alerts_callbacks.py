"""超时预警 callbacks called as plain functions on the demo database."""

from board.demo.geo import COUNTIES
from board.usecases.service import BoardService
from callbacks.alerts import export_rows, update_drill, update_heatmap, update_lists


def test_heatmap_drill_and_export(demo_settings):
    svc = BoardService(demo_settings)
    notice, crumbs, heat, search = update_heatmap(svc, None, "2026-11-20", 30, None, None, [], "overdue_open")
    trend, counts, rows, stamp = update_lists(svc, None, "2026-11-20", 30, None, None, [])
    assert notice == [] and stamp.startswith("数据截至 2026-11-20")
    z = heat.data[0].z
    n = len(COUNTIES)
    assert len(z) == n and len(z[0]) == 15  # one row per 县公司 × 15 stages
    assert len(trend.data) == n  # one weekly line per 县公司
    total = int(sum(sum(r) for r in z))
    assert total == sum(1 for r in rows if r["status_name"] == "超时")
    # click the fullest cell: the list holds exactly that many stages
    i, j = max(((i, j) for i in range(n) for j in range(15)), key=lambda ij: z[ij[0]][ij[1]])
    click = {"points": [{"x": heat.data[0].x[j], "y": heat.data[0].y[i], "z": z[i][j]}]}  # as Dash sends it
    title, drill = update_drill(svc, click, None, "2026-11-20", 30, None, None, [], "overdue_open")
    assert len(drill) == z[i][j] and f"{len(drill)} 条" in title
    csv = export_rows(drill, "csv")
    assert csv["content"].startswith("\ufeff工单号,客户,单位") and csv["filename"].endswith(".csv")
    xlsx = export_rows(drill, "xlsx")
    assert xlsx["filename"].endswith(".xlsx") and xlsx["base64"]
    assert search == "?as_of=2026-11-20&metric=overdue_open"


def test_late_rate_cell_lists_late_finished_stages(demo_settings):
    svc = BoardService(demo_settings)
    out = update_heatmap(svc, "YL-QX", "2026-11-20", 90, None, None, [], "late_rate")
    heat = out[2]
    z = heat.data[0].z
    i, j = max(((i, j) for i in range(len(z)) for j in range(15)),
               key=lambda ij: -1 if z[ij[0]][ij[1]] != z[ij[0]][ij[1]] else z[ij[0]][ij[1]])  # fmt: skip
    click = {"points": [{"x": heat.data[0].x[j], "y": heat.data[0].y[i]}]}
    _title, drill = update_drill(svc, click, "YL-QX", "2026-11-20", 90, None, None, [], "late_rate")
    assert drill and all(r["overrun"] > 0 for r in drill)


def test_hostile_filters_and_unknown_unit_give_notices(demo_settings):
    svc = BoardService(demo_settings)
    notice, *_rest, search = update_heatmap(svc, None, "2026-11-20", 30, "lv", "high", [1], "bogus", "'; DROP--")
    assert "未知的供电单位代码" in str(notice)
    assert "metric=overdue_open" in search  # an unknown metric falls back


def test_no_click_means_no_rows(demo_settings):
    title, rows = update_drill(BoardService(demo_settings), None, None, None, 30, None, None, [], "overdue_open")
    assert rows == [] and "点击" in title
